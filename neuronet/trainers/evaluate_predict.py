"""EvaluatePredict: `evaluate` and `predict`, the loops without training, mixed into `Trainer`."""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import numpy as np

from neuronet import backend
from neuronet.autodiff import no_grad
from neuronet.trainers import arguments, call_guard, data_adapters
from neuronet.trainers.data_adapters import data_adapter_utils as da
from neuronet.utils.tree import flatten

if TYPE_CHECKING:  # evaluate() and predict() import it when first called (import stays fast)
    from neuronet.callbacks import CallbackList


class EvaluatePredict:
    """`evaluate` (batches of `test_step`, also `fit`'s validation) and `predict` (batches of `predict_step`);
    mixed into `Trainer`."""

    def _evaluate_adapter(self, adapter: Any, callback_list: Optional[CallbackList] = None) -> Dict[str, float]:
        self.reset_metrics()
        self._start()
        hooks = callback_list is not None and callback_list.wants_batch_hooks("test")
        compiled = getattr(self, "_compiled_step", None)
        step_logs: Any = None
        for step, xb, yb, swb in adapter:
            if hooks:
                callback_list.on_test_batch_begin(step)
            step_logs = compiled.test(xb, yb, swb) if compiled is not None and compiled.test_ok else None
            if step_logs is None:
                step_logs = self.test_step(da.pack_x_y_sample_weight(xb, yb, swb))
            if hooks:
                callback_list.on_test_batch_end(step, arguments.python_logs(step_logs))
        adapter.on_epoch_end()
        if step_logs is None:
            raise ValueError("Evaluation received no batches: the validation data or generator is empty or "
                             "exhausted. Pass data with at least one sample (or set `validation_steps`).")
        return arguments.python_logs(step_logs)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Optional[int] = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: Optional[int] = None, callbacks: Any = None,
                 return_dict: bool = False) -> Any:
        """Returns the loss value and metric values of the model on the given data, computed in batches.

        Args:
            x: input data, as for `fit`.
            y: target data, as for `fit`.
            batch_size: number of samples per batch. Defaults to 32.
            verbose: 0 (silent), 1 (a progress bar), 2 (one line), or "auto" (the default).
            sample_weight: optional array of one weight per sample, weighting the loss and weighted metrics.
            steps: number of batches to evaluate; defaults to all of them.
            callbacks: a list of `keras.callbacks.Callback` (their `on_test_*` hooks are called).
            return_dict: return a dict `{name: value}` instead of a list.

        Returns:
            The loss (a float) if the model has no metrics, else the list `[loss, *metric values]` in the order of
            `model.metrics_names`, or a dict with `return_dict=True`.

        Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> model.evaluate(np.ones((4, 2)), np.full((4, 1), 2.0), verbose=0, return_dict=True)
        {'loss': 4.0, 'mae': 2.0}
        """
        self._assert_compiled("evaluate")
        batch_size = arguments.check_batch_size(batch_size)
        if x is not None and data_adapters.is_array_data(x) and y is None:
            raise ValueError("`evaluate()` needs targets `y`.")
        level = arguments.verbosity(verbose)
        adapter = data_adapters.get_data_adapter(x, y, sample_weight, batch_size, steps, steps_name="steps",
                                                 standardize=self._standardize_inputs)
        from neuronet.callbacks import CallbackList
        from neuronet.trainers import threads
        from neuronet.utils.progbar import Progbar

        with call_guard.guard(self, "evaluate", exclusive=True):
            self._prepare_for(adapter, "evaluate")
            callback_list = CallbackList(callbacks, model=self, verbose=verbose, epochs=1, steps=adapter.steps)
            progbar = Progbar(adapter.steps, verbose=level) if level else None
            callback_list.on_test_begin()
            outer, self._compiled_step = getattr(self, "_compiled_step", None), self._step_runner()
            try:
                with threads.blas_threads(self, batch_size):
                    logs = self._evaluate_adapter(adapter, callback_list)
            finally:
                self._compiled_step = outer  # a fit calling evaluate (from a callback) keeps its own plans
                adapter.close()
            callback_list.on_test_end(logs)
        if progbar is not None:
            progbar.update(adapter.steps or 0, list(logs.items()), finalize=True)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: Optional[int] = None, verbose: Any = "auto", steps: Optional[int] = None,
                callbacks: Any = None) -> Any:
        """Generates output predictions for the input samples, computed in batches (without training behaviour:
        dropout is off).

        Args:
            x: input data, as for `fit`.
            batch_size: number of samples per batch. Defaults to 32.
            verbose: 0 (silent), 1 (a progress bar), 2 (one line), or "auto" (the default).
            steps: number of batches to predict; defaults to all of them.
            callbacks: a list of `keras.callbacks.Callback` (their `on_predict_*` hooks are called).

        Several threads may call `predict` on one model at once; each gets the result it would get alone.

        Returns:
            A NumPy array of predictions (a list, or a dict, of arrays for a model with several outputs).

        Example:
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
        >>> model.predict(np.ones((5, 2)), verbose=0).shape
        (5, 3)
        """
        batch_size = arguments.check_batch_size(batch_size)
        level = arguments.verbosity(verbose)
        # Array inputs are checked for NaN/inf through the outputs (below): one pass over the results, not two
        # over the inputs, which cost as much as a small model's whole prediction.
        adapter = data_adapters.get_data_adapter(x, None, None, batch_size, steps, steps_name="steps",
                                                 standardize=self._standardize_inputs, check_finite=False)
        from neuronet.callbacks import CallbackList
        from neuronet.trainers import threads
        from neuronet.utils.progbar import Progbar

        with call_guard.guard(self, "predict", exclusive=False):
            self._prepare_for(adapter, "predict")
            callback_list = CallbackList(callbacks, model=self, verbose=verbose, epochs=1, steps=adapter.steps)
            progbar = Progbar(adapter.steps, verbose=level) if level else None
            callback_list.on_predict_begin()
            outputs: List[list] = []
            merged: Optional[list] = None
            compiled = self._step_runner()  # a new one per call: its buffers belong to this call (and thread)
            compiled = compiled if compiled is not None and compiled.predict_ok else None
            hooks = callback_list.wants_batch_hooks("predict")
            try:
                with no_grad(), threads.blas_threads(self, batch_size):
                    if compiled is not None and not hooks:
                        merged = compiled.predict_all(adapter)  # None: the row count is not known in advance
                    for step, xb, _, _ in (adapter if merged is None else ()):
                        if compiled is not None and not hooks:
                            outputs.append(compiled.predict(xb))  # the per-batch hot path: nothing else to do
                            continue
                        callback_list.on_predict_batch_begin(step)
                        if compiled is not None:
                            outputs.append(compiled.predict(xb))
                            batch_out = self._pack_outputs(outputs[-1])
                        else:
                            batch_out = self.predict_step(da.pack_x_y_sample_weight(xb))
                            # to the host
                            outputs.append([backend.to_numpy(o) for o in self._outputs_list(batch_out)])
                        callback_list.on_predict_batch_end(step, {"outputs": batch_out})
            finally:
                adapter.close()
            callback_list.on_predict_end()
        if merged is None:
            if not outputs:
                raise ValueError("`predict()` received no samples: the generator or data set yielded no batch.")
            merged = [np.concatenate(parts) for parts in zip(*outputs)]
        if isinstance(adapter, data_adapters.ArrayDataAdapter) and not all(np.isfinite(m).all() for m in merged):
            for array in flatten(adapter.x):  # a non-finite result: was it the data? (the same error as fit's)
                da.check_all_finite(array, "x")
        if progbar is not None:
            progbar.update(adapter.steps if not outputs else len(outputs), finalize=True)
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
