"""AdamW, Adamax, Lion and Ftrl against steps recorded from real Keras 3 (tools/make_reference_numbers.py)."""
import json
import pathlib

import numpy as np
import pytest

from neuronet import optimizers
from neuronet.variables import Variable

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "keras_optimizer_steps.json").read_text())
CASES = FIXTURE["cases"]
IDS = [f"{c['class_name']}-{i}" for i, c in enumerate(CASES)]


def _run(case):
    variables = [Variable(np.array(w, dtype="float32"), name=f"w{i}") for i, w in enumerate(FIXTURE["initial"])]
    optimizer = getattr(optimizers, case["class_name"])(**case["config"])
    for step in FIXTURE["grads"]:
        optimizer.apply([np.array(g, dtype="float32") for g in step], variables)
    return optimizer, variables


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_five_steps_match_real_keras(case):
    optimizer, variables = _run(case)
    for variable, want in zip(variables, case["weights"]):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-5, atol=1e-6)
        assert variable.dtype == np.float32
    assert [v.name for v in optimizer.variables] == list(case["optimizer_variables"])
    for variable, want in zip(optimizer.variables, case["optimizer_variables"].values()):
        np.testing.assert_allclose(variable.numpy(), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_matches_real_keras_and_round_trips(case):
    optimizer, _ = _run(case)
    config = optimizer.get_config()
    want = case["keras_config"]
    assert set(config) == set(want)
    for key, value in want.items():
        if key != "name":
            assert config[key] == pytest.approx(value), key
    clone = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(clone) is type(optimizer) and clone.get_config() == config


@pytest.mark.parametrize("name", ["adamw", "adamax", "lion", "ftrl"])
def test_get_by_name(name):
    assert type(optimizers.get(name)).__name__.lower() == name


@pytest.mark.parametrize("cls, kwargs, match", [
    (optimizers.AdamW, {"weight_decay": None}, "weight_decay=None"),
    (optimizers.Lion, {"beta_1": 0.0}, "beta_1=0.0"),
    (optimizers.Ftrl, {"learning_rate_power": 0.5}, "learning_rate_power=0.5"),
    (optimizers.Ftrl, {"l1_regularization_strength": -1.0}, "l1_regularization_strength=-1.0"),
    (optimizers.Ftrl, {"initial_accumulator_value": -0.1}, "initial_accumulator_value=-0.1"),
])
def test_invalid_arguments_are_refused(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_adamw_excluded_variable_is_not_decayed():
    a, b = Variable(np.ones(2), name="kernel"), Variable(np.ones(2), name="bias")
    optimizer = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.apply([np.zeros(2, "float32"), np.zeros(2, "float32")], [a, b])
    np.testing.assert_allclose(a.numpy(), 0.95)
    np.testing.assert_allclose(b.numpy(), 1.0)
