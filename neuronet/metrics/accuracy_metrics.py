"""Accuracy metrics (NumPy, no graph) and `resolve_accuracy`, which picks one for `metrics=["accuracy"]`."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from neuronet import backend
from neuronet.losses.loss import squeeze_or_expand_to_same_rank
from neuronet.metrics.metric import MeanMetricWrapper, to_numpy


def accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """How often `y_pred` equals `y_true`, averaged over the last axis.

    Example:
    >>> accuracy([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    array([0., 1., 1., 1.], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_numpy(y_true), to_numpy(y_pred))
    return np.mean(y_true == y_pred, axis=-1, dtype=backend.floatx())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """How often `y_pred > threshold` matches the 0/1 labels, averaged over the last axis.

    Example:
    >>> binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    array([1., 1., 1., 0.], dtype=float32)
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_numpy(y_true), to_numpy(y_pred))
    return np.mean(y_true == (y_pred > threshold), axis=-1, dtype=backend.floatx())


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


_LOSS_KINDS = (("sparsecategorical", "sparse"), ("categorical", "categorical"), ("binary", "binary"),
               ("bce", "binary"))


def _loss_kind(loss: Any) -> Optional[str]:
    """'sparse', 'categorical' or 'binary' for a cross-entropy given as name, function, `Loss` or config."""
    if isinstance(loss, dict):
        loss = loss.get("class_name") if loss.get("class_name") != "function" else loss.get("config")
    if isinstance(loss, str):
        names = [loss]
    else:
        fn = getattr(loss, "fn", None)  # a LossFunctionWrapper names its function
        kind = loss if isinstance(loss, type) else type(loss)
        names = [getattr(loss, "__name__", ""), getattr(fn, "__name__", "")] + [c.__name__ for c in kind.__mro__]
    for name in names:
        key = str(name).lower().replace("_", "")
        if "crossentropy" in key or key == "bce":
            for prefix, kind_name in _LOSS_KINDS:
                if key.startswith(prefix):
                    return kind_name
    return None


def resolve_accuracy(name: str = "accuracy", loss: Any = None, output_shape: Any = None,
                     y_true_shape: Any = None) -> MeanMetricWrapper:
    """The accuracy metric that `metrics=["accuracy"]` means for this loss and output, named `name`.

    Sparse categorical cross-entropy -> `SparseCategoricalAccuracy`; categorical cross-entropy ->
    `CategoricalAccuracy`; binary cross-entropy or an output whose last dimension is 1 -> `BinaryAccuracy`.
    Otherwise, as Keras: integer-shaped targets (`y_true_shape`) -> sparse, else categorical; with nothing
    known, the plain `Accuracy`.

    Example:
    >>> m = resolve_accuracy("acc", "sparse_categorical_crossentropy", (None, 10))
    >>> type(m).__name__, m.name
    ('SparseCategoricalAccuracy', 'acc')
    """
    kind = _loss_kind(loss) if loss is not None else None
    last = output_shape[-1] if output_shape else None
    if kind == "sparse":
        cls: Any = SparseCategoricalAccuracy
    elif kind == "categorical":
        cls = CategoricalAccuracy
    elif kind == "binary" or last == 1:
        cls = BinaryAccuracy
    elif last is None:
        cls = Accuracy
    elif y_true_shape is not None and (len(y_true_shape) < len(output_shape) or y_true_shape[-1] == 1):
        cls = SparseCategoricalAccuracy
    else:
        cls = CategoricalAccuracy
    return cls(name=name)
