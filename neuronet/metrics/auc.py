"""AUC: the area under the ROC or precision-recall curve, from confusion counts at fixed thresholds."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from neuronet import backend
from neuronet.metrics import metrics_utils
from neuronet.metrics.metric import STATE_DTYPE, Metric, to_numpy

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Approximates the AUC (area under the curve) of the ROC or PR curve by a Riemann sum.

    Counts of true/false positives/negatives are kept at `num_thresholds` thresholds spread evenly over
    [0, 1] (or at `thresholds`, with -epsilon and 1 + epsilon added at the ends); a prediction above a
    threshold is positive there.

    Args:
        num_thresholds: number of thresholds (> 1). Defaults to `200`.
        curve: `"ROC"` (recall against false-positive rate), `"PR"` (precision against recall) or `"PRGAIN"`.
        summation_method: `"interpolation"` (trapezoids for ROC; for PR, the interpolation of Davis & Goadrich
            2006), `"minoring"` (heights: the lower end of each interval) or `"majoring"` (the upper end).
        name: name of the metric. dtype: dtype of the comparisons (default floatx).
        thresholds: explicit thresholds in [0, 1]; then `num_thresholds` is `len(thresholds) + 2`.
        multi_label: with rank-2 inputs, one curve per column averaged (True), or all values as one curve.
        num_labels: number of columns when `multi_label=True` (else taken from the first batch).
        label_weights: weights of the columns: in the average with `multi_label`, else of each value.
        from_logits: whether predictions are logits (a sigmoid is applied first).

    Example:
    >>> m = AUC(num_thresholds=3); m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); m.result()
    0.75
    """

    _direction = "up"

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: Optional[str] = None, dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: Optional[int] = None, label_weights: Any = None, from_logits: bool = False) -> None:
        if str(curve).lower() not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]')
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". Expected values are '
                             '["interpolation", "majoring", "minoring"]')
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(metrics_utils.parse_init_thresholds(list(thresholds)))
            self.num_thresholds = len(thresholds) + 2
            evenly = metrics_utils.is_evenly_distributed_thresholds(np.array([0.0] + thresholds + [1.0]))
        else:
            if not isinstance(num_thresholds, (int, np.integer)) or num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            evenly = True
        self._thresholds_distributed_evenly = evenly
        self._thresholds = np.array([0.0 - backend.epsilon()] + thresholds + [1.0 + backend.epsilon()])
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        if num_labels and not multi_label:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if not multi_label or num_labels:
            self._build(num_labels)

    @property
    def thresholds(self) -> list:
        """The thresholds, -epsilon and 1 + epsilon included."""
        return list(self._thresholds)

    def _build(self, num_labels: Optional[int]) -> None:
        shape = (self.num_thresholds, num_labels) if self.multi_label else (self.num_thresholds,)
        self._num_labels = num_labels
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(shape, initializer="zeros", dtype=STATE_DTYPE, name=name))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted counts at every threshold."""
        y_pred = np.asarray(to_numpy(y_pred), dtype=self.dtype)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {y_pred.ndim}. "
                                 f"Full shape received for `y_pred`: {y_pred.shape}")
            self._build(y_pred.shape[1])
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        counts = metrics_utils.confusion_counts(
            y_true, y_pred, self._thresholds, self.dtype, sample_weight, multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, clip=self._thresholds_distributed_evenly)
        if self.multi_label and counts["tp"].shape[1] != self._num_labels:
            raise ValueError(f"AUC was built for {self._num_labels} labels, but `y_pred` has shape {y_pred.shape}.")
        for key, name in (("tp", "true_positives"), ("fp", "false_positives"), ("tn", "true_negatives"),
                          ("fn", "false_negatives")):
            getattr(self, name).assign_add(counts[key])  # host counts into the (device) state

    def _average(self, by_threshold: np.ndarray) -> float:
        if not self.multi_label:
            return float(by_threshold.sum())
        by_label = by_threshold.sum(axis=0)
        if self.label_weights is None:
            return float(by_label.mean())
        weights = self.label_weights.astype("float64")
        return float(metrics_utils.divide_no_nan(np.sum(by_label * weights), np.sum(weights)))

    def _interpolate_pr_auc(self, tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> float:
        # Precision is TP / P with TP and P = TP + FP linear within each interval (Davis & Goadrich 2006).
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = metrics_utils.divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, metrics_utils.divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        increments = metrics_utils.divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                                                 np.maximum(tp[1:] + fn[1:], 0))
        return self._average(increments)

    def result(self) -> float:
        if not self._built:
            return 0.0
        tp, fp = to_numpy(self.true_positives.data), to_numpy(self.false_positives.data)
        tn, fn = to_numpy(self.true_negatives.data), to_numpy(self.false_negatives.data)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc(tp, fp, fn)
        recall = metrics_utils.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = metrics_utils.divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, metrics_utils.divide_no_nan(tp, tp + fp)
        else:  # PRGAIN
            scale = metrics_utils.divide_no_nan(tp + fn, tn + fp)
            x = np.maximum(np.where(tp == 0, 0.0, 1.0 - scale * metrics_utils.divide_no_nan(fn, tp)), 0.0)
            y = np.where(tp == 0, 1.0, 1.0 - scale * metrics_utils.divide_no_nan(fp, tp))
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._average((x[:-1] - x[1:]) * heights)

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        label_weights = None if self.label_weights is None else self.label_weights.tolist()
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "label_weights": label_weights, "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self.thresholds[1:-1]]
        return config
