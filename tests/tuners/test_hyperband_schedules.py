"""Hyperband runs Keras Tuner's number of trials by default, and the paper's with `schedule="paper"`.

The Keras Tuner counts were recorded by driving real Keras Tuner's `HyperbandOracle`
(tools/make_keras_tuner_fixtures.py writes tests/tuners/fixtures/keras_tuner_hyperband.json).
"""
import collections
import json
import pathlib
import random

import pytest

from neuronet.tuners import HyperbandOracle, HyperParameters, hyperband_schedule

CASES = json.loads((pathlib.Path(__file__).parent / "fixtures" / "keras_tuner_hyperband.json").read_text())["cases"]


def _drive(oracle):
    """Run the oracle to the end as a tuner would, each trial scoring at random; count trials per round."""
    scores, counts = random.Random(0), collections.Counter()
    while True:
        trial = oracle.create_trial()
        if trial.status == "STOPPED":
            return counts
        assert trial.status == "RUNNING"
        values = trial.hyperparameters.values
        counts[(values["tuner/bracket"], values["tuner/round"], values["tuner/epochs"])] += 1
        oracle.update_trial(trial.trial_id, {"val_accuracy": scores.random()})
        trial.status = "COMPLETED"
        oracle.end_trial(trial)


def _oracle(max_epochs, factor, iterations, **kwargs):
    hp = HyperParameters()
    hp.Float("x", 0.0, 1.0)
    return HyperbandOracle("val_accuracy", max_epochs=max_epochs, factor=factor, hyperband_iterations=iterations,
                           hyperparameters=hp, seed=42, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['max_epochs']}-{c['factor']}-{c['hyperband_iterations']}")
def test_default_schedule_runs_keras_tuners_trials(case):
    max_epochs, factor, iterations = case["max_epochs"], case["factor"], case["hyperband_iterations"]
    expected = {(b, r, e): n for b, r, e, n in case["rounds"]}
    schedule = {(len(bracket) - 1, i, epochs): n * iterations
                for bracket in hyperband_schedule(max_epochs, factor) for i, (n, epochs) in enumerate(bracket)}
    assert schedule == expected
    counts = _drive(_oracle(max_epochs, factor, iterations))
    assert counts == expected and sum(counts.values()) == case["trials"]


def test_the_chapters_hyperband_runs_30_trials_per_iteration_as_in_keras_tuner():
    assert sum(_drive(_oracle(10, 3, 2)).values()) == 60  # hyperband_iterations=2, as in the chapter
    assert sum(_drive(_oracle(10, 3, 1)).values()) == 30


def test_paper_schedule_is_an_option():
    counts = _drive(_oracle(10, 3, 1, schedule="paper"))
    assert sum(counts.values()) == 22  # Algorithm 1: 9 + 3 + 1 | 5 + 1 | 3
    assert counts == {(2, 0, 2): 9, (2, 1, 4): 3, (2, 2, 10): 1, (1, 0, 4): 5, (1, 1, 10): 1, (0, 0, 10): 3}
    assert sum(_drive(_oracle(10, 3, 2, schedule="paper")).values()) == 44


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match=r"`schedule` must be one of \('keras_tuner', 'paper'\). Received: "
                                         r"schedule='Paper'"):
        _oracle(10, 3, 1, schedule="Paper")
