import numpy as np
import pytest

import neuronet as keras


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([1.0, -1.0, 2.0])).astype("float32")


def _model(optimizer=None):
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    return model


def _lr_at_epoch_begin(model, seen):
    return keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(float(model.optimizer.learning_rate)))


def test_two_argument_schedule_sets_the_rate_each_epoch_and_logs_it():
    model = _model()
    seen = []
    scheduler = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr)
    x, y = _data()
    history = model.fit(x, y, epochs=4, callbacks=[scheduler, _lr_at_epoch_begin(model, seen)], verbose=0)
    expected = [0.1, 0.05, 0.025, 0.0125]
    np.testing.assert_allclose(seen, expected, rtol=1e-6)
    np.testing.assert_allclose(history.history["learning_rate"], expected, rtol=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.0125, rel=1e-6)


def test_book_one_argument_schedule():
    def exponential_decay(lr0, s):
        def exponential_decay_fn(epoch):
            return lr0 * 0.1 ** (epoch / s)
        return exponential_decay_fn

    model = _model(keras.optimizers.Adam())
    x, y = _data()
    history = model.fit(x, y, epochs=3, verbose=0,
                        callbacks=[keras.callbacks.LearningRateScheduler(exponential_decay(lr0=0.01, s=20))])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01 * 0.1 ** (e / 20) for e in range(3)],
                               rtol=1e-6)


def test_the_optimizer_uses_the_scheduled_rate():
    model = _model()
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)  # builds everything
    before = model.get_weights()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.LearningRateScheduler(lambda epoch: 0.0)])
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_schedule_returning_a_non_number_is_rejected():
    x, y = _data()
    with pytest.raises(ValueError, match=r"The output of the `schedule` function should be a float. Got: 'fast'"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.LearningRateScheduler(lambda e: "fast")])


def test_schedule_must_be_callable():
    with pytest.raises(TypeError, match="`schedule` must be a function"):
        keras.callbacks.LearningRateScheduler(0.01)


def test_numpy_and_int_results_are_accepted(capsys):
    model = _model()
    x, y = _data()
    history = model.fit(x, y, epochs=2, verbose=0, callbacks=[
        keras.callbacks.LearningRateScheduler(lambda e, lr: np.float32(0.5) if e else 1, verbose=1)])
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 0.5])
    assert "Epoch 2: LearningRateScheduler setting learning rate to 0.5." in capsys.readouterr().out
