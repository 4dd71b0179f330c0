"""ModelCheckpoint: save the model (or its weights) every epoch or every N batches, optionally only the best."""
from __future__ import annotations

import os
import warnings
from typing import Any, Optional

import numpy as np

from neuronet.callbacks._monitor import MonitorCallback, available, infer_direction


class ModelCheckpoint(MonitorCallback):
    """Callback to save the Keras model or model weights at some frequency.

    Args:
        filepath: path of the file to write; may hold `str.format` fields filled from `epoch` (1-based, as in
            Keras), `batch` (1-based, with an integer `save_freq`) and the logs, e.g.
            `"ckpt-{epoch:02d}-{val_loss:.2f}.keras"`. Must end in `.keras` or `.h5` (whole model) or in
            `.weights.h5` with `save_weights_only=True` (`.h5` is accepted there too, as in tf.keras 2).
        monitor: the quantity compared when `save_best_only=True`.
        verbose: 0 (silent) or 1 (prints a message when the callback saves or skips).
        save_best_only: save only when the monitored quantity improved on the best seen so far.
        save_weights_only: `model.save_weights(filepath)` instead of `model.save(filepath)`.
        mode: "auto", "min" or "max": whether the monitored quantity should decrease or increase.
        save_freq: "epoch", or an integer N to save every N training batches.
        initial_value_threshold: initial "best" value; with `save_best_only`, nothing is saved until the
            monitored quantity beats it.

    Example:
    >>> import neuronet as keras
    >>> checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
    >>> checkpoint_cb.monitor, checkpoint_cb.save_freq
    ('val_loss', 'epoch')
    """

    def __init__(self, filepath: Any, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq: Any = "epoch",
                 initial_value_threshold: Optional[float] = None) -> None:
        super().__init__(monitor, mode, initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and (not isinstance(save_freq, (int, np.integer)) or isinstance(save_freq, bool)
                                     or save_freq <= 0):
            raise ValueError(f"Unrecognized save_freq: {save_freq!r}. Expected 'epoch' or a positive integer "
                             "(a number of batches).")
        self.save_freq = save_freq
        _check_extension(self.filepath, save_weights_only)
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        self._skip_batch_hooks = save_freq == "epoch"  # keeps per-batch logs off the hot path

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        if self.save_best_only and self.monitor_op is None:
            self._set_monitor_op()  # an ambiguous `monitor` fails before training, not after the first epoch

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _set_monitor_op(self) -> None:
        if not self.save_best_only and self.mode == "auto" and infer_direction(self.monitor, self.model) is None:
            self.monitor_op = np.less  # the direction is never used without `save_best_only`
            return
        super()._set_monitor_op()

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch started
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available, skipping the comparison and "
                          f"saving anyway. Available metrics are: {available(logs)}.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                          "Falling back to `save_best_only=False`.", stacklevel=3)
            return True
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to {current:.5f}, saving "
                      f"model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch: int, batch: Optional[int], logs: Optional[dict]) -> None:
        logs = dict(logs or {})
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(f"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is "
                                    f"an existing directory: {filepath}")
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch: int, batch: Optional[int], logs: dict) -> str:
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: no value for the '
                           f"field `{error.args[0]}`. Available fields: {', '.join(sorted(fields))}.") from None


def _check_extension(filepath: str, save_weights_only: bool) -> None:
    if save_weights_only:
        if not filepath.endswith(".h5"):
            raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must "
                             f"end in `.weights.h5` (Keras weights format). Received: filepath={filepath}")
    elif not filepath.endswith((".keras", ".h5")):
        raise ValueError("The filepath provided must end in `.keras` (Keras model format) or `.h5` (legacy HDF5). "
                         f"Received: filepath={filepath}")
