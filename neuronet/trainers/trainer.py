"""Trainer: compile / fit / evaluate / predict, mixed into `Model`."""
from __future__ import annotations

import math
import sys
import warnings
from typing import Any, Dict, List, Optional

import numpy as np

from neuronet import optimizers as optimizers_module
from neuronet.autodiff import Tensor, grad, no_grad, primitives
from neuronet.callbacks import CallbackList, History, ProgbarLogger
from neuronet.trainers import data_adapter as da, threads
from neuronet.trainers.compile_utils import CompileLoss, CompileMetrics
from neuronet.utils.progbar import Progbar

_COMPILE_IGNORED = ("run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss")


def _verbosity(verbose: Any) -> int:
    if verbose == "auto":
        return 1 if sys.stdout.isatty() else 2
    return int(verbose)


def _check_batch_size(batch_size: Any) -> int:
    if batch_size is None:
        return 32
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
    return int(batch_size)


class Trainer:
    """The training loop of Keras models. Needs `self(x, training=...)` and `trainable_weights`."""

    compiled = False

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, **kwargs: Any) -> None:
        """Configure the model for training: optimizer, loss(es), metrics."""
        unknown = set(kwargs) - set(_COMPILE_IGNORED)
        if unknown:
            raise TypeError(f"Invalid keyword argument(s) in `compile()`: {sorted(unknown)}. Valid: optimizer, "
                            "loss, loss_weights, metrics, weighted_metrics.")
        self.optimizer = optimizers_module.get(optimizer)
        self._compile_config = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
                                "metrics": metrics, "weighted_metrics": weighted_metrics}
        _check_identifiers(loss, metrics, weighted_metrics)
        self.loss = loss
        self.compiled_loss: Optional[CompileLoss] = None
        self.compiled_metrics: Optional[CompileMetrics] = None
        if self.built:  # otherwise the number of outputs is known only after the first call
            self._build_compile()
        self.compiled = True
        self.stop_training = False

    def _build_compile(self) -> None:
        config = self._compile_config
        names = self._output_names()
        self.compiled_loss = CompileLoss(config["loss"], config["loss_weights"], names)
        self.compiled_metrics = CompileMetrics(config["metrics"], config["weighted_metrics"], names,
                                               self.compiled_loss, self._output_shapes())

    # --- pieces the loop is made of ---------------------------------------------------------
    def _output_names(self) -> List[str]:
        """Subclassed models name their outputs output_1, output_2, ... as Keras 3 does."""
        shapes = self._output_shapes()
        return ["output"] if len(shapes) == 1 else [f"output_{i + 1}" for i in range(len(shapes))]

    def _outputs_list(self, y_pred: Any) -> list:
        return list(y_pred) if isinstance(y_pred, (list, tuple)) else [y_pred]

    def _targets_list(self, y: Any) -> list:
        n = len(self._output_names())
        if n == 1:
            return [y]
        if isinstance(y, dict):
            return [y.get(name) for name in self._output_names()]
        if not isinstance(y, (list, tuple)) or len(y) != n:
            raise ValueError(f"The model has {n} outputs {self._output_names()}, so `y` must be a list of {n} "
                             f"arrays or a dict keyed by output name. Received: {type(y).__name__}.")
        return list(y)

    def _output_shapes(self) -> List[tuple]:
        shape = self.output_shape
        if isinstance(shape, dict):
            return [tuple(s) for s in shape.values()]
        if all(d is None or isinstance(d, int) for d in shape):
            return [tuple(shape)]  # one output: a shape tuple, not a list of shapes
        return [tuple(s) for s in shape]

    def _assert_compiled(self, method: str) -> None:
        if not self.compiled:
            raise ValueError(f"You must call `compile()` before calling `{method}()`.")

    def _ensure_built(self, x: Any) -> None:
        # One sample through the model builds it, and checks shapes before any training step.
        first = da.pack_like(x, [a[:1] for a in da.flatten(x)])
        with no_grad():
            self(first, training=False)
        if self.compiled and self.compiled_loss is None:
            self._build_compile()

    def _reset_metrics(self) -> None:
        self._loss_sum, self._loss_count = 0.0, 0
        self._output_loss_sums = [0.0] * len(self._output_names())
        if self.compiled_metrics is not None:
            self.compiled_metrics.reset()

    def _logs(self) -> Dict[str, float]:
        logs = {"loss": self._loss_sum / max(self._loss_count, 1)}
        names = self._output_names()
        if len(names) > 1:
            for name, fn, total in zip(names, self.compiled_loss.losses, self._output_loss_sums):
                if fn is not None:
                    logs[f"{name}_loss"] = total / max(self._loss_count, 1)
        for metric in self.compiled_metrics.all if self.compiled_metrics else []:
            logs[metric.name] = float(metric.result())
        return logs

    def _compute_loss(self, y: Any, y_pred: Any, sample_weight: Any, batch: int) -> Any:
        total, parts = self.compiled_loss(self._targets_list(y), self._outputs_list(y_pred), sample_weight)
        if self._has_regularizers:
            for penalty in self.losses:
                total = primitives.add(total, penalty)
        self._last_loss = float(total.data)
        self._loss_sum += self._last_loss * batch
        self._loss_count += batch
        if len(parts) > 1:
            for i, part in enumerate(parts):
                if part is not None:
                    self._output_loss_sums[i] += float(part.data) * batch
        return total

    def _update_metrics(self, y: Any, y_pred: Any, sample_weight: Any) -> None:
        if self.compiled_metrics is not None and self.compiled_metrics.any:
            self.compiled_metrics.update(self._targets_list(y), [p.data for p in self._outputs_list(y_pred)],
                                         sample_weight)

    def train_step(self, x: Any, y: Any, sample_weight: Any = None) -> Any:
        """One optimizer step on one batch; returns the loss Tensor."""
        if x.__class__ is np.ndarray:
            x = Tensor(x)  # a Tensor takes the layers' direct path
        y_pred = self(x, training=True)
        loss = self._compute_loss(y, y_pred, sample_weight, _batch_size(x))
        variables = self._trainable_cache
        self.optimizer.apply_engine_gradients(grad(loss, variables), variables)
        self._update_metrics(y, y_pred, sample_weight)
        return loss

    def test_step(self, x: Any, y: Any, sample_weight: Any = None) -> Any:
        if x.__class__ is np.ndarray:
            x = Tensor(x)
        with no_grad():
            y_pred = self(x, training=False)
            loss = self._compute_loss(y, y_pred, sample_weight, _batch_size(x))
        self._update_metrics(y, y_pred, sample_weight)
        return loss

    def _prepare(self, x: Any, y: Any, sample_weight: Any, class_weight: Any = None) -> tuple:
        if x is None:
            raise ValueError("`x` is required: pass the input data as a NumPy array (or a list/dict of arrays).")
        x = da.map_arrays(x, "x")
        y = da.map_arrays(y, "y", cast_float=False) if y is not None else None
        if sample_weight is not None:
            sample_weight = da.to_array(sample_weight, "sample_weight")
        if class_weight is not None:
            sample_weight = _class_weights_to_sample_weights(class_weight, y, sample_weight)
        da.num_samples(x, y, sample_weight)
        return x, y, sample_weight

    def _check_differentiable(self) -> None:
        """Training through a step function is meaningless: point to the perceptron rule instead."""
        stack = list(self._tracked)
        while stack:
            layer = stack.pop()
            stack.extend(layer._tracked)
            if getattr(getattr(layer, "activation", None), "differentiable", True) is False:
                name = getattr(layer.activation, "__name__", "step")
                raise ValueError(f"Layer {layer.name!r} uses the {name!r} activation, whose gradient is zero almost "
                                 "everywhere, so gradient descent (`fit`) cannot train it. Train threshold logic "
                                 "units with the perceptron learning rule: `neuronet.perceptron.Perceptron`, or use "
                                 "a smooth activation such as 'sigmoid' in an MLP.")

    def _start(self) -> None:
        self._trainable_cache = self.trainable_weights
        self._has_regularizers = bool(self.losses)

    # --- public API ---------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Any = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: Optional[dict] = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: Optional[int] = None,
            validation_steps: Optional[int] = None, validation_batch_size: Optional[int] = None,
            validation_freq: int = 1) -> History:
        """Train the model for `epochs` epochs; returns a `History`."""
        self._assert_compiled("fit")
        batch_size = _check_batch_size(batch_size)
        if not 0 <= validation_split < 1:
            raise ValueError(f"`validation_split` must be in [0, 1). Received: validation_split={validation_split!r}")
        if y is None:
            raise ValueError("`fit()` needs targets `y` (the labels or values to learn).")
        x, y, sample_weight = self._prepare(x, y, sample_weight, class_weight)
        if validation_data is None and validation_split:
            (x, y, sample_weight), validation_data = da.split_validation((x, y, sample_weight), validation_split)
        if validation_data is not None:
            validation_data = self._prepare(*_unpack_validation(validation_data))
        adapter = da.DataAdapter(x, y, sample_weight, batch_size, shuffle=shuffle, steps=steps_per_epoch)
        self._ensure_built(x)
        self._check_differentiable()
        self.compiled_loss.check_targets(self._targets_list(y), self._output_shapes())
        self._start()
        verbose = _verbosity(verbose)
        history = History()
        callback_list = CallbackList(list(callbacks or []) + [history] + ([ProgbarLogger(verbose)] if verbose else []),
                                     model=self, epochs=epochs, steps=adapter.steps, verbose=verbose)
        self.history = history
        self.stop_training = False
        # Small products: one BLAS thread or two, whichever the first steps measure faster on this machine now.
        with threads.AdaptiveBlasThreads(self, batch_size) as blas:
            logs = self._fit_epochs(adapter, callback_list, initial_epoch, epochs, validation_data,
                                    validation_batch_size or batch_size, validation_steps, validation_freq, blas)
        callback_list.on_train_end(logs)
        return history

    def _fit_epochs(self, adapter: Any, callback_list: CallbackList, initial_epoch: int, epochs: int,
                    validation_data: Any, validation_batch_size: int, validation_steps: Optional[int],
                    validation_freq: int, blas: Any = None) -> Dict[str, float]:
        batch_hooks = callback_list.wants_batch_hooks("train")
        callback_list.on_train_begin()
        logs: Dict[str, float] = {}
        for epoch in range(self._resume_epoch(initial_epoch), epochs):
            self._reset_metrics()
            callback_list.on_epoch_begin(epoch)
            for step, xb, yb, swb in adapter:
                if batch_hooks:
                    callback_list.on_train_batch_begin(step)
                self.train_step(xb, yb, swb)
                if blas is not None:
                    blas.step_done()
                if not math.isfinite(self._last_loss):
                    self._stop_on_invalid_loss(epoch, step, self._last_loss)
                if batch_hooks:
                    callback_list.on_train_batch_end(step, self._logs())
                if self.stop_training:
                    break
            logs = self._logs()
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                callback_list.on_test_begin()
                val_logs = self._evaluate_arrays(*validation_data, validation_batch_size, validation_steps,
                                                 callback_list)
                callback_list.on_test_end(val_logs)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        return logs

    def _resume_epoch(self, initial_epoch: int) -> int:
        """`initial_epoch`, or the epoch a callback (BackupAndRestore) asked to resume from in on_train_begin."""
        resume = getattr(self, "_resume_from_epoch", None)
        self._resume_from_epoch = None
        return initial_epoch if resume is None else max(initial_epoch, int(resume))

    def _stop_on_invalid_loss(self, epoch: int, step: int, value: float) -> None:
        warnings.warn(f"Epoch {epoch + 1}, batch {step}: the loss became {value} — stopping training. Usual causes: "
                      "a learning rate that is too high, or unscaled inputs. Lower the learning rate, scale the "
                      "inputs, or add gradient clipping (`clipnorm=1.0` on the optimizer).", RuntimeWarning,
                      stacklevel=3)
        self.stop_training = True

    def _evaluate_arrays(self, x: Any, y: Any, sample_weight: Any, batch_size: int, steps: Optional[int] = None,
                         callback_list: Optional[CallbackList] = None) -> Dict[str, float]:
        self._reset_metrics()
        self._start()
        adapter = da.DataAdapter(x, y, sample_weight, batch_size, shuffle=False, steps=steps)
        hooks = callback_list is not None and callback_list.wants_batch_hooks("test")
        for step, xb, yb, swb in adapter:
            if hooks:
                callback_list.on_test_batch_begin(step)
            self.test_step(xb, yb, swb)
            if hooks:
                callback_list.on_test_batch_end(step, self._logs())
        return self._logs()

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: Optional[int] = None, callbacks: Any = None,
                 return_dict: bool = False) -> Any:
        """Loss (and metrics) on the given data: a scalar, a list `[loss, *metrics]`, or a dict."""
        self._assert_compiled("evaluate")
        batch_size = _check_batch_size(batch_size)
        if y is None:
            raise ValueError("`evaluate()` needs targets `y`.")
        x, y, sample_weight = self._prepare(x, y, sample_weight)
        self._ensure_built(x)
        self.compiled_loss.check_targets(self._targets_list(y), self._output_shapes())
        verbose = _verbosity(verbose)
        steps_total = -(-da.num_samples(x) // batch_size) if steps is None else steps
        callback_list = CallbackList(callbacks, model=self, steps=steps_total, verbose=verbose)
        progbar = Progbar(steps_total, verbose=verbose) if verbose else None
        callback_list.on_test_begin()
        with threads.blas_threads(self, batch_size):
            logs = self._evaluate_arrays(x, y, sample_weight, batch_size, steps, callback_list)
        callback_list.on_test_end(logs)
        if progbar is not None:
            progbar.update(steps_total, list(logs.items()), finalize=True)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: Optional[int] = None, verbose: Any = "auto", steps: Optional[int] = None,
                callbacks: Any = None) -> Any:
        """Outputs for the inputs `x`, computed in batches; NumPy arrays (a list for several outputs)."""
        batch_size = _check_batch_size(batch_size)
        x = da.map_arrays(x, "x")
        adapter = da.DataAdapter(x, None, None, batch_size, shuffle=False, steps=steps)
        callback_list = CallbackList(callbacks, model=self, steps=adapter.steps)
        progbar = Progbar(adapter.steps, verbose=_verbosity(verbose)) if _verbosity(verbose) else None
        callback_list.on_predict_begin()
        outputs: List[list] = []
        with no_grad(), threads.blas_threads(self, batch_size):
            for step, xb, _, _ in adapter:
                callback_list.on_predict_batch_begin(step)
                batch_out = self(xb, training=False)
                outputs.append([o.data for o in self._outputs_list(batch_out)])
                callback_list.on_predict_batch_end(step, {"outputs": batch_out})
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError("`predict()` received no samples.")
        merged = [np.concatenate(parts) for parts in zip(*outputs)]
        if progbar is not None:
            progbar.update(adapter.steps, finalize=True)
        return self._pack_outputs(merged)

    def _pack_outputs(self, merged: List[np.ndarray]) -> Any:
        return merged[0] if len(merged) == 1 else merged

    def predict_classes(self, x: Any, batch_size: int = 32, verbose: Any = 0) -> np.ndarray:
        """Removed from tf.keras 2.6; kept for the book's code. Use np.argmax(model.predict(x), axis=-1)."""
        warnings.warn("`model.predict_classes()` is deprecated and was removed from tf.keras. Use "
                      "`np.argmax(model.predict(x), axis=-1)` (multi-class) or "
                      "`(model.predict(x) > 0.5).astype('int32')` (binary) instead.", DeprecationWarning,
                      stacklevel=2)
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return np.argmax(proba, axis=-1)
        return (proba > 0.5).astype("int32")

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None,
                       return_dict: bool = False) -> Any:
        """One gradient step on one batch; returns its loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        x, y, sample_weight = self._prepare(x, y, sample_weight, class_weight)
        self._ensure_built(x)
        self._check_differentiable()
        self._start()
        self._reset_metrics()
        self.train_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        self._assert_compiled("test_on_batch")
        x, y, sample_weight = self._prepare(x, y, sample_weight)
        self._ensure_built(x)
        self._start()
        self._reset_metrics()
        self.test_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        with no_grad():
            out = self(da.map_arrays(x, "x"), training=False)
        return self._pack_outputs([o.data for o in self._outputs_list(out)])

    def _batch_result(self, return_dict: bool) -> Any:
        logs = self._logs()
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values


def _batch_size(x: Any) -> int:
    return x.shape[0] if hasattr(x, "shape") else len(da.flatten(x)[0])


def _check_identifiers(loss: Any, metrics: Any, weighted_metrics: Any) -> None:
    """Unknown loss or metric names fail in `compile()`, not at the first `fit()`."""
    from neuronet import losses, metrics as metrics_module

    for identifier in da.flatten(loss):
        if isinstance(identifier, str):
            losses.get(identifier)
    for identifier in da.flatten(metrics) + da.flatten(weighted_metrics):
        if isinstance(identifier, str) and identifier not in ("accuracy", "acc"):
            metrics_module.get(identifier)


def _unpack_validation(data: Any) -> tuple:
    if not isinstance(data, (list, tuple)) or len(data) not in (2, 3):
        raise ValueError("`validation_data` must be a tuple `(x_val, y_val)` or `(x_val, y_val, val_sample_weight)`."
                         f" Received: {type(data).__name__} of length {len(data) if hasattr(data, '__len__') else '?'}")
    return tuple(data) if len(data) == 3 else (data[0], data[1], None)


def _class_weights_to_sample_weights(class_weight: dict, y: Any, sample_weight: Any) -> np.ndarray:
    flat = da.flatten(y)
    if len(flat) != 1:
        raise ValueError("`class_weight` is only supported for models with a single output.")
    labels = flat[0]
    labels = np.argmax(labels, axis=-1) if labels.ndim > 1 and labels.shape[-1] > 1 else labels.reshape(len(labels))
    labels = labels.astype(np.int64)
    missing = set(np.unique(labels).tolist()) - set(int(k) for k in class_weight)
    if missing:
        raise ValueError(f"`class_weight` has no entry for classes {sorted(missing)} found in `y`. Expected a dict "
                         "mapping every class index to a weight.")
    table = np.zeros(max(int(k) for k in class_weight) + 1, dtype="float32")
    for k, v in class_weight.items():
        table[int(k)] = v
    weights = table[labels]
    return weights if sample_weight is None else weights * sample_weight
