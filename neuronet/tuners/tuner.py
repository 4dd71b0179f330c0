"""Tuner: runs the trials an oracle proposes, where an executor says, and keeps their results on disk.

The process that calls `search` holds the oracle. Each trial is one call of `trial_job.run_trial_job` (build the
model from the trial's hyperparameters, train it `executions_per_trial` times, keep the best epoch), either here
(`executor=None`), in local processes (`executor="processes"`), or on any `concurrent.futures`-style executor: a
`ProcessPoolExecutor`, or a Dask `distributed.Client` for a cluster (see `trial_runner`). Only numbers and weight
arrays travel back; the oracle, the JSON results and the `.npz` checkpoints stay here.
"""
import json
import os
import pickle
import shutil
import time
import traceback

import numpy as np

from neuronet.tuners import errors
from neuronet.tuners import hypermodel as hypermodel_module
from neuronet.tuners import hyperparameters as hp_module
from neuronet.tuners import trial as trial_module
from neuronet.tuners import trial_job
from neuronet.tuners import trial_runner

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
        self.hypermodel = None if hypermodel is None else hypermodel_module.get_hypermodel(hypermodel)
        self.max_model_size, self.optimizer, self.loss, self.metrics = max_model_size, optimizer, loss, metrics
        self.executions_per_trial, self.tuner_id = executions_per_trial, tuner_id or "tuner0"
        self.executor = trial_runner.check_executor(executor, max_concurrent_trials)
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
        runner = trial_runner.TrialRunner(self.executor, self.max_concurrent_trials,
                                          {"args": fit_args, "kwargs": fit_kwargs})
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
        if trial_runner.is_dask_client(self.executor):
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
        return trial_job.run_trial_job(self._make_job(trial), {"args": args, "kwargs": kwargs})

    def _run_here(self, trial, fit_args, fit_kwargs):
        return trial_job.results_to_trial_result(self.run_trial(trial, *fit_args, **fit_kwargs), self.oracle.objective)

    def _finish_trial(self, trial, result, error):
        if isinstance(error, errors.FatalError):
            raise error
        if error is None:
            trial.status, trial.history = trial_module.TrialStatus.COMPLETED, result["history"]
            trial.best_step = result["best_step"]
            if result.get("hyperparameters"):  # parameters first asked for while training (e.g. in HyperModel.fit)
                trial.hyperparameters = hp_module.HyperParameters.from_config(result["hyperparameters"])
            # As Keras Tuner: the best epoch's metrics, one observation each at that epoch.
            self.oracle.update_trial(trial.trial_id, result["metrics"], step=result["best_step"] or 0)
            if result["weights"]:
                trial_job.save_checkpoint(self._checkpoint_path(trial.trial_id), result)
        else:
            status = trial_module.TrialStatus
            trial.status = status.FAILED if isinstance(error, errors.FailedTrialError) else status.INVALID
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
                left = self.oracle.max_retries_per_trial + 1 - runs
                print(f"Trial {number} failed {runs} times. {left} retries left."
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
        model = trial_job.build_model(self.hypermodel, trial.hyperparameters.copy(), {**self._model_options(),
                                                                             "max_model_size": None})
        checkpoint = trial_job.load_checkpoint(path)
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
