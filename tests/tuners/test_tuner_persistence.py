import json
import os

import numpy as np
import pytest

import neuronet as keras
from neuronet.tuners import BayesianOptimization, Hyperband, RandomSearch

TRAININGS = []


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x.sum(axis=1, keepdims=True) > 0).astype("float32")


X, Y = _data()
XV, YV = _data(24, seed=1)


def build_model(hp):
    model = keras.Sequential([keras.layers.Dense(hp.Int("units", 2, 32, step=2), activation="relu", input_shape=[3]),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def other_space(hp):
    hp.Choice("activation", ["relu", "tanh"])
    return build_model(hp)


class CountTrainings(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        TRAININGS.append(1)


class Interrupt(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if len(TRAININGS) == 3:
            raise KeyboardInterrupt


def _tuner(tmp_path, max_trials, hypermodel=build_model, **kwargs):
    return RandomSearch(hypermodel, objective="val_accuracy", max_trials=max_trials, directory=tmp_path,
                        project_name="search", seed=11, **kwargs)


def _run(tuner, *callbacks):
    TRAININGS.clear()
    tuner.search(X, Y, epochs=2, validation_data=(XV, YV), callbacks=[CountTrainings(), *callbacks], verbose=0)
    return len(TRAININGS)


def _files(path):
    return {os.path.relpath(os.path.join(root, f), path): open(os.path.join(root, f), "rb").read()
            for root, _, files in os.walk(path) for f in files}


def test_results_are_json_and_npz_without_pickle(tmp_path):
    tuner = _tuner(tmp_path, 2)
    _run(tuner)
    project = tmp_path / "search"
    assert sorted(os.listdir(project)) == ["oracle.json", "trial_0", "trial_1"]
    with open(project / "trial_1" / "trial.json") as f:
        saved = json.load(f)
    trial = tuner.oracle.trials["1"]
    assert saved["status"] == "COMPLETED" and saved["score"] == trial.score and saved["best_step"] == trial.best_step
    assert saved["hyperparameters"]["values"] == trial.hyperparameters.values
    with np.load(project / "trial_1" / "checkpoint.weights.npz", allow_pickle=False) as weights:
        assert len([n for n in weights.files if n.startswith("weight_")]) == 4


def test_a_new_tuner_resumes_and_says_so(tmp_path, capsys):
    first = _tuner(tmp_path, 2)
    assert _run(first) == 2
    before = {t.trial_id: (t.hyperparameters.values, t.score) for t in first.oracle.trials.values()}
    capsys.readouterr()
    resumed = _tuner(tmp_path, 4)
    out = capsys.readouterr().out
    assert "Resuming the search" in out and "2 finished trial(s)" in out
    assert {k: (t.hyperparameters.values, t.score) for k, t in resumed.oracle.trials.items()} == before
    assert _run(resumed) == 2  # only the two missing trials ran
    assert len(resumed.oracle.trials) == 4 and resumed.get_best_models()[0] is not None
    again = _tuner(tmp_path, 4)
    assert _run(again) == 0 and "4 finished trial(s)" in capsys.readouterr().out


def test_resume_message_names_the_directory_and_the_kept_trials(tmp_path, capsys):
    _run(_tuner(tmp_path, 1))
    capsys.readouterr()
    _tuner(tmp_path, 3)
    out = capsys.readouterr().out
    assert "Resuming the search saved in" in out and str(tmp_path / "search") in out and "1 finished trial(s)" in out


def test_overwrite_starts_afresh_and_keeps_unrelated_files(tmp_path):
    _run(_tuner(tmp_path, 2))
    (tmp_path / "search" / "notes.txt").write_text("mine")
    fresh = _tuner(tmp_path, 1, overwrite=True)
    assert fresh.oracle.trials == {} and not (tmp_path / "search" / "trial_1").exists()
    assert _run(fresh) == 1 and (tmp_path / "search" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("make_other, words", [
    (lambda tmp_path: _tuner(tmp_path, 2, hypermodel=other_space), ["search space", "activation"]),
    (lambda tmp_path: RandomSearch(build_model, "val_loss", max_trials=2, directory=tmp_path, project_name="search"),
     ["objective", "val_accuracy", "val_loss"]),
    (lambda tmp_path: Hyperband(build_model, "val_accuracy", max_epochs=3, directory=tmp_path, project_name="search"),
     ["HyperbandOracle", "RandomSearchOracle"]),
])
def test_a_directory_from_another_search_is_refused_and_left_untouched(tmp_path, make_other, words):
    _run(_tuner(tmp_path, 2))
    saved = _files(tmp_path)
    with pytest.raises(ValueError) as info:
        make_other(tmp_path)
    message = str(info.value)
    assert "different search" in message and "Nothing was changed" in message and "overwrite=True" in message
    for word in words:
        assert word in message
    assert _files(tmp_path) == saved


def test_another_hyperband_schedule_is_another_search(tmp_path):
    Hyperband(build_model, "val_accuracy", max_epochs=3, directory=tmp_path, project_name="hb")
    with pytest.raises(ValueError, match="max_epochs"):
        Hyperband(build_model, "val_accuracy", max_epochs=9, directory=tmp_path, project_name="hb")
    Hyperband(build_model, "val_accuracy", max_epochs=9, directory=tmp_path, project_name="hb", overwrite=True)


def test_an_interrupted_trial_runs_again_on_resume(tmp_path):
    tuner = _tuner(tmp_path, 4)
    with pytest.raises(KeyboardInterrupt):
        _run(tuner, Interrupt())
    assert [t.status for t in tuner.oracle.trials.values()] == ["COMPLETED", "COMPLETED", "RUNNING"]
    resumed = _tuner(tmp_path, 4)
    assert _run(resumed) == 2
    assert [t.status for t in resumed.oracle.trials.values()] == ["COMPLETED"] * 4


def test_bayesian_state_resumes(tmp_path):
    tuner = BayesianOptimization(build_model, "val_accuracy", max_trials=2, num_initial_points=1, seed=3,
                                 directory=tmp_path, project_name="bo")
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    resumed = BayesianOptimization(build_model, "val_accuracy", max_trials=3, num_initial_points=1, seed=3,
                                   directory=tmp_path, project_name="bo")
    resumed.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    assert [t.status for t in resumed.oracle.trials.values()] == ["COMPLETED"] * 3
    with pytest.raises(ValueError, match="beta"):
        BayesianOptimization(build_model, "val_accuracy", max_trials=3, beta=1.0, directory=tmp_path,
                             project_name="bo")


def test_a_foreign_oracle_json_is_refused(tmp_path):
    project = tmp_path / "search"
    project.mkdir()
    (project / "oracle.json").write_text('{"ongoing_trials": {}, "seed": 3}')
    with pytest.raises(ValueError, match="different search"):
        _tuner(tmp_path, 2)
    assert (project / "oracle.json").read_text() == '{"ongoing_trials": {}, "seed": 3}'
