"""Layer: the base class of every layer and model (weights, build/call, config)."""
from __future__ import annotations

import math
from typing import Any, List, Optional

from neuronet import backend, constraints, initializers, ops, regularizers
from neuronet.autodiff import Tensor, graph, primitives
from neuronet.layers import symbolic
from neuronet.layers.symbolic import KerasTensor
from neuronet.metrics.metric import Metric
from neuronet.mixed_precision import policies
from neuronet.utils import naming, tree
from neuronet.variables import Variable

# Losses added during a forward pass (`add_loss`, activity regularizers) belong to the latest outermost call:
# `_CALLS[0]` counts the layer calls in progress, `_CALLS[1]` turns True once any such loss was added.
_CALLS: list = [0, False]


def as_tensor(x: Any) -> Tensor:
    """Data entering a layer: Tensors pass through; arrays become floatx Tensors."""
    if isinstance(x, Tensor):
        return x
    array = backend.asarray(x)  # the host -> device copy of data entering a layer
    if array.dtype != backend.floatx() and (array.dtype.kind in "fiub"):
        array = array.astype(backend.floatx())
    return Tensor(array)


def _as_tensor_keeping_dtype(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(backend.asarray(x))


class Layer:
    """Base layer: owns weights, builds itself from the first input shape, then calls.

    Subclasses write `build(input_shape)` (create weights with `add_weight`) and
    `call(inputs, training=None)`; `__call__` builds on first use.

    Example:
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    >>> Scale()(np.ones((2, 3))).shape
    (2, 3)
    """

    _KWARGS = ("input_shape", "batch_input_shape", "batch_size", "input_dim", "autocast", "weights",
               "activity_regularizer")

    def __init__(self, trainable: bool = True, name: Optional[str] = None, dtype: Any = None, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(self._KWARGS)
        if unknown:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {sorted(unknown)}. "
                            f"Accepted: trainable, name, dtype, {', '.join(self._KWARGS)}.")
        object.__setattr__(self, "_tracked", [])  # sublayers in assignment order
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self._initial_weights = kwargs.get("weights")  # tf.keras 2: set once the layer is built
        self.autocast = bool(kwargs.get("autocast", True))  # False: array inputs keep their dtype
        self._losses: List[Any] = []
        self._trainable = trainable
        self.name = name or naming.auto_name(type(self).__name__)
        policy = policies.get(dtype_name(dtype))  # None: the global policy (`mixed_precision.set_global_policy`)
        self._dtype_policy = policy
        self.dtype = policy.variable_dtype  # as Keras 3: `layer.dtype` is the variables' dtype
        mixed = policy.compute_dtype != policy.variable_dtype and self.autocast  # autocast=False: no casts, as Keras
        self._autocast_dtype = policy.compute_dtype if mixed else None
        self.built = False
        self._weights: List[Variable] = []
        self._regularized: List[tuple] = []
        self._batch_input_shape = self._input_shape_from(kwargs)
        self._build_shape: Any = None
        self._inbound_nodes: List[Any] = []  # calls on symbolic inputs (functional API)
        self._output_shape: Any = None
        self._call_has_training = "training" in self.call.__code__.co_varnames[: self.call.__code__.co_argcount]

    @staticmethod
    def _input_shape_from(kwargs: dict) -> Optional[tuple]:
        if kwargs.get("batch_input_shape") is not None:
            return tuple(kwargs["batch_input_shape"])
        if kwargs.get("input_shape") is not None:
            shape = kwargs["input_shape"]
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            return (kwargs.get("batch_size"),) + shape
        if kwargs.get("input_dim") is not None:
            return (kwargs.get("batch_size"), kwargs["input_dim"])
        return None

    # --- tracking sublayers (subclassed layers and models) --------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if not isinstance(value, (Layer, list, tuple, dict, Metric)):  # numbers, arrays: nothing to track (hot path)
            object.__setattr__(self, name, value)
            return
        if isinstance(value, Metric):  # metrics set as attributes are listed by `model.metrics`, as in Keras
            object.__setattr__(self, name, value)
            if name != "_loss_tracker":
                self.__dict__.setdefault("_metrics", []).append(value)
            return
        tracked = self.__dict__.get("_tracked")
        if tracked is not None and name != "_tracked":
            for item in _layers_in(value):
                if not any(item is t for t in tracked):
                    tracked.append(item)
        object.__setattr__(self, name, value)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self._tracked:
            layer.trainable = value

    # --- weights ----------------------------------------------------------------------
    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None, trainable: bool = True,
                   regularizer: Any = None, constraint: Any = None, name: Optional[str] = None) -> Variable:
        """Create a weight of this layer; kernels default to glorot_uniform, others to zeros."""
        shape = () if shape is None else tuple(int(s) for s in shape)
        if initializer is None:
            initializer = "glorot_uniform" if len(shape) > 1 else "zeros"
        variable = Variable(initializers.get(initializer), shape=shape, dtype=dtype or self.dtype,
                            trainable=trainable, name=name or f"variable_{len(self._weights)}")
        variable.path = f"{self.name}/{variable.name}"
        self._weights.append(variable)
        regularizer = regularizers.get(regularizer)
        if regularizer is not None:
            self._regularized.append((regularizer, variable))
        variable.constraint = constraints.get(constraint)  # the optimizer applies it after each update
        return variable

    @property
    def trainable_weights(self) -> List[Variable]:
        if not self._trainable:
            return []
        own = [w for w in self._weights if w.trainable]
        return own + [w for layer in self._tracked for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> List[Variable]:
        own = [w for w in self._weights if not w.trainable or not self._trainable]
        return own + [w for layer in self._tracked for w in layer.non_trainable_weights]

    @property
    def weights(self) -> List[Variable]:
        """Keras's order (3 and tf.keras 2 alike): this layer's own weights (trainable ones first), then each
        sublayer's, depth first. Not trainable + non-trainable: with BatchNormalization's moving statistics in a
        model, `get_weights()` would no longer line up with Keras's.
        """
        own = [w for w in self._weights if w.trainable] + [w for w in self._weights if not w.trainable]
        seen, ordered = set(), []
        for w in own + [w for layer in self._tracked for w in layer.weights]:
            if id(w) not in seen:
                seen.add(id(w))
                ordered.append(w)
        return ordered

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self) -> List[Any]:
        """Losses of the latest forward pass (`add_loss`, activity regularizers) and weight penalties,
        of this layer and its sublayers (differentiable scalars)."""
        own = self._losses + [fn(variable) for fn, variable in self._regularized]
        return own + [loss for layer in self._tracked for loss in layer.losses]

    def add_loss(self, loss: Any) -> None:
        """Add a scalar loss (a Tensor computed in `call()`) to `self.losses` for this forward pass."""
        _CALLS[1] = True
        self._losses.append(loss)

    def _clear_losses(self) -> None:
        self._losses.clear()
        for layer in self._tracked:
            layer._clear_losses()

    def get_weights(self) -> List[Any]:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights: List[Any]) -> None:
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(f"Layer {self.name!r} expects {len(params)} weights, but the weight list passed "
                             f"has {len(weights)} elements. Provided weights: {_shapes(weights)}")
        weights = [backend.to_numpy(w) for w in weights]  # from the host (get_weights, a file), or a device
        for variable, value in zip(params, weights):
            if value.shape != variable.shape:
                raise ValueError(f"Layer {self.name!r} weight shape {variable.shape} is not compatible with "
                                 f"provided weight shape {value.shape} (weight {variable.path!r}).")
        for variable, value in zip(params, weights):
            variable.assign(value)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name!r}, but the layer isn't "
                             "built. You can build it manually via: `layer.build(batch_input_shape)`.")
        return int(sum(math.prod(w.shape) for w in self.weights))

    # --- calling ----------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    @property
    def dtype_policy(self) -> Any:
        return self._dtype_policy

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    def __call__(self, inputs: Any, training: Any = None, **kwargs: Any) -> Any:
        if _CALLS[1] and not _CALLS[0]:  # an outermost call: forget the previous forward pass's losses
            self._clear_losses()
        _CALLS[0] += 1
        try:
            outputs = self._call(inputs, training, kwargs)
        finally:
            _CALLS[0] -= 1
        if self.activity_regularizer is not None and not _is_symbolic(outputs):
            self._add_activity_losses(outputs)
        return outputs

    def _call(self, inputs: Any, training: Any, kwargs: dict) -> Any:
        if self._autocast_dtype != graph.autocast_dtype() and not _is_symbolic(inputs):
            return self._call_in_own_dtype(inputs, training, kwargs)
        if self.built and inputs.__class__ is Tensor and not kwargs:  # the training step's path
            return self.call(inputs, training=training) if self._call_has_training else self.call(inputs)
        if _is_symbolic(inputs):
            _check_call_kwargs(self, kwargs)
            return symbolic.call_symbolic(self, inputs, Layer.compute_output_shape, **kwargs)
        inputs = tree.map_structure(as_tensor if self.autocast else _as_tensor_keeping_dtype, inputs)
        if self._call_has_training:
            kwargs["training"] = training
        if self.built:
            return self.call(inputs, **kwargs)
        self._build_from(inputs)
        outputs = self.call(inputs, **kwargs)
        _check_outputs(self, outputs)
        if self._output_shape is None:  # shown by summary() of subclassed models
            self._output_shape = tree.map_structure(lambda t: (None,) + tuple(t.shape[1:]), outputs)
        return outputs

    def _add_activity_losses(self, outputs: Any) -> None:
        """Keras 3: the regularizer of each output, divided by the batch size."""
        for output in tree.flatten(outputs):
            penalty = self.activity_regularizer(output)
            if output.ndim > 0:
                penalty = ops.multiply(penalty, 1.0 / output.shape[0])
            self.add_loss(penalty)

    def _set_initial_weights(self) -> None:
        """`weights=` given to the constructor (tf.keras 2) replaces the initial values once built."""
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def _call_in_own_dtype(self, inputs: Any, training: Any, kwargs: dict) -> Any:
        """Mixed precision: float inputs cast to the compute dtype, variables read in it (the engine's autocast)."""
        dtype = self.compute_dtype

        def cast(t: Tensor) -> Tensor:
            return primitives.cast(t, dtype=dtype) if t.dtype.kind == "f" and t.dtype != dtype else t

        inputs = tree.map_structure(lambda x: cast(as_tensor(x)), inputs)
        previous = graph.set_autocast(self._autocast_dtype)
        try:
            return self._call(inputs, training, kwargs)
        finally:
            graph.set_autocast(previous)

    def _build_from(self, inputs: Any) -> None:
        shape = tree.map_structure(lambda t: tuple(t.shape), inputs)
        self._build_shape = shape
        self.build(shape)
        self.built = True
        self._set_initial_weights()

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape for an input shape (None for unknown sizes), by a dry run on zeros."""
        from neuronet.autodiff import no_grad

        def zeros(shape: tuple) -> Tensor:
            return Tensor(backend.xp.zeros(tuple(2 if d is None else d for d in shape), self.dtype))

        probe = tree.map_structure(zeros, input_shape, leaf=is_shape)
        with no_grad():
            out = self(probe, training=False)
        self._clear_losses()  # the dry run's activity losses are not a forward pass's
        return tree.map_structure(lambda t: (None,) + tuple(t.shape[1:]), out)

    # --- config -----------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policy_config(self._dtype_policy.name)}  # e.g. "mixed_float16"
        if self.activity_regularizer is not None:  # Keras 3 writes the key only when set
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        return cls(**without_inert_keys(config))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# Keys Keras 3 writes for features neuronet lacks; dropped when they hold these values (the features unused).
INERT_KERAS_KEYS = {"optional": False, "ragged": False, "quantization_config": None, "lora_rank": None,
                    "lora_alpha": None, "autocast": True}


def without_inert_keys(config: dict) -> dict:
    """`config` without the keys of `INERT_KERAS_KEYS` at their inert values (others reach `__init__`, which
    refuses what it does not know)."""
    return {k: v for k, v in config.items() if not (k in INERT_KERAS_KEYS and v == INERT_KERAS_KEYS[k])}


def dtype_policy_config(dtype: str) -> dict:
    """A layer's dtype as Keras 3 writes it in configs: a `DTypePolicy` (tf.keras 2 wrote the bare name)."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": dtype}, "registered_name": None}


def dtype_name(dtype: Any) -> Any:
    """`"float32"` from either form a config may hold: the name, or Keras 3's `DTypePolicy` dict."""
    if isinstance(dtype, dict):
        if dtype.get("class_name") not in ("DTypePolicy", "Policy") or "name" not in (dtype.get("config") or {}):
            raise ValueError(f"Could not interpret dtype {dtype!r}: expected a name such as 'float32' or a "
                             "DTypePolicy config {'class_name': 'DTypePolicy', 'config': {'name': ...}}.")
        return dtype["config"]["name"]
    return dtype


def _check_outputs(layer: Layer, outputs: Any) -> None:
    bad = [o for o in tree.flatten(outputs) if not isinstance(o, Tensor)]
    if bad or outputs is None:
        kind = type(bad[0]).__name__ if bad else "None"
        raise TypeError(f"The `call` method of {type(layer).__name__} {layer.name!r} returned a value of type "
                        f"{kind}; expected a tensor or a list/tuple/dict of tensors (results of layers or "
                        "keras.ops on its inputs).")


def _check_call_kwargs(layer: Layer, kwargs: dict) -> None:
    """Keyword arguments of a symbolic call must be ones `call()` accepts (checked now, not at the first fit)."""
    import inspect

    parameters = inspect.signature(layer.call).parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    unknown = sorted(set(kwargs) - set(parameters))
    if unknown:
        raise TypeError(f"Layer {layer.name!r} ({type(layer).__name__}) got unexpected keyword argument(s) {unknown} "
                        f"when called. Its `call()` accepts: {[p for p in parameters if p != 'inputs']}.")


def is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _layers_in(value: Any) -> List["Layer"]:
    if isinstance(value, Layer):
        return [value]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _layers_in(v)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _layers_in(v)]
    return []


def _is_symbolic(x: Any) -> bool:
    if isinstance(x, KerasTensor):
        return True
    return isinstance(x, (list, tuple)) and any(isinstance(i, KerasTensor) for i in x)


def _shapes(weights: List[Any]) -> List[tuple]:
    return [tuple(getattr(w, "shape", None) or backend.to_numpy(w).shape) for w in weights]
