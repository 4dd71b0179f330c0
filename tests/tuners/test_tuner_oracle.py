import pytest

from neuronet.tuners import HyperParameters, Objective
from neuronet.tuners import oracle as oracle_module
from neuronet.tuners.random_search import RandomSearchOracle


@pytest.mark.parametrize("name, direction", [
    ("val_loss", "min"), ("loss", "min"), ("val_accuracy", "max"), ("accuracy", "max"), ("acc", "max"),
    ("val_sparse_categorical_accuracy", "max"), ("mae", "min"), ("val_mean_squared_error", "min"),
    ("auc_1", "max"), ("val_precision", "max"), ("output_1_loss", "min"), ("sparse_categorical_crossentropy", "min"),
])
def test_objective_direction_is_inferred_from_the_name(name, direction):
    objective = oracle_module.create_objective(name)
    assert (objective.name, objective.direction) == (name, direction)


def test_unknown_objective_names_need_a_direction():
    with pytest.raises(ValueError, match=r"Objective\('my_score', direction='max'\)"):
        oracle_module.create_objective("my_score")
    assert oracle_module.create_objective(Objective("my_score", "max")).direction == "max"
    with pytest.raises(ValueError, match="'min' or 'max'"):
        Objective("my_score", "up")
    with pytest.raises(TypeError, match="objective"):
        oracle_module.create_objective(3)


def test_multi_objective_sums_minimized_minus_maximized():
    objective = oracle_module.create_objective(["val_loss", "val_accuracy"])
    assert objective.get_value({"val_loss": 0.5, "val_accuracy": 0.75, "loss": 9}) == pytest.approx(-0.25)
    assert oracle_module.create_objective(objective.get_config()).get_value({"val_loss": 1, "val_accuracy": 0}) == 1


def _space(*units):
    hp = HyperParameters()
    hp.Choice("units", list(units))
    return hp


def _complete(oracle, trial, score, status="COMPLETED"):
    if score is not None:
        oracle.update_trial(trial.trial_id, {"val_loss": score})
    trial.status = status
    oracle.end_trial(trial)


def test_random_oracle_never_repeats_and_stops_when_the_space_is_exhausted():
    oracle = RandomSearchOracle("val_loss", max_trials=10, hyperparameters=_space(1, 2, 3), seed=4)
    seen = []
    while True:
        trial = oracle.create_trial()
        if trial.status != "RUNNING":
            break
        seen.append(trial.hyperparameters.values["units"])
        _complete(oracle, trial, 1.0 / len(seen))
    assert trial.status == "STOPPED" and sorted(seen) == [1, 2, 3]


def test_random_oracle_stops_at_max_trials_and_is_seeded():
    def draws(seed):
        hp = HyperParameters()
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        oracle = RandomSearchOracle("val_loss", max_trials=3, hyperparameters=hp, seed=seed)
        values = []
        for _ in range(5):
            trial = oracle.create_trial()
            if trial.status == "RUNNING":
                values.append(trial.hyperparameters.values["lr"])
                _complete(oracle, trial, 0.5)
        return values, oracle

    first, oracle = draws(7)
    assert len(first) == 3 and first == draws(7)[0] and first != draws(8)[0]
    assert [t.trial_id for t in oracle.trials.values()] == ["0", "1", "2"]
    assert oracle.remaining_trials() == 0


def test_best_trials_follow_the_objective_direction():
    for direction, best in (("min", 0.1), ("max", 0.9)):
        oracle = RandomSearchOracle(Objective("val_loss", direction), max_trials=3, hyperparameters=_space(1, 2, 3))
        for score in (0.5, 0.1, 0.9):
            _complete(oracle, oracle.create_trial(), score)
        assert oracle.get_best_trials(1)[0].score == best
        assert len(oracle.get_best_trials(5)) == 3


def test_invalid_trials_are_retried_then_failed_and_consecutive_failures_stop_the_search():
    oracle = RandomSearchOracle("val_loss", max_trials=10, hyperparameters=_space(*range(10)),
                                max_retries_per_trial=1, max_consecutive_failed_trials=2)
    first = oracle.create_trial()
    _complete(oracle, first, None, status="INVALID")
    retried = oracle.create_trial()
    assert retried.trial_id == first.trial_id and retried.status == "RUNNING"
    retried.status, retried.message = "INVALID", "boom: bad model"
    oracle.end_trial(retried)
    assert oracle.trials[first.trial_id].status == "FAILED"
    second = oracle.create_trial()
    assert second.trial_id != first.trial_id
    second.status, second.message = "FAILED", "boom again"
    with pytest.raises(RuntimeError, match=r"(?s)consecutive failures exceeded the limit of 2.*boom again"):
        oracle.end_trial(second)


def test_a_nan_objective_makes_the_trial_invalid():
    oracle = RandomSearchOracle("val_loss", max_trials=2, hyperparameters=_space(1, 2))
    trial = oracle.create_trial()
    _complete(oracle, trial, float("nan"))
    assert trial.status == "FAILED" and "NaN" in trial.message


def test_new_entries_rules():
    with pytest.raises(ValueError, match="hyperparameters="):
        RandomSearchOracle("val_loss", tune_new_entries=False)
    oracle = RandomSearchOracle("val_loss", hyperparameters=_space(1, 2), allow_new_entries=False)
    extra = _space(1, 2)
    extra.Int("depth", 1, 3)
    with pytest.raises(RuntimeError, match="depth"):
        oracle.update_space(extra)
    frozen = RandomSearchOracle("val_loss", hyperparameters=_space(1, 2), tune_new_entries=False)
    frozen.update_space(extra)
    assert [hp.name for hp in frozen.hyperparameters.space] == ["units"]


def test_max_trials_must_be_positive():
    with pytest.raises(ValueError, match="max_trials"):
        RandomSearchOracle("val_loss", max_trials=0)
