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
    if isinstance(value, (list, tuple)) and (n > 1 or not allow_single or "metrics" not in what):
        if len(value) != n and what.endswith("metrics") and all(isinstance(v, str) for v in value):
            # tf.keras 2 (which the book's current edition runs on) gives a flat list of metric names to every
            # output: metrics=["RootMeanSquaredError"] on a two-output model yields one RMSE per output.
            return [list(value)] * n
        if len(value) != n:
            raise ValueError(f"`{what}` has {len(value)} entries but the model has {n} outputs "
                             f"({list(output_names)}). Pass one per output, or a dict keyed by output name.")
        return list(value)
    return [value] * n


class CompileLoss:
    """The total loss: sum over outputs of weight * loss(y_true, y_pred, sample_weight)."""

    def __init__(self, loss: Any, loss_weights: Any, output_names: Sequence[str]) -> None:
        self.output_names = list(output_names)
        # Several outputs: each output's loss is also logged (`<name>_loss`), as Keras's trackers do.
        self.metrics = [metrics_module.Mean(name=f"{name}_loss") for name in output_names] \
            if len(output_names) > 1 else []
        self.identifiers = _per_output(loss, output_names, "loss")
        weights = _per_output(loss_weights, output_names, "loss_weights") if loss_weights is not None else None
        self.weights = [1.0 if w is None else float(w) for w in (weights or [None] * len(output_names))]
        self.losses = [None if ident is None else _resolve_loss(ident) for ident in self.identifiers]

    def __call__(self, y_true: List[Any], y_pred: List[Tensor], sample_weight: Any) -> Any:
        """The weighted total over outputs (a scalar Tensor); updates the per-output loss trackers."""
        total: Any = None
        for i, (fn, weight, yt, yp) in enumerate(zip(self.losses, self.weights, y_true, y_pred)):
            if fn is None:
                continue
            value = fn(yt, yp, sample_weight=sample_weight)
            if self.metrics:
                self.metrics[i].update_state(value.data, sample_weight=len(yp.data))
            term = value if weight == 1.0 else primitives.multiply(value, weight)
            total = term if total is None else primitives.add(total, term)
        return total

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
    """The metrics passed to `compile()`, one list per output, seen as one metric (`compile_metrics`).

    `update_state(y, y_pred, sample_weight)` takes the model's targets and outputs as `fit` gives them;
    `result()` is a dict of every metric's value, named as Keras logs them.
    """

    name = "compile_metrics"

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: Sequence[str], compile_loss: CompileLoss,
                 output_shapes: Sequence[tuple], targets_list: Any = None, outputs_list: Any = None) -> None:
        self.output_names = list(output_names)
        self._targets_list = targets_list or (lambda y: [y])
        self._outputs_list = outputs_list or (lambda y: [y])
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

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if self.any:
            self.update(self._targets_list(y_true), [p.data if isinstance(p, Tensor) else p
                                                     for p in self._outputs_list(y_pred)], sample_weight)

    def result(self) -> dict:
        return {metric.name: metric.result() for metric in self.all}

    def reset_state(self) -> None:
        self.reset()

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
    from neuronet.utils.naming import to_snake_case as snake_case

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
