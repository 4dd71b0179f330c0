"""`Metric`: state + `update_state` + `result`, and the reductions `Mean`, `Sum`, `MeanMetricWrapper`.

Metrics run every training step, so they work on NumPy arrays without the autodiff graph: Tensors are
read through `.numpy()` and functions returning Tensors are called under `no_grad()`. Built-in metrics
accumulate in float64 (long epochs keep their precision) and `result()` returns a float32 scalar with `.numpy()`,
as Keras's tensor does (`float(m.result())` gives the Python number).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from neuronet import backend
from neuronet.autodiff import Tensor, no_grad
from neuronet.losses.loss import squeeze_or_expand_to_same_rank
from neuronet.utils import naming
from neuronet.utils.object_registration import deserialize_object, serialize_object
from neuronet.variables import Variable

STATE_DTYPE = "float64"


def to_numpy(x: Any) -> np.ndarray:
    """A host array from a Tensor, Variable, device array, list or scalar (no copy for NumPy arrays)."""
    return backend.to_numpy(x)


class MetricResult(np.ndarray):
    """A built-in metric's `result()`: a float32 scalar array with `.numpy()`, like the tensor Keras returns.

    Example:
    >>> r = Mean()([1.0, 2.0]); r, r.dtype, float(r), type(r.numpy()).__name__
    (1.5, dtype('float32'), 1.5, 'float32')
    """

    def numpy(self) -> Any:
        return self.astype(self.dtype).view(np.ndarray)[()]

    def __round__(self, ndigits: Any = None) -> Any:
        return round(float(self), ndigits)

    def __repr__(self) -> str:  # a scalar prints as its number, as in Keras's docs
        return str(self.numpy()) if self.ndim == 0 else repr(self.view(np.ndarray))


def scalar_result(value: Any) -> MetricResult:
    """`value` as a `MetricResult` (float32 scalar, or float32 array for metrics with one value per class)."""
    return np.asarray(backend.to_numpy(value), dtype="float32").view(MetricResult)


def _returns_scalar_result(result: Any) -> Any:
    def wrapped(self: Any) -> MetricResult:
        return scalar_result(result(self))

    wrapped.__doc__, wrapped.__name__, wrapped.__wrapped__ = result.__doc__, "result", result
    return wrapped


def _on_device(x: Any) -> Any:
    return x if isinstance(x, Tensor) else backend.asarray(x)


class Metric:
    """Encapsulates metric logic and state.

    Subclasses create their state with `self.add_variable(...)` in `__init__`, and implement
    `update_state(...)` and `result()`.

    Args:
        dtype: dtype of the state variables; defaults to `keras.backend.floatx()`.
        name: name of the metric (defaults to the class name in snake_case).

    Example:
    >>> class Count(Metric):
    ...     def __init__(self, name="count", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.count = self.add_variable(shape=(), initializer="zeros", name="count")
    ...     def update_state(self, values):
    ...         self.count.assign_add(len(values))
    ...     def result(self):
    ...         return float(self.count.numpy())
    >>> m = Count(); m.update_state([1, 2, 3]); m.result()
    3.0
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # neuronet's own metrics compute in NumPy floats; their `result()` returns what Keras's does.
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("neuronet.") and "result" in cls.__dict__:
            cls.result = _returns_scalar_result(cls.__dict__["result"])

    def __init__(self, dtype: Any = None, name: Optional[str] = None) -> None:
        self.name = name or naming.to_snake_case(type(self).__name__)
        self._dtype = backend.standardize_dtype(dtype or backend.floatx())
        self._variables: list = []

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def variables(self) -> list:
        return list(self._variables)

    def add_variable(self, shape: Any, initializer: Any, dtype: Any = None, aggregation: str = "sum",
                     name: Optional[str] = None) -> Variable:
        """A non-trainable state variable, reset to zeros by `reset_state()`."""
        if not hasattr(self, "_variables"):
            raise RuntimeError(f"You forgot to call `super().__init__()` in the `__init__()` method of "
                               f"{type(self).__name__}. Go add it!")
        dtype = dtype or self.dtype
        shape = tuple(shape)
        if initializer is None or initializer in ("zeros", "Zeros"):
            initializer = np.zeros(shape, dtype=dtype)
        elif isinstance(initializer, str) and initializer in ("ones", "Ones"):
            initializer = np.ones(shape, dtype=dtype)
        variable = Variable(initializer, shape=shape, dtype=dtype, trainable=False, name=name)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape: Any = (), initializer: Any = None, dtype: Any = None,
                   name: Optional[str] = None) -> Variable:
        """Alias of `add_variable` (Keras 2 name)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    def reset_state(self) -> None:
        """Set every state variable to zero (called at the start of each epoch)."""
        for variable in self._variables:
            variable.data[...] = 0

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state(...)`.")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement `result()`.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """`update_state(*args, **kwargs)`, then `result()`."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def reduce_to_samplewise_values(values: Any, sample_weight: Any, reduce_fn: Any, dtype: Any) -> tuple:
    """One value per sample (reducing the non-batch axes), weighted; and the weights reduced alike."""
    values = np.asarray(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = np.asarray(to_numpy(sample_weight), dtype=dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = np.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the given values.

    Example:
    >>> m = Sum(); m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]); m.result()
    4.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=STATE_DTYPE, name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(to_numpy(values), sample_weight, np.sum, STATE_DTYPE)
        self.total.data += values.sum()

    def result(self) -> float:
        return float(self.total.data)


class Mean(Metric):
    """The (weighted) mean of the given values: `sum(w * v) / sum(w)`.

    Example:
    >>> m = Mean(); m.update_state([1, 3, 5, 7]); m.result()
    4.0
    >>> m.reset_state(); m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]); m.result()
    2.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=STATE_DTYPE, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=STATE_DTYPE, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(to_numpy(values), sample_weight, np.mean, STATE_DTYPE)
        self.total.data += values.sum()
        if sample_weight is not None:
            self.count.data += sample_weight.sum()
        else:
            self.count.data += values.shape[0] if values.ndim else 1

    def result(self) -> float:
        count = float(self.count.data)
        return float(self.total.data) / count if count else 0.0  # divide_no_nan


class MeanMetricWrapper(Mean):
    """The running (weighted) mean of `fn(y_true, y_pred, **kwargs)`, a per-sample metric function.

    Args:
        fn: the function; it may return an array or a Tensor (it runs without recording gradients).
        name: name of the metric; defaults to `fn.__name__`.
        dtype: dtype of the state.
        **kwargs: passed on to `fn`.

    Example:
    >>> import numpy as np
    >>> m = MeanMetricWrapper(lambda y_true, y_pred: np.abs(y_true - y_pred), name="abs_error")
    >>> m.update_state(np.array([1.0, 2.0]), np.array([1.5, 2.0])); m.result()
    0.25
    """

    _elementwise = False  # True: rank-1 (y_true, y_pred) are n samples of one value, not one sample of n

    def __init__(self, fn: Any, name: Optional[str] = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name or getattr(fn, "__name__", None) or "mean_metric_wrapper", dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self._elementwise:
            y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
            if y_true.ndim == 1 and y_pred.ndim == 1:
                y_true, y_pred = y_true[:, None], y_pred[:, None]
        # As Keras casts them: `fn` gets device arrays (or the Tensors it was given), never host arrays.
        y_true, y_pred = _on_device(y_true), _on_device(y_pred)
        with no_grad():
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(to_numpy(values), sample_weight=sample_weight)

    def get_config(self) -> dict:
        fn = serialize_object(self._fn, "keras.metrics", "a `Metric` instance or a metric function")
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        if "fn" in config:
            config = {**config, "fn": deserialize_object(config["fn"], FUNCTIONS, None, "metric function")}
        return cls(**config)


# Functions a serialized `MeanMetricWrapper` may name. The modules defining them subclass the wrapper, so they sit
# above it: `neuronet.metrics.registry` (which loads them all) fills the table; `keras.metrics.MeanMetricWrapper`,
# `get` and `deserialize` load the registry first.
FUNCTIONS: Dict[str, Any] = {}
