"""SGD against a float64 reference of Keras 3's rule, and Keras's documented numbers."""
import numpy as np
import pytest

from neuronet.optimizers.sgd import SGD
from neuronet.variables import Variable


def _run(optimizer, steps=5):
    """Applies `steps` random gradients to two float32 variables; returns (w0, grads, final weights)."""
    rng = np.random.default_rng(0)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    variables = [Variable(w, name=f"w{i}") for i, w in enumerate(initial)]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in initial] for _ in range(steps)]
    for g in grads:
        optimizer.apply(g, variables)
    return [w.astype("float32").astype("float64") for w in initial], grads, [v.numpy() for v in variables]


def _reference(initial, grads, lr, momentum=0.0, nesterov=False):
    weights = [w.copy() for w in initial]
    velocities = [np.zeros_like(w) for w in initial]
    for step in grads:
        for w, v, g in zip(weights, velocities, step):
            g = g.astype("float64")
            if momentum == 0:
                w -= lr * g
                continue
            v[...] = momentum * v - lr * g
            w += momentum * v - lr * g if nesterov else v
    return weights


@pytest.mark.parametrize("momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True), (0.5, True)])
def test_sgd_matches_reference(momentum, nesterov):
    initial, grads, final = _run(SGD(learning_rate=0.05, momentum=momentum, nesterov=nesterov))
    for got, want in zip(final, _reference(initial, grads, 0.05, momentum, nesterov)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        assert got.dtype == np.float32


def test_keras_documented_momentum_steps():
    # Keras's SGD docstring: loss = var ** 2 / 2 from var = 1.0 with lr 0.1, momentum 0.9 -> steps 0.1 then 0.18.
    var = Variable(1.0)
    opt = SGD(learning_rate=0.1, momentum=0.9)
    values = [1.0]
    for _ in range(2):
        opt.apply([var.data.copy()], [var])
        values.append(float(var.data))
    np.testing.assert_allclose([values[0] - values[1], values[1] - values[2]], [0.1, 0.18], rtol=1e-6)


def test_plain_sgd_is_in_place_and_has_no_slots():
    w = Variable(np.ones((2, 2)), name="kernel")
    buffer = w.data
    opt = SGD(learning_rate=0.5)
    opt.apply([np.ones((2, 2), dtype="float32")], [w])
    assert w.data is buffer and w.dtype == np.float32
    np.testing.assert_array_equal(w.numpy(), np.full((2, 2), 0.5, dtype="float32"))
    assert [v.name for v in opt.variables] == ["iteration", "learning_rate"]


def test_momentum_slots_follow_keras_naming():
    w = Variable(np.ones(2), name="kernel")
    w.path = "sequential/dense/kernel"
    opt = SGD(momentum=0.9)
    opt.build([w])
    assert [v.path for v in opt.variables] == [
        "SGD/iteration", "SGD/learning_rate", "SGD/sequential_dense_kernel_momentum"]
    assert opt.variables[2].dtype == np.float32 and not opt.variables[2].trainable


@pytest.mark.parametrize("momentum", [-0.1, 1.5, "0.9"])
def test_invalid_momentum_raises(momentum):
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=momentum)


def test_sgd_defaults_match_keras():
    opt = SGD()
    assert opt.learning_rate == pytest.approx(0.01) and opt.momentum == 0.0 and opt.nesterov is False
    assert opt.name == "SGD"
