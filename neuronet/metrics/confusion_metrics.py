"""Precision and Recall at one or several thresholds, over the top-k classes or one class."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from neuronet.metrics import metrics_utils
from neuronet.metrics.metric import STATE_DTYPE, Metric, to_numpy


class _ThresholdedCounts(Metric):
    """Shared state of Precision and Recall: `true_positives` and one other count, per threshold."""

    _direction = "up"
    _other = ""  # "false_positives" or "false_negatives"

    def __init__(self, thresholds: Any = None, top_k: Optional[int] = None, class_id: Optional[int] = None,
                 name: Optional[str] = None, dtype: Any = None) -> None:
        for arg, value in (("top_k", top_k), ("class_id", class_id)):
            if value is not None and (not isinstance(value, (int, np.integer)) or value < 0 or
                                      (arg == "top_k" and value == 0)):
                raise ValueError(f"`{arg}` must be a {'positive' if arg == 'top_k' else 'non-negative'} integer "
                                 f"or None. Received: {arg}={value!r}")
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default)
        self._evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, initializer="zeros", dtype=STATE_DTYPE, name="true_positives")
        self._other_count = self.add_variable(shape, initializer="zeros", dtype=STATE_DTYPE, name=self._other)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Adds the (weighted) counts of a batch: `y_true` is cast to bool, `y_pred` holds values in [0, 1]."""
        counts = metrics_utils.confusion_counts(y_true, y_pred, self.thresholds, self.dtype, sample_weight,
                                                top_k=self.top_k, class_id=self.class_id, clip=self._evenly)
        self.true_positives.assign_add(counts["tp"])  # counts are host arrays; assign_add moves them to the state
        self._other_count.assign_add(counts["fp" if self._other == "false_positives" else "fn"])

    def result(self) -> Any:
        tp, other = to_numpy(self.true_positives.data), to_numpy(self._other_count.data)
        value = metrics_utils.divide_no_nan(tp, tp + other)
        return metrics_utils.as_result(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ThresholdedCounts):
    """The precision of the predictions: `true_positives / (true_positives + false_positives)`, weighted.

    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction above it is positive. One result per
            threshold. Defaults to `0.5` (or, with `top_k`, none: the top-k predictions are positive).
        top_k: only the `top_k` largest predictions of each sample can be positive.
        class_id: the class (last-axis index) whose binary precision is measured.
        name: name of the metric. dtype: dtype of the comparisons (default floatx).

    Example:
    >>> m = Precision(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); m.result()
    0.6666667
    >>> m = Precision(top_k=2); m.update_state([0, 0, 1, 1], [1, 1, 1, 1]); m.result()
    0.0
    """

    _other = "false_positives"

    @property
    def false_positives(self) -> Any:
        return self._other_count


class Recall(_ThresholdedCounts):
    """The recall of the predictions: `true_positives / (true_positives + false_negatives)`, weighted.

    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction above it is positive. One result per
            threshold. Defaults to `0.5` (or, with `top_k`, none: the top-k predictions are positive).
        top_k: only the `top_k` largest predictions of each sample can be positive.
        class_id: the class (last-axis index) whose binary recall is measured.
        name: name of the metric. dtype: dtype of the comparisons (default floatx).

    Example:
    >>> m = Recall(); m.update_state([0, 1, 1, 1], [1, 0, 1, 1], sample_weight=[0, 0, 1, 0]); m.result()
    1.0
    """

    _other = "false_negatives"

    @property
    def false_negatives(self) -> Any:
        return self._other_count
