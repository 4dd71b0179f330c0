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


def encode_categorical_inputs(inputs: Any, output_mode: str, depth: int, dtype: str = "float32",
                              count_weights: Any = None, who: str = "CategoryEncoding") -> Any:
    """Integer indices in [0, depth) as `one_hot`, `multi_hot` or `count` vectors (Keras's numerical_utils).

    One-hot encodes each value (a trailing axis of size 1 is replaced); multi-hot and count encode the values along
    the last axis into one vector (as in Keras, a 1-D input is one sample's values).

    Example:
    >>> encode_categorical_inputs(np.array([[0, 1], [2, 2]]), "count", depth=3)
    array([[1., 1., 0.],
           [0., 0., 2.]], dtype=float32)
    """
    from neuronet import backend

    xp = backend.get_array_module(inputs)
    values = xp.asarray(inputs)
    if values.size and (values.dtype.kind == "f" and (xp.mod(values, 1) != 0).any()):
        raise ValueError(f"{who}: inputs must be integer indices. Received values like {values.ravel()[:5].tolist()}")
    values = values.astype("int64")
    if values.size and (values.min() < 0 or values.max() >= depth):
        raise ValueError(f"{who}: input values must be in the range 0 <= values < num_tokens with num_tokens={depth}."
                         f" Received: values in [{int(values.min())}, {int(values.max())}]")
    if output_mode == "one_hot":
        if values.ndim > 1 and values.shape[-1] == 1:
            values = values[..., 0]
        out = xp.zeros((values.size, depth), dtype=dtype)
        out[xp.arange(values.size), values.reshape(-1)] = 1  # not put_along_axis: CuPy has it from v14 only
        return out.reshape(values.shape + (depth,))
    if values.ndim == 0:
        values = values.reshape(1)
    rows = values.reshape(-1, values.shape[-1])
    out = xp.zeros((rows.shape[0], depth), dtype=dtype)
    weights = None if count_weights is None else xp.asarray(count_weights, dtype=dtype).reshape(rows.shape)
    for i in range(rows.shape[1]):  # one pass per position: rows with repeated values count each repeat
        index = (xp.arange(rows.shape[0]), rows[:, i])
        if output_mode == "multi_hot":
            out[index] = 1
        else:
            xp.add.at(out, index, 1 if weights is None else weights[:, i])
    return out.reshape(values.shape[:-1] + (depth,))


# --- host-side statistics for the preprocessing layers' adapt() (their data stays on the host) ----------------
def combine_moments(total: tuple, data: Any, axes: tuple) -> tuple:
    """Fold a batch into running `(mean, variance, count)` over `axes`, in float64 (Keras's lack-of-fit formula).

    Returns the new `(mean, variance, count, nonfinite)`, `nonfinite` counting the batch's NaN/inf values (the
    statistics are then not updated).

    Example:
    >>> mean, var, count, _ = combine_moments((np.zeros(1), np.zeros(1), 0), np.array([[1.0], [3.0]]), (0,))
    >>> combine_moments((mean, var, count), np.array([[5.0]]), (0,))[:3]
    (array([3.]), array([2.66666667]), 3)
    """
    data = np.asarray(data, dtype="float64")
    nonfinite = int(data.size - np.isfinite(data).sum())
    total_mean, total_var, total_count = total
    count = int(np.prod([data.shape[d] for d in axes])) if axes else 1
    if nonfinite or count == 0:
        return total_mean, total_var, total_count, nonfinite
    batch_mean, batch_var = data.mean(axis=axes), data.var(axis=axes)
    total_count += count
    weight = count / total_count
    mean = total_mean * (1 - weight) + batch_mean * weight
    var = (total_var + (total_mean - mean) ** 2) * (1 - weight) + (batch_var + (batch_mean - mean) ** 2) * weight
    return mean, var, total_count, 0


def broadcast_to_axes(value: Any, keep_axes: tuple, broadcast_shape: tuple, dtype: str) -> np.ndarray:
    """A given mean/variance aligned right to left with the kept axes and broadcast (Keras's Normalization.build)."""
    value = np.asarray(value, dtype=dtype)
    expanded = [1] * len(broadcast_shape)
    for i in range(1, value.ndim + 1):
        expanded[keep_axes[-i]] = value.shape[-i]
    return np.broadcast_to(value.reshape(expanded), broadcast_shape).copy()


def quantile_boundaries(batches: list, num_bins: int) -> list:
    """The `num_bins - 1` inner quantiles of all values, as Keras's Discretization summary gives them for exact data
    (inverted-CDF interpolation)."""
    values = np.concatenate([np.asarray(b, dtype="float64").ravel() for b in batches]) if batches else np.zeros(0)
    quantiles = np.linspace(0, 1, num_bins + 1)[1:-1]
    return [float(b) for b in np.quantile(values, quantiles, method="interpolated_inverted_cdf")] if values.size else []


def nonfinite_count(data: Any) -> int:
    """How many NaN or infinite values a (host) array holds."""
    data = np.asarray(data)
    return 0 if data.dtype.kind not in "fc" else int(data.size - np.isfinite(data).sum())
