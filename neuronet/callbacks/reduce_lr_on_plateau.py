"""ReduceLROnPlateau: multiply the learning rate by `factor` when a monitored quantity stops improving."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from neuronet.callbacks._monitor import available, check_mode, infer_direction
from neuronet.callbacks.callback import Callback


class ReduceLROnPlateau(Callback):
    """Reduce the learning rate when a metric has stopped improving.

    After `patience` epochs without an improvement of more than `min_delta`, the learning rate becomes
    `max(lr * factor, min_lr)`; then `cooldown` epochs pass before the count starts again. The rate in effect
    is added to the epoch logs as `"learning_rate"` (as in Keras 3).

    Args:
        monitor: quantity to be monitored.
        factor: factor by which the learning rate is reduced (`new_lr = lr * factor`), below 1.
        patience: number of epochs with no improvement after which the learning rate is reduced.
        verbose: 0 (quiet) or 1 (prints each reduction).
        mode: "auto", "min" or "max". "auto" infers the direction from the name (and the model's metrics),
            and falls back to "min" as Keras does.
        min_delta: threshold for measuring the new optimum, to only focus on significant changes.
        cooldown: number of epochs to wait before resuming normal operation after a reduction.
        min_lr: lower bound on the learning rate.

    Example:
    >>> import neuronet as keras
    >>> reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
    >>> reduce_lr.factor, reduce_lr.patience
    (0.2, 5)
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__()
        if "epsilon" in kwargs:  # tf.keras 1/2 name of `min_delta`
            warnings.warn("`epsilon` argument is deprecated and will be removed, use `min_delta` instead.",
                          DeprecationWarning, stacklevel=2)
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau() got unexpected keyword argument(s) {sorted(kwargs)}. Valid: "
                            "monitor, factor, patience, verbose, mode, min_delta, cooldown, min_lr.")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.monitor = monitor
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0.0
        self.mode = check_mode(mode, "Learning rate reduction")
        self.monitor_op: Any = None
        self._reset()

    def _reset(self) -> None:
        direction = self.mode
        if direction == "auto":
            direction = infer_direction(self.monitor, self.model) or "min"
        if direction == "min":
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        logs = logs if logs is not None else {}
        logs["learning_rate"] = float(self.model.optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                          f"available. Available metrics are: {available(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                self._reduce(epoch)

    def _reduce(self, epoch: int) -> None:
        old_lr = float(self.model.optimizer.learning_rate)
        if old_lr > np.float32(self.min_lr):  # the rate is stored in float32: compare at that precision
            new_lr = max(old_lr * self.factor, self.min_lr)
            self.model.optimizer.learning_rate = new_lr
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0
