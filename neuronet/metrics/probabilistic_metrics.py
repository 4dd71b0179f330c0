"""Metrics computing a probabilistic loss: the running (weighted) mean of cross-entropies, KL divergence, Poisson."""
from __future__ import annotations

from typing import Any, Optional

from neuronet import losses
from neuronet.metrics.metric import MeanMetricWrapper, to_numpy


class _LossMetric(MeanMetricWrapper):
    _direction = "down"
    _config_keys: tuple = ()

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if sample_weight is not None:
            pred_shape, weight_shape = to_numpy(y_pred).shape, to_numpy(sample_weight).shape
            if len(pred_shape) == 1 and weight_shape not in ((), (1,)):
                # The loss averages the last axis: rank-1 predictions give one value for the whole batch.
                raise ValueError(f"{type(self).__name__}: y_pred of shape {pred_shape} gives one loss value for the "
                                 f"whole batch, which sample_weight of shape {weight_shape} cannot weight. Pass "
                                 f"y_true and y_pred of shape {pred_shape + (1,)} for one value per sample.")
        super().update_state(y_true, y_pred, sample_weight=sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, **{key: getattr(self, key) for key in self._config_keys}}


class KLDivergence(_LossMetric):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred), axis=-1)` (both clipped to [eps, 1]).

    Example:
    >>> m = KLDivergence(); m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]); round(m.result(), 4)
    0.4581
    """

    def __init__(self, name: str = "kl_divergence", dtype: Any = None) -> None:
        super().__init__(fn=losses.kl_divergence, name=name, dtype=dtype)


class Poisson(_LossMetric):
    """Poisson loss `mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`.

    Example:
    >>> m = Poisson(); m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]]); round(m.result(), 4)
    0.5
    """

    def __init__(self, name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(fn=losses.poisson, name=name, dtype=dtype)


class BinaryCrossentropy(_LossMetric):
    """Binary cross-entropy between 0/1 labels and predicted probabilities (or logits).

    Args:
        name: name of the metric. dtype: dtype of the state.
        from_logits: whether `y_pred` holds logits rather than probabilities. Defaults to `False`.
        label_smoothing: float in [0, 1]: labels are moved towards 0.5 by this much. Defaults to `0`.

    Example:
    >>> m = BinaryCrossentropy(); m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]); round(m.result(), 4)
    0.8149
    """

    _config_keys = ("from_logits", "label_smoothing")

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0) -> None:
        super().__init__(losses.binary_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(_LossMetric):
    """Cross-entropy between one-hot labels and predicted class probabilities (or logits).

    Args:
        name: name of the metric. dtype: dtype of the state.
        from_logits: whether `y_pred` holds logits. Defaults to `False`.
        label_smoothing: float in [0, 1], smoothing of the one-hot labels. Defaults to `0`.
        axis: the class axis. Defaults to `-1`.

    Example:
    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]); round(m.result(), 4)
    1.1769
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0, axis: int = -1) -> None:
        super().__init__(losses.categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(_LossMetric):
    """Cross-entropy between integer labels and predicted class probabilities (or logits).

    Args:
        name: name of the metric. dtype: dtype of the state.
        from_logits: whether `y_pred` holds logits. Defaults to `False`.
        ignore_class: a label value whose samples are left out (weight 0), or `None`.
        axis: the class axis. Defaults to `-1`.

    Example:
    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]); round(m.result(), 4)
    1.1769
    """

    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 ignore_class: Optional[int] = None, axis: int = -1) -> None:
        super().__init__(losses.sparse_categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
