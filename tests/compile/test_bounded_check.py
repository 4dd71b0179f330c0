"""The finiteness check before each compiled update: a large kernel's gradient bounded instead of read."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import compile as compile_module

RNG = np.random.default_rng(3)
X = RNG.random((96, 256)).astype("float32")  # a wide input: the first kernel (256 x 128) outgrows its operands
Y = RNG.integers(0, 4, 96)


def _model(jit="auto", optimizer=None, regularizer=None):
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((256,)),
                              keras.layers.Dense(128, activation="relu", kernel_regularizer=regularizer),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit)
    return model


def _plan(model):
    model.fit(X[:32], Y[:32], batch_size=32, epochs=1, verbose=0, shuffle=False)
    model._start()
    step = compile_module.for_model(model)
    assert step.train(X[:32], Y[:32], None) is not None
    return step, next(iter(step.plans.values()))


def _matches_eager(optimizer=None, regularizer=None):
    eager, compiled = (_model(jit, optimizer and optimizer(), regularizer) for jit in (False, "auto"))
    for model in (eager, compiled):
        model.fit(X, Y, batch_size=32, epochs=3, verbose=0, shuffle=False)
    for a, b in zip(eager.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)


def test_the_large_kernel_gradient_is_bounded_not_read():
    step, plan = _plan(_model())
    first, second = (k for k in plan.kernels if k.op.kind == "dense")
    assert first.bounded and not second.bounded  # 256 x 128 > 2 * 32 * 384; 128 x 4 is not
    assert plan.check_ranges == [(256 * 128, plan.flat_grads.size)]
    x, g = first.pending
    bound = first.gradient_bound()
    assert np.abs(x.T @ g).max() <= bound < plan.limit
    assert plan.gradients_total() == pytest.approx(float(plan.flat_grads[256 * 128:].sum(dtype="float64")), rel=1e-4)
    _matches_eager()
    _matches_eager(optimizer=lambda: keras.optimizers.Adam(1e-3))


def test_a_bound_too_large_reads_the_gradient():
    step, plan = _plan(_model())
    plan.limit = 0.0  # every bound fails: the whole flat gradient is read
    assert plan.gradients_total() == pytest.approx(float(plan.flat_grads.sum(dtype="float64")), rel=1e-4)


def test_a_regularized_kernel_is_not_bounded():
    step, plan = _plan(_model(regularizer=keras.regularizers.L2(0.01)))
    assert not plan.bounded and plan.check_ranges == [(0, plan.flat_grads.size)]
    _matches_eager(regularizer=keras.regularizers.L2(0.01))


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_a_nonfinite_operand_makes_the_bounded_gradient_read(bad):
    step, plan = _plan(_model())
    first = plan.bounded[0]
    start, stop = first.range
    x, g = first.pending
    plan.flat_grads[start] = bad  # as the gradient of a non-finite operand would be
    assert np.isfinite(plan.gradients_total())  # the operands are finite: the bound stands, the gradient is not read
    x = x.copy()
    x[3, 5] = bad
    first.pending = (x, g)
    assert not np.isfinite(first.gradient_bound())
    assert not np.isfinite(plan.gradients_total())  # read, and refused by the check


def test_nonfinite_inputs_leave_the_weights_as_they_were():
    step, plan = _plan(_model())
    before = [w.copy() for w in step.model.get_weights()]
    x = X[32:64].copy()
    x[3, 5] = np.inf
    with np.errstate(all="ignore"):
        step.train(x, Y[32:64], None)
    for a, b in zip(before, step.model.get_weights()):
        np.testing.assert_array_equal(b, a)
