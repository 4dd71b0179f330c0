"""Regression metrics, computed in NumPy (the loss functions of the same names build autodiff graphs)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from neuronet import backend
from neuronet.losses.loss import squeeze_or_expand_to_same_rank
from neuronet.metrics.metric import Mean, MeanMetricWrapper, to_numpy


def _pair(y_true: Any, y_pred: Any) -> tuple:
    given = y_pred
    y_pred = to_numpy(y_pred)
    if y_pred.dtype.kind != "f" or not hasattr(given, "dtype"):  # lists and integers compute in floatx
        y_pred = y_pred.astype(backend.floatx())
    y_true = np.asarray(to_numpy(y_true), dtype=y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> np.ndarray:
    """`mean(square(y_true - y_pred), axis=-1)` as a NumPy array.

    Example:
    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return np.square(y_true - y_pred).mean(axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> np.ndarray:
    """`mean(abs(y_true - y_pred), axis=-1)` as a NumPy array."""
    y_true, y_pred = _pair(y_true, y_pred)
    return np.abs(y_true - y_pred).mean(axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> np.ndarray:
    """`100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    scale = np.maximum(np.abs(y_true), backend.epsilon())
    return 100.0 * np.abs((y_true - y_pred) / scale).mean(axis=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> np.ndarray:
    """`mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`, values below epsilon raised to epsilon."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    return np.square(np.log1p(np.maximum(y_pred, eps)) - np.log1p(np.maximum(y_true, eps))).mean(axis=-1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> np.ndarray:
    """`sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: 1 for the same direction, -1 for opposite.

    Example:
    >>> cosine_similarity([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]).round(4)
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return np.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def _l2_normalize(x: np.ndarray, axis: int) -> np.ndarray:
    inverse_norm = 1.0 / np.sqrt(np.sum(np.square(x), axis=axis, keepdims=True))  # inf for a zero vector
    return x * np.minimum(inverse_norm, 1.0 / backend.epsilon()).astype(x.dtype)


def log_cosh(y_true: Any, y_pred: Any) -> np.ndarray:
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed as `x + softplus(-2x) - log(2)` (no overflow)."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return np.mean(x + np.logaddexp(0.0, -2.0 * x) - np.log(2.0).astype(x.dtype), axis=-1)


class _RegressionMetric(MeanMetricWrapper):
    _elementwise = True
    _direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_RegressionMetric):
    """The mean of squared errors.

    Example:
    >>> m = MeanSquaredError(); m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]]); m.result()
    0.25
    """

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_RegressionMetric):
    """The mean of absolute errors.

    Example:
    >>> m = MeanAbsoluteError(); m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]]); m.result()
    0.25
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_RegressionMetric):
    """The mean absolute percentage error.

    Example:
    >>> m = MeanAbsolutePercentageError(); m.update_state([[2.0], [4.0]], [[1.0], [4.0]]); m.result()
    25.0
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_RegressionMetric):
    """The mean squared logarithmic error.

    Example:
    >>> m = MeanSquaredLogarithmicError(); m.update_state([[0.0]], [[0.0]]); m.result()
    0.0
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """`sqrt(mean(square(y_true - y_pred)))` over all samples seen.

    Example:
    >>> m = RootMeanSquaredError(); m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]]); m.result()
    0.5
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = _pair(y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self) -> float:
        return math.sqrt(super().result())


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions along `axis`.

    Args:
        name: name of the metric. dtype: dtype of the state.
        axis: the axis along which the similarity is computed. Defaults to `-1`.

    Example:
    >>> m = CosineSimilarity(); m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]); round(m.result(), 4)
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class LogCoshError(MeanMetricWrapper):
    """The mean of `log(cosh(y_pred - y_true))`: about `x**2 / 2` for small errors, `|x| - log(2)` for large.

    Example:
    >>> m = LogCoshError(); m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]); round(m.result(), 4)
    0.1084
    """

    _direction = "down"

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(log_cosh, name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}
