"""Adam (and AMSGrad) against a float64 reference of Keras 3's rule."""
import math

import numpy as np
import pytest

from neuronet.optimizers.adam import Adam
from neuronet.variables import Variable


def _run(optimizer, steps=6):
    rng = np.random.default_rng(1)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    variables = [Variable(w, name=f"w{i}") for i, w in enumerate(initial)]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in initial] for _ in range(steps)]
    for g in grads:
        optimizer.apply(g, variables)
    return [w.astype("float32").astype("float64") for w in initial], grads, variables


def _reference(initial, grads, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    weights = [w.copy() for w in initial]
    ms = [np.zeros_like(w) for w in initial]
    vs = [np.zeros_like(w) for w in initial]
    v_hats = [np.zeros_like(w) for w in initial]
    for t, step in enumerate(grads, start=1):
        alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        for w, m, v, v_hat, g in zip(weights, ms, vs, v_hats, step):
            g = g.astype("float64")
            m += (g - m) * (1 - beta_1)
            v += (g**2 - v) * (1 - beta_2)
            v_hat[...] = np.maximum(v_hat, v)
            w -= alpha * m / (np.sqrt(v_hat if amsgrad else v) + epsilon)
    return weights


@pytest.mark.parametrize("kwargs", [{}, {"amsgrad": True}, {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}])
def test_adam_matches_reference(kwargs):
    initial, grads, variables = _run(Adam(learning_rate=0.01, **kwargs))
    for variable, want in zip(variables, _reference(initial, grads, 0.01, **kwargs)):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-5, atol=1e-6)
        assert variable.dtype == np.float32


def test_keras_documented_first_step():
    # Keras's Adam docstring: loss = var ** 2 / 2 from var = 10.0 with lr 0.1 -> 9.9 after one step.
    var = Variable(10.0)
    Adam(learning_rate=0.1).apply([var.data.copy()], [var])
    assert float(var.data) == pytest.approx(9.9, abs=1e-5)


def test_slots_are_interleaved_like_keras():
    a, b = Variable(np.ones(2), name="a"), Variable(np.ones(3), name="b")
    opt = Adam(amsgrad=True)
    opt.build([a, b])
    assert [v.name for v in opt.variables] == [
        "iteration", "learning_rate", "a_momentum", "a_velocity", "b_momentum", "b_velocity",
        "a_velocity_hat", "b_velocity_hat"]
    assert all(v.dtype == np.float32 for v in opt.variables[1:])


def test_adam_defaults_match_keras():
    opt = Adam()
    config = opt.get_config()
    assert (config["beta_1"], config["beta_2"], config["epsilon"], config["amsgrad"]) == (0.9, 0.999, 1e-7, False)
    assert opt.learning_rate == pytest.approx(0.001) and opt.name == "adam"
