"""Trainer: compile / fit / evaluate / predict, mixed into `Model`, with Keras 3's overridable steps.

`fit`'s loop is in `fit_loop.py`, `evaluate` and `predict` in `evaluate_predict.py`, the per-batch steps in
`steps.py`; here: `compile`, the pieces those loops share, and the `*_on_batch` methods.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, List, Optional

from neuronet import backend, metrics as metrics_module, optimizers as optimizers_module
from neuronet.autodiff import no_grad
from neuronet.trainers import arguments, call_guard, data_adapters
from neuronet.trainers.data_adapters import data_adapter_utils as da
from neuronet.trainers.evaluate_predict import EvaluatePredict
from neuronet.trainers.fit_loop import FitLoop
from neuronet.trainers.steps import Steps
from neuronet.utils.tree import flatten, pack_like

if TYPE_CHECKING:  # compile() imports these when first called (import stays fast)
    from neuronet.trainers.compile_utils import CompileLoss, CompileMetrics


class Trainer(FitLoop, EvaluatePredict, Steps):
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

    def _prepare_for(self, adapter: Any, method: str) -> None:
        """Build the model from the data's first rows and check the targets, once, before any step."""
        x, y, _ = adapter.peek()
        if y is None and method != "predict":
            raise ValueError(f"`{method}()` needs targets: the batches of `x` hold inputs only. Yield `(x, y)` or "
                             "`(x, y, sample_weight)` tuples.")
        self._ensure_built(x)
        if y is not None and self.compiled_loss is not None:
            self.compiled_loss.check_targets(self._targets_list(y), self._output_shapes())

    # --- public API ---------------------------------------------------------------------------
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


