"""Confusion-matrix counting shared by `Precision`, `Recall` and `AUC` (Keras's `metrics_utils`).

A prediction counts as positive at threshold `t` when `y_pred > t`; labels count as positive when non-zero.
Comparisons run in the metric's dtype (float32 by default, as Keras does), counts accumulate in float64.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from neuronet import backend
from neuronet.losses.loss import squeeze_or_expand_to_same_rank
from neuronet.metrics.metric import to_numpy

NEG_INF = -1e10  # the threshold Precision/Recall use with `top_k`: every kept prediction is positive


def parse_init_thresholds(thresholds: Any, default_threshold: float = 0.5) -> list:
    """`thresholds` (a float or a list of floats in [0, 1]) as a list; `default_threshold` when None."""
    if thresholds is None:
        return [default_threshold]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return values


def is_evenly_distributed_thresholds(thresholds: Any) -> bool:
    """Whether `thresholds` are `i / (n - 1)` for `i` in `0..n-1` (n >= 3), as AUC's default ones are."""
    n = len(thresholds)
    return n >= 3 and bool(np.allclose(thresholds, np.arange(n, dtype="float32") / (n - 1), atol=backend.epsilon()))


def filter_top_k(y_pred: np.ndarray, k: int) -> np.ndarray:
    """Keeps the `k` largest predictions of each row; the others become `NEG_INF` (never positive)."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, np.asarray(NEG_INF, dtype=y_pred.dtype))


def confusion_counts(y_true: Any, y_pred: Any, thresholds: Any, dtype: str, sample_weight: Any = None,
                     top_k: Optional[int] = None, class_id: Optional[int] = None, multi_label: bool = False,
                     label_weights: Any = None, clip: bool = False) -> dict:
    """Weighted `tp`, `fp`, `tn`, `fn` per threshold: shape `(len(thresholds),)`, or `(len(thresholds),
    num_labels)` with `multi_label` (each column of rank-2 inputs its own binary problem).

    `clip` puts predictions into [0, 1] first (Keras does so for evenly distributed thresholds, e.g. AUC's).
    """
    y_pred = np.asarray(to_numpy(y_pred), dtype=dtype)
    y_true = np.asarray(to_numpy(y_true), dtype=dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"`y_true` and `y_pred` must have the same shape. Received: y_true.shape={y_true.shape}, "
                         f"y_pred.shape={y_pred.shape}")
    if sample_weight is not None:
        sample_weight = np.expand_dims(np.asarray(to_numpy(sample_weight), dtype=dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape (num_samples, "
                             f"num_classes), found shape: {y_pred.shape}")
        if not 0 <= class_id < y_pred.shape[-1]:
            raise ValueError(f"`class_id` must be in [0, {y_pred.shape[-1]}) for predictions of shape "
                             f"{y_pred.shape}. Received: class_id={class_id}")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if clip:
        y_pred = np.clip(y_pred, 0.0, 1.0)
    weights = np.ones(y_pred.shape, dtype="float64")
    if sample_weight is not None:
        weights = weights * np.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None and not multi_label:
        weights = weights * np.broadcast_to(np.asarray(label_weights, dtype="float64"), y_pred.shape)
    labels = (y_true != 0).astype("float64")
    thresholds = np.asarray(thresholds, dtype=dtype)
    if multi_label:
        if y_pred.ndim != 2:
            raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {y_pred.ndim}. "
                             f"Full shape received for `y_pred`: {y_pred.shape}")
        positive = (y_pred[None, :, :] > thresholds[:, None, None]).astype("float64")  # (T, N, L)
        true_w, false_w = labels * weights, (1.0 - labels) * weights
        tp, fp = np.einsum("tnl,nl->tl", positive, true_w), np.einsum("tnl,nl->tl", positive, false_w)
        total_true, total_false = true_w.sum(axis=0), false_w.sum(axis=0)
    else:
        positive = (y_pred.reshape(1, -1) > thresholds[:, None]).astype("float64")  # (T, N)
        true_w, false_w = (labels * weights).reshape(-1), ((1.0 - labels) * weights).reshape(-1)
        tp, fp = positive @ true_w, positive @ false_w
        total_true, total_false = true_w.sum(), false_w.sum()
    return {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}


def divide_no_nan(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`x / y`, with 0 where `y == 0`."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    return np.divide(x, y, out=np.zeros(np.broadcast(x, y).shape), where=y != 0)


def as_result(values: np.ndarray) -> Any:
    """A Python float for one value, else the float array (per threshold or per class)."""
    values = np.asarray(values, dtype="float64")
    return float(values) if values.ndim == 0 else values
