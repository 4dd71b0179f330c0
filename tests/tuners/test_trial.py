"""Trial, its metrics (Keras Tuner's MetricsTracker) and the tuner's summaries, printed as Keras Tuner prints them.

The expected texts were printed by real Keras Tuner 1.4.8 for the same search space and values.
"""
import json
import os

import numpy as np
import pytest

import neuronet as keras
import neuronet.tuners as kt
from neuronet.tuners.metrics_tracking import MetricObservation


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


X, Y = _data()
XV, YV = _data(32, seed=1)


def build_model(hp):
    model = keras.Sequential([keras.Input((4,)),
                              keras.layers.Dense(hp.Int("units", 4, 16, step=4), activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.SGD(hp.Float("lr", 1e-3, 1e-1, sampling="log")))
    return model


def _search(tmp_path, max_trials=2):
    tuner = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=max_trials, seed=1, overwrite=True,
                            directory=tmp_path, project_name="rs")
    tuner.search(X, Y, epochs=3, validation_data=(XV, YV), verbose=0)
    return tuner


def test_search_space_summary_prints_keras_tuners_text(tmp_path, capsys):
    hp = kt.HyperParameters()
    hp.Int("n_hidden", 0, 8, default=2)
    hp.Float("lr", 1e-4, 1e-2, sampling="log")
    hp.Choice("optimizer", ["sgd", "adam"])
    hp.Boolean("normalize")
    tuner = kt.RandomSearch(lambda hp: None, objective="val_loss", hyperparameters=hp, max_trials=1,
                            directory=tmp_path)
    capsys.readouterr()
    tuner.search_space_summary()
    assert capsys.readouterr().out == (
        "Search space summary\nDefault search space size: 4\nn_hidden (Int)\n"
        "{'default': 2, 'conditions': [], 'min_value': 0, 'max_value': 8, 'step': 1, 'sampling': 'linear'}\n"
        "lr (Float)\n"
        "{'default': 0.0001, 'conditions': [], 'min_value': 0.0001, 'max_value': 0.01, 'step': None, "
        "'sampling': 'log'}\n"
        "optimizer (Choice)\n{'default': 'sgd', 'conditions': [], 'values': ['sgd', 'adam'], 'ordered': False}\n"
        "normalize (Boolean)\n{'default': False, 'conditions': []}\n")


def test_trial_metrics_follow_keras_tuner(tmp_path):
    tuner = _search(tmp_path)
    best = tuner.oracle.get_best_trials(num_trials=1)[0]
    history = best.history[0]["val_accuracy"]  # neuronet keeps every epoch; the tracker keeps the best one
    assert best.best_step == int(np.argmax(history)) and best.score == max(history)
    # As in Keras Tuner: one observation per metric, the best epoch's value at that epoch's step.
    assert best.metrics.get_last_value("val_accuracy") == best.score
    assert best.metrics.get_best_value("val_accuracy") == best.score
    assert best.metrics.get_history("val_accuracy") == [MetricObservation(best.score, step=best.best_step)]
    assert best.metrics.get_history("loss")[0].value == [best.history[0]["loss"][best.best_step]]
    assert sorted(best.metrics.metrics) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert best.metrics.get_direction("val_accuracy") == "max" and best.metrics.get_direction("val_loss") == "min"
    with pytest.raises(ValueError, match=r"Unknown metric: nope\. This trial recorded: \['accuracy'"):
        best.metrics.get_last_value("nope")


def test_summaries_print_keras_tuners_text(tmp_path, capsys):
    tuner = _search(tmp_path)
    best, other = tuner.oracle.get_best_trials(num_trials=2)
    capsys.readouterr()
    best.summary()
    units, lr = best.hyperparameters.get("units"), best.hyperparameters.get("lr")
    assert capsys.readouterr().out == (f"Trial {best.trial_id} summary\nHyperparameters:\nunits: {units}\n"
                                       f"lr: {lr}\nScore: {best.score}\n")
    tuner.results_summary(num_trials=1)
    assert capsys.readouterr().out == (f"Results summary\nResults in {tuner.project_dir}\nShowing 1 best trials\n"
                                       f'Objective(name="val_accuracy", direction="max")\n\n'
                                       f"Trial {best.trial_id} summary\nHyperparameters:\nunits: {units}\n"
                                       f"lr: {lr}\nScore: {best.score}\n")
    assert best.score >= other.score
    kt.Trial(kt.HyperParameters(), trial_id="7", status="FAILED", message="ValueError: boom").summary()
    assert capsys.readouterr().out == "Trial 7 summary\nHyperparameters:\ndefault configuration\nValueError: boom\n"


def test_metrics_are_saved_and_read_back_when_the_search_resumes(tmp_path):
    best = _search(tmp_path).oracle.get_best_trials()[0]
    with open(os.path.join(tmp_path, "rs", f"trial_{best.trial_id}", "trial.json"), encoding="utf-8") as f:
        saved = json.load(f)
    assert saved["metrics"]["metrics"]["val_accuracy"] == {
        "direction": "max", "observations": [{"value": [best.score], "step": best.best_step}]}
    resumed = kt.RandomSearch(build_model, objective="val_accuracy", max_trials=2, seed=1, directory=tmp_path,
                              project_name="rs")
    again = resumed.oracle.get_best_trials()[0]
    assert again.trial_id == best.trial_id and again.metrics.get_config() == best.metrics.get_config()


def test_a_trial_saved_by_an_earlier_version_reads_its_metrics():
    state = {"trial_id": "3", "hyperparameters": kt.HyperParameters().get_config(), "status": "COMPLETED",
             "score": 0.8, "best_step": 2, "metrics": {"val_accuracy": 0.8, "loss": 0.4}, "message": None,
             "history": []}
    trial = kt.Trial.from_state(state)
    assert trial.metrics.get_history("val_accuracy") == [MetricObservation(0.8, step=2)]
    assert trial.metrics.get_last_value("loss") == 0.4


def test_metrics_tracker_averages_executions_and_finds_the_best_step():
    tracker = kt.MetricsTracker()
    tracker.register("val_loss")
    assert tracker.update("val_loss", 0.5, step=0) is True
    tracker.update("val_loss", 0.7, step=0)  # a second execution's value at the same step
    assert tracker.update("val_loss", 0.9, step=1) is False  # no better than the mean 0.6 of step 0
    assert tracker.get_best_value("val_loss") == pytest.approx(0.6) and tracker.get_best_step("val_loss") == 0
    assert tracker.get_last_value("val_loss") == pytest.approx(0.9)
    assert tracker.get_statistics("val_loss")["max"] == pytest.approx(0.9)
    with pytest.raises(ValueError, match="Metric already exists: val_loss"):
        tracker.register("val_loss")
    tracker.update("nan_metric", float("nan"))
    assert np.isnan(tracker.get_best_value("nan_metric"))
    assert kt.MetricsTracker.from_config(tracker.get_config()).get_config() == tracker.get_config()
