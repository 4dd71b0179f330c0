"""Tuner: runs the trials an oracle proposes, where an executor says, and keeps their results on disk.

The process that calls `search` holds the oracle. Each trial is one call of `run_trial_job` (build the model from
the trial's hyperparameters, train it `executions_per_trial` times, keep the best epoch), either here
(`executor=None`), in local processes (`executor="processes"`), or on any `concurrent.futures`-style executor: a
`ProcessPoolExecutor`, or a Dask `distributed.Client` for a cluster. Only numbers and weight arrays travel back;
the oracle, the JSON results and the `.npz` checkpoints stay here.
"""
import concurrent.futures
import copy
import json
import math
import os
import pickle
import shutil
import time
import traceback

import numpy as np

from neuronet import callbacks as callbacks_module
from neuronet.tuners import hparams_logger
from neuronet.tuners import hyperparameters as hp_module
from neuronet.tuners import oracle as oracle_module
from neuronet.tuners import trial as trial_module


class FatalError(Exception):
    """An error that stops the whole search (not just the trial)."""


class FatalValueError(FatalError, ValueError):
    pass


class FatalTypeError(FatalError, TypeError):
    pass


class FailedTrialError(Exception):
    """Raise it from a hypermodel to mark the trial as failed, without retries."""


class HyperModel:
    """A search space and a model-building recipe: subclass it and write `build(hp)`, optionally `fit(...)`.

    `fit(hp, model, *args, **kwargs)` may tune training arguments (e.g. `batch_size=hp.Choice(...)`); it returns
    the `History` of `model.fit`, a dict of metrics, or the objective's value as a float.
    """

    def __init__(self, name=None, tunable=True):
        self.name, self.tunable = name, tunable

    def build(self, hp):
        raise NotImplementedError("Subclasses of `HyperModel` must implement `build(hp)` returning a compiled model.")

    def declare_hyperparameters(self, hp):
        pass

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, **kwargs)


class _FunctionHyperModel(HyperModel):
    """A `build_model(hp)` function as a `HyperModel`; it pickles whenever the function does."""

    def __init__(self, build_fn):
        super().__init__()
        self.build_fn = build_fn

    def build(self, hp):
        return self.build_fn(hp)


def get_hypermodel(hypermodel):
    if isinstance(hypermodel, HyperModel):
        return hypermodel
    if callable(getattr(hypermodel, "build", None)) and not isinstance(hypermodel, type):
        return hypermodel
    if callable(hypermodel):
        return _FunctionHyperModel(hypermodel)
    raise TypeError(f"`hypermodel` must be a function `build_model(hp)` returning a compiled model, or a `HyperModel`."
                    f" Received: {hypermodel!r}")


# --- the worker side: everything below runs where the executor puts it ---------------------------------------------
class _TrialCallback(callbacks_module.Callback):
    """Restores a checkpoint before training (Hyperband), and keeps the best epoch's logs and weights."""

    def __init__(self, objective, best, checkpoint, strict):
        super().__init__()
        self.objective, self.best, self.checkpoint, self.strict = objective, best, checkpoint, strict
        self.best_logs, self.best_value, self.history, self.invalid_loss = None, None, {}, None

    def on_train_begin(self, logs=None):
        if self.checkpoint is None:
            return
        self.model.set_weights(self.checkpoint["weights"])
        optimizer = getattr(self.model, "optimizer", None)
        if self.checkpoint.get("optimizer") and optimizer is not None:
            if not optimizer.built:
                optimizer.build(self.model.trainable_weights)
            optimizer.set_weights(self.checkpoint["optimizer"])

    def on_train_end(self, logs=None):
        stopped = getattr(getattr(self.model, "history", None), "stopped_at", None)  # where fit met the bad loss
        if stopped:
            self.invalid_loss = dict(stopped)

    def on_epoch_end(self, epoch, logs=None):
        logs = _numeric(logs or {})
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss) and self.invalid_loss is None:
            self.invalid_loss = {"epoch": epoch, "loss": loss}  # fit stopped there: no score to trust
            return
        if not self.objective.has_value(logs):
            if self.strict:
                raise FatalValueError(_missing_objective(self.objective, logs))
            return
        value = self.objective.get_value(logs)
        if self.best_value is None or self.objective.better_than(value, self.best_value):
            self.best_value, self.best_logs = value, logs
        if self.best["value"] is None or self.objective.better_than(value, self.best["value"]):
            self.best.update(value=value, epoch=epoch, **_weights_of(self.model))


def _tuned_values(hp):
    return {k: v for k, v in hp.values.items() if not k.startswith("tuner/")}


def _numeric(logs):
    out = {}
    for key, value in logs.items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue  # not a metric (a callback's note in the logs)
    return out


def _missing_objective(objective, logs):
    return (f"The objective {objective!r} is not in the training logs. Available keys: {sorted(logs)}. Pass "
            "`validation_data=` (or `validation_split=`) to `search()` for a `val_` objective, add the metric to "
            "`compile(metrics=[...])`, or choose one of the available keys as the objective.")


def _weights_of(model):
    optimizer = getattr(model, "optimizer", None)
    built = optimizer is not None and getattr(optimizer, "built", False)
    return {"weights": list(model.get_weights()), "optimizer": list(optimizer.get_weights()) if built else []}


def _build_model(hypermodel, hp, job):
    model = hypermodel.build(hp)
    if not (hasattr(model, "fit") and hasattr(model, "get_weights")):
        raise FatalTypeError(f"The hypermodel must return a keras Model. Received: {model!r}. Make `build_model(hp)` "
                             "return the compiled model.")
    overrides = {k: v for k, v in job["compile_overrides"].items() if v is not None}
    if overrides:
        config = dict(getattr(model, "_compile_config", None) or {})
        config.update(overrides)
        if hasattr(config.get("optimizer"), "get_config"):  # a fresh optimizer per model, never a shared one
            config["optimizer"] = type(config["optimizer"]).from_config(config["optimizer"].get_config())
        model.compile(**config)
    if not getattr(model, "compiled", True):
        raise FatalValueError("The model returned by the hypermodel is not compiled. Call `model.compile(...)` in "
                              "`build_model(hp)`, or pass `optimizer=` and `loss=` to the tuner.")
    if job["max_model_size"] and model.count_params() > job["max_model_size"]:
        raise FailedTrialError(f"Oversized model: {model.count_params()} parameters (max_model_size="
                               f"{job['max_model_size']}). Skipped.")
    return model


def _execution_metrics(tracker, results, objective, model):
    """The metrics of one execution: its best epoch's logs, or what a custom `HyperModel.fit` returned."""
    if isinstance(results, dict):
        metrics = _numeric(results)
    elif isinstance(results, (int, float, np.floating, np.integer)):
        metrics = {objective.name: float(results)}
    else:
        metrics = tracker.best_logs or {}
    if not objective.has_value(metrics):
        raise FatalValueError(_missing_objective(objective, {**dict.fromkeys(tracker.history), **metrics}))
    if tracker.best_logs is None:  # no epoch had the objective: keep the final weights
        value = objective.get_value(metrics)
        if tracker.best["value"] is None or objective.better_than(value, tracker.best["value"]):
            tracker.best.update(value=value, epoch=None, **_weights_of(model))
    return metrics


def _separate_tensorboard_runs(callbacks, hp, trial_id, execution):
    """As Keras Tuner: a TensorBoard callback logs each trial's execution to `<log_dir>/<trial_id>/execution<k>`,
    with the trial's values for TensorBoard's HParams dashboard."""
    for callback in list(callbacks):
        if type(callback).__name__ == "TensorBoard" and hasattr(callback, "log_dir"):
            callback.log_dir = os.path.join(str(callback.log_dir), str(trial_id), f"execution{execution}")
            callbacks.append(hparams_logger.HParamsLogger(callback.log_dir, hp, trial_id))


def run_trial_job(job, data):
    """Build, train and score one trial. Runs in any process; returns only numbers and NumPy arrays.

    `job`: the trial's hyperparameters, the hypermodel and the options; `data`: `{"args", "kwargs"}` of `search()`.
    """
    from neuronet.utils import set_random_seed

    hp = hp_module.HyperParameters.from_config(job["hyperparameters"])
    objective = oracle_module.create_objective(job["objective"])
    hypermodel = job["hypermodel"]
    kwargs = {**data["kwargs"], **job["fit_overrides"]}
    user_callbacks = kwargs.pop("callbacks", None) or []
    # With the default fit, the objective must be in the epoch logs; a custom fit may compute it afterwards.
    strict = getattr(type(hypermodel), "fit", HyperModel.fit) is HyperModel.fit
    best, all_metrics, histories = {"value": None, "epoch": None, "weights": [], "optimizer": []}, [], []
    for execution in range(job["executions_per_trial"]):
        if job["seed"] is not None:
            set_random_seed(job["seed"] + execution)
        model = _build_model(hypermodel, hp, job)
        tracker = _TrialCallback(objective, best, job["checkpoint"], strict)
        try:
            callbacks = copy.deepcopy(list(user_callbacks))
        except Exception as error:
            raise FatalValueError(f"Callbacks passed to `search()` must be deep-copyable (each execution gets its "
                                  f"own copy). `copy.deepcopy` failed: {error}") from error
        _separate_tensorboard_runs(callbacks, hp, job["trial_id"], execution)
        fit = getattr(hypermodel, "fit", None) or HyperModel.fit.__get__(hypermodel)
        results = fit(hp, model, *data["args"], callbacks=[tracker, *callbacks], **kwargs)
        if tracker.invalid_loss is not None:
            stop = tracker.invalid_loss
            where = f"at batch {stop['batch']} of {stop['steps']} " if "batch" in stop else ""
            raise FailedTrialError(f"The training loss became {stop['loss']} {where}in epoch {stop['epoch'] + 1} "
                                   f"(execution {execution + 1}): `fit` stopped there, so the trial has no valid "
                                   f"score. Usual causes: a learning rate too high for these values "
                                   f"{_tuned_values(hp)}, or unscaled inputs.")
        all_metrics.append(_execution_metrics(tracker, results, objective, model))
        histories.append(tracker.history)
    metrics = {k: float(np.mean([m[k] for m in all_metrics])) for k in all_metrics[0]
               if all(k in m for m in all_metrics)}
    x = data["args"][0] if data["args"] else data["kwargs"].get("x")
    return {"metrics": metrics, "best_step": best["epoch"], "weights": best["weights"], "optimizer": best["optimizer"],
            "history": histories, "hyperparameters": hp.get_config(), "_neuronet_trial_result": True,
            # lets `get_best_models` build a model that gets its input shape only from data
            "input_shape": list(np.shape(x))[1:] if isinstance(x, np.ndarray) else None}


# --- the search side ------------------------------------------------------------------------------------------------
class _DoneFuture:
    """The result of a job run right here, shaped like a `concurrent.futures.Future`."""

    def __init__(self, fn):
        self._result = self._error = None
        try:
            self._result = fn()
        except Exception as error:  # the trial failed; the tuner decides what that means
            self._error = error

    def done(self):
        return True

    def cancel(self):
        return False

    def result(self):
        if self._error is not None:
            raise self._error
        return self._result


def _one_blas_thread():
    """Worker processes share the cores: one BLAS thread each, not one per core each."""
    try:
        import threadpoolctl
    except ImportError:
        return
    threadpoolctl.threadpool_limits(1)


def _is_processes(executor):
    return isinstance(executor, str) and executor == "processes"


def _is_dask_client(executor):
    return callable(getattr(executor, "scatter", None)) and callable(getattr(executor, "nthreads", None))


def _check_executor(executor, max_concurrent_trials):
    if max_concurrent_trials is not None and (not isinstance(max_concurrent_trials, int) or max_concurrent_trials < 1):
        raise ValueError(f"`max_concurrent_trials` must be a positive integer or None. Received: "
                         f"{max_concurrent_trials!r}")
    if executor is None or _is_processes(executor) or callable(getattr(executor, "submit", None)):
        return executor
    raise TypeError(f"`executor` must be None (trials run one after the other here), 'processes' (local worker "
                    f"processes), or an object with `submit(fn, *args)` returning futures (a "
                    f"`concurrent.futures.ProcessPoolExecutor`, a Dask `distributed.Client`). Received: {executor!r}")


class _TrialRunner:
    """Keeps up to `capacity` trials running on the executor and hands back each one as it finishes."""

    def __init__(self, executor, max_concurrent_trials, data):
        self.owned = self.executor = None
        self.dask = _is_dask_client(executor)
        if _is_processes(executor):
            self.owned = self.executor = concurrent.futures.ProcessPoolExecutor(
                max_concurrent_trials or os.cpu_count(), initializer=_one_blas_thread)
        elif executor is not None:
            self.executor = executor
        self.capacity = max_concurrent_trials or self._capacity()
        # Dask: send the data to the cluster once, not with every trial.
        self.data = executor.scatter([data])[0] if self.dask else data
        self.pending = {}

    def _capacity(self):
        if self.executor is None:
            return 1
        if self.dask:
            return max(1, sum(self.executor.nthreads().values()))
        return getattr(self.executor, "_max_workers", None) or os.cpu_count() or 1

    def submit(self, trial, job, run_here):
        if self.executor is None:
            future = _DoneFuture(run_here)
        elif self.dask:  # pure=False: a retried trial must run again, not reuse the failed result
            future = self.executor.submit(run_trial_job, job, self.data, pure=False)
        else:
            future = self.executor.submit(run_trial_job, job, self.data)
        self.pending[future] = trial

    def next_done(self):
        """(trial, result, error) of the next trial to finish."""
        while True:
            done = next((f for f in self.pending if f.done()), None)
            if done is not None:
                trial = self.pending.pop(done)
                try:
                    return trial, done.result(), None
                except Exception as error:  # reported to the oracle, or raised if fatal
                    return trial, None, error
            local = [f for f in self.pending if isinstance(f, concurrent.futures.Future)]
            if len(local) == len(self.pending):
                concurrent.futures.wait(local, timeout=1.0, return_when=concurrent.futures.FIRST_COMPLETED)
            else:
                time.sleep(0.05)

    def close(self):
        for future in self.pending:
            future.cancel()
        if self.owned is not None:
            self.owned.shutdown(wait=True, cancel_futures=True)


def save_checkpoint(path, result):
    """Best-epoch weights (and optimizer state) as a NumPy .npz: arrays only, loadable without pickle."""
    arrays = {f"weight_{i:04d}": w for i, w in enumerate(result["weights"])}
    arrays.update({f"optimizer_{i:04d}": w for i, w in enumerate(result["optimizer"])})
    if result.get("input_shape") is not None:
        arrays["input_shape"] = np.array(result["input_shape"], dtype="int64")
    with open(f"{path}.tmp", "wb") as f:
        np.savez(f, **arrays)
    os.replace(f"{path}.tmp", path)


def load_checkpoint(path):
    with np.load(path, allow_pickle=False) as data:
        names = sorted(data.files)
        return {"weights": [data[n] for n in names if n.startswith("weight_")],
                "optimizer": [data[n] for n in names if n.startswith("optimizer_")],
                "input_shape": data["input_shape"].tolist() if "input_shape" in names else None}


def _results_to_trial_result(results, objective):
    """What a custom `run_trial` returned (History, dict, float, or a list of them) as a trial result."""
    if isinstance(results, dict) and results.get("_neuronet_trial_result"):
        return results
    items = results if isinstance(results, list) else [results]
    metrics = []
    for item in items:
        if hasattr(item, "history"):  # a History: the logs of its best epoch
            epochs = [dict(zip(item.history, values)) for values in zip(*item.history.values())]
            scored = [e for e in epochs if objective.has_value(e)]
            if not scored:
                raise FatalValueError(_missing_objective(objective, item.history))
            sign = -1 if objective.direction == "max" else 1
            item = min(scored, key=lambda e: sign * objective.get_value(e))
        metrics.append({objective.name: float(item)} if np.isscalar(item) else {k: float(v) for k, v in item.items()})
    averaged = {k: float(np.mean([m[k] for m in metrics])) for k in metrics[0] if all(k in m for m in metrics)}
    return {"metrics": averaged, "best_step": None, "weights": [], "optimizer": [], "history": []}


class Tuner:
    """Base class of the tuners: builds, trains and scores the models of the trials an `Oracle` proposes.

    Args:
        oracle: the `Oracle` proposing values.
        hypermodel: a function `build_model(hp)` returning a compiled model, or a `HyperModel`. With a process or
            Dask executor it must pickle: a module-level function (for Dask, importable on the workers, or
            registered with `cloudpickle.register_pickle_by_value(module)`).
        max_model_size: models with more parameters than this fail their trial.
        optimizer, loss, metrics: override those of `compile` in the models the hypermodel builds.
        directory, project_name: results go to `<directory>/<project_name>` ("./untitled_project" by default).
        overwrite: True deletes the saved trials of that project and starts afresh; False (default) resumes them.
        executions_per_trial: trainings per trial (from fresh weights); the trial's metrics are their average.
        executor: None (default: trials run one by one in this process), "processes" (a local
            `ProcessPoolExecutor`), or any object with `submit(fn, *args)` returning futures with `done()` and
            `result()` (a `concurrent.futures` executor, a Dask `distributed.Client`).
        max_concurrent_trials: trials running at once (default: the executor's workers).
    """

    def __init__(self, oracle, hypermodel=None, max_model_size=None, optimizer=None, loss=None, metrics=None,
                 distribution_strategy=None, directory=None, project_name=None, logger=None, tuner_id=None,
                 overwrite=False, executions_per_trial=1, executor=None, max_concurrent_trials=None):
        if distribution_strategy is not None or logger is not None:
            raise ValueError("`distribution_strategy` and `logger` are TensorFlow-only; leave them None. To run trials "
                             "in parallel, pass `executor=` (e.g. 'processes' or a Dask `distributed.Client`).")
        if hypermodel is None and type(self).run_trial is Tuner.run_trial:
            raise ValueError("Received `hypermodel=None`: pass a `build_model(hp)` function or a `HyperModel`, or "
                             "subclass the tuner and override `run_trial()`.")
        if not isinstance(executions_per_trial, int) or executions_per_trial < 1:
            raise ValueError(f"`executions_per_trial` must be a positive integer. Received: {executions_per_trial!r}")
        self.oracle = oracle
        self.hypermodel = None if hypermodel is None else get_hypermodel(hypermodel)
        self.max_model_size, self.optimizer, self.loss, self.metrics = max_model_size, optimizer, loss, metrics
        self.executions_per_trial, self.tuner_id = executions_per_trial, tuner_id or "tuner0"
        self.executor = _check_executor(executor, max_concurrent_trials)
        self.max_concurrent_trials = max_concurrent_trials
        self.directory, self.project_name = directory or ".", project_name or "untitled_project"
        self._verbose, self._search_start, self._trial_start = True, None, {}
        if self.hypermodel is not None:
            self._populate_initial_space()
        self._open_project(overwrite)

    @property
    def project_dir(self):
        return os.path.join(str(self.directory), self.project_name)

    @property
    def remaining_trials(self):
        return self.oracle.remaining_trials()

    # --- the search space and the project directory ---------------------------------------------------------------
    def _populate_initial_space(self):
        """Build the model once per conditional branch, so the space holds every parameter before the search."""
        hp = self.oracle.get_space()
        self.hypermodel.declare_hyperparameters(hp) if hasattr(self.hypermodel, "declare_hyperparameters") else None
        never_active, seen = [], []
        for _ in range(100):
            self.hypermodel.build(hp)
            self.oracle.update_space(hp)
            seen += [c for c in hp.active_scopes if c not in seen]
            never_active = [c for c in never_active + hp.inactive_scopes if c not in seen]
            if not never_active:
                return
            conditions = never_active[0]
            seen.append(conditions)  # tried once: never loop on a branch that cannot be reached
            hp = self.oracle.get_space()
            for condition in conditions:
                hp.values[condition.name] = condition.values[0]
            hp.ensure_active_values()

    def _signature(self, oracle_name, objective, settings, space):
        space_keys = sorted(json.dumps(item, sort_keys=True) for item in space)
        return json.loads(json.dumps({"tuner": oracle_name, "objective": objective, "settings": settings,
                                      "search space": space_keys}))

    def _open_project(self, overwrite):
        path, oracle_file = self.project_dir, os.path.join(self.project_dir, "oracle.json")
        if overwrite and os.path.isdir(path):
            for name in os.listdir(path):  # only what a tuner wrote: never the user's other files
                full = os.path.join(path, name)
                if name == "oracle.json":
                    os.remove(full)
                elif name.startswith("trial_") and os.path.isdir(full):
                    shutil.rmtree(full)
        elif os.path.exists(oracle_file):
            with open(oracle_file, encoding="utf-8") as f:
                saved = json.load(f)
            self._check_same_search(saved)
            self.oracle._project_dir = path
            self.oracle.reload(saved)
            print(f"Resuming the search saved in {path!r}: {len(self.oracle.end_order)} finished trial(s) are kept and "
                  "will not run again (pass overwrite=True to start afresh).")
        os.makedirs(path, exist_ok=True)
        self.oracle._project_dir = path
        self.oracle.save()

    def _check_same_search(self, saved):
        saved_hps = saved.get("state", {}).get("hyperparameters", {})  # {} in another tool's oracle.json
        try:  # read and written again: files of earlier versions compare equal when they hold the same space
            space = hp_module.HyperParameters.from_config(saved_hps).get_config()["space"]
        except (KeyError, TypeError, ValueError):
            space = saved_hps.get("space", [])
        before = self._signature(saved.get("oracle"), saved.get("objective"), saved.get("settings"), space)
        now = self._signature(type(self.oracle).__name__, self.oracle.objective.get_config(), self.oracle.settings(),
                              self.oracle.hyperparameters.get_config()["space"])
        diffs = [f"{key}: saved {before[key]}, now {now[key]}" for key in now if before[key] != now[key]]
        if diffs:
            raise ValueError(f"The directory {self.project_dir!r} holds the results of a different search ("
                             + "; ".join(diffs) + "). Nothing was changed. Pass overwrite=True to delete those "
                             "results and start afresh, or choose another `project_name` or `directory`.")

    # --- running trials ---------------------------------------------------------------------------------------------
    def search(self, *fit_args, **fit_kwargs):
        """Run trials until the oracle stops. The arguments go to `model.fit` (x, y, epochs=, validation_data=...)."""
        self._verbose = fit_kwargs.get("verbose", 1) not in (0, False)
        self._search_start = time.time()
        if self.executor is not None:
            self._check_can_run_remotely(fit_kwargs)
        runner = _TrialRunner(self.executor, self.max_concurrent_trials, {"args": fit_args, "kwargs": fit_kwargs})
        self.on_search_begin()
        try:
            while True:
                while len(runner.pending) < runner.capacity:
                    trial = self.oracle.create_trial(self.tuner_id)
                    if trial.status != "RUNNING":
                        break
                    self.on_trial_begin(trial)
                    job = None if self.executor is None else self._make_job(trial)
                    runner.submit(trial, job, lambda t=trial: self._run_here(t, fit_args, fit_kwargs))
                if not runner.pending:
                    break
                self._finish_trial(*runner.next_done())
        finally:
            runner.close()
        self.on_search_end()

    def _check_can_run_remotely(self, fit_kwargs):
        if type(self).run_trial is not Tuner.run_trial:
            raise TypeError("A tuner that overrides `run_trial()` runs its trials in this process only: use "
                            "executor=None, or tune training arguments in `HyperModel.fit()` instead.")
        if _is_dask_client(self.executor):
            return  # Dask pickles with cloudpickle, which also sends functions by value
        try:
            pickle.dumps((self.hypermodel, fit_kwargs.get("callbacks")))
        except Exception as error:
            raise TypeError(f"To run trials in other processes the hypermodel and callbacks must pickle, but: {error}. "
                            "Define `build_model(hp)` at module level (not a lambda or a nested function), or use "
                            "executor=None.") from error

    def _make_job(self, trial):
        seed = None
        if self.oracle._seed_given:  # deterministic trials only when the user asked for a seed
            seed = (self.oracle.seed * 10007 + int(trial.trial_id) * 101) % (2 ** 31 - 1)
        return {"hypermodel": self.hypermodel, "trial_id": trial.trial_id,
                "hyperparameters": trial.hyperparameters.get_config(),
                "objective": self.oracle.objective.get_config(), "executions_per_trial": self.executions_per_trial,
                "seed": seed, "fit_overrides": self._fit_overrides(trial),
                "checkpoint": self._initial_checkpoint(trial), **self._model_options()}

    def _model_options(self):
        return {"compile_overrides": {"optimizer": self.optimizer, "loss": self.loss, "metrics": self.metrics},
                "max_model_size": self.max_model_size}

    def _fit_overrides(self, trial):
        """Arguments of `fit` a tuner sets per trial (Hyperband: `epochs` and `initial_epoch`)."""
        return {}

    def _initial_checkpoint(self, trial):
        """Weights a trial starts from (Hyperband: those of the trial it continues); None: fresh weights."""
        return None

    def run_trial(self, trial, *args, **kwargs):
        """Build, train and score one trial in this process. Override it to customize (in-process only); it may
        return what this returns, or a `History`, a dict of metrics or the objective's value."""
        return run_trial_job(self._make_job(trial), {"args": args, "kwargs": kwargs})

    def _run_here(self, trial, fit_args, fit_kwargs):
        return _results_to_trial_result(self.run_trial(trial, *fit_args, **fit_kwargs), self.oracle.objective)

    def _finish_trial(self, trial, result, error):
        if isinstance(error, FatalError):
            raise error
        if error is None:
            trial.status, trial.history = trial_module.TrialStatus.COMPLETED, result["history"]
            trial.best_step = result["best_step"]
            if result.get("hyperparameters"):  # parameters first asked for while training (e.g. in HyperModel.fit)
                trial.hyperparameters = hp_module.HyperParameters.from_config(result["hyperparameters"])
            # As Keras Tuner: the best epoch's metrics, one observation each at that epoch.
            self.oracle.update_trial(trial.trial_id, result["metrics"], step=result["best_step"] or 0)
            if result["weights"]:
                save_checkpoint(self._checkpoint_path(trial.trial_id), result)
        else:
            trial.status = trial_module.TrialStatus.FAILED if isinstance(error, FailedTrialError) else trial_module.TrialStatus.INVALID
            trial.message = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.oracle.end_trial(trial)
        self.on_trial_end(trial)

    def _checkpoint_path(self, trial_id):
        return os.path.join(self.oracle.trial_dir(trial_id), "checkpoint.weights.npz")

    # --- hooks and display ------------------------------------------------------------------------------------------
    def on_search_begin(self):
        pass

    def on_search_end(self):
        pass

    def on_trial_begin(self, trial):
        self._trial_start[trial.trial_id] = time.time()
        if self._verbose:
            best = self.oracle.get_best_trials(1)
            best_values = best[0].hyperparameters.values if best and best[0].status == "COMPLETED" else {}
            print(f"\nSearch: Running Trial #{int(trial.trial_id) + 1}\n")
            print(f"{'Value':<18}|{'Best Value So Far':<18}|Hyperparameter")
            for name, value in trial.hyperparameters.values.items():
                print(f"{_format(value):<18}|{_format(best_values.get(name, '?')):<18}|{name}")

    def on_trial_end(self, trial):
        if self._verbose:
            elapsed = _duration(time.time() - self._trial_start.get(trial.trial_id, time.time()))
            number, status = int(trial.trial_id) + 1, trial_module.TrialStatus
            if trial.status == status.COMPLETED:
                print(f"Trial {number} Complete [{elapsed}]")
                print(f"{self.oracle.objective.name}: {trial.score}")
            elif trial.status == status.INVALID:  # sent back for a retry
                runs = self.oracle._run_times.get(trial.trial_id, 1)
                print(f"Trial {number} failed {runs} times. {self.oracle.max_retries_per_trial + 1 - runs} retries left."
                      f"\n{_last_line(trial.message)}")
            else:
                print(f"Trial {number} Failed [{elapsed}]\n{_last_line(trial.message)}")
            best = self.oracle.get_best_trials(1)
            print(f"\nBest {self.oracle.objective.name} So Far: {best[0].score if best else None}")
            print(f"Total elapsed time: {_duration(time.time() - (self._search_start or time.time()))}")

    # --- results ----------------------------------------------------------------------------------------------------
    def get_best_hyperparameters(self, num_trials=1):
        """The `HyperParameters` of the best trials, best first."""
        return [trial.hyperparameters for trial in self.oracle.get_best_trials(num_trials)]

    def get_best_models(self, num_models=1):
        """The best models, rebuilt from their hyperparameters with the weights of their best epoch."""
        return [self.load_model(trial) for trial in self.oracle.get_best_trials(num_models)]

    def load_model(self, trial):
        path = self._checkpoint_path(trial.trial_id)
        if not os.path.exists(path):
            raise ValueError(f"Trial {trial.trial_id} has no saved weights (status {trial.status}); only completed "
                             "trials of a built-in `run_trial` have them.")
        model = _build_model(self.hypermodel, trial.hyperparameters.copy(), {**self._model_options(),
                                                                             "max_model_size": None})
        checkpoint = load_checkpoint(path)
        if not getattr(model, "built", True) and checkpoint["input_shape"] is not None:
            model(np.zeros([1, *checkpoint["input_shape"]], dtype="float32"))  # builds it, as training did
        if not getattr(model, "built", True):
            raise ValueError("The rebuilt model has no weights yet, so the saved ones cannot be loaded: give it an "
                             "input shape in `build_model(hp)` (keras.Input(shape=...) or input_shape=[...]).")
        model.set_weights(checkpoint["weights"])
        return model

    def search_space_summary(self, extended=False):
        """Print the search space: each parameter's name, type and configuration."""
        space = self.oracle.get_space().space
        print("Search space summary")
        print(f"Default search space size: {len(space)}")
        for hp in space:
            config = {k: v for k, v in hp.get_config().items() if k != "name"}
            print(f"{hp.name} ({type(hp).__name__})")
            print(config)

    def results_summary(self, num_trials=10):
        """Print the best trials: their hyperparameters and score."""
        print("Results summary")
        print(f"Results in {self.project_dir}")
        print(f"Showing {num_trials} best trials")
        print(self.oracle.objective)
        for trial in self.oracle.get_best_trials(num_trials):
            print()
            trial.summary()


def _format(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.5g}"
    text = str(value)
    return text if len(text) <= 18 else text[:15] + "..."


def _last_line(message):
    """The error itself, the last line of a traceback (the whole of it is in `trial.message`)."""
    lines = [line for line in (message or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _duration(seconds):
    seconds = int(round(seconds))
    days, seconds = divmod(seconds, 86400)
    text = f"{seconds // 3600:02d}h {seconds % 3600 // 60:02d}m {seconds % 60:02d}s"
    return f"{days:d}d {text}" if days else text
