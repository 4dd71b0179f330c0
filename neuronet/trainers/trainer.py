"""Trainer: compile / fit / evaluate / predict, mixed into `Model`, with Keras 3's overridable steps."""
from __future__ import annotations

import math
from collections.abc import Mapping
import warnings
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import numpy as np

from neuronet import backend, metrics as metrics_module, optimizers as optimizers_module
from neuronet.autodiff import no_grad
from neuronet.trainers import arguments, call_guard, data_adapters, training_state
from neuronet.trainers.data_adapters import data_adapter_utils as da
from neuronet.trainers.steps import Steps
from neuronet.utils.tree import flatten, pack_like

if TYPE_CHECKING:  # compile(), fit(), evaluate() and predict() import these when first called (import stays fast)
    from neuronet.callbacks import CallbackList, History
    from neuronet.trainers.compile_utils import CompileLoss, CompileMetrics


class Trainer(Steps):
    """The training loop of Keras models. Needs `self(x, training=...)` and `trainable_weights`.

    `fit` calls `train_step(data)` once per batch, `evaluate` calls `test_step(data)` and `predict`
    `predict_step(data)`, where `data` is `(x,)`, `(x, y)` or `(x, y, sample_weight)`: override them, and
    `compute_loss` / `compute_metrics`, with Keras 3's signatures (see the keras.io guide "Customizing what
    happens in fit()"); a step returns a dict of logs.
    """

    compiled = False
    _loss_tracker: Any = None
    compiled_loss: Optional[CompileLoss] = None
    compiled_metrics: Optional[CompileMetrics] = None
    run_eagerly = False
    jit_compile: Any = "auto"
    steps_per_execution = 1
    _single_output = False  # Sequential: known to have one output before it is built

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile: Any = "auto", auto_scale_loss: bool = True) -> None:
        """Configure the model for training: optimizer, loss(es), metrics.

        Args:
            optimizer: an optimizer name (`"rmsprop"`, the default, `"adam"`, `"sgd"`, ...; Keras's default
                settings) or a `keras.optimizers.Optimizer` instance.
            loss: a loss name (`"mse"`, `"sparse_categorical_crossentropy"`, ...), a `keras.losses.Loss`
                instance, or a function `fn(y_true, y_pred)` returning one value per sample; for a model with
                several outputs, a list (one per output) or a dict keyed by output name. The value `fit`
                minimizes is the (weighted) sum of the outputs' losses plus the layers' regularization losses.
            loss_weights: a list or dict (by output name) of floats weighting each output's loss in that sum.
            metrics: what `fit` and `evaluate` report besides the loss: names (`"accuracy"`, `"mae"`, ...),
                `keras.metrics.Metric` instances, or functions `fn(y_true, y_pred)`; a list, or a dict (or list
                of lists) giving each output its own. `"accuracy"` becomes binary, categorical or sparse
                categorical accuracy according to the loss and the output shape, as in Keras.
            weighted_metrics: metrics that are also weighted by `sample_weight`/`class_weight` in `fit` and
                `evaluate`.
            run_eagerly: True runs every step on the eager autodiff tape (never a compiled step).
            steps_per_execution: batches per callback-visible step, as in Keras: `fit` calls the batch hooks
                once per `steps_per_execution` batches, `on_train_batch_begin` with the first batch's index
                and `on_train_batch_end` with the last one's.
            jit_compile: "auto", True or False: whether `fit` may replay a compiled (traced) step where the
                model allows it; False always runs eagerly. Forced to False with `run_eagerly=True`.
            auto_scale_loss: with the "mixed_float16" policy, wrap the optimizer in a `LossScaleOptimizer`
                (float16 gradients would underflow without loss scaling), as Keras does.

        Nothing on the model changes unless every argument is valid (a failed `compile` leaves it as it was).

        Example:
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        >>> model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        ...               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        >>> type(model.optimizer).__name__, model.loss
        ('Adam', 'sparse_categorical_crossentropy')
        """
        steps_per_execution = arguments.check_steps_per_execution(steps_per_execution)
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"`jit_compile` must be 'auto', True or False. Received: jit_compile={jit_compile!r}")
        if jit_compile and run_eagerly:
            if jit_compile is True:
                warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be True. Disabling "
                              "`jit_compile`.", stacklevel=2)
            jit_compile = False
        new_optimizer = optimizers_module.get(optimizer)
        if (auto_scale_loss and self.dtype_policy.name == "mixed_float16"
                and not isinstance(new_optimizer, optimizers_module.LossScaleOptimizer)):
            new_optimizer = optimizers_module.LossScaleOptimizer(new_optimizer, name="loss_scale_optimizer")
        arguments.check_identifiers(loss, metrics, weighted_metrics)
        config = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                  "weighted_metrics": weighted_metrics}
        built = self._make_compile(config) if self.built else (None, None)  # raises before any change
        if not self.built and self._single_output:  # one output whatever the input: check the loss counts now
            from neuronet.trainers.compile_utils import CompileLoss

            CompileLoss(loss, loss_weights, ["output"])
        self.optimizer = new_optimizer
        self._compile_config = config
        self.loss = loss
        self.compiled_loss, self.compiled_metrics = built
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self.steps_per_execution = steps_per_execution
        self.auto_scale_loss = auto_scale_loss
        self.compiled = True
        self.stop_training = False

    def _make_compile(self, config: dict) -> tuple:
        from neuronet.trainers.compile_utils import CompileLoss, CompileMetrics

        names = self._output_names()
        compiled_loss = CompileLoss(config["loss"], config["loss_weights"], names)
        compiled_metrics = CompileMetrics(config["metrics"], config["weighted_metrics"], names, self._targets_list,
                                          self._outputs_list)
        return compiled_loss, compiled_metrics

    def _build_compile(self) -> None:
        self.compiled_loss, self.compiled_metrics = self._make_compile(self._compile_config)

    # --- pieces the loop is made of ---------------------------------------------------------
    @property
    def output_names(self) -> List[str]:
        """The names under which outputs are logged and keyed (`y` dicts, `loss` dicts)."""
        return self._output_names()

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
        # One sample through the model builds it, and checks shapes before any training step. Once it passed,
        # inputs of the same shapes and dtypes through the same layers need no new probe (a `predict` of one
        # batch would otherwise pay an eager pass for it).
        flat = flatten(x)
        signature = (tuple(id(layer) for layer in self.layers), tuple((a.shape[1:], a.dtype.str) for a in flat))
        if not (self.built and self.__dict__.get("_probed_inputs") == signature):
            self._probe(x, flat)
            self.__dict__["_probed_inputs"] = signature
        if self.compiled and self.compiled_loss is None:
            self._build_compile()

    def _probe(self, x: Any, flat: list) -> None:
        first = pack_like(x, [a[:1] for a in flat])
        with no_grad():
            try:
                self(first, training=False)
            except ValueError as error:  # the probe's batch of 1 is not the user's: show it as None, as Keras does
                message = str(error)
                for a in flatten(first):
                    message = message.replace(str(tuple(a.shape)), str((None,) + tuple(a.shape[1:])))
                if message == str(error):
                    raise
                raise ValueError(message) from None

    def _standardize_inputs(self, x: Any) -> Any:
        """Arrays as the model expects them (models with declared input shapes adjust a missing last axis)."""
        return x

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

    def _step_runner(self) -> Any:
        """The one place that decides between the compiled step (`neuronet.compile`) and the eager steps."""
        from neuronet import compile as compile_module

        return compile_module.for_model(self)

    # --- public API ---------------------------------------------------------------------------
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

    def _prepare_for(self, adapter: Any, method: str) -> None:
        """Build the model from the data's first rows and check the targets, once, before any step."""
        x, y, _ = adapter.peek()
        if y is None and method != "predict":
            raise ValueError(f"`{method}()` needs targets: the batches of `x` hold inputs only. Yield `(x, y)` or "
                             "`(x, y, sample_weight)` tuples.")
        self._ensure_built(x)
        if y is not None and self.compiled_loss is not None:
            self.compiled_loss.check_targets(self._targets_list(y), self._output_shapes())

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

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None,
                       return_dict: bool = False) -> Any:
        """One gradient step on one batch; returns its loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        x, y, sample_weight = data_adapters.prepare_arrays(x, y, sample_weight, class_weight,
                                                           self._standardize_inputs)
        with call_guard.guard(self, "train_on_batch", exclusive=True):
            self._ensure_built(x)
            self._check_differentiable()
            self._start()
            self.reset_metrics()
            return self._batch_result(self.train_step(da.pack_x_y_sample_weight(x, y, sample_weight)),
                                      return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        self._assert_compiled("test_on_batch")
        x, y, sample_weight = data_adapters.prepare_arrays(x, y, sample_weight, None, self._standardize_inputs)
        with call_guard.guard(self, "test_on_batch", exclusive=True):
            self._ensure_built(x)
            self._start()
            self.reset_metrics()
            return self._batch_result(self.test_step(da.pack_x_y_sample_weight(x, y, sample_weight)),
                                      return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        with call_guard.guard(self, "predict_on_batch", exclusive=False):
            out = self.predict_step(da.pack_x_y_sample_weight(self._standardize_inputs(da.map_arrays(x, "x"))))
        return self._pack_outputs([backend.to_numpy(o) for o in self._outputs_list(out)])

    @staticmethod
    def _batch_result(step_logs: Any, return_dict: bool) -> Any:
        logs = arguments.python_logs(step_logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values


