"""Accuracy metrics (NumPy, no graph) and `resolve_accuracy`, which picks one for `metrics=["accuracy"]`."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuronet import backend
from neuronet.losses.loss import squeeze_or_expand_to_same_rank
from neuronet.metrics.metric import MeanMetricWrapper, to_numpy


def accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1 where `y_pred` equals `y_true`, else 0, per element (as Keras 3; `Accuracy` averages them).

    Example:
    >>> accuracy([[1], [2], [3], [4]], [[0], [2], [3], [4]]).ravel()
    array([0., 1., 1., 1.], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_numpy(y_true), to_numpy(y_pred))
    return (y_true == y_pred).astype(backend.floatx())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """1 where `y_pred > threshold` matches the 0/1 label, else 0, per element (as Keras 3.15: not averaged
    over the last axis; `BinaryAccuracy` averages them).

    Example:
    >>> binary_accuracy([[1, 0], [0, 0]], [[0.98, 0.7], [0.1, 0.6]])
    array([[1., 0.],
           [1., 0.]], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_numpy(y_true), to_numpy(y_pred))
    return (y_true == (y_pred > threshold)).astype(backend.floatx())


def categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """Whether `argmax(y_pred)` is the class of the one-hot `y_true`, per sample.

    Example:
    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    return (np.argmax(y_true, axis=-1) == np.argmax(y_pred, axis=-1)).astype(backend.floatx())


def _sparse_labels(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:  # (n, 1) labels
        return y_true.reshape(y_true.shape[:-1])
    return y_true


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """Whether `argmax(y_pred)` equals the integer label, per sample.

    Example:
    >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    return (_sparse_labels(y_true, y_pred) == np.argmax(y_pred, axis=-1)).astype(backend.floatx())


def _in_top_k(labels: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    """Whether each label's score is among the top `k` (ties at the boundary count as in, as `in_top_k`)."""
    y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    labels = labels.reshape(-1).astype(np.int64)
    target = np.take_along_axis(y_pred, labels[:, None], axis=-1)
    return ((y_pred > target).sum(axis=-1) < k).astype(backend.floatx())


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """Whether the one-hot target's class is among the `k` highest predictions, per sample.

    Example:
    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    labels = np.argmax(y_true, axis=-1)
    return _in_top_k(labels, y_pred, k).reshape(labels.shape)


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> np.ndarray:
    """Whether the integer label is among the `k` highest predictions, per sample.

    Example:
    >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    array([0., 1.], dtype=float32)
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    return _in_top_k(labels, y_pred, k).reshape(labels.shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels.

    Example:
    >>> m = Accuracy(); m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]]); m.result()
    0.75
    """

    _elementwise = True
    _direction = "up"

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches binary labels.

    Example:
    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1]); m.result()
    0.5
    """

    _elementwise = True
    _direction = "up"

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        if threshold is not None and not 0 < threshold < 1:
            raise ValueError("Invalid value for argument `threshold`. Expected a value in interval (0, 1). "
                             f"Received: threshold={threshold}")
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches one-hot labels.

    Example:
    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    >>> round(m.result(), 6)
    0.3
    """

    _direction = "up"

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches integer labels.

    Example:
    >>> m = SparseCategoricalAccuracy(); m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]); m.result()
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        # Runs every training step: plain NumPy arrays of the usual shapes skip the general path.
        if sample_weight is None and type(y_pred) is np.ndarray and type(y_true) is np.ndarray and y_pred.ndim == 2:
            labels = y_true.reshape(-1) if y_true.ndim == 2 and y_true.shape[1] == 1 else y_true
            if labels.shape == y_pred.shape[:1]:
                self.total.data += np.count_nonzero(y_pred.argmax(axis=-1) == labels)
                self.count.data += labels.shape[0]
                return
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top `k` predictions.

    Example:
    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); m.result()
    0.5
    """

    _direction = "up"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top `k` predictions.

    Example:
    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); m.result()
    0.5
    """

    _direction = "up"

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


def resolve_accuracy(name: str = "accuracy", y_true_shape: Any = None, y_pred_shape: Any = None) -> MeanMetricWrapper:
    """The accuracy that `metrics=["accuracy"]` means, chosen from shapes alone as Keras 3 does, named `name`.

    One output unit -> `BinaryAccuracy`; targets of lower rank than the outputs, or one target column against
    several units -> `SparseCategoricalAccuracy`; otherwise `CategoricalAccuracy`. The loss plays no part: binary
    cross-entropy on three sigmoid units with (n, 3) targets is scored by `CategoricalAccuracy`, as in Keras.

    Example:
    >>> m = resolve_accuracy("acc", (32,), (32, 10))
    >>> type(m).__name__, m.name
    ('SparseCategoricalAccuracy', 'acc')
    """
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy(name=name)
    if len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)
