"""FBetaScore and F1Score: the (weighted) harmonic mean of precision and recall, per class or averaged."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from neuronet import backend
from neuronet.metrics import metrics_utils
from neuronet.metrics.metric import STATE_DTYPE, Metric, to_numpy


class FBetaScore(Metric):
    """`(1 + beta**2) * precision * recall / (beta**2 * precision + recall)` for multi-class predictions.

    Args:
        average: `None` (one score per class), `"micro"` (counts pooled over classes), `"macro"` (the mean of
            the per-class scores) or `"weighted"` (their mean weighted by each class's number of true labels).
        beta: float > 0, the weight of recall. Defaults to `1.0`.
        threshold: float in (0, 1]: predictions above it are positive. `None`: the largest prediction of each
            row is positive (ties included; all-zero rows have none).
        name: name of the metric. dtype: dtype of the state.

    Inputs are rank 2, `(batch_size, num_classes)`; `sample_weight` has one weight per sample.

    Example:
    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state(np.array([[1, 1], [0, 1]]), np.array([[0.9, 0.2], [0.7, 0.8]])); m.result().round(4)
    array([0.8333, 0.5556], dtype=float32)
    """

    _direction = "up"

    def __init__(self, average: Optional[str] = None, beta: float = 1.0, threshold: Optional[float] = None,
                 name: str = "fbeta_score", dtype: Any = None) -> None:
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError("Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                             f"'weighted'}}. Received: average={average}")
        if not isinstance(beta, float):
            raise ValueError(f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta} "
                             f"of type '{type(beta)}'")
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError("Invalid `threshold` argument value. It should be a Python float. Received: "
                                 f"threshold={threshold} of type '{type(threshold)}'")
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError("Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                                 f"Received: threshold={threshold}")
        super().__init__(name=name, dtype=dtype)
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}.")
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, name, self.add_variable(shape, initializer="zeros", dtype=STATE_DTYPE, name=name))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = np.asarray(to_numpy(y_true), dtype=self.dtype)
        y_pred = np.asarray(to_numpy(y_pred), dtype=self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if y_pred.shape != y_true.shape:
            raise ValueError(f"FBetaScore: `y_true` and `y_pred` must have the same shape. Received: "
                             f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}")
        if self.threshold is None:
            positive = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            positive = y_pred > self.threshold
        positive = positive.astype("float64")
        y_true = y_true.astype("float64")
        weight = None if sample_weight is None else np.asarray(to_numpy(sample_weight), dtype="float64")

        def weighted_sum(values: np.ndarray) -> np.ndarray:
            if weight is not None:
                values = values * np.expand_dims(weight, 1)
            return values.sum(axis=self.axis)

        self.true_positives.assign_add(weighted_sum(positive * y_true))  # host sums into the (device) state
        self.false_positives.assign_add(weighted_sum(positive * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - positive) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self) -> Any:
        if not self._built:
            return 0.0
        eps = backend.epsilon()
        tp = to_numpy(self.true_positives.data)
        precision = tp / (tp + to_numpy(self.false_positives.data) + eps)
        recall = tp / (tp + to_numpy(self.false_negatives.data) + eps)
        beta2 = self.beta**2
        score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            weights = to_numpy(self.intermediate_weights.data)
            score = np.sum(score * weights / (np.sum(weights) + eps))
        elif self.average is not None:
            score = np.mean(score)
        return metrics_utils.as_result(score)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """`2 * precision * recall / (precision + recall)`: `FBetaScore` with `beta=1.0`.

    Args:
        average: `None` (one score per class), `"micro"`, `"macro"` or `"weighted"` (see `FBetaScore`).
        threshold: float in (0, 1], or `None`: the largest prediction of each row is positive.
        name: name of the metric. dtype: dtype of the state.

    Example:
    >>> m = F1Score(threshold=0.5)
    >>> m.update_state(np.array([[1, 1], [0, 1]]), np.array([[0.9, 0.2], [0.7, 0.8]])); m.result().round(4)
    array([0.6667, 0.6667], dtype=float32)
    """

    def __init__(self, average: Optional[str] = None, threshold: Optional[float] = None, name: str = "f1_score",
                 dtype: Any = None) -> None:
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
