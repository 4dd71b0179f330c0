"""Trial: one set of hyperparameter values and its results; TrialStatus: the states it goes through (Keras Tuner's)."""
from neuronet.tuners import hyperparameters as hp_module
from neuronet.tuners import metrics_tracking


class TrialStatus:
    """The statuses of a trial, with Keras Tuner's names and meanings."""

    RUNNING = "RUNNING"  # it may run (or is running)
    IDLE = "IDLE"  # no trial: the oracle waits for running trials before it can propose one
    INVALID = "INVALID"  # it crashed or its result is unusable; it may be retried
    STOPPED = "STOPPED"  # no trial: the search is over
    COMPLETED = "COMPLETED"  # it finished and has a score
    FAILED = "FAILED"  # it failed and will not be retried; `message` says why


class Trial:
    """One set of hyperparameter values and its results.

    Attributes:
        hyperparameters: the `HyperParameters` holding the trial's values.
        trial_id: its id ("0", "1", ... padded with zeros to the width of `max_trials`).
        status: a `TrialStatus` value.
        metrics: a `MetricsTracker`: each metric's value at the best epoch (averaged over executions), as in Keras
            Tuner (`trial.metrics.get_last_value("val_accuracy")`).
        score: the objective's value (None unless completed); best_step: the best epoch.
        message: why the trial failed (the error and its traceback, or the reason it could not be scored).
        history: neuronet's addition: the logs of every epoch, one dict of lists per execution.

    Example:
    >>> from neuronet.tuners import HyperParameters
    >>> trial = Trial(HyperParameters(), trial_id="0")
    >>> trial.hyperparameters.values["units"] = 32
    >>> trial.summary()
    Trial 0 summary
    Hyperparameters:
    units: 32
    """

    def __init__(self, hyperparameters, trial_id=None, status=TrialStatus.RUNNING, message=None):
        self.hyperparameters, self.trial_id, self.status, self.message = hyperparameters, trial_id, status, message
        self.metrics = metrics_tracking.MetricsTracker()
        self.score = self.best_step = None
        self.history = []

    def summary(self):
        """Print the trial's id, hyperparameter values, score and, if it failed, why."""
        print(f"Trial {self.trial_id} summary")
        print("Hyperparameters:")
        self.display_hyperparameters()
        if self.score is not None:
            print(f"Score: {self.score}")
        if self.message is not None:
            print(self.message)

    def display_hyperparameters(self):
        if not self.hyperparameters.values:
            print("default configuration")
        for name, value in self.hyperparameters.values.items():
            print(f"{name}:", value)

    def get_state(self):
        return {"trial_id": self.trial_id, "hyperparameters": self.hyperparameters.get_config(), "status": self.status,
                "score": self.score, "best_step": self.best_step, "metrics": self.metrics.get_config(),
                "message": self.message, "history": self.history}

    def set_state(self, state):
        self.trial_id, self.status = state["trial_id"], state["status"]
        self.hyperparameters = hp_module.HyperParameters.from_config(state["hyperparameters"])
        for key in ("score", "best_step", "message", "history"):
            setattr(self, key, state.get(key))
        metrics = state.get("metrics") or {}
        if "metrics" in metrics:
            self.metrics = metrics_tracking.MetricsTracker.from_config(metrics)
        else:  # saved by an earlier neuronet: {name: value of the best epoch}
            self.metrics = metrics_tracking.MetricsTracker()
            for name, value in metrics.items():
                self.metrics.update(name, value, step=self.best_step or 0)
        self.history = self.history or []

    @classmethod
    def from_state(cls, state):
        trial = cls(hyperparameters=None)
        trial.set_state(state)
        return trial

    def __repr__(self):
        return f"Trial(trial_id={self.trial_id!r}, status={self.status!r}, score={self.score!r})"
