"""Nadam against a float64 reference of Keras 3's rule."""
import numpy as np
import pytest

from neuronet.optimizers.nadam import Nadam
from neuronet.variables import Variable


def _run(optimizer, steps=6):
    rng = np.random.default_rng(4)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    variables = [Variable(w, name=f"w{i}") for i, w in enumerate(initial)]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in initial] for _ in range(steps)]
    for g in grads:
        optimizer.apply(g, variables)
    return [w.astype("float32").astype("float64") for w in initial], grads, variables


def _reference(initial, grads, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    weights = [w.copy() for w in initial]
    ms = [np.zeros_like(w) for w in initial]
    vs = [np.zeros_like(w) for w in initial]
    u_product = 1.0
    for t, step in enumerate(grads, start=1):
        u_t = beta_1 * (1 - 0.5 * 0.96**t)
        u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product *= u_t
        for w, m, v, g in zip(weights, ms, vs, step):
            g = g.astype("float64")
            m += (g - m) * (1 - beta_1)
            v += (g**2 - v) * (1 - beta_2)
            m_hat = u_t_1 * m / (1 - u_product * u_t_1) + (1 - u_t) * g / (1 - u_product)
            v_hat = v / (1 - beta_2**t)
            w -= lr * m_hat / (np.sqrt(v_hat) + epsilon)
    return weights


@pytest.mark.parametrize("kwargs", [{}, {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}])
def test_nadam_matches_reference(kwargs):
    initial, grads, variables = _run(Nadam(learning_rate=0.01, **kwargs))
    for variable, want in zip(variables, _reference(initial, grads, 0.01, **kwargs)):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-5, atol=1e-6)
        assert variable.dtype == np.float32


def test_first_step_by_hand():
    # t = 1, g = 10: u_t = 0.9 * 0.52, u_t_1 = 0.9 * (1 - 0.5 * 0.9216), m = 1, v = 0.1, v_hat = 100.
    u_t, u_t_1 = 0.9 * 0.52, 0.9 * (1 - 0.5 * 0.9216)
    m_hat = u_t_1 * 1.0 / (1 - u_t * u_t_1) + (1 - u_t) * 10.0 / (1 - u_t)
    var = Variable(10.0)
    Nadam(learning_rate=0.2).apply([var.data.copy()], [var])
    assert float(var.data) == pytest.approx(10.0 - 0.2 * m_hat / (10.0 + 1e-7), abs=1e-5)


def test_u_product_is_tracked_last_and_updated_once_per_step():
    a, b = Variable(np.ones(2), name="a"), Variable(np.ones(3), name="b")
    opt = Nadam()
    for _ in range(2):
        opt.apply([np.ones(2, "float32"), np.ones(3, "float32")], [a, b])
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate", "a_momentum", "a_velocity", "b_momentum", "b_velocity",
                     "u_product"]
    expected = 0.9 * (1 - 0.5 * 0.96) * 0.9 * (1 - 0.5 * 0.96**2)
    assert float(opt.variables[-1].data) == pytest.approx(expected, rel=1e-6)
