"""Loss heads: one output's loss value and its gradient, written into the plan's buffers.

They follow the eager losses step for step (`sparse_softmax_cross_entropy` from the stored logits, the
fused mean squared difference), so the gradients match. Supported: sparse categorical cross-entropy
(softmax output, or `from_logits=True` on a linear output) and mean squared error, with the
`sum_over_batch_size` reduction, optional sample weights and loss weights.
"""
from __future__ import annotations

from typing import Any

from neuronet import losses
from neuronet.compile.graph import Untraceable
from neuronet.metrics.accuracy_metrics import SparseCategoricalAccuracy


def head_for(loss: Any, weight: float, slot: int, plan: Any, dtype: Any) -> Any:
    """The head computing `loss` on output `slot` of `plan`; raises `Untraceable` when unsupported."""
    if not isinstance(loss, losses.LossFunctionWrapper):
        raise Untraceable(f"loss {loss!r} is not a built-in loss")
    if loss.reduction != "sum_over_batch_size" or str(loss.dtype) != str(dtype):
        raise Untraceable(f"loss {loss.name!r} uses reduction {loss.reduction!r} / dtype {loss.dtype}")
    kwargs = dict(loss._fn_kwargs)
    logits = plan.logits.get(slot)
    if loss.fn is losses.sparse_categorical_crossentropy and kwargs.get("ignore_class") is None \
            and kwargs.get("axis", -1) in (-1, 1):
        from_logits = bool(kwargs.get("from_logits", False))
        if logits is not None and not from_logits:
            return SparseCrossEntropyHead(plan, slot, logits, weight, dtype)
        if logits is None and from_logits and _producer_activation(plan, slot) == "linear":
            return SparseCrossEntropyHead(plan, slot, plan.vals[slot], weight, dtype)
        raise Untraceable(f"loss {loss.name!r} on an output that is neither softmax probabilities nor logits")
    if loss.fn is losses.mean_squared_error and not kwargs and logits is None:
        return SquaredErrorHead(plan, slot, weight, dtype)
    raise Untraceable(f"loss {loss.name!r} is not traced (sparse categorical cross-entropy and MSE are)")


def _producer_activation(plan: Any, slot: int) -> Any:
    for kernel in plan.kernels:
        if kernel.output == slot:
            return getattr(kernel.op, "activation", None) if kernel.op.kind == "dense" else None
    return None


class SparseCrossEntropyHead:
    """Cross-entropy from the logits: value `log_sum - shifted[label]`, gradient `softmax - onehot`."""

    def __init__(self, plan: Any, slot: int, logits: Any, weight: float, dtype: Any) -> None:
        xp = self.xp = plan.xp
        n = logits.shape[0]
        self.logits, self.slot = logits, slot
        self.shifted = xp.empty(logits.shape, dtype=dtype)
        self.exp = xp.empty(logits.shape, dtype=dtype)
        self.row = xp.empty((n, 1), dtype=dtype)
        self.values = xp.empty(n, dtype=dtype)
        self.weighted = xp.empty(n, dtype=dtype)
        self.rows = xp.arange(n)
        self.count = n
        self.scale = xp.asarray(weight, dtype=dtype) / n  # the mean's vjp: g / count, in the loss dtype
        self.scale_value = float(self.scale)
        self.labels_shape = (n,)

    def check(self, y: Any) -> None:
        if y.shape != self.labels_shape and y.shape != self.labels_shape + (1,):
            raise Untraceable(f"labels of shape {y.shape} for an output of shape {self.logits.shape}")

    def labels(self, y: Any) -> Any:
        if y.dtype.kind not in "iu":
            y = y.astype("int64")  # float labels holding integers, as `_integer_labels` accepts them
        return y.reshape(self.labels_shape) if y.shape != self.labels_shape else y

    def loss(self, y: Any, sample_weight: Any) -> float:
        xp = self.xp
        labels = self.labels(y)
        self.logits.max(axis=-1, keepdims=True, out=self.row)
        xp.subtract(self.logits, self.row, out=self.shifted)
        xp.exp(self.shifted, out=self.exp)
        self.exp.sum(axis=-1, keepdims=True, out=self.row)
        xp.log(self.row, out=self.row)
        xp.subtract(self.row[:, 0], self.shifted[self.rows, labels], out=self.values)
        if sample_weight is None:
            return float(self.values.sum() * (1.0 / self.count))
        xp.multiply(self.values, sample_weight, out=self.weighted)
        return float(self.weighted.sum() / float(self.count))

    def grad(self, y: Any, sample_weight: Any, out: Any, scale: Any = None) -> None:
        """The gradient with respect to the logits into `out`, multiplied by `scale` (SGD's learning rate) if given."""
        xp = self.xp
        labels = self.labels(y)
        xp.subtract(self.shifted, self.row, out=out)
        xp.exp(out, out=out)
        out[self.rows, labels] -= 1
        factor = self.scale if scale is None else self.scale_value * scale
        if sample_weight is None:
            out *= factor
        else:
            xp.multiply(sample_weight, factor, out=self.weighted)
            out *= self.weighted[:, None]


class SquaredErrorHead:
    """Mean squared error: the eager fused `mean_squared_difference`, over all elements or per sample."""

    def __init__(self, plan: Any, slot: int, weight: float, dtype: Any) -> None:
        xp = self.xp = plan.xp
        pred = self.pred = plan.vals[slot]
        self.diff = xp.empty(pred.shape, dtype=dtype)
        self.square = xp.empty(pred.shape, dtype=dtype)
        self.values = xp.empty(pred.shape[0], dtype=dtype)
        self.scale = xp.asarray(weight, dtype=dtype) / pred.shape[0]
        self.scale_value = float(self.scale)
        self.size, self.width, self.count = pred.size, pred.shape[-1], pred.shape[0]
        self.grad_factor = float(weight) * 2.0 / self.size

    def check(self, y: Any) -> None:
        if y.shape != self.pred.shape and (y.size != self.pred.size or y.ndim + 1 != self.pred.ndim):
            raise Untraceable(f"targets of shape {y.shape} for an output of shape {self.pred.shape}")

    def targets(self, y: Any) -> Any:
        if y.dtype != self.diff.dtype:
            y = y.astype(self.diff.dtype)  # as the eager loss: targets in the prediction's dtype first
        return y if y.shape == self.pred.shape else y.reshape(self.pred.shape)

    def loss(self, y: Any, sample_weight: Any) -> float:
        xp = self.xp
        xp.subtract(self.pred, self.targets(y), out=self.diff)
        if sample_weight is None:
            flat = self.diff.reshape(-1)
            return float(xp.dot(flat, flat)) * (1.0 / self.size)  # the sum of squares as one product
        xp.multiply(self.diff, self.diff, out=self.square)
        values = self.values
        self.square.sum(axis=-1, out=values)
        values *= 1.0 / self.width
        values *= sample_weight
        return float(values.sum() / float(self.count))

    def grad(self, y: Any, sample_weight: Any, out: Any, scale: Any = None) -> None:
        """`2 * weight * (pred - y) / size` into `out`, multiplied by `scale` (SGD's learning rate) if given."""
        if sample_weight is None:
            self.xp.multiply(self.diff, self.grad_factor * (1.0 if scale is None else scale), out=out)
            return
        factor = self.scale if scale is None else self.scale_value * scale
        self.xp.multiply(sample_weight, factor, out=self.values)
        self.xp.multiply(self.values[:, None], self.diff, out=out)
        out *= 2.0 / self.width


def fast_metric_update(xp: Any, metric: Any, y: Any, y_pred: Any, sample_weight: Any, scratch: dict) -> bool:
    """Updates `metric` straight from the step's buffers when it is one the step knows; False otherwise.

    Sparse categorical accuracy: an argmax into a reused buffer and a count, as the metric's own fast path.
    """
    if type(metric) is SparseCategoricalAccuracy and sample_weight is None and y_pred.ndim == 2:
        labels = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
        if labels.shape != y_pred.shape[:1]:
            return False
        index, hits = scratch.get("argmax"), scratch.get("hits")
        if index is None or index.shape != labels.shape:
            index = scratch["argmax"] = xp.empty(labels.shape, dtype="intp")
            hits = scratch["hits"] = xp.empty(labels.shape, dtype=bool)
        y_pred.argmax(axis=-1, out=index)  # the method: no fromnumeric wrapper
        xp.equal(index, labels, out=hits)
        metric.total.data += int(xp.count_nonzero(hits))
        metric.count.data += labels.shape[0]
        return True
    return False
