"""The compiled step gives the eager step's results, and what it cannot trace falls back visibly."""
import logging

import numpy as np
import pytest

import neuronet as keras
from neuronet import compile as compile_module
from neuronet.utils import random as nn_random

RNG = np.random.default_rng(7)
X_IMG = RNG.random((250, 28, 28), dtype=np.float32)  # 250 rows at batch 32: a last batch of 26 gets its own plan
Y_CLS = RNG.integers(0, 10, 250)
X_REG = RNG.normal(size=(250, 8)).astype("float32")
Y_REG = (X_REG[:, :1] * 2 + X_REG[:, 1:2] ** 2).astype("float32").ravel()


def _train_both(build, x, y, epochs=3, **fit_kwargs):
    """Builds, compiles and fits the same model eagerly and compiled from the same seed."""
    results = {}
    for jit in (False, "auto"):
        nn_random.set_random_seed(3)
        model = build(jit)
        history = model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, **fit_kwargs)
        results[jit] = (model, history.history)
    return results[False], results["auto"]


def _assert_same(eager, compiled, rtol=1e-5, atol=1e-6):
    for a, b in zip(eager[0].get_weights(), compiled[0].get_weights()):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    for key, values in eager[1].items():
        np.testing.assert_allclose(compiled[1][key], values, rtol=1e-4)


def _classifier(optimizer):
    def build(jit):
        # the chapter's Fashion-MNIST classifier
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(300, activation="relu"), keras.layers.Dense(100, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer(), metrics=["accuracy"],
                      jit_compile=jit)
        return model
    return build


@pytest.mark.parametrize("optimizer", [
    lambda: keras.optimizers.SGD(0.05),
    lambda: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    lambda: keras.optimizers.Adam(0.01),
    lambda: keras.optimizers.RMSprop(0.01, momentum=0.5),
], ids=["sgd", "nesterov", "adam", "rmsprop"])
def test_classifier_matches_eager(optimizer):
    eager, compiled = _train_both(_classifier(optimizer), X_IMG, Y_CLS)
    _assert_same(eager, compiled)
    assert eager[0].evaluate(X_IMG, Y_CLS, verbose=0) == pytest.approx(compiled[0].evaluate(X_IMG, Y_CLS, verbose=0))
    np.testing.assert_allclose(compiled[0].predict(X_IMG, verbose=0), eager[0].predict(X_IMG, verbose=0), rtol=1e-5)


def test_chapter_housing_regressor_matches_eager():
    def build(jit):
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(30, activation="relu"), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.01), jit_compile=jit)
        return model
    eager, compiled = _train_both(build, X_REG, Y_REG, validation_split=0.1)
    _assert_same(eager, compiled)
    np.testing.assert_allclose(compiled[0].predict(X_REG, verbose=0), eager[0].predict(X_REG, verbose=0), rtol=1e-5)


def test_regressor_with_class_and_sample_weights_dropout_and_regularizers():
    def build(jit):
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(30, activation="relu",
                                                                        kernel_regularizer="l2"),
                                  keras.layers.Dropout(0.3), keras.layers.Dense(1, bias_regularizer="l1")])
        model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.01, momentum=0.9), jit_compile=jit,
                      metrics=["mae"])
        return model
    weights = RNG.random(250).astype("float32")
    _assert_same(*_train_both(build, X_REG, Y_REG, sample_weight=weights, validation_split=0.2))
    classes = _classifier(lambda: keras.optimizers.Adam(0.01))
    _assert_same(*_train_both(classes, X_IMG, Y_CLS, class_weight={k: 1.0 + k / 10 for k in range(10)}))


def _wide_and_deep(jit):
    wide = keras.Input((5,), name="wide")
    deep = keras.Input((6,), name="deep")
    hidden = keras.layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L1L2(1e-3, 1e-3))(deep)
    hidden = keras.layers.Dropout(0.2)(hidden)
    hidden = keras.layers.Dense(16, activation="tanh")(hidden)
    concat = keras.layers.Concatenate()([wide, hidden])
    main = keras.layers.Dense(1, name="main")(concat)
    aux = keras.layers.Dense(1, name="aux")(hidden)
    model = keras.Model(inputs=[wide, deep], outputs=[main, aux])
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=keras.optimizers.Adam(0.01),
                  metrics=[["mse"], ["mae"]], jit_compile=jit)
    return model


def test_functional_wide_and_deep_two_outputs_matches_eager():
    x = [X_REG[:, :5], X_REG[:, 2:]]
    y = [Y_REG, Y_REG * 0.5]
    _assert_same(*_train_both(_wide_and_deep, x, y))
    _assert_same(*_train_both(_wide_and_deep, x, y, sample_weight=RNG.random(250).astype("float32")))


def test_compiled_step_is_used_and_plans_each_batch_shape():
    model = _classifier(lambda: keras.optimizers.SGD(0.05))("auto")
    step = compile_module.for_model(model)
    assert step is not None and step.train_ok
    model._start()
    model.reset_metrics()
    logs = step.train(X_IMG[:32], Y_CLS[:32], None)
    assert set(logs) == {"loss", "accuracy"} and step.train(X_IMG[:26], Y_CLS[:26], None) is not None
    assert sorted(plan.shapes[plan.graph.inputs[0]][0] for plan in step.plans.values()) == [26, 32]


class Doubler(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


class OwnStep(keras.Sequential):
    def train_step(self, data):
        return super().train_step(data)


@pytest.mark.parametrize("case", ["custom_layer", "custom_train_step", "unsupported_loss"])
def test_untraceable_models_fall_back_visibly_and_train_as_eager(case, caplog):
    def build(jit):
        layers = [keras.Input((8,)), keras.layers.Dense(4, activation="relu")]
        layers += [Doubler()] if case == "custom_layer" else []
        model = (OwnStep if case == "custom_train_step" else keras.Sequential)(layers + [keras.layers.Dense(1)])
        model.compile(loss="mae" if case == "unsupported_loss" else "mse", optimizer="sgd", jit_compile=jit)
        return model
    with caplog.at_level(logging.DEBUG, logger="neuronet"):
        eager, compiled = _train_both(build, X_REG, Y_REG, epochs=2)
    reasons = {"custom_layer": "Doubler", "custom_train_step": "train_step", "unsupported_loss": "loss 'mae'"}
    assert any("falls back" in r.message and reasons[case] in r.message for r in caplog.records), caplog.text
    for a, b in zip(eager[0].get_weights(), compiled[0].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_jit_compile_is_validated():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="jit_compile"):
        model.compile(loss="mse", jit_compile="xla")
    model.compile(loss="mse", jit_compile=False)
    assert compile_module.for_model(model) is None
    model.compile(loss="mse", run_eagerly=True)
    assert compile_module.for_model(model) is None


def test_normalization_and_rescaling_are_traced_and_match_eager():
    """The current edition's model (Normalization first) and a Rescaling between Dense layers (gradient through it)."""
    x_raw = (X_REG * [1, 10, 100, 0.1, 1, 5, 50, 2] + [0, 5, -100, 1, 0, 0, 30, -2]).astype("float32")

    def build(jit):
        norm = keras.layers.Normalization(input_shape=(8,))
        model = keras.Sequential([norm, keras.layers.Dense(16, activation="relu"), keras.layers.Rescaling(0.5, 0.1),
                                  keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.01), metrics=["RootMeanSquaredError"],
                      jit_compile=jit)
        norm.adapt(x_raw)
        return model

    assert [op.kind for op in compile_module.graph.trace(build(True)).ops] == ["affine", "dense", "affine", "dense",
                                                                             "dense"]
    eager, compiled = _train_both(build, x_raw, Y_REG)
    _assert_same(eager, compiled)
    np.testing.assert_allclose(compiled[0].predict(x_raw, verbose=0), eager[0].predict(x_raw, verbose=0), rtol=1e-5)


def test_compiled_predict_calls_batch_hooks_with_the_outputs():
    model = _classifier(lambda: keras.optimizers.SGD(0.05))("auto")
    seen = []

    class Watch(keras.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            seen.append(logs["outputs"].shape)

    out = model.predict(X_IMG[:40], batch_size=32, verbose=0, callbacks=[Watch()])
    assert seen == [(32, 10), (8, 10)]
    np.testing.assert_allclose(out, model.predict(X_IMG[:40], batch_size=32, verbose=0))
