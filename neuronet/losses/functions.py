"""Loss functions: per-sample values, differentiable in `y_pred` (the `Loss` classes in `losses.py` reduce them).

Cross-entropies are stable for any logits: `from_logits=True` goes through fused primitives, and so does a
`y_pred` produced by `ops.softmax`/`ops.sigmoid`, which carries its logits in `_keras_logits` (as Keras does on
TensorFlow). Other probabilities are clipped to `[epsilon, 1 - epsilon]`, as Keras does.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

from neuronet import backend, ops
from neuronet.autodiff import Tensor, primitives as p
from neuronet.losses.loss import as_tensor, constant, squeeze_or_expand_to_same_rank, with_mask


def _prepare(y_true: Any, y_pred: Any, name: str = "loss") -> tuple:
    y_pred = as_tensor(y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(constant(y_true, y_pred.dtype), y_pred)
    if len(y_true.shape) != len(y_pred.shape):
        # (n,) against (n, k): Keras fails deep in the graph, or silently broadcasts to (n, n) when n == k.
        hint = (" For integer class labels and one output unit per class, use `sparse_categorical_crossentropy`."
                if len(y_pred.shape) == len(y_true.shape) + 1 and y_pred.shape[-1] > 1 else "")
        raise ValueError(f"{name}: `y_true` of shape {tuple(y_true.shape)} does not match `y_pred` (the model's "
                         f"output) of shape {tuple(y_pred.shape)}: give targets of the output's shape.{hint}")
    return y_true, y_pred


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(square(y_true - y_pred), axis=-1)`.

    Example:
    >>> mean_squared_error([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_error")
    return p.mean_squared_difference(y_pred, y_true, axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(abs(y_true - y_pred), axis=-1)`.

    Example:
    >>> mean_absolute_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
    array([0.5], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_error")
    return ops.mean(p.abs(p.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """`100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)`.

    Example:
    >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]]).numpy()
    array([25.], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_absolute_percentage_error")
    scale = ops.maximum(ops.abs(y_true), backend.epsilon())
    return p.multiply(ops.mean(p.abs(p.divide(p.subtract(y_true, y_pred), scale)), axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`, values below epsilon raised to epsilon.

    Example:
    >>> round(float(mean_squared_logarithmic_error([[math.e - 1.0]], [[0.0]])[0]), 4)
    1.0
    """
    y_true, y_pred = _prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = backend.epsilon()
    first = p.log(p.add(p.maximum(y_pred, eps), 1.0))
    second = p.log(p.add(p.maximum(y_true, eps), 1.0))
    return ops.mean(ops.square(p.subtract(first, second)), axis=-1)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """Huber loss: `0.5 * e**2` where `|e| <= delta`, else `delta * |e| - 0.5 * delta**2`; mean over the last axis.

    Example:
    >>> round(float(huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().mean()), 3)
    0.155
    """
    y_true, y_pred = _prepare(y_true, y_pred, "huber")
    delta = float(delta)
    error = p.subtract(y_pred, y_true)
    abs_error = p.abs(error)
    quadratic = p.multiply(ops.square(error), 0.5)
    linear = p.subtract(p.multiply(abs_error, delta), 0.5 * delta * delta)
    return ops.mean(p.where(abs_error.data <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, as `x + softplus(-2x) - log(2)` so that it never overflows.

    Example:
    >>> round(float(log_cosh([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).numpy().mean()), 3)
    0.108
    """
    y_true, y_pred = _prepare(y_true, y_pred, "log_cosh")
    error = p.subtract(y_pred, y_true)
    return ops.mean(p.subtract(p.add(error, p.softplus(p.multiply(error, -2.0))), math.log(2.0)), axis=-1)


def _hinge_targets(y_true: Any) -> Any:
    """Binary 0/1 labels become -1/1, as Keras does; other labels are used as given."""
    data = y_true.data if isinstance(y_true, Tensor) else y_true
    if ((data == 0) | (data == 1)).all():
        return p.subtract(p.multiply(y_true, 2.0), 1.0) if isinstance(y_true, Tensor) else 2.0 * data - 1.0
    return y_true


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`, with labels -1/1 (0/1 are converted).

    Example:
    >>> hinge([[1.0, 0.0]], [[0.5, -2.0]]).numpy()
    array([0.25], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred, "hinge")
    margin = p.subtract(1.0, p.multiply(_hinge_targets(y_true), y_pred))
    return ops.mean(p.maximum(margin, 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`.

    Example:
    >>> squared_hinge([[1.0, 0.0]], [[0.5, -2.0]]).numpy()
    array([0.125], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred, "squared_hinge")
    margin = p.subtract(1.0, p.multiply(_hinge_targets(y_true), y_pred))
    return ops.mean(ops.square(p.maximum(margin, 0.0)), axis=-1)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to `[epsilon, 1]`.

    Example:
    >>> round(float(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])[0]), 4)
    0.1438
    """
    y_true, y_pred = _prepare(y_true, y_pred, "kl_divergence")
    eps = backend.epsilon()
    y_true = ops.clip(y_true, eps, 1.0)
    return p.sum(p.multiply(y_true, p.log(p.divide(y_true, ops.clip(y_pred, eps, 1.0)))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`.

    Example:
    >>> round(float(poisson([[1.0]], [[1.0]])[0]), 4)
    1.0
    """
    y_true, y_pred = _prepare(y_true, y_pred, "poisson")
    return ops.mean(p.subtract(y_pred, p.multiply(y_true, p.log(p.add(y_pred, backend.epsilon())))), axis=-1)


def _stored_logits(y_pred: Tensor, activation: str, axis: int) -> Any:
    """The logits `ops.softmax`/`ops.sigmoid` stored on `y_pred`, if `y_pred` really is that activation of them."""
    logits = y_pred._keras_logits
    # Each activation tags its output, so a softmax output given to binary cross-entropy (or the other
    # way round) falls back to clipped probabilities instead of the wrong logits formula.
    if logits is None or y_pred._logits_of != activation or tuple(logits.shape) != tuple(y_pred.shape):
        return None
    return logits if isinstance(logits, Tensor) else Tensor(logits)  # `ops.softmax` of a plain array


def _logits(y_pred: Tensor, from_logits: bool, activation: str, axis: int, fn_name: str) -> Any:
    stored = _stored_logits(y_pred, activation, axis)
    if from_logits and stored is not None:
        warnings.warn(f"`{fn_name}` received `from_logits=True`, but the `y_pred` argument was produced by a "
                      f"{activation} activation and thus does not represent logits; its stored logits are used, as "
                      "Keras does on TensorFlow. Was this intended?", stacklevel=3)
    return stored if stored is not None else (y_pred if from_logits else None)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Tensor:
    """Binary cross-entropy, averaged over `axis`.

    Example:
    >>> binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy().round(3)
    array([0.916, 0.714], dtype=float32)
    """
    y_true, y_pred = _prepare(y_true, y_pred, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = _logits(y_pred, from_logits, "sigmoid", axis, "binary_crossentropy")
    if logits is not None:
        # softplus(z) - z*y == max(z, 0) - z*y + log(1 + exp(-|z|)): finite for any z, gradient sigmoid(z) - y.
        return ops.mean(p.subtract(p.softplus(logits), p.multiply(logits, y_true)), axis=axis)
    eps = backend.epsilon()
    out = p.clip(y_pred, min_value=eps, max_value=1.0 - eps)
    positive = p.multiply(y_true, p.log(out))
    negative = p.multiply(p.subtract(1.0, y_true), p.log(p.subtract(1.0, out)))
    return p.negative(ops.mean(p.add(positive, negative), axis=axis))


def _one_hot_labels(y_true: Any, axis: int) -> Any:
    """Integer labels when `y_true` is exactly one-hot (so the fused sparse primitive applies), else None."""
    if isinstance(y_true, Tensor) or y_true.size == 0:
        return None
    xp = backend.get_array_module(y_true)
    labels = xp.argmax(y_true, axis=axis)
    picked = xp.take_along_axis(y_true, xp.expand_dims(labels, axis), axis=axis)
    if picked.min() == 1 and y_true.min() >= 0 and (y_true.sum(axis=axis) == 1).all():
        return labels
    return None


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Tensor:
    """Cross-entropy between one-hot (or soft) labels and predicted class probabilities along `axis`.

    Example:
    >>> categorical_crossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).numpy().round(4)
    array([0.0513, 2.3026], dtype=float32)
    """
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis!r} of type {type(axis)}")
    y_pred = as_tensor(y_pred)
    y_true = constant(y_true, y_pred.dtype)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(f"categorical_crossentropy expects one-hot `y_true` with the shape of `y_pred`. "
                         f"Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. "
                         "For integer labels use `sparse_categorical_crossentropy`.")
    num_classes = y_pred.shape[axis]
    if num_classes == 1:
        warnings.warn("In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) "
                      f"with num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. Consider using "
                      "'binary_crossentropy' if you only have 2 classes.", SyntaxWarning, stacklevel=2)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    logits = _logits(y_pred, from_logits, "softmax", axis, "categorical_crossentropy")
    if logits is not None:
        labels = _one_hot_labels(y_true, axis)
        if labels is not None:
            return p.sparse_softmax_cross_entropy(logits, labels, axis=axis)
        return p.negative(p.sum(p.multiply(y_true, p.log_softmax(logits, axis=axis)), axis=axis))
    eps = backend.epsilon()
    out = p.divide(y_pred, p.sum(y_pred, axis=axis, keepdims=True))
    out = p.clip(out, min_value=eps, max_value=1.0 - eps)
    return p.negative(p.sum(p.multiply(y_true, p.log(out)), axis=axis))


def _integer_labels(labels: Any, num_classes: int) -> Any:
    """Labels as int64 after a cheap min/max check: each must be an integer in [0, num_classes)."""
    xp = backend.get_array_module(labels)
    if labels.size == 0:
        return labels.astype(xp.int64)
    low, high = labels.min(), labels.max()
    if not (low >= 0 and high < num_classes):
        bad = float(low if not low >= 0 else high)
        raise ValueError(f"sparse_categorical_crossentropy: labels must be integers in [0, {num_classes - 1}] "
                         f"(y_pred has {num_classes} classes), but received the label {bad:g}. Use class ids "
                         f"0..{num_classes - 1}, give the last layer one unit per class, or set `ignore_class`.")
    if labels.dtype.kind != "f":
        return labels.astype(xp.int64, copy=False)
    if (labels != xp.floor(labels)).any():
        bad = float(labels[labels != xp.floor(labels)].ravel()[0])
        raise ValueError(f"sparse_categorical_crossentropy: labels must be integer class ids, but received "
                         f"{bad:g}. For probabilities or one-hot targets use `binary_crossentropy` or "
                         "`categorical_crossentropy`.")
    return labels.astype(xp.int64)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, ignore_class: Any = None,
                                    axis: int = -1) -> Tensor:
    """Cross-entropy between integer labels, shape (n,) or (n, 1), and predicted class probabilities.

    Args:
        ignore_class: optional label (e.g. -1 or 255) whose entries give zero loss and are left out of the mean.

    Example:
    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]).numpy().round(4)
    array([0.0513, 2.3026], dtype=float32)
    """
    y_pred = as_tensor(y_pred)
    xp = backend.get_array_module(y_pred.data)
    labels = xp.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
    received = labels.shape
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    ax = axis % y_pred.ndim
    expected = tuple(y_pred.shape[:ax]) + tuple(y_pred.shape[ax + 1:])
    if labels.shape != expected:
        raise ValueError(f"sparse_categorical_crossentropy expects integer labels of shape {expected} (or with a "
                         f"trailing 1) for y_pred of shape {tuple(y_pred.shape)}. Received: y_true.shape="
                         f"{received}. For one-hot labels use `categorical_crossentropy`.")
    valid = None
    if ignore_class is not None:
        valid = labels != ignore_class
        labels = xp.where(valid, labels, 0)
    labels = _integer_labels(labels, y_pred.shape[axis])
    logits = _logits(y_pred, from_logits, "softmax", axis, "sparse_categorical_crossentropy")
    if logits is not None:
        losses = p.sparse_softmax_cross_entropy(logits, labels, axis=axis)
    else:
        eps = backend.epsilon()
        out = p.divide(y_pred, p.sum(y_pred, axis=axis, keepdims=True))
        picked = p.take_along_axis(out, xp.expand_dims(labels, axis), axis=axis)
        picked = p.clip(picked, min_value=eps, max_value=1.0 - eps)
        losses = p.reshape(p.negative(p.log(picked)), shape=expected)
    if valid is not None:
        losses = with_mask(p.where(valid, losses, 0.0), valid)
    return losses
