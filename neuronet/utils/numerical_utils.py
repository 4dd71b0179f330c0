"""`to_categorical` and `normalize`."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np


def to_categorical(x: Any, num_classes: Optional[int] = None) -> np.ndarray:
    """One-hot encode integer class labels (float32, as Keras).

    Example:
    >>> to_categorical([0, 2], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    labels = np.asarray(x)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if labels.size and (np.any(labels < 0) or np.any(np.mod(labels, 1) != 0)):
        raise ValueError(f"to_categorical expects non-negative integer labels. Received values like "
                         f"{labels.ravel()[:5].tolist()}.")
    labels = labels.astype(np.int64)
    num_classes = int(labels.max()) + 1 if num_classes is None else int(num_classes)
    if labels.size and labels.max() >= num_classes:
        raise ValueError(f"Label {int(labels.max())} is out of range for num_classes={num_classes}.")
    out = np.zeros(labels.shape + (num_classes,), dtype="float32")
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray:
    """Divide `x` by its `order`-norm along `axis` (zero vectors stay zero)."""
    x = np.asarray(x, dtype="float32")
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)
