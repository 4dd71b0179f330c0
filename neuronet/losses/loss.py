"""`Loss`: the base class, and how per-sample losses become one number (Keras 3 `loss.py`)."""
from __future__ import annotations

from typing import Any, Optional

from neuronet import backend
from neuronet.autodiff import Tensor, primitives as p
from neuronet.utils import naming

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


class Loss:
    """Loss base class: subclasses implement `call(y_true, y_pred)` returning per-sample losses.

    Args:
        name: name of the loss instance (defaults to the class name in snake_case).
        reduction: `"sum_over_batch_size"` (default: the sum of the weighted losses divided by the
            number of loss values, *not* by the sum of the weights), `"sum"`, `"mean"` (same as
            `"sum_over_batch_size"`), `"mean_with_sample_weight"` (divided by the sum of the weights),
            or `"none"`/`None` (no reduction).
        dtype: dtype of the computation; defaults to `keras.backend.floatx()`.

    Example:
    >>> import numpy as np
    >>> from neuronet import ops
    >>> class MyMeanSquaredError(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
    >>> float(MyMeanSquaredError()(np.zeros((2, 2)), np.ones((2, 2))))
    1.0
    """

    def __init__(self, name: Optional[str] = None, reduction: Any = "sum_over_batch_size", dtype: Any = None):
        self.name = name or naming.to_snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = backend.standardize_dtype(dtype or backend.floatx())  # resolved once, as Keras's dtype policy

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Tensor:
        """The reduced loss: a scalar Tensor (per-sample losses for reduction `None`), differentiable in `y_pred`."""
        y_pred = as_tensor(y_pred, self.dtype)
        if not isinstance(y_true, Tensor):
            y_true = backend.asarray(y_true)  # host targets move to the device, as Keras converts them
        losses = self.call(y_true, y_pred)
        mask = _combine_masks(getattr(y_pred, "_keras_mask", None), getattr(losses, "_keras_mask", None))
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self.dtype)

    def call(self, y_true: Any, y_pred: Any) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`, returning "
                                  "one loss value per sample.")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def standardize_reduction(reduction: Any) -> Any:
    if reduction == "auto":  # tf.keras's default, found in configs saved by Keras 2
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {REDUCTIONS}. "
                         f"Received: reduction={reduction!r}")
    return reduction


def as_tensor(x: Any, dtype: Any = None) -> Tensor:
    """`x` as a float Tensor of `dtype` (default: its own float dtype, else floatx), keeping `_keras_logits`."""
    if isinstance(x, Tensor):
        if dtype is None:
            if x.dtype.kind == "f":
                return x
            dtype = backend.floatx()
        if x.dtype == dtype:
            return x
        out = p.cast(x, dtype=dtype)
        if x._keras_logits is not None:
            out._keras_logits = p.cast(x._keras_logits, dtype=dtype)
            out._logits_of = x._logits_of
        return out
    array = backend.asarray(x)
    if dtype is None:  # float arrays keep their dtype; lists, scalars and integers become floatx, as in Keras
        dtype = array.dtype if array.dtype.kind == "f" and hasattr(x, "dtype") else backend.floatx()
    return Tensor(array.astype(dtype, copy=False))


def constant(x: Any, dtype: Any) -> Any:
    """A target as an array of `dtype` (a Tensor stays a Tensor, so that its gradient can flow)."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else p.cast(x, dtype=dtype)
    return backend.asarray(x, dtype=dtype)


def reshape(x: Any, shape: tuple) -> Any:
    """Reshape an array or Tensor; a Tensor's `_keras_logits` get the same reshape."""
    if not isinstance(x, Tensor):
        return x.reshape(shape)
    out = p.reshape(x, shape=shape)
    if x._keras_logits is not None and x._keras_logits.shape == x.shape:
        out._keras_logits = p.reshape(x._keras_logits, shape=shape)
        out._logits_of = x._logits_of
    return out


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Match ranks that differ by one through a last axis of size 1: (n,) vs (n, 1) never broadcasts to (n, n)."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = reshape(x2, tuple(x2.shape) + (1,))
        else:
            x1 = reshape(x1, tuple(x1.shape[:-1]))
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = reshape(x1, tuple(x1.shape) + (1,))
        else:
            x2 = reshape(x2, tuple(x2.shape[:-1]))
    return x1, x2


class _MaskedTensor(Tensor):
    """A Tensor that carries a `_keras_mask` (Keras's `backend.set_keras_mask`)."""

    __slots__ = ("_keras_mask",)


def with_mask(tensor: Tensor, mask: Any) -> Tensor:
    """The same graph node as `tensor`, carrying `mask` for the reduction (e.g. `ignore_class`)."""
    out = _MaskedTensor(tensor.data, tensor.requires_grad, tensor.parents, tensor.vjp)
    out.seq = tensor.seq  # same place in the graph's creation order
    out._keras_mask = mask
    return out


def _combine_masks(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return b if a is None else a
    return a & b


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, reduction: Any) -> Any:
    """Merge a boolean mask into the sample weights; for mean reductions, rescale so masked entries don't count."""
    if mask is None:
        return sample_weight
    mask = backend.asarray(mask, dtype=dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = float(mask.sum())  # sum(loss * mask * total / valid) / total == sum(loss * mask) / valid
        mask = mask * (mask.size / valid if valid else 0.0)
    if sample_weight is None:
        return mask
    sample_weight = _weights(sample_weight, dtype)
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return sample_weight * mask


def _weights(sample_weight: Any, dtype: Any) -> Any:
    return backend.asarray(sample_weight, dtype=dtype)


def reduce_values(values: Tensor, sample_weight: Any = None, reduction: Any = "sum_over_batch_size") -> Tensor:
    """Sum, or sum divided by the number of values (or by the sum of the weights), or nothing."""
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    if sample_weight is None and reduction in ("sum_over_batch_size", "mean"):
        return p.mean(values)  # one node: the common case of every training step
    loss = p.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = float(sample_weight.sum())
    else:
        divisor = float(values.size)
    return p.divide(loss, divisor) if divisor else p.multiply(loss, 0.0)  # divide_no_nan


def reduce_weighted_values(values: Any, sample_weight: Any = None, mask: Any = None,
                           reduction: Any = "sum_over_batch_size", dtype: Any = None) -> Tensor:
    """Weight per-sample `values` by `sample_weight` (and `mask`), then reduce them."""
    if (sample_weight is None and mask is None and reduction == "sum_over_batch_size" and isinstance(values, Tensor)
            and (dtype is None or values.dtype == dtype)):
        return p.mean(values)  # the common case of every training step, without the checks below
    reduction = standardize_reduction(reduction)
    values = as_tensor(values, dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = _weights(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        if sample_weight.ndim < values.ndim:
            # Per-sample weights on per-timestep losses weigh along the batch axis (Keras would broadcast
            # them against the last axis instead, and fail or mis-weigh).
            sample_weight = sample_weight.reshape(sample_weight.shape + (1,) * (values.ndim - sample_weight.ndim))
        values = p.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)
