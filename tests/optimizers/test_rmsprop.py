"""RMSprop (plain, centered, with momentum) against a float64 reference of Keras 3's rule."""
import numpy as np
import pytest

from neuronet.optimizers.rmsprop import RMSprop
from neuronet.variables import Variable


def _run(optimizer, steps=6):
    rng = np.random.default_rng(2)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    variables = [Variable(w, name=f"w{i}") for i, w in enumerate(initial)]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in initial] for _ in range(steps)]
    for g in grads:
        optimizer.apply(g, variables)
    return [w.astype("float32").astype("float64") for w in initial], grads, variables


def _reference(initial, grads, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    weights = [w.copy() for w in initial]
    state = [[np.zeros_like(w) for _ in range(3)] for w in initial]  # velocity, momentum, average gradient
    for step in grads:
        for w, (velocity, mom, average), g in zip(weights, state, step):
            g = g.astype("float64")
            velocity[...] = rho * velocity + (1 - rho) * g**2
            average[...] = rho * average + (1 - rho) * g
            denominator = velocity - average**2 + epsilon if centered else velocity + epsilon
            increment = lr * g / np.sqrt(denominator)
            if momentum > 0:
                mom[...] = momentum * mom + increment
                w -= mom
            else:
                w -= increment
    return weights


@pytest.mark.parametrize("kwargs", [{}, {"centered": True}, {"momentum": 0.9}, {"momentum": 0.5, "centered": True},
                                    {"rho": 0.5, "epsilon": 1e-3}])
def test_rmsprop_matches_reference(kwargs):
    initial, grads, variables = _run(RMSprop(learning_rate=0.01, **kwargs))
    for variable, want in zip(variables, _reference(initial, grads, 0.01, **kwargs)):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-5, atol=1e-6)
        assert variable.dtype == np.float32


def test_keras_documented_first_step():
    # Keras's RMSprop docstring: loss = var ** 2 / 2 from var = 10.0 with lr 0.1 -> 9.683772.
    var = Variable(10.0)
    RMSprop(learning_rate=0.1).apply([var.data.copy()], [var])
    assert float(var.data) == pytest.approx(9.683772, abs=1e-5)


def test_slot_order_follows_keras():
    a, b = Variable(np.ones(2), name="a"), Variable(np.ones(3), name="b")
    opt = RMSprop(momentum=0.9, centered=True)
    opt.build([a, b])
    assert [v.name for v in opt.variables] == [
        "iteration", "learning_rate", "a_velocity", "b_velocity", "a_momentum", "b_momentum",
        "a_average_gradient", "b_average_gradient"]
    assert [v.name for v in RMSprop(name="r").variables] == ["iteration", "learning_rate"]


def test_rmsprop_defaults_match_keras():
    config = RMSprop().get_config()
    assert (config["rho"], config["momentum"], config["epsilon"], config["centered"]) == (0.9, 0.0, 1e-7, False)
    assert config["learning_rate"] == pytest.approx(0.001) and config["name"] == "rmsprop"
