"""Hinge metrics: the running (weighted) mean of the hinge and squared hinge losses."""
from __future__ import annotations

from typing import Any

from neuronet import losses
from neuronet.metrics.probabilistic_metrics import _LossMetric


class Hinge(_LossMetric):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`; 0/1 labels are converted to -1/1.

    Example:
    >>> m = Hinge(); m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]); round(m.result(), 4)
    1.3
    """

    def __init__(self, name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(fn=losses.hinge, name=name, dtype=dtype)


class SquaredHinge(_LossMetric):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`; 0/1 labels are converted to -1/1.

    Example:
    >>> m = SquaredHinge(); m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]); round(m.result(), 4)
    1.86
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None) -> None:
        super().__init__(fn=losses.squared_hinge, name=name, dtype=dtype)
