"""Hyperband: successive halving in brackets of different aggressiveness (Li et al., JMLR 18, 2018).

With R = `max_epochs`, η = `factor` and s_max = ⌊log_η R⌋, one Hyperband iteration runs the brackets
s = s_max, ..., 0. Round i of bracket s trains its trials up to ⌈R η^(i-s)⌉ epochs; each round keeps the best of the
previous one. Two schedules give the number of trials per round:

- `schedule="keras_tuner"` (the default): Keras Tuner's sizes, ⌈⌈1 + log_η R⌉ / (s + 1) · η^(s-i)⌉, so that a
  search runs as many trials as it does with Keras Tuner (30 per iteration for R = 10, η = 3).
- `schedule="paper"`: Algorithm 1 of the paper, n = ⌈(s_max + 1) η^s / (s + 1)⌉ trials keeping ⌊n η^-i⌋ in round i
  (Table 1 for R = 81, η = 3; 22 trials per iteration for R = 10, η = 3).

A promoted trial continues from the weights and optimizer state its parent saved, training only the extra epochs
(`initial_epoch` = the parent's epochs), instead of starting again.
"""
import math
import os

from neuronet.tuners import oracle as oracle_module
from neuronet.tuners import trial_job
from neuronet.tuners import tuner as tuner_module

SCHEDULES = ("keras_tuner", "paper")


def hyperband_schedule(max_epochs, factor=3, schedule="keras_tuner"):
    """The brackets of one iteration: per bracket, its rounds as (number of trials, epochs trained up to).

    Example:
    >>> hyperband_schedule(10, 3)
    [[(12, 2), (4, 4), (2, 10)], [(6, 4), (2, 10)], [(4, 10)]]
    >>> hyperband_schedule(9, 3, schedule="paper")
    [[(9, 1), (3, 3), (1, 9)], [(5, 3), (1, 9)], [(3, 9)]]
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"`schedule` must be one of {SCHEDULES}. Received: schedule={schedule!r}")
    s_max = 0
    while factor ** (s_max + 1) <= max_epochs:  # integers: no log() rounding at exact powers
        s_max += 1
    # Keras Tuner's size of bracket 0; math.log exactly as Keras Tuner computes it, so the counts agree with it
    # even where the float logarithm of an exact power rounds up (log_5 125 = 3.0000000000000004).
    last_size = math.ceil(1 + math.log(max_epochs, factor))
    brackets = []
    for s in range(s_max, -1, -1):
        if schedule == "paper":
            n = -(-(s_max + 1) * factor ** s // (s + 1))  # ceil
            sizes = [n // factor ** i for i in range(s + 1)]
        else:
            sizes = [math.ceil(last_size / (s + 1) * factor ** (s - i)) for i in range(s + 1)]
        brackets.append([(sizes[i], -(-max_epochs // factor ** (s - i))) for i in range(s + 1)])
    return brackets


class HyperbandOracle(oracle_module.Oracle):
    """Proposes the trials of the Hyperband schedule; each trial's values carry "tuner/epochs",
    "tuner/initial_epoch", "tuner/bracket", "tuner/round" and, for a promoted trial, "tuner/trial_id" (its parent).

    Brackets are independent, so while a round waits for its trials to finish, the next bracket may start
    (with a parallel executor); run one at a time, the trials follow the paper's order.
    """

    def __init__(self, objective=None, max_epochs=100, factor=3, hyperband_iterations=1, seed=None,
                 hyperparameters=None, allow_new_entries=True, tune_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, schedule="keras_tuner"):
        if not isinstance(max_epochs, int) or max_epochs < 1:
            raise ValueError(f"`max_epochs` must be a positive integer. Received: max_epochs={max_epochs!r}")
        if not isinstance(factor, int) or factor < 2:
            raise ValueError(f"`factor` must be an integer >= 2. Received: factor={factor!r}")
        if not isinstance(hyperband_iterations, int) or hyperband_iterations < 1:
            raise ValueError(f"`hyperband_iterations` must be a positive integer. Received: {hyperband_iterations!r}")
        if schedule not in SCHEDULES:
            raise ValueError(f"`schedule` must be one of {SCHEDULES}. Received: schedule={schedule!r}")
        super().__init__(objective=objective, max_trials=None, hyperparameters=hyperparameters,
                         allow_new_entries=allow_new_entries, tune_new_entries=tune_new_entries, seed=seed,
                         max_retries_per_trial=max_retries_per_trial,
                         max_consecutive_failed_trials=max_consecutive_failed_trials)
        self.max_epochs, self.factor, self.hyperband_iterations = max_epochs, factor, hyperband_iterations
        self.schedule = schedule
        # Every bracket that has started: {"bracket", "iteration", "sizes", "epochs", "rounds": [[trial ids]]}.
        self._brackets = []

    def get_schedule(self):
        """One iteration's brackets, as `hyperband_schedule(max_epochs, factor, schedule)`."""
        return hyperband_schedule(self.max_epochs, self.factor, self.schedule)

    def _next_bracket(self):
        schedule = self.get_schedule()
        index = len(self._brackets)
        if index >= len(schedule) * self.hyperband_iterations:
            return None
        rounds = schedule[index % len(schedule)]
        bracket = {"bracket": len(rounds) - 1, "iteration": index // len(schedule), "sizes": [n for n, _ in rounds],
                   "epochs": [e for _, e in rounds], "rounds": [[] for _ in rounds]}
        self._brackets.append(bracket)
        return bracket

    def populate_space(self, trial_id):
        for bracket in self._brackets:
            response = self._next_in_bracket(bracket, trial_id)
            if response is not None:
                return response
        while True:  # every started bracket is finished or waiting: start the next one
            bracket = self._next_bracket()
            if bracket is None:
                return {"status": "IDLE" if self.ongoing_trials else "STOPPED"}
            response = self._next_in_bracket(bracket, trial_id)
            if response is not None:
                return response

    def _next_in_bracket(self, bracket, trial_id):
        """Values for the bracket's next trial, or None if it is finished or waiting for running trials."""
        rounds, sizes = bracket["rounds"], bracket["sizes"]
        for index, ids in enumerate(rounds):
            if len(ids) >= sizes[index]:
                continue
            if index == 0:
                values = self._random_values()
                if values is None:  # the space is exhausted: this round keeps the trials it has
                    sizes[0] = len(ids)
                    continue
                parent = None
            else:
                previous = [self.trials[i] for i in rounds[index - 1]]
                if any(t.status not in ("COMPLETED", "FAILED") for t in previous):
                    return None  # the previous round is still running
                ranked = self._ranked([t for t in previous if t.status == "COMPLETED"])
                sizes[index] = min(sizes[index], len(ranked))
                if len(ids) >= sizes[index]:
                    continue
                parent = ranked[len(ids)]
                values = dict(parent.hyperparameters.values)
            values.update({"tuner/epochs": bracket["epochs"][index],
                           "tuner/initial_epoch": bracket["epochs"][index - 1] if index else 0,
                           "tuner/bracket": bracket["bracket"], "tuner/round": index})
            if parent is not None:
                values["tuner/trial_id"] = parent.trial_id
            else:
                values.pop("tuner/trial_id", None)
            ids.append(trial_id)
            return {"status": "RUNNING", "values": values}
        return None

    def _ranked(self, trials):
        return sorted(trials, key=lambda t: t.score, reverse=self.objective.direction == "max")

    def settings(self):
        return {"max_epochs": self.max_epochs, "factor": self.factor, "schedule": self.schedule}

    def get_state(self):
        return {**super().get_state(), "brackets": self._brackets, "hyperband_iterations": self.hyperband_iterations}

    def set_state(self, state):
        super().set_state(state)
        self._brackets = state["brackets"]


class Hyperband(tuner_module.Tuner):
    """Hyperband: many configurations trained briefly, the best ones trained longer (successive halving).

    Args:
        hypermodel: a function `build_model(hp)` returning a compiled model, or a `HyperModel`.
        objective: the metric to optimize, e.g. "val_accuracy" (maximized) or an `Objective`.
        max_epochs: the most epochs one model is trained (R in the paper). Set it a little above the epochs your
            largest model needs to converge.
        factor: the reduction factor η: each round keeps 1/factor of the trials, trained factor times longer.
        hyperband_iterations: how many times the whole schedule runs (each iteration costs about
            `max_epochs * (log(max_epochs) / log(factor)) ** 2` epochs).
        seed, hyperparameters, tune_new_entries, allow_new_entries, max_retries_per_trial,
            max_consecutive_failed_trials: see `RandomSearch` and `Oracle`.
        schedule: neuronet's addition: how many trials each round runs. "keras_tuner" (default) uses Keras Tuner's
            bracket sizes, so a search runs the trials it runs with Keras Tuner (`max_epochs=10, factor=3`: 30 trials
            per iteration); "paper" uses Algorithm 1 of Li et al. (22 trials per iteration there). See
            `hyperband_schedule`.
        **kwargs: see `Tuner`.

    `search(x, y, ...)` sets `epochs` and `initial_epoch` of each trial itself.
    """

    def __init__(self, hypermodel=None, objective=None, max_epochs=100, factor=3, hyperband_iterations=1, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, schedule="keras_tuner", **kwargs):
        oracle = HyperbandOracle(objective=objective, max_epochs=max_epochs, factor=factor,
                                 hyperband_iterations=hyperband_iterations, seed=seed,
                                 hyperparameters=hyperparameters, tune_new_entries=tune_new_entries,
                                 allow_new_entries=allow_new_entries, max_retries_per_trial=max_retries_per_trial,
                                 max_consecutive_failed_trials=max_consecutive_failed_trials, schedule=schedule)
        super().__init__(oracle, hypermodel, **kwargs)

    def _fit_overrides(self, trial):
        values = trial.hyperparameters.values
        return {"epochs": values["tuner/epochs"], "initial_epoch": values["tuner/initial_epoch"]}

    def _initial_checkpoint(self, trial):
        parent = trial.hyperparameters.values.get("tuner/trial_id")
        if parent is None:
            return None
        path = self._checkpoint_path(parent)
        if not os.path.exists(path):
            return None  # the parent saved no weights (a custom `run_trial`): train from scratch
        return trial_job.load_checkpoint(path)
