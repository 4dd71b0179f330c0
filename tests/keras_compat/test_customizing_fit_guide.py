"""The keras.io guide "Customizing what happens in fit()" (TensorFlow version), run as written.

The guide's code is kept as it is; only the imports change: `keras` is neuronet, and the guide's one
TensorFlow call, `tf.GradientTape`, is neuronet's `GradientTape`. The guide's closing GAN example needs
convolution layers and `tf.data`, which neuronet does not have, so it is not run here.
"""
import numpy as np
import pytest

import neuronet as keras

tf = keras  # the guide uses `tf.GradientTape()` only


def _data(seed=0, n=1000):
    rng = np.random.default_rng(seed)
    return rng.random((n, 32)), rng.random((n, 1))


def test_a_first_simple_example():
    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value
                # (the loss function is configured in `compile()`)
                loss = self.compute_loss(y=y, y_pred=y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Update metrics (includes the metric that tracks the loss)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)

            # Return a dict mapping metric names to current value
            return {m.name: m.result() for m in self.metrics}

    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # Just use `fit` as usual
    x, y = _data()
    history = model.fit(x, y, epochs=3, verbose=0)
    assert list(history.history) == ["loss", "mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    # The mae logged for the last epoch is the running mean over that epoch's batches.
    assert 0 < history.history["mae"][-1] < 1


def test_going_lower_level_metrics_property_resets_each_epoch():
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute our own loss
                loss = self.loss_fn(y, y_pred)

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Compute our own metrics
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {
                "loss": self.loss_tracker.result(),
                "mae": self.mae_metric.result(),
            }

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch
            # or at the start of `evaluate()`.
            return [self.loss_tracker, self.mae_metric]

    # Construct an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)

    # We don't pass a loss or metrics here.
    model.compile(optimizer="adam")

    # Just use `fit` as usual -- you can use callbacks, etc.
    x, y = _data()
    seen = []
    counter = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(
        float(model.loss_tracker.count.numpy())))
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[counter])
    assert list(history.history) == ["loss", "mae"]
    assert seen == [32.0] * 5  # reset at each epoch: 32 batches of 32 (the last has 8)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_supporting_sample_weight():
    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data

            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                # Compute the loss value.
                # The loss function is configured in `compile()`.
                loss = self.compute_loss(
                    y=y,
                    y_pred=y_pred,
                    sample_weight=sample_weight,
                )

            # Compute gradients
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)

            # Update weights
            self.optimizer.apply(gradients, trainable_vars)

            # Update the metrics.
            # Metrics are configured in `compile()`.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)

            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])

    # You can now use sample_weight argument
    x, y = _data()
    sw = np.random.default_rng(1).random((1000, 1))
    before = model.get_weights()
    model.fit(x, y, sample_weight=sw, epochs=3, verbose=0)
    assert not np.allclose(before[0], model.get_weights()[0])
    # Zero weights: the gradient of the weighted loss is zero, so nothing moves.
    frozen = model.get_weights()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.fit(x, y, sample_weight=np.zeros((1000, 1)), epochs=1, verbose=0)
    for a, b in zip(frozen, model.get_weights()):
        np.testing.assert_allclose(a, b)


def test_providing_your_own_evaluation_step():
    class CustomModel(keras.Model):
        def test_step(self, data):
            # Unpack the data
            x, y = data
            # Compute predictions
            y_pred = self(x, training=False)
            # Updates the metrics tracking the loss
            loss = self.compute_loss(y=y, y_pred=y_pred)
            # Update the metrics.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    # Construct an instance of CustomModel
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(loss="mse", metrics=["mae"])

    # Evaluate with our custom test_step
    x, y = _data()
    loss, mae = model.evaluate(x, y, verbose=0)
    y_pred = model.predict(x, verbose=0)
    assert mae == pytest.approx(np.mean(np.abs(y_pred - y)), rel=1e-5)
    batch_means = [np.mean((y_pred[i:i + 32] - y[i:i + 32]) ** 2) for i in range(0, 1000, 32)]
    assert loss == pytest.approx(np.mean(batch_means), rel=1e-5)  # the guide's tracker: unweighted batch mean


def test_compute_loss_and_compute_metrics_overrides_are_used_by_the_default_steps():
    class MyModel(keras.Sequential):
        def compute_loss(self, x, y, y_pred, sample_weight, training=True):
            self.calls = getattr(self, "calls", 0) + 1
            return keras.ops.mean(keras.ops.abs(y_pred - y))

        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            results = super().compute_metrics(x, y, y_pred, sample_weight)
            results["x_mean"] = float(np.mean(x.numpy() if hasattr(x, "numpy") else x))
            return results

    model = MyModel([keras.Input(shape=(32,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _data(n=64)
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    assert model.calls == 2 and list(history.history) == ["loss", "x_mean"]
    assert model.evaluate(x, y, verbose=0, return_dict=True)["loss"] == pytest.approx(
        float(np.mean(np.abs(model.predict(x, verbose=0) - y))), rel=1e-5)


def test_predict_step_override():
    class Doubled(keras.Sequential):
        def predict_step(self, data):
            x, = data
            return self(x, training=False) * 2.0

    model = Doubled([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    x = np.ones((5, 3), dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), 2 * model(x).numpy(), rtol=1e-6)
