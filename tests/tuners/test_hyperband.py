import collections

import numpy as np
import pytest

import neuronet as keras
from neuronet.tuners import Hyperband, HyperbandOracle, HyperParameters, hyperband_schedule
from neuronet.tuners.trial_job import load_checkpoint

STARTS = []  # (weights, optimizer iterations) when each training starts, in order

# Li et al. 2018, Table 1 (R = 81, eta = 3): per bracket s, the rounds (n_i, r_i).
TABLE_1 = [
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
    [(34, 3), (11, 9), (3, 27), (1, 81)],
    [(15, 9), (5, 27), (1, 81)],
    [(8, 27), (2, 81)],
    [(5, 81)],
]


def test_paper_schedule_matches_table_1_of_the_paper():
    assert hyperband_schedule(81, 3, schedule="paper") == TABLE_1


@pytest.mark.parametrize("max_epochs, factor, expected", [
    (9, 3, [[(9, 1), (3, 3), (1, 9)], [(5, 3), (1, 9)], [(3, 9)]]),
    (3, 3, [[(3, 1), (1, 3)], [(2, 3)]]),
    (8, 2, [[(8, 1), (4, 2), (2, 4), (1, 8)], [(6, 2), (3, 4), (1, 8)], [(4, 4), (2, 8)], [(4, 8)]]),
    (10, 3, [[(9, 2), (3, 4), (1, 10)], [(5, 4), (1, 10)], [(3, 10)]]),  # r_i = ceil(R * eta^(i - s))
    (2, 3, [[(1, 2)]]),
    (1, 2, [[(1, 1)]]),
])
def test_paper_schedule_for_small_budgets_follows_algorithm_1(max_epochs, factor, expected):
    schedule = hyperband_schedule(max_epochs, factor, schedule="paper")
    assert schedule == expected
    s_max = len(schedule) - 1
    assert factor ** s_max <= max_epochs < factor ** (s_max + 1)
    for bracket in schedule:
        assert bracket[-1][1] == max_epochs  # every bracket ends at R epochs


def _space():
    hp = HyperParameters()
    hp.Int("units", 1, 1000)
    return hp


def _finish(oracle, trial, score):
    oracle.update_trial(trial.trial_id, {"val_accuracy": score})
    trial.status = "COMPLETED"
    oracle.end_trial(trial)


def test_oracle_promotes_the_best_and_waits_for_whole_rounds():
    oracle = HyperbandOracle("val_accuracy", max_epochs=3, factor=3, hyperparameters=_space(), seed=1)
    first = [oracle.create_trial() for _ in range(3)]
    assert [t.hyperparameters.values["tuner/epochs"] for t in first] == [1, 1, 1]
    # round 0 of bracket 1 still runs: the next trials come from bracket 0 (2 trials of 3 epochs), then wait
    others = [oracle.create_trial() for _ in range(2)]
    assert [(t.hyperparameters.values["tuner/bracket"], t.hyperparameters.values["tuner/epochs"]) for t in others] \
        == [(0, 3), (0, 3)]
    assert oracle.create_trial().status == "IDLE"
    for trial, score in zip(first, (0.5, 0.9, 0.7)):
        _finish(oracle, trial, score)
    promoted = oracle.create_trial().hyperparameters.values
    assert promoted["tuner/trial_id"] == first[1].trial_id  # the best val_accuracy
    assert promoted["units"] == first[1].hyperparameters.values["units"]
    assert (promoted["tuner/initial_epoch"], promoted["tuner/epochs"], promoted["tuner/round"]) == (1, 3, 1)
    assert oracle.create_trial().status == "IDLE"
    for trial in list(oracle.ongoing_trials.values()):
        _finish(oracle, trial, 0.1)
    assert oracle.create_trial().status == "STOPPED"


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2)).astype("float32")
    return x, (x[:, :1] - x[:, 1:]).astype("float32")


X, Y = _data()
XV, YV = _data(20, seed=1)


def build_model(hp):
    model = keras.Sequential([keras.layers.Dense(hp.Int("units", 1, 64), activation="tanh", input_shape=[2]),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="mse")
    return model


class RecordStart(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        STARTS.append(([np.array(w) for w in self.model.get_weights()], int(self.model.optimizer.iterations.numpy())))


def _run(tmp_path, max_epochs, **kwargs):
    STARTS.clear()
    tuner = Hyperband(build_model, objective="val_loss", max_epochs=max_epochs, factor=3, directory=tmp_path,
                      seed=2, **kwargs)
    tuner.search(X, Y, epochs=100, batch_size=8, validation_data=(XV, YV), callbacks=[RecordStart()], verbose=0)
    return tuner


def test_search_runs_the_published_schedule_and_promotes_the_best(tmp_path):
    tuner = _run(tmp_path, max_epochs=9, schedule="paper")
    trials = list(tuner.oracle.trials.values())
    assert all(t.status == "COMPLETED" for t in trials) and len(trials) == 9 + 3 + 1 + 5 + 1 + 3
    rounds = collections.defaultdict(list)
    for trial in trials:
        values = trial.hyperparameters.values
        rounds[(values["tuner/bracket"], values["tuner/round"])].append(trial)
        assert len(trial.history[0]["loss"]) == values["tuner/epochs"] - values["tuner/initial_epoch"]
    for s, bracket in zip((2, 1, 0), hyperband_schedule(9, 3, schedule="paper")):
        for i, (n, epochs) in enumerate(bracket):
            assert [t.hyperparameters.values["tuner/epochs"] for t in rounds[(s, i)]] == [epochs] * n
            if i:  # the promoted trials are the best of the previous round, with the same values
                parents = sorted(rounds[(s, i - 1)], key=lambda t: t.score)[:n]
                promoted = rounds[(s, i)]
                assert [t.hyperparameters.values["tuner/trial_id"] for t in promoted] == [p.trial_id for p in parents]
                assert [t.hyperparameters.values["units"] for t in promoted] == \
                       [p.hyperparameters.values["units"] for p in parents]
    best = tuner.oracle.get_best_trials()[0]
    assert tuner.get_best_models()[0].evaluate(XV, YV, verbose=0) == pytest.approx(best.score, rel=1e-4)


def test_promoted_trials_continue_from_the_parent_checkpoint(tmp_path):
    tuner = _run(tmp_path, max_epochs=3)
    trials = list(tuner.oracle.trials.values())
    assert len(STARTS) == len(trials) == 6
    promoted = [t for t in trials if "tuner/trial_id" in t.hyperparameters.values]
    assert len(promoted) == 1
    child = promoted[0]
    parent_id = child.hyperparameters.values["tuner/trial_id"]
    checkpoint = load_checkpoint(tuner._checkpoint_path(parent_id))
    weights, iterations = STARTS[int(child.trial_id)]
    for start, saved in zip(weights, checkpoint["weights"]):
        np.testing.assert_array_equal(start, saved)
    steps_per_epoch = 5  # 40 samples, batch_size 8
    assert iterations == int(checkpoint["optimizer"][0]) == steps_per_epoch  # the optimizer state came along too
    assert child.history[0]["loss"] and len(child.history[0]["loss"]) == 2  # epochs 2 and 3 only
    assert child.best_step in (1, 2)  # epochs are numbered from initial_epoch
    fresh = [STARTS[int(t.trial_id)][1] for t in trials if t is not child]
    assert fresh == [0] * 5


def test_hyperband_iterations_repeat_the_schedule(tmp_path):
    tuner = _run(tmp_path, max_epochs=3, hyperband_iterations=2)
    assert len(tuner.oracle.trials) == 12


@pytest.mark.parametrize("kwargs, word", [
    ({"max_epochs": 0}, "max_epochs"), ({"max_epochs": 9, "factor": 1}, "factor"),
    ({"max_epochs": 9, "hyperband_iterations": 0}, "hyperband_iterations"),
])
def test_bad_hyperband_arguments(tmp_path, kwargs, word):
    with pytest.raises(ValueError, match=word):
        Hyperband(build_model, objective="val_loss", directory=tmp_path, **kwargs)


class StopAfterFour(keras.callbacks.Callback):
    def on_train_end(self, logs=None):
        if len(STARTS) == 4:
            raise KeyboardInterrupt


def test_an_interrupted_hyperband_search_resumes_its_brackets(tmp_path):
    STARTS.clear()
    tuner = Hyperband(build_model, objective="val_loss", max_epochs=3, factor=3, directory=tmp_path, seed=2)
    with pytest.raises(KeyboardInterrupt):
        tuner.search(X, Y, validation_data=(XV, YV), callbacks=[RecordStart(), StopAfterFour()], verbose=0)
    resumed = Hyperband(build_model, objective="val_loss", max_epochs=3, factor=3, directory=tmp_path, seed=2)
    resumed.search(X, Y, validation_data=(XV, YV), callbacks=[RecordStart()], verbose=0)
    assert len(STARTS) == 7  # 4 before (the 4th trial interrupted and run again) + 3 after
    trials = list(resumed.oracle.trials.values())
    assert len(trials) == 6 and all(t.status == "COMPLETED" for t in trials)
    counts = collections.Counter((t.hyperparameters.values["tuner/bracket"], t.hyperparameters.values["tuner/epochs"])
                                 for t in trials)
    assert counts == {(1, 1): 3, (1, 3): 1, (0, 3): 2}
