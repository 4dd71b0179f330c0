"""Fused neural-network primitives. Each says why it is fused rather than composed."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff.graph import primitive
from neuronet.autodiff.primitives.shape import along_axis
from neuronet.backend import get_array_module

FUSED_ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh")


# Fused: the dense layer is the hot path of `fit`. One node instead of matmul + add +
# activation saves two temporaries and two graph nodes per layer and step, and the vjp
# reuses the saved output for the activation's derivative.
@primitive
def dense(x: Any, kernel: Any, bias: Any, *, activation: str = "linear") -> tuple:
    xp = get_array_module(x, kernel)
    x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
    out = x2 @ kernel
    if bias is not None:
        out += bias
    if activation == "relu":
        xp.maximum(out, 0, out=out)
    elif activation == "tanh":
        xp.tanh(out, out=out)
    elif activation == "sigmoid":
        out = primitive_sigmoid(out)
    elif activation != "linear":
        raise ValueError(f"dense: cannot fuse activation {activation!r}; fusable: {FUSED_ACTIVATIONS}.")

    def vjp(g: Any) -> tuple:
        g2 = g if g.shape == out.shape else g.reshape(out.shape)
        if activation == "relu":
            gz = g2 * (out > 0)
        elif activation == "tanh":
            gz = g2 * (1 - out * out)
        elif activation == "sigmoid":
            gz = g2 * out * (1 - out)
        else:
            gz = g2
        dx = lambda: gz @ kernel.T if x.ndim == 2 else (gz @ kernel.T).reshape(x.shape)  # noqa: E731
        dkernel = lambda: x2.T @ gz  # noqa: E731
        dbias = None if bias is None else (lambda: gz.sum(axis=0))
        return dx, dkernel, dbias

    return (out if x.ndim == 2 else out.reshape(x.shape[:-1] + (kernel.shape[-1],))), vjp


def primitive_sigmoid(z: Any) -> Any:
    from neuronet.autodiff.primitives.elementwise import sigmoid

    return sigmoid.raw(z)[0]


# Fused: log(sum(exp(x))) composed from primitives overflows for float32 logits > ~88.
@primitive
def log_softmax(x: Any, *, axis: int = -1) -> tuple:
    xp = get_array_module(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    out = shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return out, lambda g: (g - xp.exp(out) * g.sum(axis=axis, keepdims=True),)


@primitive
def softmax(x: Any, *, axis: int = -1) -> tuple:
    xp = get_array_module(x)
    e = xp.exp(x - x.max(axis=axis, keepdims=True))
    out = e / e.sum(axis=axis, keepdims=True)
    return out, lambda g: (out * (g - (g * out).sum(axis=axis, keepdims=True)),)


# Fused: the gradient of softmax cross-entropy is simply softmax(logits) - onehot(labels),
# exact and stable for any logits; composing it would build a one-hot matrix per step.
@primitive
def sparse_softmax_cross_entropy(logits: Any, labels: Any, *, axis: int = -1) -> tuple:
    xp = get_array_module(logits)
    shifted = logits - logits.max(axis=axis, keepdims=True)
    log_sum = xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    if logits.ndim == 2 and axis in (-1, 1):  # (batch, classes): plain fancy indexing, the per-step case
        rows = xp.arange(logits.shape[0])
        out = log_sum[:, 0] - shifted[rows, labels]

        def vjp(g: Any) -> tuple:
            d = xp.exp(shifted - log_sum)
            d[rows, labels] -= 1
            d *= g[:, None]
            return d, None

        return out, vjp
    index = xp.expand_dims(labels, axis)
    out = xp.squeeze(log_sum - xp.take_along_axis(shifted, index, axis=axis), axis=axis)

    def vjp_nd(g: Any) -> tuple:
        d = xp.exp(shifted - log_sum)
        d[along_axis(index, axis, xp)] -= 1  # one label per position: no repeated indices
        return d * xp.expand_dims(g, axis), None

    return out, vjp_nd


# Fused: mean((x - y)**2) over the last axis is the regression loss of every step; composed it is
# three nodes (subtract, square, mean) and three temporaries, fused it is one.
@primitive
def mean_squared_difference(x: Any, y: Any, *, axis: int = -1) -> tuple:
    xp = get_array_module(x, y)
    diff = x - y
    n = diff.size if axis is None else (diff.shape[axis] if diff.ndim else 1)  # axis=None: mean of all
    out = (diff * diff).sum(axis=axis) * (1.0 / n)
    scale = 2.0 / n

    def vjp(g: Any) -> tuple:
        gd = (g if axis is None else xp.expand_dims(g, axis)) * diff
        gd *= scale
        dx = (lambda: gd) if xp.shape(x) == gd.shape else (lambda: _unbroadcast(gd, xp.shape(x)))
        return dx, (lambda: _unbroadcast(-gd, xp.shape(y)))

    return out, vjp


def _unbroadcast(g: Any, shape: tuple) -> Any:
    from neuronet.autodiff.graph import unbroadcast

    return unbroadcast(g, shape)
