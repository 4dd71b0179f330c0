"""Every primitive's vjp against central finite differences in float64."""
import numpy as np
import pytest

from neuronet import backend
from neuronet.autodiff import PRIMITIVES, Tensor, check_grads, grad, primitives as p


def _labels(shape, high=4):
    return np.random.default_rng(1).integers(0, high, size=shape)


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def _mask(shape):
    return np.random.default_rng(2).random(shape) > 0.5


# name -> list of (function, argument builders). Floats are drawn from [0.5, 2.0] unless the
# case says otherwise; broadcasting shapes are where vjps break, so each binary op has them.
F = "float"
CASES = {
    "add": [(p.add, [(3, 4), (4,)]), (p.add, [(2, 1, 3), (4, 1)])],
    "subtract": [(p.subtract, [(3, 4), (3, 1)]), (p.subtract, [(1,), (2, 3)])],
    "multiply": [(p.multiply, [(3, 4), (4,)]), (p.multiply, [(2, 1, 3), (4, 1)])],
    "divide": [(p.divide, [(3, 4), (3, 1)]), (p.divide, [(4,), (2, 4)])],
    "negative": [(p.negative, [(3, 4)])],
    "power": [(p.power, [(3, 4), (4,)]), (lambda x: p.power(x, 3.0), [(2, 3)])],
    "exp": [(p.exp, [(3, 4)])],
    "log": [(p.log, [(3, 4)])],
    "sqrt": [(p.sqrt, [(3, 4)])],
    "abs": [(p.abs, [("signed", (3, 4))])],
    "tanh": [(p.tanh, [("signed", (3, 4))])],
    "sigmoid": [(p.sigmoid, [("signed", (3, 4))])],
    "softplus": [(p.softplus, [("signed", (3, 4))])],
    "erf": [(p.erf, [("signed", (3, 4))])],
    "maximum": [(p.maximum, [("signed", (3, 4)), ("signed", (4,))])],
    "minimum": [(p.minimum, [("signed", (3, 4)), ("signed", (3, 1))])],
    "where": [(p.where, [("mask", (3, 4)), (3, 4), (4,)])],
    "clip": [(lambda x: p.clip(x, min_value=-0.5, max_value=0.5), [("signed", (3, 4))])],
    "cast": [(lambda x: p.cast(x, dtype=np.float64), [(3, 4)])],
    "sum": [(lambda x: p.sum(x, axis=1), [(3, 4)]), (lambda x: p.sum(x, axis=(0, 2), keepdims=True), [(2, 3, 4)]),
            (p.sum, [(3, 4)])],
    "mean": [(lambda x: p.mean(x, axis=1), [(3, 4)]), (lambda x: p.mean(x, axis=(0, 2), keepdims=True), [(2, 3, 4)]),
             (p.mean, [(3, 4)])],
    "mean_squared_difference": [(p.mean_squared_difference, [(3, 4), (3, 4)]),
                                (p.mean_squared_difference, [(5, 1), (5, 1)]),
                                (lambda x, y: p.mean_squared_difference(x, y, axis=0), [(3, 4), (4,)]),
                                (lambda x, y: p.mean_squared_difference(x, y, axis=None), [(3, 4), (3, 4)])],
    "max": [(lambda x: p.max(x, axis=-1), [(3, 4)]), (p.max, [(3, 4)])],
    "reshape": [(lambda x: p.reshape(x, shape=(4, 3)), [(3, 4)])],
    "transpose": [(p.transpose, [(3, 4)]), (lambda x: p.transpose(x, axes=(1, 2, 0)), [(2, 3, 4)])],
    "getitem": [(lambda x: p.getitem(x, index=(slice(None), [0, 2, 2])), [(3, 4)])],
    "take_along_axis": [(lambda x, i: p.take_along_axis(x, i, axis=1), [(3, 4), ("labels", (3, 2))])],
    "concatenate": [(lambda a, b: p.concatenate([a, b], axis=1), [(3, 2), (3, 4)])],
    "broadcast_to": [(lambda x: p.broadcast_to(x, shape=(3, 4)), [(1, 4)])],
    "matmul": [(p.matmul, [(2, 3), (3, 5)]), (p.matmul, [(4, 2, 3), (3, 5)]), (p.matmul, [(3,), (3, 2)])],
    "dense": [(lambda x, w, b: p.dense(x, w, b, activation=a), [("signed", (5, 3)), ("signed", (3, 4)), (4,)])
              for a in ("linear", "relu", "tanh", "sigmoid")]
    + [(lambda x, w: p.dense(x, w, None, activation="linear"), [(2, 5, 3), ("signed", (3, 4))])],
    "log_softmax": [(p.log_softmax, [("signed", (3, 4))]), (lambda x: p.log_softmax(x, axis=0), [(3, 4)])],
    "softmax": [(p.softmax, [("signed", (3, 4))])],
    "scale_shift": [(p.scale_shift, [("signed", (3, 4)), (4,), ("signed", (4,))]),
                    (p.scale_shift, [("signed", (2, 3, 4)), (3, 1), (1,)])],
    # batch norm (statistics over the batch axes, gamma/beta per channel) and layer norm (over the last axes)
    "moments_normalization": [
        (lambda x, g, b: p.moments_normalization(x, g, b, axes=(0,), epsilon=1e-3), [("signed", (5, 3)), (3,), (3,)]),
        (lambda x, g, b: p.moments_normalization(x, g, b, axes=(0, 2), epsilon=1e-3, param_shape=(1, 3, 1)),
         [("signed", (4, 3, 2)), (3,), ("signed", (3,))]),
        (lambda x, g, b: p.moments_normalization(x, g, b, axes=(-1,), epsilon=1e-3), [("signed", (4, 5)), (5,), (5,)]),
        (lambda x: p.moments_normalization(x, None, None, axes=(1, 2), epsilon=1e-5), [("signed", (3, 2, 4))]),
        (lambda x, g: p.moments_normalization(x, g, None, axes=(0,), epsilon=1e-3,
                                              **dict(zip(("mean", "variance"), p.moments(_raw(x), (0,))))),
         [("signed", (6, 2)), (2,)]),  # statistics passed in, as BatchNormalization does
    ],
    "sparse_softmax_cross_entropy": [(p.sparse_softmax_cross_entropy, [("signed", (5, 4)), ("labels", (5,))])],
}


def _build(spec, rng):
    kind, shape = spec if isinstance(spec[0], str) else (F, spec)
    if kind == "labels":
        return _labels(shape)
    if kind == "mask":
        return _mask(shape)
    low = -2.0 if kind == "signed" else 0.5
    return rng.uniform(low, 2.0, size=shape)


def _cases():
    for name, cases in CASES.items():
        for i, (fn, specs) in enumerate(cases):
            yield pytest.param(fn, specs, id=f"{name}-{i}")


@pytest.mark.parametrize("fn, specs", _cases())
def test_vjp_matches_finite_differences(fn, specs):
    rng = np.random.default_rng(0)
    check_grads(fn, *[_build(s, rng) for s in specs])


def test_every_primitive_is_gradient_checked():
    assert set(PRIMITIVES) == set(CASES)


def test_check_grads_catches_a_wrong_vjp():
    from neuronet.autodiff import primitive

    @primitive
    def wrong_square(x):
        return x * x, lambda g: (g * x,)  # missing the factor 2

    PRIMITIVES.pop("wrong_square")
    with pytest.raises(AssertionError, match="wrong_square"):
        check_grads(wrong_square, np.array([1.0, 2.0]))


# Primitives compute on device arrays (`backend.asarray`), as the layers feed them; on a GPU (or the strict test
# backend) a host array may not meet them, so these tests move their inputs there and read results back.
def test_gradient_accumulates_over_shared_inputs():
    x = Tensor(backend.asarray(np.array([3.0])), requires_grad=True)
    y = x * x + x * 2.0  # x used three times
    assert backend.to_numpy(grad(y.sum(), [x])[0]) == pytest.approx([8.0])


def test_unused_gradient_is_not_computed_for_constant_input():
    calls = []
    from neuronet.autodiff import primitive

    @primitive
    def spy(x, w):
        def vjp(g):
            return (lambda: calls.append("x") or g), (lambda: calls.append("w") or g)
        return x + w, vjp

    PRIMITIVES.pop("spy")
    w = Tensor(np.ones(2), requires_grad=True)
    grad(spy(np.ones(2), w).sum(), [w])
    assert calls == ["w"]


def test_no_grad_records_nothing():
    from neuronet.autodiff import no_grad

    x = Tensor(np.ones(2), requires_grad=True)
    with no_grad():
        y = x * 2.0
    assert not y.requires_grad and y.parents == ()


def test_log_softmax_is_finite_for_huge_logits():
    out = p.log_softmax(backend.asarray(np.array([[1000.0, 0.0, -1000.0]], dtype=np.float32))).numpy()
    assert np.all(np.isfinite(out[:, :2])) and out[0, 0] == 0.0


def test_sigmoid_and_softplus_do_not_overflow():
    x = backend.asarray(np.array([-1000.0, 0.0, 1000.0], dtype=np.float32))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.allclose(p.sigmoid(x).numpy(), [0.0, 0.5, 1.0])
        assert np.allclose(p.softplus(x).numpy(), [0.0, np.log(2.0), 1000.0])


def test_deep_chain_does_not_hit_recursion_limit():
    x = Tensor(backend.asarray(np.array([1.0])), requires_grad=True)
    y = x
    for _ in range(5000):
        y = y + 1.0
    assert backend.to_numpy(grad(y.sum(), [x])[0]) == pytest.approx([1.0])


def test_shared_input_reached_by_paths_of_different_depth():
    # x feeds a deep path and a shallow one; the reverse pass must wait for both.
    rng = np.random.default_rng(0)
    w, mask = backend.asarray(rng.normal(size=(3, 4))), backend.asarray(np.ones((2, 4), bool))
    check_grads(lambda x: p.where(mask, p.matmul(x, w), p.exp(p.minimum(p.matmul(x, w), 0.0))),
                rng.normal(size=(2, 3)))
    check_grads(lambda x: p.add(p.tanh(p.tanh(p.tanh(x))), x), rng.normal(size=(2, 3)))
