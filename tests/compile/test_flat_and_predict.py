"""The compiled step's flat buffers (weights, optimizer slots, gradients) and `predict` writing into its result."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import compile as compile_module
from neuronet.compile import updates

RNG = np.random.default_rng(11)
X = RNG.normal(size=(100, 8)).astype("float32")
Y = (X[:, :1] * 2 - X[:, 1:2]).astype("float32")


def _mlp(jit="auto", optimizer=None):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(0.05, momentum=0.9), loss="mse", jit_compile=jit)
    return model


def test_weights_slots_and_gradients_live_in_one_buffer_each():
    model = _mlp()
    model.fit(X[:32], Y[:32], batch_size=32, epochs=1, verbose=0)  # builds the model and the optimizer
    model._start()
    step = compile_module.for_model(model)
    assert step.train(X[:32], Y[:32], None) is not None
    xp, updater = keras.backend.xp, step.updater
    variables = model.trainable_weights
    assert updater.weights.shape == (sum(int(np.prod(v.shape)) for v in variables),)
    assert all(xp.shares_memory(v.data, updater.weights) for v in variables)
    assert all(xp.shares_memory(m.data, updater.slots[0]) for m in model.optimizer.momentums)
    plan = next(iter(step.plans.values()))
    assert plan.flat_grads.shape == updater.weights.shape
    assert all(xp.shares_memory(plan.variable_grads[id(v)], plan.flat_grads) for v in variables)


def test_replaced_variable_arrays_are_moved_back_in_and_training_matches_eager():
    eager, compiled = _mlp(False), _mlp()
    for model in (eager, compiled):
        model.fit(X, Y, batch_size=32, epochs=1, verbose=0, shuffle=False)
        kernel = model.layers[0].kernel
        kernel.data = kernel.data * 0.5  # a fresh array, outside any flat buffer
        model.fit(X, Y, batch_size=32, epochs=2, verbose=0, shuffle=False)
    for a, b in zip(eager.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_flatten_into_refuses_mixed_dtypes():
    a, b = keras.Variable(np.ones(2), dtype="float32"), keras.Variable(np.ones(2), dtype="float64")
    before = a.data
    assert updates.flatten_into([a, b], keras.backend.xp) is None and a.data is before


def test_a_nonfinite_update_is_refused_by_the_flat_check():
    model = _mlp(optimizer=keras.optimizers.SGD(1e30))
    model.build((None, 8))
    before = model.get_weights()
    with pytest.warns(RuntimeWarning, match="became (nan|inf)"):  # a finite loss (~1e20); gradients * 1e30 overflow
        model.fit(X * 1e9, Y, batch_size=32, epochs=1, verbose=0)
    assert model.stop_training
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(b, a)  # the first update was the bad one: nothing applied


def _two_outputs(jit):
    keras.utils.set_random_seed(2)
    inputs = keras.Input((8,))
    hidden = keras.layers.Dense(6, activation="tanh")(inputs)
    passed = keras.layers.Dropout(0.3)(hidden)  # a view of `hidden` at inference: copied into its result
    main = keras.layers.Dense(3, activation="softmax")(hidden)
    model = keras.Model(inputs, [main, passed])
    model.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"], jit_compile=jit)
    return model


@pytest.mark.parametrize("steps", [None, 2])
def test_predict_writes_each_output_in_place_and_matches_eager(steps):
    compiled, eager = _two_outputs("auto"), _two_outputs(False)
    eager.set_weights(compiled.get_weights())
    got = compiled.predict(X, batch_size=32, verbose=0, steps=steps)
    want = eager.predict(X, batch_size=32, verbose=0, steps=steps)
    rows = 100 if steps is None else 64
    assert [g.shape for g in got] == [(rows, 3), (rows, 6)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


def test_predict_from_a_generator_gathers_batches():
    model = _mlp()
    step = compile_module.for_model(model)
    assert step.predict_all(keras.trainers.data_adapters.get_data_adapter(
        (X[i:i + 32] for i in range(0, 100, 32)), None, None, 32, None)) is None  # row count unknown
    batches = model.predict((X[i:i + 32] for i in range(0, 100, 32)), verbose=0)
    np.testing.assert_allclose(batches, model.predict(X, verbose=0), rtol=1e-6)


def test_predict_sees_weights_set_between_calls():
    model = _mlp()
    first = model.predict(X, verbose=0)
    model.set_weights([w * 2 for w in model.get_weights()])
    assert not np.allclose(model.predict(X, verbose=0), first)
    eager = _mlp(False)
    eager.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(X, verbose=0), eager.predict(X, verbose=0), rtol=1e-6)
