"""Adagrad against a float64 reference of Keras 3's rule."""
import numpy as np
import pytest

from neuronet.optimizers.adagrad import Adagrad
from neuronet.variables import Variable


def _run(optimizer, steps=6):
    rng = np.random.default_rng(3)
    initial = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    variables = [Variable(w, name=f"w{i}") for i, w in enumerate(initial)]
    grads = [[rng.normal(size=w.shape).astype("float32") for w in initial] for _ in range(steps)]
    for g in grads:
        optimizer.apply(g, variables)
    return [w.astype("float32").astype("float64") for w in initial], grads, variables


def _reference(initial, grads, lr, initial_accumulator_value=0.1, epsilon=1e-7):
    weights = [w.copy() for w in initial]
    accumulators = [np.full_like(w, initial_accumulator_value) for w in initial]
    for step in grads:
        for w, accumulator, g in zip(weights, accumulators, step):
            g = g.astype("float64")
            accumulator += g**2
            w -= lr * g / np.sqrt(accumulator + epsilon)
    return weights


@pytest.mark.parametrize("kwargs", [{}, {"initial_accumulator_value": 1.0, "epsilon": 1e-3}])
def test_adagrad_matches_reference(kwargs):
    initial, grads, variables = _run(Adagrad(learning_rate=0.05, **kwargs))
    for variable, want in zip(variables, _reference(initial, grads, 0.05, **kwargs)):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-5, atol=1e-6)
        assert variable.dtype == np.float32


def test_first_step_by_hand():
    # accumulator = 0.1 + 1 ** 2; w = 1 - 0.1 * 1 / sqrt(1.1)
    var = Variable(1.0)
    Adagrad(learning_rate=0.1).apply([var.data.copy()], [var])
    assert float(var.data) == pytest.approx(1 - 0.1 / np.sqrt(1.1), abs=1e-6)


def test_accumulators_start_at_initial_value_and_default_names_are_unique():
    w = Variable(np.ones(3), name="w")
    opt = Adagrad(initial_accumulator_value=0.25)
    opt.build([w])
    np.testing.assert_array_equal(opt.variables[-1].numpy(), np.full(3, 0.25, dtype="float32"))
    assert opt.variables[-1].name == "w_accumulator"
    first, second = Adagrad(), Adagrad()
    assert first.name.startswith("adagrad") and first.name != second.name


def test_adagrad_defaults_match_keras():
    config = Adagrad().get_config()
    assert (config["initial_accumulator_value"], config["epsilon"]) == (0.1, 1e-7)
    assert config["learning_rate"] == pytest.approx(0.001)
