"""What `compile()` resolves: one loss and a list of metrics per model output."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

import numpy as np

from neuronet import losses as losses_module, metrics as metrics_module
from neuronet.autodiff import Tensor, primitives


def _per_output(value: Any, output_names: Sequence[str], what: str, allow_single: bool = True) -> List[Any]:
    """Spread a compile argument over the outputs: one for all, a list in order, or a dict by name."""
    n = len(output_names)
    if isinstance(value, dict):
        unknown = set(value) - set(output_names)
        if unknown:
            raise ValueError(f"`{what}` has keys {sorted(unknown)} that are not output names. Expected keys "
                             f"among the model's outputs: {list(output_names)}.")
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and (n > 1 or not allow_single or
                                             (len(value) == 1 and what != "metrics")):
        if len(value) != n:
            raise ValueError(f"`{what}` has {len(value)} entries but the model has {n} outputs "
                             f"({list(output_names)}). Pass one per output, or a dict keyed by output name.")
        return list(value)
    return [value] * n


class CompileLoss:
    """The total loss: sum over outputs of weight * loss(y_true, y_pred, sample_weight)."""

    def __init__(self, loss: Any, loss_weights: Any, output_names: Sequence[str]) -> None:
        self.output_names = list(output_names)
        self.identifiers = _per_output(loss, output_names, "loss")
        weights = _per_output(loss_weights, output_names, "loss_weights") if loss_weights is not None else None
        self.weights = [1.0 if w is None else float(w) for w in (weights or [None] * len(output_names))]
        self.losses = [None if ident is None else _resolve_loss(ident) for ident in self.identifiers]
        if all(fn is None for fn in self.losses):
            raise ValueError("`compile()` needs a `loss`, e.g. model.compile(loss='mse', optimizer='sgd').")

    def __call__(self, y_true: List[Any], y_pred: List[Tensor], sample_weight: Any) -> tuple:
        total: Any = None
        parts: List[Optional[float]] = []
        for fn, weight, yt, yp in zip(self.losses, self.weights, y_true, y_pred):
            if fn is None:
                parts.append(None)
                continue
            value = fn(yt, yp, sample_weight=sample_weight)
            parts.append(value)
            term = value if weight == 1.0 else primitives.multiply(value, weight)
            total = term if total is None else primitives.add(total, term)
        return total, parts

    def check_targets(self, y_true: List[np.ndarray], output_shapes: List[tuple]) -> None:
        """Checks made once per `fit`, not per step: label ranges of sparse cross-entropy."""
        for fn, yt, shape, name in zip(self.losses, y_true, output_shapes, self.output_names):
            if fn is None or yt is None or "sparse_categorical" not in _loss_name(fn):
                continue
            classes = shape[-1]
            low, high = float(np.min(yt)), float(np.max(yt))
            if low < 0 or high >= classes or not np.all(np.mod(yt, 1) == 0):
                bad = low if low < 0 else high
                raise ValueError(f"Received a label value of {bad:g}, which is outside the valid range of "
                                 f"[0, {classes}) for sparse categorical cross-entropy (output {name!r} has "
                                 f"{classes} units). Labels must be integers 0..{classes - 1}.")


class CompileMetrics:
    """Metric objects per output, named as Keras logs them."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: Sequence[str], compile_loss: CompileLoss,
                 output_shapes: Sequence[tuple]) -> None:
        self.output_names = list(output_names)
        self.metrics: List[list] = []
        self.weighted: List[list] = []
        per_output = _per_output(metrics, output_names, "metrics", allow_single=True) if metrics else \
            [None] * len(output_names)
        per_output_w = _per_output(weighted_metrics, output_names, "weighted_metrics") if weighted_metrics else \
            [None] * len(output_names)
        multi = len(output_names) > 1
        for i, name in enumerate(output_names):
            prefix = f"{name}_" if multi else ""
            loss = compile_loss.identifiers[i]
            self.metrics.append([_resolve_metric(m, loss, output_shapes[i], prefix) for m in _as_list(per_output[i])])
            self.weighted.append([_resolve_metric(m, loss, output_shapes[i], prefix, weighted=True)
                                  for m in _as_list(per_output_w[i])])

    @property
    def any(self) -> bool:
        return any(self.metrics) or any(self.weighted)

    @property
    def all(self) -> List[Any]:
        return [m for group in self.metrics + self.weighted for m in group]

    def update(self, y_true: List[Any], y_pred: List[np.ndarray], sample_weight: Any) -> None:
        for i, (yt, yp) in enumerate(zip(y_true, y_pred)):
            for metric in self.metrics[i]:
                metric.update_state(yt, yp)
            for metric in self.weighted[i]:
                metric.update_state(yt, yp, sample_weight=sample_weight)

    def reset(self) -> None:
        for metric in self.all:
            metric.reset_state()


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _resolve_loss(identifier: Any) -> Any:
    fn = losses_module.get(identifier)
    if isinstance(fn, losses_module.Loss):
        return fn
    name = identifier if isinstance(identifier, str) else getattr(fn, "__name__", "loss")
    return losses_module.LossFunctionWrapper(fn, name=name)


def _loss_name(fn: Any) -> str:
    inner = getattr(fn, "fn", None)
    names = [type(fn).__name__, getattr(fn, "name", "") or "", getattr(inner, "__name__", "")]
    from neuronet.layers.layer import snake_case

    return " ".join(snake_case(n) for n in names)


def _resolve_metric(identifier: Any, loss: Any, output_shape: tuple, prefix: str, weighted: bool = False) -> Any:
    if isinstance(identifier, str) and identifier in ("accuracy", "acc"):
        metric = metrics_module.resolve_accuracy(identifier, loss, output_shape)
    else:
        metric = metrics_module.get(identifier)
        if not isinstance(metric, metrics_module.Metric):
            name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", "metric")
            metric = metrics_module.MeanMetricWrapper(metric, name=name)
    if prefix or weighted:
        metric.name = prefix + ("weighted_" if weighted else "") + metric.name
    return metric
