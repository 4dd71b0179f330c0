"""FitLoop: `fit`, its epoch loop and the validation at each epoch's end, mixed into `Trainer`."""
from __future__ import annotations

import math
from collections.abc import Mapping
import warnings
from typing import TYPE_CHECKING, Any, Dict, Optional

from neuronet.trainers import arguments, call_guard, data_adapters, training_state
from neuronet.trainers.data_adapters import data_adapter_utils as da

if TYPE_CHECKING:  # fit() imports these when first called (import stays fast)
    from neuronet.callbacks import CallbackList, History


class FitLoop:
    """`fit`: epochs of `train_step` calls (or the compiled step's), callbacks, validation; mixed into `Trainer`.

    Needs the trainer's pieces (`_prepare_for`, `_start`, `_step_runner`, ...) and `_evaluate_adapter` for the
    validation data.
    """

    def fit(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Any = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: Optional[dict] = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: Optional[int] = None,
            validation_steps: Optional[int] = None, validation_batch_size: Optional[int] = None,
            validation_freq: int = 1) -> History:
        """Trains the model for a fixed number of epochs (passes over the whole data).

        Args:
            x: input data: a NumPy array (or anything `np.asarray` accepts), a list of arrays (a dict keyed by
                input name) for a model with several inputs, or batches (a generator, an iterable of `(x, y)` /
                `(x, y, sample_weight)`, a `keras.utils.PyDataset`; then `y` is not given).
            y: target data, arrays like `x`: one per output (a list, or a dict keyed by output name) for a model
                with several outputs. Its shape must match the output's (integer labels go with
                `sparse_categorical_crossentropy`).
            batch_size: number of samples per gradient update. Defaults to 32.
            epochs: the epoch to stop at: training runs epochs `initial_epoch` to `epochs - 1`.
            verbose: 0 (silent), 1 (a progress bar per epoch), 2 (one line per epoch), or "auto" (the default:
                1 on a terminal, 2 when the output is a file).
            callbacks: a list of `keras.callbacks.Callback` called during training. `History` (returned) and,
                with `verbose`, `ProgbarLogger` are added.
            validation_split: float in [0, 1): the fraction of the data held out for validation: the *last*
                samples of `x` and `y`, taken before shuffling. Ignored when `validation_data` is given.
            validation_data: `(x_val, y_val)` or `(x_val, y_val, val_sample_weight)` evaluated at the end of
                each epoch (never trained on); its logs are prefixed with `val_`.
            shuffle: whether to shuffle the training samples before each epoch.
            class_weight: optional dict mapping class indices to a weight for the loss (and weighted metrics),
                e.g. to give under-represented classes more weight.
            sample_weight: optional array of one weight per sample (rank 1), or per timestep, scaling the loss.
            initial_epoch: the epoch at which to start (to resume an earlier run).
            steps_per_epoch: number of batches per epoch; defaults to the number of samples / `batch_size`.
            validation_steps: number of validation batches per evaluation; defaults to all of them.
            validation_batch_size: batch size for validation; defaults to `batch_size`.
            validation_freq: validate every `validation_freq` epochs (an int).

        Returns:
            A `History`: `history.history` maps each loss/metric name (and `val_` name) to its value per epoch.

        `x` may be arrays (with `y`), a Python generator or iterable of `(x, y)` / `(x, y, sample_weight)`
        batches, or a `keras.utils.PyDataset`. As in Keras, `initial_epoch == epochs` trains nothing and returns
        an empty history; `epochs < 0` or `initial_epoch > epochs` is an error.
        A loss (or update) that becomes NaN or infinite stops training at that batch, before its update is
        applied (with a warning); where it stopped is in the progress line and in `history.stopped_at`
        (`{"epoch", "batch", "steps", "loss"}`).

        Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=3, verbose=0)
        >>> sorted(history.history), len(history.history["loss"])
        (['loss'], 3)
        """
        self._assert_compiled("fit")
        batch_size = arguments.check_batch_size(batch_size)
        arguments.check_epochs(epochs, initial_epoch)
        if not 0 <= validation_split < 1:
            raise ValueError(f"`validation_split` must be in [0, 1). Received: validation_split={validation_split!r}")
        arrays = x is not None and data_adapters.is_array_data(x)
        if arrays and y is None:
            raise ValueError("`fit()` needs targets `y` (the labels or values to learn).")
        if validation_split and not arrays:
            raise ValueError("`validation_split` is only supported for NumPy arrays (or lists/dicts of them). "
                             f"Received: x of type {type(x).__name__}. Pass `validation_data` instead.")
        level = arguments.verbosity(verbose)
        standardize = self._standardize_inputs
        if validation_split:
            data = data_adapters.prepare_arrays(x, y, sample_weight, class_weight, standardize)
            if validation_data is None:
                data, validation_data = da.split_validation(data, validation_split)
            data_adapters.check_steps(steps_per_epoch, "steps_per_epoch")
            adapter = data_adapters.ArrayDataAdapter(*data, batch_size, shuffle=shuffle, steps=steps_per_epoch)
        else:
            adapter = data_adapters.get_data_adapter(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                                                     class_weight, standardize=standardize)
        validation = None
        if validation_data is not None:
            validation = data_adapters.get_data_adapter(*arguments.unpack_validation(validation_data),
                                                        validation_batch_size or batch_size, validation_steps,
                                                        steps_name="validation_steps", standardize=standardize)
        with call_guard.guard(self, "fit", exclusive=True):
            return self._fit(adapter, validation, epochs, verbose, level, callbacks, initial_epoch, validation_freq,
                             batch_size)

    def _fit(self, adapter: Any, validation: Any, epochs: int, verbose: Any, level: int, callbacks: Any,
             initial_epoch: int, validation_freq: int, batch_size: int) -> History:
        self._prepare_for(adapter, "fit")
        self._check_differentiable()
        self._start()
        self._compiled_step = self._step_runner()
        from neuronet.callbacks import CallbackList, History, ProgbarLogger
        from neuronet.trainers import threads

        history = History()
        progbar = [ProgbarLogger(level)] if level else []
        callback_list = CallbackList(list(callbacks or []) + [history] + progbar, model=self,
                                     verbose=verbose, epochs=epochs, steps=adapter.steps)
        self.history = history
        self.stop_training = False
        self._stopped_at: Optional[dict] = None
        self._fit_adapter = adapter
        # Small products: one BLAS thread or two, whichever the first steps measure faster on this machine now
        # (a fixed choice under `keras.config.enable_op_determinism()`).
        try:
            with threads.AdaptiveBlasThreads(self, batch_size) as blas:
                logs = self._fit_epochs(adapter, callback_list, initial_epoch, epochs, validation, validation_freq,
                                        blas)
        finally:
            self._fit_adapter = None
            self._compiled_step = None  # the plans' buffers go with it
            adapter.close()
        history.stopped_at = self._stopped_at
        callback_list.on_train_end(logs)
        return history

    def _fit_epochs(self, adapter: Any, callback_list: CallbackList, initial_epoch: int, epochs: int,
                    validation: Any, validation_freq: int, blas: Any = None) -> Dict[str, float]:
        batch_hooks = callback_list.wants_batch_hooks("train")
        per_execution = self.steps_per_execution
        compiled = self._compiled_step
        last = adapter.steps - 1 if adapter.steps else -1
        callback_list.on_train_begin()
        logs: Dict[str, float] = {}
        for epoch in range(self._resume_epoch(initial_epoch), epochs):
            self.reset_metrics()
            training_state.resume_epoch(self, epoch, adapter)
            callback_list.on_epoch_begin(epoch)
            step_logs: Any = {}
            self._steps_done = ran = 0
            self._skipped_update = None
            step = -1
            for step, xb, yb, swb in adapter:
                position = step % per_execution  # hooks see one step per execution, named by its batches
                if batch_hooks and position == 0:
                    callback_list.on_train_batch_begin(step)
                step_logs = compiled.train(xb, yb, swb) if compiled is not None and compiled.train_ok else None
                if step_logs is None:
                    step_logs = self.train_step(da.pack_x_y_sample_weight(xb, yb, swb))
                ran += 1
                if batch_hooks:
                    self._steps_done = step + 1  # read by BackupAndRestore's mid-epoch saves
                if blas is not None:
                    blas.step_done()
                loss = step_logs.get("loss") if isinstance(step_logs, Mapping) else None
                bad = self._skipped_update
                if bad is not None:
                    self._skipped_update = None
                elif loss is not None and not math.isfinite(float(loss)):
                    bad = loss
                if bad is not None:
                    self._stop_on_invalid_loss(epoch, step, adapter.steps, float(bad))
                if batch_hooks and (position == per_execution - 1 or step == last or self.stop_training):
                    callback_list.on_train_batch_end(step, arguments.python_logs(step_logs))
                if self.stop_training:
                    break
            self._steps_done = step + 1
            adapter.on_epoch_end()
            if adapter.ran_out and not ran:
                break  # no batch in this epoch: no numbers to report
            logs = arguments.python_logs(step_logs)
            if validation is not None and (epoch + 1) % validation_freq == 0:
                callback_list.on_test_begin()
                val_logs = self._evaluate_adapter(validation, callback_list)
                callback_list.on_test_end(val_logs)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training or adapter.ran_out:
                break
        return logs

    def _resume_epoch(self, initial_epoch: int) -> int:
        """`initial_epoch`, or the epoch a callback (BackupAndRestore) asked to resume from in on_train_begin."""
        resume = getattr(self, "_resume_from_epoch", None)
        self._resume_from_epoch = None
        return initial_epoch if resume is None else max(initial_epoch, int(resume))

    def _stop_on_invalid_loss(self, epoch: int, step: int, steps: Optional[int], value: float) -> None:
        self._stopped_at = {"epoch": epoch, "batch": step + 1, "steps": steps, "loss": value}
        warnings.warn(f"Epoch {epoch + 1}, batch {step + 1} of {steps or '?'}: the loss (or the update) became "
                      f"{value} — stopping training; this batch's update was not applied, so the weights are "
                      "those before it. Usual causes: a learning rate that is too high, or unscaled inputs. Lower "
                      "the learning rate, scale the inputs, or add gradient clipping (`clipnorm=1.0` on the "
                      "optimizer).", RuntimeWarning, stacklevel=5)
        self.stop_training = True
