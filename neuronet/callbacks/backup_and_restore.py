"""BackupAndRestore: resume a `fit` that was interrupted, from the last backed-up epoch."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

import numpy as np

from neuronet.callbacks.callback import Callback
from neuronet.trainers import training_state

_FORMAT = "neuronet-backup-1"
_FILENAME = "latest.backup.npz"


class BackupAndRestore(Callback):
    """Callback to back up and restore the training state.

    At the end of each epoch (or every `save_freq` batches) the model's weights, the optimizer's state, the
    epoch and batch reached, the random generator's state, the epoch's shuffle order and its running loss and
    metric sums are written to one file in `backup_dir`, atomically (a temporary file beside it, then a rename),
    so an interruption at any moment leaves the previous backup intact. When `fit` starts again with this
    callback, that state is restored and training continues at the next batch: with array or PyDataset data and
    `keras.config.enable_op_determinism()`, a run killed and resumed ends with exactly the weights of a run
    never interrupted (a generator cannot be rewound: it continues with its next batches). When `fit` ends
    normally the backup is deleted (unless `delete_checkpoint=False`).

    The backup is a NumPy `.npz` file read back with `allow_pickle=False`: it never runs code. It belongs to the
    model that wrote it: changing the model or the `compile`/`fit` arguments can make it unusable.

    Args:
        backup_dir: directory for the backup; don't use it for anything else (another run, ModelCheckpoint).
        save_freq: "epoch" (back up at the end of each epoch) or an integer N (every N batches; a resumed run
            then continues the interrupted epoch at the batch after the last backed-up one).
        delete_checkpoint: delete the backup when training finishes.

    Example:
    >>> import tempfile, numpy as np, neuronet as keras
    >>> class InterruptingCallback(keras.callbacks.Callback):
    ...     def on_epoch_begin(self, epoch, logs=None):
    ...         if epoch == 4:
    ...             raise RuntimeError("Interrupting!")
    >>> callback = keras.callbacks.BackupAndRestore(backup_dir=tempfile.mkdtemp())
    >>> model = keras.Sequential([keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(), loss="mse")
    >>> try:
    ...     model.fit(np.ones((5, 20)) / 20, np.zeros(5), epochs=10, batch_size=1,
    ...               callbacks=[callback, InterruptingCallback()], verbose=0)
    ... except RuntimeError:
    ...     pass
    >>> history = model.fit(np.ones((5, 20)) / 20, np.zeros(5), epochs=10, batch_size=1,
    ...                     callbacks=[callback], verbose=0)
    >>> len(history.history["loss"])  # epochs 4 to 9: the first run finished epochs 0 to 3
    6
    """

    def __init__(self, backup_dir: Any, save_freq: Any = "epoch", delete_checkpoint: bool = True) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError(f"Empty `backup_dir` argument passed. Expected the path of a directory for the backup. "
                             f"Received: backup_dir={backup_dir!r}")
        if save_freq != "epoch" and (not isinstance(save_freq, (int, np.integer)) or isinstance(save_freq, bool)
                                     or save_freq <= 0):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. Expected "
                             "either 'epoch' or a positive integer (a number of batches).")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self._backup_path = os.path.join(self.backup_dir, _FILENAME)
        self._batches_seen_since_last_saving = 0
        self._current_epoch = 0
        self._skip_batch_hooks = save_freq == "epoch"

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        if not getattr(self.model, "built", True):
            raise ValueError("To use the BackupAndRestore callback, your model must be built before you call "
                             f"`fit()`. Model {getattr(self.model, 'name', self.model)!r} is unbuilt. You can build "
                             "it beforehand by calling it on a batch of data.")
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        if os.path.isdir(self.backup_dir):
            from neuronet.saving import atomic

            atomic.remove_stale_temporaries(self.backup_dir)
        if os.path.exists(self._backup_path):
            self._restore(_read_backup(self._backup_path))

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._current_epoch = epoch + 1
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_seen_since_last_saving += 1
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save(self._current_epoch, batch + 1)

    def on_train_end(self, logs: Optional[dict] = None) -> None:
        if self.delete_checkpoint:
            _remove(self._backup_path)
            try:
                os.rmdir(self.backup_dir)  # only if empty: files of others in the directory are left alone
            except OSError:
                pass

    # --- state ----------------------------------------------------------------------------------
    def _save(self, epoch: int, batch: int) -> None:
        arrays: Dict[str, np.ndarray] = {"format": np.array(_FORMAT), "epoch": np.array(epoch, dtype="int64"),
                                         "batch": np.array(batch, dtype="int64")}
        for i, value in enumerate(self.model.get_weights()):
            arrays[f"model_{i:06d}"] = np.asarray(value)
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and getattr(optimizer, "built", False):
            for i, value in enumerate(optimizer.get_weights()):
                arrays[f"optimizer_{i:06d}"] = np.asarray(value)
        for key, value in training_state.get_state(self.model, in_epoch=batch > 0).items():
            arrays[f"state_{key}"] = value
        os.makedirs(self.backup_dir, exist_ok=True)
        _write_atomically(self._backup_path, arrays)

    def _restore(self, state: Dict[str, Any]) -> None:
        where = f"The backup {self._backup_path!r}"
        fix = f"Delete {self._backup_path!r} to start training from scratch, or use another `backup_dir`."
        try:
            self.model.set_weights(state["model"])
        except ValueError as error:
            raise ValueError(f"{where} was written by a different model and cannot be restored: {error} {fix}") \
                from None
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and state["optimizer"]:
            if not optimizer.built:
                optimizer.build(self.model.trainable_weights)  # create the slots the saved state fills
            try:
                optimizer.set_weights(state["optimizer"])
            except ValueError as error:
                raise ValueError(f"{where} holds an optimizer state that does not fit this model's optimizer: "
                                 f"{error} {fix}") from None
        self.model._resume_from_epoch = state["epoch"]  # `fit` reads it after on_train_begin (Keras: _initial_epoch)
        training_state.set_state(self.model, state["state"], state["epoch"])
        self._current_epoch = state["epoch"]


def _write_atomically(path: str, arrays: Dict[str, np.ndarray]) -> None:
    from neuronet.saving import atomic

    # atomic: readers see the old backup or the new one, never a partial one; a killed write leaves a
    # temporary named after this process, removed by the next run's save
    with atomic.atomic_write(path) as temporary:
        with open(temporary, "wb") as f:
            np.savez(f, **arrays)


def _read_backup(path: str) -> Dict[str, Any]:
    import zipfile

    try:
        with np.load(path, allow_pickle=False) as data:
            files = set(data.files)
            if "format" not in files or str(data["format"]) != _FORMAT:
                raise ValueError(f"expected a {_FORMAT!r} file")
            state: Dict[str, Any] = {"epoch": int(data["epoch"]), "batch": int(data["batch"])}
            for part in ("model", "optimizer"):
                names: List[str] = sorted(name for name in files if name.startswith(part + "_"))
                state[part] = [data[name] for name in names]
            state["state"] = {name[len("state_"):]: data[name] for name in files if name.startswith("state_")}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"The backup file {path!r} cannot be read ({error}). It was not written by "
                         "BackupAndRestore, or was damaged. Delete it to start training from scratch.") from None
    return state


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
