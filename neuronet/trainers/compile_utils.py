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
        # "crossentropy"/"ce" wait for the first targets: as in Keras, their shapes choose the cross-entropy.
        self.losses = [None if ident is None or _by_shape(ident, CROSSENTROPY) else _resolve_loss(ident)
                       for ident in self.identifiers]
        self._pending = [i for i, ident in enumerate(self.identifiers) if _by_shape(ident, CROSSENTROPY)]

    def resolve(self, y_true: List[Any], output_shapes: List[tuple]) -> None:
        """Pick the cross-entropy that `"crossentropy"`/`"ce"` means from the shapes of targets and outputs."""
        for i in self._pending:
            binary, sparse = is_binary_or_sparse_categorical(np.shape(y_true[i]), output_shapes[i])
            fn = losses_module.binary_crossentropy if binary else (
                losses_module.sparse_categorical_crossentropy if sparse else losses_module.categorical_crossentropy)
            self.losses[i] = losses_module.LossFunctionWrapper(fn, name=self.identifiers[i])
        self._pending = []

    def __call__(self, y_true: List[Any], y_pred: List[Tensor], sample_weight: Any) -> Any:
        """The weighted total over outputs (a scalar Tensor); updates the per-output loss trackers."""
        if self._pending:
            self.resolve(y_true, [tuple(p.shape) for p in y_pred])
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
        if self._pending:
            self.resolve(y_true, output_shapes)
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

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: Sequence[str], targets_list: Any = None,
                 outputs_list: Any = None) -> None:
        self.output_names = list(output_names)
        self._targets_list = targets_list or (lambda y: [y])
        self._outputs_list = outputs_list or (lambda y: [y])
        self.metrics: List[list] = []
        self.weighted: List[list] = []
        per_output = _per_output(metrics, output_names, "metrics", allow_single=True) if metrics else \
            [None] * len(output_names)
        per_output_w = _per_output(weighted_metrics, output_names, "weighted_metrics") if weighted_metrics else \
            [None] * len(output_names)
        for i in range(len(output_names)):
            self.metrics.append([_resolve_metric(m) for m in _as_list(per_output[i])])
            self.weighted.append([_resolve_metric(m) for m in _as_list(per_output_w[i])])
        _name_as_keras_logs(self.metrics, self.weighted, output_names)
        # "accuracy"/"acc" wait for the first targets: their shapes and the outputs' choose the accuracy.
        self._pending = [(group, i, j) for group in (self.metrics, self.weighted) for i, metrics in enumerate(group)
                         for j, metric in enumerate(metrics) if getattr(metric, "_by_shape", False)]

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

    def resolve(self, y_true: List[Any], output_shapes: List[tuple]) -> None:
        for group, i, j in self._pending:
            name = group[i][j].name
            group[i][j] = metrics_module.resolve_accuracy(name, np.shape(y_true[i]), output_shapes[i])
        self._pending = []

    def update(self, y_true: List[Any], y_pred: List[np.ndarray], sample_weight: Any) -> None:
        if self._pending:
            self.resolve(y_true, [np.shape(p) for p in y_pred])
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


CROSSENTROPY, ACCURACY = ("crossentropy", "ce"), ("accuracy", "acc")


def _by_shape(identifier: Any, names: tuple) -> bool:
    return isinstance(identifier, str) and identifier.lower() in names


def is_binary_or_sparse_categorical(y_true_shape: tuple, y_pred_shape: tuple) -> tuple:
    """Keras 3's rule: binary when the output has one unit; sparse when targets have a lower rank, or one
    column against several units."""
    binary = y_pred_shape[-1] == 1
    sparse = len(y_true_shape) < len(y_pred_shape) or (y_true_shape[-1] == 1 and y_pred_shape[-1] != 1)
    return binary, sparse


def _resolve_metric(identifier: Any) -> Any:
    if _by_shape(identifier, ACCURACY):
        metric = metrics_module.Accuracy(name=identifier)  # a stand-in until the first batch's shapes are seen
        metric._by_shape = True
        return metric
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", "metric")
        metric = metrics_module.MeanMetricWrapper(metric, name=name)
    return metric


def _name_as_keras_logs(metrics: List[list], weighted: List[list], output_names: Sequence[str]) -> None:
    """Log names as Keras 3 gives them: `<output>_` before each name when there are several outputs; a repeated
    metric gets `_1`, `_2`...; a weighted metric keeps its own name (`mse`) unless an unweighted one has it,
    then `weighted_mse`."""
    multi = len(output_names) > 1
    seen: dict = {}
    for i, group in enumerate(metrics):
        for metric in group:
            name = (f"{output_names[i]}_" if multi else "") + metric.name
            count = seen.get(name, 0)
            seen[name] = count + 1
            metric.name = name if not count else f"{name}_{count}"
    for i, group in enumerate(weighted):
        for metric in group:
            prefix = f"{output_names[i]}_" if multi else ""
            name = prefix + metric.name
            if name in seen:
                name = prefix + "weighted_" + metric.name
            seen[name] = seen.get(name, 0) + 1
            metric.name = name
