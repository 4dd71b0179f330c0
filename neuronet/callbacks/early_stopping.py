"""EarlyStopping: stop training when a monitored quantity has stopped improving."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from neuronet.callbacks._monitor import MonitorCallback, available


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving.

    At the end of every epoch the monitored value is compared with the best so far; after `patience` epochs
    without an improvement of at least `min_delta`, `model.stop_training` is set and `fit` ends.

    Args:
        monitor: quantity to be monitored. Defaults to `"val_loss"`.
        min_delta: minimum change in the monitored quantity to qualify as an improvement.
        patience: number of epochs with no improvement after which training is stopped.
        verbose: 0 (silent) or 1 (prints a message when the callback acts).
        mode: "auto", "min" or "max": whether the quantity should decrease or increase ("auto" infers it from
            the name and the model's metrics).
        baseline: training stops if the model doesn't improve over this value within `patience` epochs.
        restore_best_weights: at the end of training, restore the weights of the epoch with the best value
            (whether or not it beat `baseline`).
        start_from_epoch: number of warm-up epochs during which nothing is monitored.

    Example:
    >>> import numpy as np, neuronet as keras
    >>> callback = keras.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> model = keras.Sequential([keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(learning_rate=0.0), loss="mse")  # the loss never improves
    >>> history = model.fit(np.ones((5, 20)), np.zeros(5), epochs=10, batch_size=1, callbacks=[callback],
    ...                     verbose=0)
    >>> len(history.history["loss"])  # epoch 0 sets the best; 3 epochs without improvement, then stop
    4
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: Optional[float] = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, None, min_delta)
        if not isinstance(patience, (int, np.integer)) or patience < 0:
            raise ValueError(f"`patience` must be a non-negative integer. Received: patience={patience!r}")
        self.patience = int(patience)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights: Any = None

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        # Allow instances to be re-used across `fit` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best_epoch = 0
        self.best_weights = None
        self.best = None
        self._set_monitor_op()  # the model's metrics exist by now: an ambiguous `monitor` fails before training

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return  # no value to monitor, or still warming up
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()  # nothing better seen yet: these are the best
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0  # restart the count only when both the baseline and the best so far are beaten
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Optional[dict] = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: Optional[dict]) -> Optional[float]:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {available(logs)}. Pass one of them as `monitor` (validation "
                          "metrics need `validation_data` or `validation_split` in `fit`).", stacklevel=2)
        return value
