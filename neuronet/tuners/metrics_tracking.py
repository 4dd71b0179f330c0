"""A trial's metrics as Keras Tuner keeps them: `trial.metrics.get_last_value("val_accuracy")` and friends.

Keras Tuner records, for each metric, the value of the trial's best epoch (averaged over its executions) as one
observation at that epoch's step; `MetricsTracker` keeps the same record with the same methods. The per-epoch logs
of every execution are in `Trial.history`. `MetricObservation` and `MetricHistory` are the tracker's parts, so they
live here beside it, as in Keras Tuner.
"""
import numpy as np

_MAX_NAMES = {"accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
              "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "prc", "precision", "recall",
              "true_positives", "true_negatives", "r2_score", "f1_score", "fbeta_score", "iou", "mean_iou"}
_MIN_NAMES = {"loss", "crossentropy", "ce", "mse", "mae", "mape", "msle", "rmse", "logcosh", "log_cosh", "hinge",
              "squared_hinge", "huber", "poisson", "kld", "kl_divergence", "false_positives", "false_negatives"}


def infer_metric_direction(name):
    """"min" or "max" for a metric name as Keras logs it (`val_` and `weighted_` prefixes ignored); None if unknown.

    Example:
    >>> infer_metric_direction("val_loss"), infer_metric_direction("val_accuracy")
    ('min', 'max')
    """
    for prefix in ("val_", "weighted_"):
        name = name[len(prefix):] if name.startswith(prefix) else name
    base = name.rstrip("0123456789").rstrip("_")  # auc_1 -> auc
    if base in _MAX_NAMES or base.endswith("_accuracy"):
        return "max"
    if base in _MIN_NAMES or base.endswith(("_loss", "_error", "crossentropy")):
        return "min"
    return None


class MetricObservation:
    """The values of one metric at one step (epoch), one value per execution."""

    def __init__(self, value, step):
        self.value, self.step = list(value) if isinstance(value, list) else [value], step

    def append(self, value):
        self.value += list(value) if isinstance(value, list) else [value]

    def mean(self):
        return float(np.mean(self.value))

    def get_config(self):
        return {"value": self.value, "step": self.step}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, MetricObservation) and (other.value, other.step) == (self.value, self.step)

    def __repr__(self):
        return f"MetricObservation(value={self.value}, step={self.step})"


class MetricHistory:
    """The observations of one metric, by step, and whether lower ("min") or higher ("max") is better."""

    def __init__(self, direction="min"):
        if direction not in ("min", "max"):
            raise ValueError(f'`direction` should be one of {{"min", "max"}}, but got: {direction!r}')
        self.direction, self._observations = direction, {}

    def update(self, value, step):
        if step in self._observations:
            self._observations[step].append(value)
        else:
            self._observations[step] = MetricObservation(value, step)

    def get_best_value(self):
        values = [obs.mean() for obs in self._observations.values()]
        if not values:
            return None
        values = [v for v in values if not np.isnan(v)] or [float("nan")]  # NaN only if nothing else: no warning
        return float(min(values) if self.direction == "min" else max(values))

    def get_best_step(self):
        best = self.get_best_value()
        return next((obs.step for obs in self._observations.values() if obs.mean() == best), None)

    def get_history(self):
        return sorted(self._observations.values(), key=lambda obs: obs.step)

    def set_history(self, observations):
        for obs in observations:
            self.update(obs.value, obs.step)

    def get_statistics(self):
        values = [obs.mean() for obs in self.get_history()]
        if not values:
            return {}
        return {"min": float(np.nanmin(values)), "max": float(np.nanmax(values)), "mean": float(np.nanmean(values)),
                "median": float(np.nanmedian(values)), "var": float(np.nanvar(values)),
                "std": float(np.nanstd(values))}

    def get_last_value(self):
        history = self.get_history()
        return history[-1].mean() if history else None

    def get_config(self):
        return {"direction": self.direction, "observations": [obs.get_config() for obs in self.get_history()]}

    @classmethod
    def from_config(cls, config):
        history = cls(config["direction"])
        history.set_history([MetricObservation.from_config(obs) for obs in config["observations"]])
        return history


class MetricsTracker:
    """The `MetricHistory` of each metric of a trial, by name (Keras Tuner's `trial.metrics`).

    Example:
    >>> tracker = MetricsTracker()
    >>> tracker.update("val_accuracy", 0.81, step=3)
    True
    >>> tracker.get_last_value("val_accuracy"), tracker.get_best_step("val_accuracy")
    (0.81, 3)
    >>> tracker.get_history("val_accuracy")
    [MetricObservation(value=[0.81], step=3)]
    """

    def __init__(self, metrics=None):
        self.metrics = {}  # name -> MetricHistory
        for metric in metrics or []:
            self.register(metric.name)

    def exists(self, name):
        return name in self.metrics

    def register(self, name, direction=None):
        if self.exists(name):
            raise ValueError(f"Metric already exists: {name}")
        # The objective's direction is handled by the oracle; other unknown metrics default to "min", as in Keras Tuner.
        self.metrics[name] = MetricHistory(direction or infer_metric_direction(name) or "min")

    def update(self, name, value, step=0):
        """Record `value` at `step`; returns whether the metric's best value changed."""
        value = float(value)
        if not self.exists(name):
            self.register(name)
        before = self.metrics[name].get_best_value()
        self.metrics[name].update(value, step)
        return self.metrics[name].get_best_value() != before

    def get_history(self, name):
        return self._get(name).get_history()

    def set_history(self, name, observations):
        if not self.exists(name):
            self.register(name)
        self.metrics[name].set_history(observations)

    def get_best_value(self, name):
        return self._get(name).get_best_value()

    def get_best_step(self, name):
        return self._get(name).get_best_step()

    def get_statistics(self, name):
        return self._get(name).get_statistics()

    def get_last_value(self, name):
        return self._get(name).get_last_value()

    def get_direction(self, name):
        return self._get(name).direction

    def get_config(self):
        return {"metrics": {name: history.get_config() for name, history in self.metrics.items()}}

    @classmethod
    def from_config(cls, config):
        tracker = cls()
        tracker.metrics = {name: MetricHistory.from_config(h) for name, h in config["metrics"].items()}
        return tracker

    def _get(self, name):
        if name not in self.metrics:
            raise ValueError(f"Unknown metric: {name}. This trial recorded: {sorted(self.metrics)}.")
        return self.metrics[name]
