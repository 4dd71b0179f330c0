"""Objective and Oracle: what to optimize, and who proposes the values of each trial.

The oracle lives in the process that calls `search`: it creates trials, records their results and decides the next
values; the trials themselves may train anywhere (see `Tuner`). Its state and every trial are JSON files under
`<directory>/<project_name>`, so a search resumes after a restart.
"""
import hashlib
import json
import math
import os
import random

from neuronet.tuners import hyperparameters as hp_module
from neuronet.tuners import metrics_tracking
from neuronet.tuners import trial as trial_module


class Objective:
    """The metric to optimize: its name in the training logs and "min" or "max"."""

    def __init__(self, name, direction):
        if direction not in ("min", "max"):
            raise ValueError(f"Objective '{name}': `direction` must be 'min' or 'max'. Received: {direction!r}")
        self.name, self.direction = name, direction

    def has_value(self, logs):
        return self.name in logs

    def get_value(self, logs):
        return logs[self.name]

    def better_than(self, a, b):
        return a > b if self.direction == "max" else a < b

    def get_config(self):
        return {"name": self.name, "direction": self.direction}

    def __eq__(self, other):
        return isinstance(other, Objective) and self.get_config() == other.get_config()

    def __repr__(self):
        return f'Objective(name="{self.name}", direction="{self.direction}")'


class MultiObjective(Objective):
    """Several objectives as one: the sum of those to minimize minus the sum of those to maximize."""

    def __init__(self, objectives):
        super().__init__("multi_objective", "min")
        self.objectives = objectives

    def has_value(self, logs):
        return all(o.name in logs for o in self.objectives)

    def get_value(self, logs):
        return sum(logs[o.name] * (1 if o.direction == "min" else -1) for o in self.objectives)

    def get_config(self):
        return {"objectives": [o.get_config() for o in self.objectives]}

    def __repr__(self):
        return f"MultiObjective({self.objectives})"


def create_objective(objective):
    """An `Objective` from a name (direction inferred), an `Objective`, a list of those, or None."""
    if objective is None:
        return Objective("default_objective", "min")
    if isinstance(objective, Objective):
        return objective
    if isinstance(objective, (list, tuple)):
        return MultiObjective([create_objective(o) for o in objective])
    if isinstance(objective, dict):
        return create_objective([Objective(**o) for o in objective["objectives"]] if "objectives" in objective
                                else Objective(**objective))
    if isinstance(objective, str):
        direction = metrics_tracking.infer_metric_direction(objective)
        if direction is None:
            raise ValueError(f"Could not infer the optimization direction ('min' or 'max') of the objective "
                             f"{objective!r}. Pass it explicitly: Objective({objective!r}, direction='max').")
        return Objective(objective, direction)
    raise TypeError(f"`objective` must be a metric name, an `Objective` or a list of them. Received: {objective!r}")


def write_json(path, data):
    """Write then rename, so an interrupted search never leaves half a file."""
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, default=_json_default)
    os.replace(tmp, path)


def _json_default(value):
    if hasattr(value, "item"):  # NumPy scalars in metrics
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


class Oracle:
    """Proposes hyperparameter values; subclasses write `populate_space(trial_id)`.

    Args:
        objective: a metric name ("val_loss": minimize, "val_accuracy": maximize), an `Objective`, or a list.
        max_trials: the number of trials to run at most (None: the oracle decides when to stop).
        hyperparameters: an optional `HyperParameters` registering or overriding parts of the search space.
        allow_new_entries: whether the hypermodel may ask for parameters not in `hyperparameters`.
        tune_new_entries: whether such new parameters are tuned (otherwise they keep their default).
        seed: the seed of the random draws.
        max_retries_per_trial: how many times a crashed trial is run again.
        max_consecutive_failed_trials: the search stops with an error after this many failed trials in a row.
    """

    def __init__(self, objective=None, max_trials=None, hyperparameters=None, allow_new_entries=True,
                 tune_new_entries=True, seed=None, max_retries_per_trial=0, max_consecutive_failed_trials=3):
        if max_trials is not None and (not isinstance(max_trials, int) or max_trials < 1):
            raise ValueError(f"`max_trials` must be a positive integer or None. Received: max_trials={max_trials!r}")
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
            raise ValueError(f"`seed` must be a non-negative integer or None. Received: seed={seed!r}")
        if hyperparameters is None and not (tune_new_entries and allow_new_entries):
            raise ValueError("With `tune_new_entries=False` or `allow_new_entries=False`, pass the search space as "
                             "`hyperparameters=`.")
        self.objective = create_objective(objective)
        self.max_trials = max_trials
        self.hyperparameters = hyperparameters.copy() if hyperparameters else hp_module.HyperParameters()
        self.allow_new_entries, self.tune_new_entries = allow_new_entries, tune_new_entries
        self.seed = seed if seed is not None else random.randint(1, 10000)
        self._seed_given = seed is not None
        self._seed_state = 0  # draws made so far
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.trials, self.ongoing_trials = {}, {}  # trial_id -> Trial
        self.start_order, self.end_order = [], []
        self._run_times, self._retry_queue, self._tried_so_far = {}, [], set()
        self._project_dir = None
        self._max_collisions = 20

    # --- the algorithm --------------------------------------------------------------------------------------------
    def populate_space(self, trial_id):
        """Values for a new trial: {"status": "RUNNING", "values": {...}}, or {"status": "IDLE"} (wait for running
        trials) or {"status": "STOPPED"} (the search is over)."""
        raise NotImplementedError

    def score_trial(self, trial):
        """Score a completed trial: the objective's best recorded value, and its step (Keras Tuner's rule)."""
        name = self.objective.name
        trial.score = trial.metrics.get_best_value(name) if trial.metrics.exists(name) else None
        if trial.score is not None:
            trial.best_step = trial.metrics.get_best_step(name)

    def update_trial(self, trial_id, metrics, step=0):
        """Record a trial's metrics (a dict name -> value) at `step` (an epoch); returns the `Trial`."""
        trial = self.trials[trial_id]
        metrics = dict(metrics)
        if self.objective.name not in metrics and self.objective.has_value(metrics):  # a MultiObjective's sum
            metrics[self.objective.name] = self.objective.get_value(metrics)
        for name, value in metrics.items():
            if not trial.metrics.exists(name):
                trial.metrics.register(name, direction=self._direction_of(name))
            trial.metrics.update(name, value, step=step)
        self.save(trial)
        return trial

    def _direction_of(self, name):
        objectives = getattr(self.objective, "objectives", []) + [self.objective]
        return next((o.direction for o in objectives if o.name == name), None)

    def create_trial(self, tuner_id="tuner0"):
        """A new `Trial` (status "RUNNING"), or one whose status "IDLE"/"STOPPED" says why there is none."""
        if self._retry_queue:
            trial = self.trials[self._retry_queue.pop(0)]
            trial.status = "RUNNING"
            self.ongoing_trials[trial.trial_id] = trial
            return trial
        trial_id = str(len(self.trials)).zfill(len(str(self.max_trials)) if self.max_trials else 4)
        if self.max_trials and len(self.trials) >= self.max_trials:
            response = {"status": "STOPPED"}
        else:
            response = self.populate_space(trial_id)
        hyperparameters = self.hyperparameters.copy()
        hyperparameters.values = dict(response.get("values") or {})
        trial = trial_module.Trial(hyperparameters, trial_id, response["status"])
        if trial.status == "RUNNING":
            self._record_values(trial)
            self.trials[trial_id] = self.ongoing_trials[trial_id] = trial
            self.start_order.append(trial_id)
            self.save(trial)
        return trial

    def end_trial(self, trial):
        """Record a finished trial ("COMPLETED", "INVALID" or "FAILED"); send an invalid one for retry."""
        trial = self.trials[trial.trial_id]
        self.ongoing_trials.pop(trial.trial_id, None)
        self.update_space(trial.hyperparameters)
        if trial.status == trial_module.TrialStatus.COMPLETED:
            self.score_trial(trial)
            if trial.score is None or math.isnan(trial.score):
                trial.status, trial.message = "INVALID", trial.message or "The objective value is NaN."
        self._record_values(trial)
        self._run_times[trial.trial_id] = self._run_times.get(trial.trial_id, 0) + 1
        if trial.status == "INVALID" and self._run_times[trial.trial_id] <= self.max_retries_per_trial:
            self._retry_queue.append(trial.trial_id)
        else:
            trial.status = "FAILED" if trial.status == "INVALID" else trial.status
            self.end_order.append(trial.trial_id)
        self.save(trial)
        self._check_consecutive_failures()

    def _check_consecutive_failures(self):
        streak = 0
        for trial_id in self.end_order:
            streak = streak + 1 if self.trials[trial_id].status == "FAILED" else 0
            if streak >= self.max_consecutive_failed_trials:
                raise RuntimeError(f"Number of consecutive failures exceeded the limit of "
                                   f"{self.max_consecutive_failed_trials}. Last error:\n"
                                   f"{self.trials[trial_id].message or ''}")

    def update_space(self, hyperparameters):
        """Add the parameters a trial's hypermodel created that the space does not have yet."""
        new = [hp for hp in hyperparameters.space if not self.hyperparameters._exists(hp.name, hp.conditions)]
        if new and not self.allow_new_entries:
            raise RuntimeError(f"`allow_new_entries` is False, but the hypermodel asked for new hyperparameters "
                               f"{[hp.name for hp in new]}. Add them to `hyperparameters=` or allow new entries.")
        if new and self.tune_new_entries:
            self.hyperparameters.merge(new)

    def get_space(self):
        return self.hyperparameters.copy()

    def get_trial(self, trial_id):
        return self.trials[trial_id]

    def get_best_trials(self, num_trials=1):
        """Completed trials from best to worst (then the others, if fewer are completed)."""
        done = [t for t in self.trials.values() if t.status == "COMPLETED"]
        done.sort(key=lambda t: t.score, reverse=self.objective.direction == "max")
        rest = [t for t in self.trials.values() if t.status != "COMPLETED"]
        return (done + rest if len(done) < num_trials else done)[:num_trials]

    def remaining_trials(self):
        return self.max_trials - len(self.trials) if self.max_trials else None

    # --- random values ----------------------------------------------------------------------------------------------
    def _random_values(self):
        """Random values for the active parameters, not tried before; None when the space seems exhausted."""
        for _ in range(self._max_collisions + 1):
            hps = hp_module.HyperParameters()
            for hp in self.hyperparameters.space:
                hps.merge([hp])
                if hps.is_active(hp):
                    # seed and counter both feed the draw: seeds 1 and 2 must not share most of their draws
                    hps.values[hp.name] = hp.random_sample(f"{self.seed}:{self._seed_state}")
                    self._seed_state += 1
            if not self._duplicate(hps.values):
                return hps.values
        return None

    @staticmethod
    def _hash(values):
        text = "".join(f"{k}={values[k]}" for k in sorted(values) if not k.startswith("tuner/"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _duplicate(self, values):
        return self._hash(values) in self._tried_so_far

    def _record_values(self, trial):
        trial.hyperparameters.ensure_active_values()
        self._tried_so_far.add(self._hash(trial.hyperparameters.values))

    # --- state ------------------------------------------------------------------------------------------------------
    def settings(self):
        """What must match for a saved search to be resumed (the algorithm's own arguments)."""
        return {}

    def get_state(self):
        return {"hyperparameters": self.hyperparameters.get_config(), "start_order": self.start_order,
                "end_order": self.end_order, "run_times": self._run_times, "retry_queue": self._retry_queue,
                "seed": self.seed, "seed_state": self._seed_state, "tried_so_far": sorted(self._tried_so_far),
                "ongoing_trials": list(self.ongoing_trials)}

    def set_state(self, state):
        self.hyperparameters = hp_module.HyperParameters.from_config(state["hyperparameters"])
        self.start_order, self.end_order = state["start_order"], state["end_order"]
        self._run_times, self._retry_queue = dict(state["run_times"]), list(state["retry_queue"])
        self.seed, self._seed_state = state["seed"], state["seed_state"]
        self._tried_so_far = set(state["tried_so_far"])
        # Trials that were running when the search stopped run again, first.
        self._retry_queue = [t for t in state["ongoing_trials"] if t not in self._retry_queue] + self._retry_queue
        self.ongoing_trials = {}

    def trial_dir(self, trial_id):
        path = os.path.join(self._project_dir, f"trial_{trial_id}")
        os.makedirs(path, exist_ok=True)
        return path

    def save(self, trial=None):
        """Write oracle.json, and the trial.json of `trial` if given."""
        if self._project_dir is None:
            return
        if trial is not None:
            write_json(os.path.join(self.trial_dir(trial.trial_id), "trial.json"), trial.get_state())
        write_json(os.path.join(self._project_dir, "oracle.json"), {
            "oracle": type(self).__name__, "objective": self.objective.get_config(), "settings": self.settings(),
            "max_trials": self.max_trials, "state": self.get_state()})

    def reload(self, saved):
        """Restore the trials and the state of a saved search (`saved`: the content of oracle.json)."""
        for trial_id in saved["state"]["start_order"]:
            with open(os.path.join(self.trial_dir(trial_id), "trial.json"), encoding="utf-8") as f:
                self.trials[trial_id] = trial_module.Trial.from_state(json.load(f))
        self.set_state(saved["state"])
