import json

import numpy as np
import pytest

from neuronet.tuners import HyperParameters
from neuronet.tuners import hyperparameters as hp_module

PROBS = np.linspace(0, 1, 2001, endpoint=False)


def _drawn(hp):
    return {hp.prob_to_value(p) for p in PROBS}


def test_registering_returns_defaults_and_values_hold_only_active_parameters():
    hp = HyperParameters()
    assert hp.Int("units", 32, 512, step=32) == 32
    assert hp.Float("lr", 1e-4, 1e-2, sampling="log", default=1e-3) == 1e-3
    assert hp.Choice("activation", ["relu", "tanh"]) == "relu"
    assert hp.Boolean("dropout") is False
    assert hp.Fixed("batch", 64) == 64
    assert hp.values == {"units": 32, "lr": 1e-3, "activation": "relu", "dropout": False, "batch": 64}
    assert [type(p).__name__ for p in hp.space] == ["Int", "Float", "Choice", "Boolean", "Fixed"]
    assert hp["units"] == hp.get("units") == 32 and "units" in hp and "nope" not in hp


def test_values_set_by_the_tuner_are_what_the_model_builder_receives():
    hp = HyperParameters()
    hp.Int("units", 32, 512, step=32)
    hp.values["units"] = 256
    assert hp.Int("units", 32, 512, step=32) == 256


def test_int_linear_grid_includes_both_ends():
    assert _drawn(hp_module.Int("n", 6, 13, step=3)) == {6, 9, 12}
    assert _drawn(hp_module.Int("n", 0, 3)) == {0, 1, 2, 3}
    assert _drawn(hp_module.Int("n", 32, 128, step=32)) == {32, 64, 96, 128}


def test_int_log_sampling_with_step_multiplies():
    assert _drawn(hp_module.Int("batch", 2, 32, step=2, sampling="log")) == {2, 4, 8, 16, 32}


def test_float_log_sampling_is_uniform_in_log_space():
    hp = hp_module.Float("lr", 1e-4, 1e-1, sampling="log")
    draws = np.array([hp.random_sample(seed) for seed in range(2000)])
    assert draws.min() >= 1e-4 and draws.max() <= 1e-1
    # a quarter of the decades below 10^-3.25, half below the geometric middle 10^-2.5
    assert abs(np.mean(draws < 10 ** -2.5) - 0.5) < 0.05 and abs(np.mean(draws < 1e-3) - 1 / 3) < 0.05


def test_float_reverse_log_is_dense_near_the_maximum():
    hp = hp_module.Float("momentum", 0.1, 0.999, sampling="reverse_log")
    draws = np.array([hp.prob_to_value(p) for p in PROBS])
    assert draws.min() >= 0.1 and draws.max() <= 0.999
    # the mirror image of log sampling: as dense below the maximum as "log" is above the minimum
    log_draws = np.array([hp_module.Float("m", 0.1, 0.999, sampling="log").prob_to_value(p) for p in PROBS])
    assert np.mean(draws > 0.9) == pytest.approx(np.mean(log_draws < 0.199), abs=0.01)
    assert np.mean(draws > 0.9) > 2 * (0.999 - 0.9) / (0.999 - 0.1)  # more than twice linear sampling's share


def test_float_step_grid_has_clean_values():
    assert sorted(_drawn(hp_module.Float("rate", 0.0, 0.5, step=0.1))) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert sorted(_drawn(hp_module.Float("lr", 0.001, 10, step=10, sampling="log"))) == [0.001, 0.01, 0.1, 1.0, 10.0]


@pytest.mark.parametrize("hp, values", [
    (hp_module.Int("a", 1, 100), [1, 7, 50, 100]),
    (hp_module.Int("b", 2, 64, step=2, sampling="log"), [2, 8, 64]),
    (hp_module.Float("c", 1e-4, 1.0, sampling="log"), [1e-4, 3e-3, 0.5]),
    (hp_module.Float("d", 0.0, 1.0, step=0.25), [0.0, 0.5, 1.0]),
    (hp_module.Choice("e", ["x", "y", "z"]), ["x", "z"]),
    (hp_module.Boolean("f"), [False, True]),
])
def test_value_to_prob_inverts_prob_to_value(hp, values):
    for value in values:
        prob = hp.value_to_prob(value)
        assert 0 <= prob <= 1
        assert hp.prob_to_value(prob) == pytest.approx(value)


def test_choice_defaults_ordering_and_types():
    hp = hp_module.Choice("units", [16, 32, 64])
    assert hp.default == 16 and hp.ordered is True
    assert hp_module.Choice("act", ["relu", "tanh"], default="tanh").default == "tanh"
    assert hp_module.Choice("act", ["relu", "tanh"]).ordered is False
    assert hp_module.Choice("n", np.array([1, 2])).values == [1, 2]  # NumPy scalars become Python ints
    assert type(hp_module.Choice("n", np.array([1, 2])).values[0]) is int


@pytest.mark.parametrize("make, error, words", [
    (lambda hp: hp.Choice("act", []), ValueError, ["'act'", "non-empty", "values=[]"]),
    (lambda hp: hp.Choice("act", ["relu", 1]), TypeError, ["'act'", "one type"]),
    (lambda hp: hp.Choice("act", ["relu"], default="tanh"), ValueError, ["default", "tanh"]),
    (lambda hp: hp.Choice("act", ["relu", "tanh"], ordered=True), ValueError, ["ordered"]),
    (lambda hp: hp.Int("units", 10, 5), ValueError, ["'units'", "min_value=10", "max_value=5"]),
    (lambda hp: hp.Float("lr", 1.0, 0.1), ValueError, ["'lr'", "min_value=1.0", "max_value=0.1"]),
    (lambda hp: hp.Float("lr", 0.0, 1.0, sampling="log"), ValueError, ["min_value", "> 0"]),
    (lambda hp: hp.Float("lr", 0.1, 1.0, sampling="square"), ValueError, ["linear", "square"]),
    (lambda hp: hp.Int("units", 1.5, 4), ValueError, ["integer", "1.5"]),
    (lambda hp: hp.Int("units", 1, 4, step=0), ValueError, ["step"]),
    (lambda hp: hp.Int("units", 1, 4, default=9), ValueError, ["default=9"]),
    (lambda hp: hp.Boolean("flag", default="yes"), ValueError, ["True or False"]),
    (lambda hp: hp.Fixed("f", [1, 2]), TypeError, ["Fixed 'f'"]),
])
def test_bad_search_spaces_are_rejected_with_clear_errors(make, error, words):
    with pytest.raises(error) as info:
        make(HyperParameters())
    for word in words:
        assert word in str(info.value)


def test_conditional_scope_activates_parameters_by_parent_value():
    hp = HyperParameters()
    model_type = hp.Choice("model_type", ["mlp", "cnn"])
    with hp.conditional_scope("model_type", ["mlp"]):
        units = hp.Int("units", 8, 64, step=8)
    with hp.conditional_scope("model_type", "cnn"):
        filters = hp.Int("filters", 8, 64, step=8)
    assert (model_type, units, filters) == ("mlp", 8, None)
    assert hp.values == {"model_type": "mlp", "units": 8}
    assert len(hp.active_scopes) == 1 and len(hp.inactive_scopes) == 1
    with pytest.raises(ValueError, match="inactive"):
        hp.get("filters")
    with pytest.raises(KeyError, match="model_type"):
        hp.get("nope")
    hp.values["model_type"] = "cnn"
    assert hp.is_active("filters") and not hp.is_active("units")


def test_parent_name_argument_and_undefined_parent():
    hp = HyperParameters()
    hp.Boolean("use_dropout")
    assert hp.Float("rate", 0.1, 0.5, parent_name="use_dropout", parent_values=[True]) is None
    hp.values["use_dropout"] = True
    hp.ensure_active_values()
    assert hp.values["rate"] == 0.1
    with pytest.raises(ValueError, match="not defined"):
        with hp.conditional_scope("missing", [1]):
            pass


def test_config_round_trip_through_json():
    hp = HyperParameters()
    hp.Choice("model_type", ["mlp", "cnn"])
    with hp.conditional_scope("model_type", ["mlp"]):
        hp.Int("units", 8, 64, step=8, default=16)
    hp.Float("lr", 1e-4, 1e-2, sampling="log")
    hp.Fixed("batch", 32)
    restored = HyperParameters.from_config(json.loads(json.dumps(hp.get_config())))
    assert restored.get_config() == hp.get_config()
    assert restored.values == hp.values
    assert restored.space[1].conditions == hp.space[1].conditions
    copied = hp.copy()
    copied.values["units"] = 64
    assert hp.values["units"] == 16


def test_name_scope_prefixes_names():
    hp = HyperParameters()
    with hp.name_scope("block1"):
        hp.Int("units", 1, 4)
    assert list(hp.values) == ["block1/units"]
