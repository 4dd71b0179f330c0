"""MonitorCallback: the monitor / mode / min_delta logic shared by EarlyStopping, ModelCheckpoint, ReduceLROnPlateau."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from neuronet.callbacks.callback import Callback

# Used only when the model has no metric of that name that declares its direction (`Metric._direction`).
_MAX_HINTS = ("acc", "auc", "precision", "recall", "fmeasure", "f1", "iou", "r2")
_MIN_HINTS = ("loss", "error", "mse", "mae", "mape", "msle", "crossentropy", "hinge", "divergence", "poisson")


def check_mode(mode: Any, owner: str) -> str:
    """Keras warns about an unknown `mode` and falls back to "auto" (it does not raise)."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{owner} mode '{mode}' is unknown, fallback to auto mode. Expected one of 'auto', 'min', "
                      "'max'.", stacklevel=3)
        return "auto"
    return mode


def infer_direction(monitor: str, model: Any) -> Optional[str]:
    """"min" or "max" for `monitor` in mode "auto", or None when it cannot be told (Keras then raises)."""
    name = monitor.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):
        return "min"
    for metric in _model_metrics(model):
        if getattr(metric, "name", None) == name and getattr(metric, "_direction", None) in ("up", "down"):
            return "max" if metric._direction == "up" else "min"
    lowered = name.lower()
    if any(hint in lowered for hint in _MAX_HINTS):
        return "max"
    if any(hint in lowered for hint in _MIN_HINTS):
        return "min"
    return None


def _model_metrics(model: Any) -> list:
    compiled = getattr(model, "compiled_metrics", None)
    return list(getattr(compiled, "all", None) or []) + list(getattr(model, "metrics", None) or [])


def available(logs: Optional[dict]) -> str:
    return ",".join(logs or {}) or "(none)"


class MonitorCallback(Callback):
    """Base class of callbacks that watch one quantity of the logs and decide whether it improved.

    Args:
        monitor: name of the quantity in the logs (`"val_loss"`, `"accuracy"`, ...).
        mode: "min", "max" or "auto" (inferred from the name and the model's metrics).
        baseline: initial "best" value; None starts from +/- infinity.
        min_delta: smallest change that counts as an improvement.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: Optional[float] = None,
                 min_delta: float = 0) -> None:
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError(f"`monitor` must be the name of a logged quantity (a string such as 'val_loss'). "
                            f"Received: monitor={monitor!r}")
        self.monitor = monitor
        self.mode = check_mode(mode, type(self).__name__)
        self.baseline = baseline
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op: Any = None

    def _set_monitor_op(self) -> None:
        direction = self.mode if self.mode != "auto" else infer_direction(self.monitor, self.model)
        if direction is None:
            raise ValueError(f"{type(self).__name__} callback received monitor={self.monitor}, but neuronet can't "
                             "tell automatically whether that metric should be maximized or minimized. Pass "
                             "`mode='max'` to use the highest value of the metric, or `mode='min'` to use the "
                             "lowest.")
        self.monitor_op = np.greater if direction == "max" else np.less
        if self.best is None:
            self.best = -np.inf if direction == "max" else np.inf

    def _is_improvement(self, monitor_value: float, reference_value: Optional[float]) -> bool:
        if reference_value is None:
            return True
        delta = self.min_delta if self.monitor_op is np.greater else -self.min_delta
        return bool(self.monitor_op(monitor_value - delta, reference_value))
