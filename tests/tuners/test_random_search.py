import subprocess
import sys

import numpy as np
import pytest

import neuronet as keras
from neuronet.tuners import HyperModel, Objective, RandomSearch

RECORDS = []


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))).astype("float32")
    return x, y


X, Y = _data()
XV, YV = _data(32, seed=1)


def build_model(hp):
    model = keras.Sequential([keras.layers.Dense(hp.Int("units", 2, 8, step=2), activation="relu", input_shape=[3]),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                  loss="mse", metrics=["mae"])
    return model


def _search(tmp_path, epochs=3, **kwargs):
    kwargs.setdefault("objective", "val_loss")
    kwargs.setdefault("max_trials", 3)
    tuner = RandomSearch(kwargs.pop("hypermodel", build_model), directory=tmp_path, project_name="p", seed=1, **kwargs)
    tuner.search(X, Y, epochs=epochs, validation_data=(XV, YV), verbose=0)
    return tuner


def test_neuronet_tuners_is_lazy_and_importable_from_neuronet():
    code = ("import sys, neuronet; assert 'neuronet.tuners' not in sys.modules; "
            "from neuronet.tuners import RandomSearch, Hyperband, BayesianOptimization, HyperParameters, Objective; "
            "assert neuronet.tuners.RandomSearch is RandomSearch; assert 'sklearn' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_search_records_trials_and_best_model_has_the_best_epoch_weights(tmp_path):
    tuner = _search(tmp_path)
    trials = list(tuner.oracle.trials.values())
    assert len(trials) == 3 and all(t.status == "COMPLETED" for t in trials)
    best = tuner.oracle.get_best_trials(1)[0]
    assert best.score == min(t.score for t in trials)
    history = best.history[0]["val_loss"]
    assert best.best_step == int(np.argmin(history)) and best.score == pytest.approx(min(history))
    assert best.metrics.get_last_value("val_loss") == best.score and best.metrics.exists("val_mae")
    best_hp = tuner.get_best_hyperparameters()[0]
    assert best_hp.values == best.hyperparameters.values and best_hp.get("units") in (2, 4, 6, 8)
    model = tuner.get_best_models(num_models=1)[0]
    assert model.evaluate(XV, YV, verbose=0)[0] == pytest.approx(best.score, rel=1e-4)
    assert len(tuner.get_best_models(num_models=2)) == 2


def test_executions_per_trial_are_averaged(tmp_path):
    tuner = _search(tmp_path, epochs=2, max_trials=2, executions_per_trial=2)
    for trial in tuner.oracle.trials.values():
        assert len(trial.history) == 2 and trial.history[0] != trial.history[1]  # fresh weights each time
        assert trial.score == pytest.approx(np.mean([min(h["val_loss"]) for h in trial.history]))


def test_objective_missing_from_the_logs_names_the_available_keys(tmp_path):
    tuner = RandomSearch(build_model, objective="val_accuracy", max_trials=3, directory=tmp_path)
    with pytest.raises(ValueError) as info:
        tuner.search(X, Y, epochs=2, validation_data=(XV, YV), verbose=0)
    message = str(info.value)
    assert "val_accuracy" in message and "Available keys: ['loss', 'mae', 'val_loss', 'val_mae']" in message
    assert "validation_data" in message and len(tuner.oracle.trials) == 1  # stopped at the first trial
    with pytest.raises(ValueError, match="Available keys: \\['loss', 'mae'\\]"):
        RandomSearch(build_model, objective="val_loss", max_trials=1, directory=tmp_path, project_name="q").search(
            X, Y, epochs=1, verbose=0)


def test_objective_object_and_compile_overrides(tmp_path):
    def plain_model(hp):
        model = keras.Sequential([keras.layers.Dense(hp.Int("units", 2, 4, step=2), input_shape=[3]),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mae")
        return model

    tuner = _search(tmp_path, hypermodel=plain_model, objective=Objective("val_mse", "min"), max_trials=2,
                    loss="mse", metrics=["mse"], optimizer=keras.optimizers.SGD(learning_rate=0.05))
    best = tuner.oracle.get_best_trials()[0]
    assert best.score == pytest.approx(min(best.history[0]["val_mse"]))
    metrics = best.metrics  # the loss is overridden to mse
    assert metrics.get_last_value("val_loss") == pytest.approx(metrics.get_last_value("val_mse"), rel=1e-5)
    model = tuner.get_best_models()[0]
    assert model.loss == "mse" and model.optimizer.learning_rate == pytest.approx(0.05)


def test_summaries_and_progress_display(tmp_path, capsys):
    tuner = RandomSearch(build_model, objective="val_loss", max_trials=2, directory=tmp_path, seed=2)
    tuner.search_space_summary()
    out = capsys.readouterr().out
    assert "Default search space size: 2" in out and "units (Int)" in out and "lr (Float)" in out
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=1)
    out = capsys.readouterr().out
    assert "Search: Running Trial #1" in out and "Trial 2 Complete" in out and "Best val_loss So Far" in out
    tuner.results_summary(num_trials=1)
    out = capsys.readouterr().out
    best = tuner.oracle.get_best_trials()[0]
    assert "Showing 1 best trials" in out and f"Score: {best.score}" in out and 'Objective(name="val_loss"' in out
    assert f"Trial {best.trial_id} summary" in out and out.count("summary") == 2


def test_hypermodel_must_return_a_compiled_model(tmp_path):
    with pytest.raises(TypeError, match="keras Model"):
        RandomSearch(lambda hp: "not a model", "val_loss", max_trials=1, directory=tmp_path).search(X, Y, verbose=0)

    def uncompiled(hp):
        return keras.Sequential([keras.layers.Dense(1, input_shape=[3])])

    with pytest.raises(ValueError, match="not compiled"):
        RandomSearch(uncompiled, "val_loss", max_trials=1, directory=tmp_path, project_name="u").search(
            X, Y, verbose=0)


def test_crashing_trials_fail_and_consecutive_failures_stop_the_search(tmp_path):
    def fragile(hp):
        units = hp.Int("units", 1, 8)
        if units != 1:
            raise RuntimeError(f"broken layer with {units} units")
        return build_model(hp)

    tuner = RandomSearch(fragile, "val_loss", max_trials=8, directory=tmp_path, seed=3)
    with pytest.raises(RuntimeError, match="(?s)consecutive failures.*broken layer"):
        tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    failed = [t for t in tuner.oracle.trials.values() if t.status == "FAILED"]
    assert len(failed) >= 3 and "RuntimeError: broken layer" in failed[0].message


def test_oversized_models_fail_their_trial(tmp_path):
    tuner = _search(tmp_path, max_trials=2, max_model_size=10, max_consecutive_failed_trials=5)
    assert {t.status for t in tuner.oracle.trials.values()} == {"FAILED"}
    assert "Oversized model" in tuner.oracle.trials["0"].message


def test_conditional_branches_are_in_the_space_before_the_search(tmp_path):
    def branching(hp):
        model = keras.Sequential([keras.layers.InputLayer(input_shape=[3])])
        kind = hp.Choice("kind", ["wide", "deep"])
        with hp.conditional_scope("kind", ["wide"]):
            if kind == "wide":
                model.add(keras.layers.Dense(hp.Int("width", 8, 16, step=8)))
        with hp.conditional_scope("kind", ["deep"]):
            if kind == "deep":
                for _ in range(hp.Int("depth", 2, 3)):
                    model.add(keras.layers.Dense(4))
        model.add(keras.layers.Dense(1))
        model.compile(optimizer="sgd", loss="mse")
        return model

    tuner = RandomSearch(branching, "val_loss", max_trials=6, directory=tmp_path, seed=5)
    assert [hp.name for hp in tuner.oracle.hyperparameters.space] == ["kind", "width", "depth"]
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), verbose=0)
    for trial in tuner.oracle.trials.values():
        values = trial.hyperparameters.values
        assert set(values) == ({"kind", "width"} if values["kind"] == "wide" else {"kind", "depth"})


def test_same_seed_same_search(tmp_path):
    first = _search(tmp_path / "a", epochs=2)
    second = _search(tmp_path / "b", epochs=2)
    assert [t.hyperparameters.values for t in first.oracle.trials.values()] == \
           [t.hyperparameters.values for t in second.oracle.trials.values()]
    assert [t.score for t in first.oracle.trials.values()] == [t.score for t in second.oracle.trials.values()]


class BatchSizeHyperModel(HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, batch_size=hp.Choice("batch_size", [8, 16]), **kwargs)


class FloatHyperModel(HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, *args, **kwargs):
        model.fit(*args, **kwargs)
        return (hp.get("units") - 4) ** 2  # the objective, computed after training


def test_hypermodel_fit_can_tune_training_and_return_the_objective(tmp_path):
    tuner = _search(tmp_path, hypermodel=BatchSizeHyperModel(), max_trials=3)
    assert {"units", "lr", "batch_size"} <= set(tuner.oracle.hyperparameters.values.keys()) | {
        hp.name for hp in tuner.oracle.hyperparameters.space}
    assert all("batch_size" in t.hyperparameters.values for t in tuner.oracle.trials.values())
    tuner = _search(tmp_path / "f", hypermodel=FloatHyperModel(), objective=None, max_trials=4)
    for trial in tuner.oracle.trials.values():
        assert trial.score == (trial.hyperparameters.values["units"] - 4) ** 2


class RecordingCallback(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch)
        RECORDS.append((self, epoch))  # the object, not id(): ids of freed copies are reused


def test_callbacks_are_copied_for_each_execution(tmp_path):
    RECORDS.clear()
    callback = RecordingCallback()
    tuner = RandomSearch(build_model, "val_loss", max_trials=2, executions_per_trial=2, directory=tmp_path)
    tuner.search(X, Y, epochs=2, validation_data=(XV, YV), callbacks=[callback], verbose=0)
    assert callback.epochs == []  # the user's instance is never used itself
    assert len(RECORDS) == 8 and len({id(owner) for owner, _ in RECORDS}) == 4


def test_bad_tuner_arguments(tmp_path):
    with pytest.raises(ValueError, match="executions_per_trial"):
        RandomSearch(build_model, "val_loss", executions_per_trial=0, directory=tmp_path)
    with pytest.raises(ValueError, match="hypermodel=None"):
        RandomSearch(None, "val_loss", directory=tmp_path)
    with pytest.raises(TypeError, match="build_model"):
        RandomSearch(42, "val_loss", directory=tmp_path)
    with pytest.raises(ValueError, match="TensorFlow-only"):
        RandomSearch(build_model, "val_loss", directory=tmp_path, distribution_strategy=object())


class BatchSizeTuner(RandomSearch):
    """Keras Tuner's documented way to tune `fit` arguments by subclassing the tuner."""

    def run_trial(self, trial, *args, **kwargs):
        kwargs["batch_size"] = trial.hyperparameters.Choice("batch_size", [4, 64])
        return super().run_trial(trial, *args, **kwargs)


class CustomLoopTuner(RandomSearch):
    def run_trial(self, trial, *args, **kwargs):
        return {"val_loss": float(trial.hyperparameters.Int("units", 2, 8, step=2))}


def test_run_trial_overrides_run_in_process(tmp_path):
    tuner = BatchSizeTuner(build_model, "val_loss", max_trials=3, directory=tmp_path, seed=4)
    tuner.search(X, Y, epochs=1, validation_split=0.25, verbose=0)
    trials = list(tuner.oracle.trials.values())
    assert all(t.status == "COMPLETED" and "batch_size" in t.hyperparameters.values for t in trials)
    assert {"loss", "val_loss"} <= set(trials[0].metrics.metrics)  # validation_split reached fit
    custom = CustomLoopTuner(build_model, "val_loss", max_trials=2, directory=tmp_path, project_name="c", seed=4)
    custom.search(X, Y)
    best = custom.oracle.get_best_trials()[0]
    assert best.score == best.hyperparameters.values["units"]
    with pytest.raises(ValueError, match="no saved weights"):
        custom.get_best_models()
    with pytest.raises(TypeError, match="executor=None"):
        BatchSizeTuner(build_model, "val_loss", max_trials=1, directory=tmp_path, project_name="e",
                       executor="processes").search(X, Y, verbose=0)


def test_keras_tuner_getting_started_example_runs_as_written(tmp_path):
    # keras.io "Getting started with KerasTuner": a model with no input shape, two executions, best two models.
    from neuronet import layers
    from neuronet import tuners as keras_tuner

    x_train = np.random.default_rng(0).random((40, 4, 4)).astype("float32")
    y_train = keras.utils.to_categorical(np.arange(40) % 10, 10)

    def build_model(hp):
        model = keras.Sequential()
        model.add(layers.Flatten())
        model.add(layers.Dense(units=hp.Int("units", min_value=32, max_value=512, step=32), activation="relu"))
        model.add(layers.Dense(10, activation="softmax"))
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        return model

    tuner = keras_tuner.RandomSearch(hypermodel=build_model, objective="val_accuracy", max_trials=3,
                                     executions_per_trial=2, overwrite=True, directory=str(tmp_path),
                                     project_name="helloworld")
    tuner.search(x_train, y_train, epochs=2, validation_data=(x_train[:10], y_train[:10]), verbose=0)
    models = tuner.get_best_models(num_models=2)
    assert models[0].predict(x_train[:3], verbose=0).shape == (3, 10)
    best_hps = tuner.get_best_hyperparameters(5)
    assert len(best_hps) == 3 and best_hps[0].values["units"] % 32 == 0


def test_a_tensorboard_callback_logs_each_trial_to_its_own_run(tmp_path):
    # As Keras Tuner: <log_dir>/<trial_id>/execution<k>, so TensorBoard shows one run per trial and execution.
    log_dir = tmp_path / "tb"
    tuner = RandomSearch(build_model, "val_loss", max_trials=2, directory=tmp_path, seed=1, executions_per_trial=2)
    tuner.search(X, Y, epochs=1, validation_data=(XV, YV), callbacks=[keras.callbacks.TensorBoard(log_dir)],
                 verbose=0)
    runs = sorted(str(p.relative_to(log_dir)) for p in log_dir.glob("*/*/train"))
    assert runs == ["0/execution0/train", "0/execution1/train", "1/execution0/train", "1/execution1/train"]
    # each execution's directory holds the trial's values for TensorBoard's HParams dashboard, read by TensorBoard
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams import metadata

    for trial in tuner.oracle.trials.values():
        events = EventAccumulator(str(log_dir / trial.trial_id / "execution1"))
        events.Reload()
        start = metadata.parse_session_start_info_plugin_data(
            events.SummaryMetadata("_hparams_/session_start_info").plugin_data.content)
        assert start.group_name == trial.trial_id
        assert {k: v.number_value for k, v in start.hparams.items()} == pytest.approx(trial.hyperparameters.values)
        end = metadata.parse_session_end_info_plugin_data(
            events.SummaryMetadata("_hparams_/session_end_info").plugin_data.content)
        assert end.status == 1  # STATUS_SUCCESS
