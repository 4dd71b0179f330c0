"""The `Loss` classes (`MeanSquaredError`, `Huber`, the cross-entropies, ...) that wrap the loss functions, and the
table of losses by name.

The loss functions themselves live in `functions.py`; they are imported here too, so that every loss is found in
`neuronet.losses.losses` as before.
"""
from __future__ import annotations

from typing import Any

from neuronet import backend
from neuronet.autodiff import Tensor, primitives as p
from neuronet.losses.functions import (  # noqa: F401 (the loss functions are importable from here too)
    _prepare, binary_crossentropy, categorical_crossentropy, hinge, huber, kl_divergence, log_cosh,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
    poisson, sparse_categorical_crossentropy, squared_hinge,
)
from neuronet.losses.loss import Loss, squeeze_or_expand_to_same_rank
from neuronet.utils.object_registration import deserialize_object, serialize_object


class LossFunctionWrapper(Loss):
    """A `Loss` from a function `fn(y_true, y_pred, **kwargs)` returning per-sample losses.

    Example:
    >>> loss = LossFunctionWrapper(mean_absolute_error, name="mae")
    >>> float(loss([[0.0], [1.0]], [[1.0], [1.0]]))
    0.5
    """

    def __init__(self, fn: Any, reduction: Any = "sum_over_batch_size", name: Any = None, dtype: Any = None,
                 **kwargs: Any):
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        if (self.fn is mean_squared_error and sample_weight is None and self.reduction == "sum_over_batch_size"
                and isinstance(y_pred, Tensor) and y_pred.dtype == self.dtype
                and getattr(y_pred, "_keras_mask", None) is None):
            # The regression step's loss: the mean over all elements is the batch mean of the per-sample
            # means (every row has the same length), so one fused node does both.
            y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_error")
            return p.mean_squared_difference(y_pred, y_true, axis=None)
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        if not isinstance(y_true, Tensor):
            y_true = backend.asarray(y_true)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        fn = serialize_object(self.fn, "keras.losses", "a `Loss` instance or a loss function")
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        if "fn" in config:
            config = {**config, "fn": deserialize_object(config["fn"], ALL_OBJECTS_DICT, None, "loss")}
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _Builtin(LossFunctionWrapper):
    """A built-in loss: its config is the `Loss` config plus its own arguments (not `fn`)."""

    _fn: Any = None

    def __init__(self, reduction: Any, name: Any, dtype: Any, **kwargs: Any):
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict:
        return {**Loss.get_config(self), **{key: getattr(self, key) for key in self._fn_kwargs}}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        config = {key: value for key, value in config.items() if key != "fn"}  # tf.keras 2.13+ stores `fn`
        return cls(**config)


def _builtin(fn: Any, class_name: str, default_name: str, doc: str) -> type:
    """A parameterless built-in loss class: `__init__(reduction, name, dtype)`, as Keras's."""

    def __init__(self: Any, reduction: Any = "sum_over_batch_size", name: str = default_name, dtype: Any = None):
        _Builtin.__init__(self, reduction, name, dtype)

    return type(class_name, (_Builtin,), {"__init__": __init__, "_fn": staticmethod(fn), "__doc__": doc,
                                          "__module__": __name__, "__qualname__": class_name})


MeanSquaredError = _builtin(mean_squared_error, "MeanSquaredError", "mean_squared_error", """Mean of squared errors.

    Example:
    >>> float(MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.5
    """)
MeanAbsoluteError = _builtin(mean_absolute_error, "MeanAbsoluteError", "mean_absolute_error", """Mean absolute error.

    Example:
    >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
    0.5
    """)
MeanAbsolutePercentageError = _builtin(mean_absolute_percentage_error, "MeanAbsolutePercentageError",
                                       "mean_absolute_percentage_error", """Mean absolute percentage error.

    Example:
    >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
    25.0
    """)
MeanSquaredLogarithmicError = _builtin(mean_squared_logarithmic_error, "MeanSquaredLogarithmicError",
                                       "mean_squared_logarithmic_error", """Mean squared logarithmic error.

    Example:
    >>> float(MeanSquaredLogarithmicError()([[1.0]], [[1.0]]))
    0.0
    """)
LogCosh = _builtin(log_cosh, "LogCosh", "log_cosh", """Logarithm of the hyperbolic cosine of the error.

    Example:
    >>> round(float(LogCosh()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])), 3)
    0.108
    """)
Hinge = _builtin(hinge, "Hinge", "hinge", """Hinge loss, labels -1/1 (0/1 are converted).

    Example:
    >>> float(Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.25
    """)
SquaredHinge = _builtin(squared_hinge, "SquaredHinge", "squared_hinge", """Squared hinge loss.

    Example:
    >>> float(SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.125
    """)
KLDivergence = _builtin(kl_divergence, "KLDivergence", "kl_divergence", """Kullback-Leibler divergence.

    Example:
    >>> round(float(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 4)
    0.1438
    """)
Poisson = _builtin(poisson, "Poisson", "poisson", """Poisson loss: `y_pred - y_true * log(y_pred)`.

    Example:
    >>> round(float(Poisson()([[1.0]], [[1.0]])), 4)
    1.0
    """)


class Huber(_Builtin):
    """Huber loss: quadratic for errors up to `delta`, linear beyond.

    Example:
    >>> round(float(Huber()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])), 3)
    0.155
    """

    _fn = staticmethod(huber)

    def __init__(self, delta: float = 1.0, reduction: Any = "sum_over_batch_size", name: str = "huber_loss",
                 dtype: Any = None):
        super().__init__(reduction, name, dtype, delta=delta)


class BinaryCrossentropy(_Builtin):
    """Binary cross-entropy between 0/1 labels and probabilities (or logits with `from_logits=True`).

    Example:
    >>> bce = BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([[0, 1], [0, 0]], [[-18.6, 0.51], [2.94, -12.8]])), 3)
    0.865
    """

    _fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "binary_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_Builtin):
    """Cross-entropy between one-hot labels and predicted class probabilities (or logits).

    Example:
    >>> cce = CategoricalCrossentropy()
    >>> round(float(cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
    1.177
    """

    _fn = staticmethod(categorical_crossentropy)

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "categorical_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_Builtin):
    """Cross-entropy between integer labels and predicted class probabilities (or logits).

    Example:
    >>> scce = SparseCategoricalCrossentropy()
    >>> round(float(scce([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 3)
    1.177
    """

    _fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits: bool = False, ignore_class: Any = None, reduction: Any = "sum_over_batch_size",
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None):
        super().__init__(reduction, name, dtype, from_logits=from_logits, ignore_class=ignore_class)


# Keras's legacy aliases.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error


# Losses by name (`keras.losses.get`, configs): here, with the classes, so that a wrapper's `from_config` finds its
# function without importing the package above it.
ALL_OBJECTS = (
    Loss, LossFunctionWrapper, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCosh, Huber,
    Hinge, SquaredHinge, KLDivergence, Poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error, log_cosh, huber, hinge,
    squared_hinge, kl_divergence, poisson,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy, "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh,
})
