"""Normalization primitives: the batch statistics' own gradient is where composed versions get slow or wrong."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from neuronet.autodiff.graph import primitive, unbroadcast
from neuronet.backend import get_array_module


# Fused: `x * scale + offset` is the whole of an adapted Normalization layer and of an inference-mode batch norm;
# one node (and no temporaries kept) instead of two. With constant scale and offset on data inputs, nothing is recorded.
@primitive
def scale_shift(x: Any, scale: Any, offset: Any) -> tuple:
    def vjp(g: Any) -> tuple:
        return ((lambda: unbroadcast(g * scale, x.shape)), (lambda: unbroadcast(g * x, scale.shape)),
                (lambda: unbroadcast(g, offset.shape)))

    return x * scale + offset, vjp


def moments(x: Any, axes: Sequence[int]) -> tuple:
    """Mean and (biased) variance of `x` over `axes`, kept as broadcastable axes of size 1."""
    mean = x.mean(axis=tuple(axes), keepdims=True)
    centered = x - mean
    return mean, (centered * centered).mean(axis=tuple(axes), keepdims=True)


# Fused: batch and layer normalization in training mode. The mean and variance depend on every input, so the
# gradient of x has two extra terms (through the mean and through the variance); composed from mean, subtract,
# sqrt, divide, multiply and add it takes eight nodes and keeps as many temporaries. Here: one node, and the vjp
#     dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),   dxhat = g * gamma,
# reuses the normalized output xhat saved by the forward pass.
@primitive
def moments_normalization(x: Any, gamma: Any, beta: Any, *, axes: Sequence[int], epsilon: float,
                          param_shape: Optional[Sequence[int]] = None, mean: Any = None, variance: Any = None) -> tuple:
    """`(x - mean) / sqrt(variance + epsilon) * gamma + beta`, mean and variance of `x` over `axes`.

    `mean`/`variance` may be passed when the caller already computed them with `moments(x, axes)` (batch
    normalization needs them for its moving averages); they must be exactly x's statistics. `gamma` and `beta`
    (or None) are reshaped to `param_shape` to broadcast against x.
    """
    xp = get_array_module(x)
    axes = tuple(a % x.ndim for a in axes)
    if mean is None or variance is None:
        mean, variance = moments(x, axes)
    inv = 1.0 / xp.sqrt(variance + epsilon)
    xhat = (x - mean) * inv
    shape = tuple(param_shape) if param_shape is not None else None
    g_b = None if gamma is None else (gamma if shape is None else gamma.reshape(shape))
    b_b = None if beta is None else (beta if shape is None else beta.reshape(shape))
    out = xhat if g_b is None else xhat * g_b
    if b_b is not None:
        out = out + b_b

    def vjp(g: Any) -> tuple:
        dxhat = g if g_b is None else g * g_b
        dx = inv * (dxhat - dxhat.mean(axis=axes, keepdims=True)
                    - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True))
        dgamma = None if gamma is None else (lambda: unbroadcast(g * xhat, g_b.shape).reshape(gamma.shape))
        dbeta = None if beta is None else (lambda: unbroadcast(g, b_b.shape).reshape(beta.shape))
        return dx, dgamma, dbeta

    return out, vjp
