"""TensorBoard: write training curves and weight histograms as TensorBoard event files, without TensorFlow.

The event files are written by `tensorboardX` (a pure-Python writer of the standard format); view them with
`tensorboard --logdir DIR`. Install both with `pip install "neuronet[tensorboard]"`.
"""
from __future__ import annotations

import importlib.util
import json
import os
import time
import warnings
from typing import Any, Dict, Optional

import numpy as np

from neuronet.callbacks.callback import Callback

_INSTALL_HINT = ('The TensorBoard callback writes its event files with the `tensorboardX` package. Install it with '
                 '`pip install tensorboardX` (or `pip install "neuronet[tensorboard]"`, which also brings the '
                 '`tensorboard` viewer).')


class TensorBoard(Callback):
    """Enable visualizations for TensorBoard.

    Writes, under `log_dir`, a `train/` and a `validation/` run (as Keras does):

    * per-epoch scalars `epoch_loss`, `epoch_<metric>` and `epoch_learning_rate` in `train/`; the `val_`
      quantities go to `validation/` without their prefix (`epoch_loss`, `epoch_accuracy`, ...), so that
      TensorBoard draws training and validation curves of one quantity in one chart;
    * per-batch scalars `batch_loss`, `batch_<metric>` every `update_freq` batches (step: batches seen in this
      `fit`), when `update_freq` is `"batch"` or an integer;
    * `evaluation_<name>_vs_iterations` in `validation/` after each evaluation (step: optimizer iterations);
    * weight histograms `<layer>/<weight>/histogram` every `histogram_freq` epochs;
    * the model's configuration as the `keras` tag (TensorBoard's "graph_keras_model" plugin) when `write_graph`.

    Then run `tensorboard --logdir=<parent of log_dir>`.

    Args:
        log_dir: directory where the event files are written; don't share it with other callbacks.
        histogram_freq: frequency (in epochs) of weight histograms; 0 writes none.
        write_graph: write the model's configuration so TensorBoard's Graphs tab shows the model.
        write_images: not supported (needs TensorFlow's image summaries): must be False.
        write_steps_per_second: also log `epoch_steps_per_second` (and `batch_steps_per_second`).
        update_freq: "epoch", "batch" (same as 1), or an integer N: write batch-level scalars every N batches.
        profile_batch: accepted as in Keras (an int, a pair or "start,stop"; 0 disables profiling); neuronet has
            no profiler, so a non-zero value only prints a one-line warning.
        embeddings_freq: not supported (needs TensorFlow checkpoints): must be 0.
        embeddings_metadata: not supported: must be None.

    Example:
    >>> import neuronet as keras
    >>> tensorboard_cb = keras.callbacks.TensorBoard("my_logs/run_1", update_freq="batch")
    >>> tensorboard_cb.update_freq
    1
    """

    def __init__(self, log_dir: Any = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False, update_freq: Any = "epoch",
                 profile_batch: Any = 0, embeddings_freq: int = 0, embeddings_metadata: Any = None) -> None:
        super().__init__()
        _check_unsupported(write_images, embeddings_freq, embeddings_metadata)
        _check_profile_batch(profile_batch)
        if not isinstance(histogram_freq, (int, np.integer)) or isinstance(histogram_freq, bool) or histogram_freq < 0:
            raise ValueError("`histogram_freq` must be a non-negative integer (a number of epochs; 0 disables "
                             f"histograms). Received: histogram_freq={histogram_freq!r}")
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and (not isinstance(update_freq, (int, np.integer)) or isinstance(update_freq, bool)
                                       or update_freq <= 0):
            raise ValueError(f"`update_freq` must be 'epoch', 'batch' or a positive integer (a number of batches). "
                             f"Received: update_freq={update_freq!r}")
        if importlib.util.find_spec("tensorboardX") is None:
            raise ImportError(_INSTALL_HINT)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq)
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: Dict[str, Any] = {}
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._previous_epoch_iterations = 0
        self._should_write_graph = False
        # Batch hooks cost a logs dict per step: only ask for them when something is written per batch.
        self._skip_batch_hooks = update_freq == "epoch" and not write_steps_per_second

    # --- writers --------------------------------------------------------------------------------
    def _writer(self, which: str) -> Any:
        if which not in self._writers:
            from tensorboardX import SummaryWriter

            # read from log_dir when writing starts: tuners give each trial its own `log_dir`, as Keras Tuner does
            directory = os.path.join(os.fspath(self.log_dir), "train" if which == "train" else "validation")
            self._writers[which] = SummaryWriter(directory, flush_secs=10)
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._close_writers()  # a new `fit`: new event files, as Keras does
        self._should_write_graph = bool(self.write_graph)

    # --- hooks ----------------------------------------------------------------------------------
    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        self._global_train_batch = 0
        self._previous_epoch_iterations = _iterations(self.model)
        if self._should_write_graph:
            self._write_keras_model_summary()
            self._should_write_graph = False

    def on_train_end(self, logs: Optional[dict] = None) -> None:
        self._close_writers()

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._previous_epoch_iterations = _iterations(self.model)
        self._epoch_start_time = time.time()

    def on_train_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        step = self._global_train_batch
        writer = self._writer("train")
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-9)
            writer.add_scalar("batch_steps_per_second", 1.0 / elapsed, step)
        if self.update_freq == "epoch" or step % self.update_freq != 0:
            return
        for name, value in _scalars(logs).items():
            writer.add_scalar("batch_" + name, value, step)

    def on_test_end(self, logs: Optional[dict] = None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations"):
            return
        step = _iterations(self.model)
        writer = self._writer("val")
        for name, value in _scalars(logs).items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", value, step)
        writer.flush()

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._log_epoch_metrics(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()  # so that a running `tensorboard` shows the epoch now (live curves)

    # --- what gets written ------------------------------------------------------------------------
    def _log_epoch_metrics(self, epoch: int, logs: dict) -> None:
        scalars = _scalars(logs)
        train_logs = {k: v for k, v in scalars.items() if not k.startswith("val_")}
        val_logs = {k[len("val_"):]: v for k, v in scalars.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            try:
                train_logs["learning_rate"] = float(optimizer.learning_rate)
            except (TypeError, ValueError):
                pass  # a learning rate that is not a number cannot be plotted
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train_logs["steps_per_second"] = (_iterations(self.model) - self._previous_epoch_iterations) / elapsed
        for run, values in (("train", train_logs), ("val", val_logs)):
            if values:
                writer = self._writer(run)
                for name, value in values.items():
                    writer.add_scalar("epoch_" + name, value, epoch)

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = (getattr(weight, "path", None) or f"{layer.name}/{weight.name}").replace(":", "_")
                writer.add_histogram(f"{name}/histogram", np.asarray(weight.numpy(), dtype="float64"), epoch)

    def _write_keras_model_summary(self) -> None:
        """The model's JSON config under the tag `keras`, as Keras's `keras_model_summary` writes it."""
        if type(self.model).__name__ not in ("Sequential", "Functional"):
            return  # Keras writes only these two: a subclassed model's config does not describe its graph
        try:
            to_json = getattr(self.model, "to_json", None)
            config = to_json() if to_json is not None else json.dumps(
                {"class_name": type(self.model).__name__, "config": self.model.get_config()})
        except Exception as error:  # noqa: BLE001 - as Keras: a model that can't be serialized is not fatal
            import warnings

            warnings.warn(f"Model failed to serialize as JSON. Ignoring... {error}", stacklevel=2)
            return
        from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
        from tensorboardX.proto.tensor_pb2 import TensorProto

        metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="graph_keras_model",
                                                                          content=b"1"))
        tensor = TensorProto(dtype="DT_STRING", string_val=[config.encode("utf-8")])
        summary = Summary(value=[Summary.Value(tag="keras", metadata=metadata, tensor=tensor)])
        self._writer("train")._get_file_writer().add_summary(summary, 0)


def _check_profile_batch(profile_batch: Any) -> None:
    """Keras's forms: 0, a positive int, a (start, stop) pair or "start,stop". Anything else is an error."""
    value = profile_batch.split(",") if isinstance(profile_batch, str) else profile_batch
    value = list(value) if isinstance(value, (list, tuple)) else [value]
    try:
        numbers = [int(v) for v in value]
    except (TypeError, ValueError):
        numbers = []
    if not 1 <= len(numbers) <= 2 or any(n < 0 for n in numbers) or (len(numbers) == 2 and numbers[0] > numbers[1]):
        raise ValueError("profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair of "
                         f"positive integers signifies a range of batches to profile. Found: {profile_batch!r}")
    if any(numbers):
        warnings.warn(f"TensorBoard(profile_batch={profile_batch!r}): neuronet has no profiler; no profile is "
                      "written (scalars and histograms are).", stacklevel=3)


def _check_unsupported(write_images: Any, embeddings_freq: Any, embeddings_metadata: Any) -> None:
    unsupported = {"write_images": (write_images, False, "needs TensorFlow's image summaries"),
                   "embeddings_freq": (embeddings_freq, 0, "needs TensorFlow checkpoints for the projector"),
                   "embeddings_metadata": (embeddings_metadata, None, "only used with embeddings_freq")}
    for name, (value, default, why) in unsupported.items():
        if value is None and default is None:
            continue
        if value is None or value != default or isinstance(value, (str, tuple, list)):
            raise ValueError(f"neuronet's TensorBoard callback does not support `{name}` ({why}). Expected "
                             f"{name}={default!r}, received {name}={value!r}. Remove the argument.")


def _scalars(logs: Optional[dict]) -> Dict[str, float]:
    """The entries of `logs` that are numbers (a dict of floats)."""
    out = {}
    for name, value in (logs or {}).items():
        if np.ndim(value) == 0:
            try:
                out[name] = float(value)
            except (TypeError, ValueError):
                continue
    return out


def _iterations(model: Any) -> int:
    iterations = getattr(getattr(model, "optimizer", None), "iterations", 0)
    return int(np.asarray(iterations.numpy() if hasattr(iterations, "numpy") else iterations))
