"""Elementwise primitives: each forward beside its vector-Jacobian product."""
from __future__ import annotations

import math
from typing import Any

from neuronet.autodiff.graph import primitive, unbroadcast
from neuronet.backend import backend, get_array_module, to_numpy


def _shape(x: Any) -> tuple:
    return getattr(x, "shape", ())


@primitive
def add(x: Any, y: Any) -> tuple:
    def vjp(g: Any) -> tuple:
        return unbroadcast(g, _shape(x)), unbroadcast(g, _shape(y))

    return x + y, vjp


@primitive
def subtract(x: Any, y: Any) -> tuple:
    def vjp(g: Any) -> tuple:
        return unbroadcast(g, _shape(x)), unbroadcast(-g, _shape(y))

    return x - y, vjp


@primitive
def multiply(x: Any, y: Any) -> tuple:
    def vjp(g: Any) -> tuple:
        return (lambda: unbroadcast(g * y, _shape(x))), (lambda: unbroadcast(g * x, _shape(y)))

    return x * y, vjp


@primitive
def divide(x: Any, y: Any) -> tuple:
    out = x / y

    def vjp(g: Any) -> tuple:
        return (lambda: unbroadcast(g / y, _shape(x))), (lambda: unbroadcast(-g * out / y, _shape(y)))

    return out, vjp


@primitive
def negative(x: Any) -> tuple:
    return -x, lambda g: (-g,)


@primitive
def power(x: Any, y: Any) -> tuple:
    xp = get_array_module(x, y)
    out = x**y

    def vjp(g: Any) -> tuple:
        dx = lambda: unbroadcast(g * y * x ** (y - 1), _shape(x))  # noqa: E731
        # d(x**y)/dy = out * log(x): defined for x > 0 only; 0 elsewhere by convention.
        dy = lambda: unbroadcast(g * out * xp.log(xp.where(x > 0, x, 1)), _shape(y))  # noqa: E731
        return dx, dy

    return out, vjp


@primitive
def exp(x: Any) -> tuple:
    out = get_array_module(x).exp(x)
    return out, lambda g: (g * out,)


@primitive
def log(x: Any) -> tuple:
    return get_array_module(x).log(x), lambda g: (g / x,)


@primitive
def sqrt(x: Any) -> tuple:
    out = get_array_module(x).sqrt(x)
    return out, lambda g: (g / (2 * out),)


@primitive
def abs(x: Any) -> tuple:  # noqa: A001 - the Keras/NumPy name
    xp = get_array_module(x)
    return xp.abs(x), lambda g: (g * xp.sign(x),)


@primitive
def tanh(x: Any) -> tuple:
    out = get_array_module(x).tanh(x)
    return out, lambda g: (g * (1 - out * out),)


@primitive
def sigmoid(x: Any) -> tuple:
    xp = get_array_module(x)
    # Written with exp(-|x|) so that neither branch overflows for large |x|.
    e = xp.exp(-xp.abs(x))
    out = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, lambda g: (g * out * (1 - out),)


@primitive
def softplus(x: Any) -> tuple:
    xp = get_array_module(x)
    # Fused: log(1 + exp(x)) overflows for x > ~88 in float32; this form never does.
    out = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, 0)
    e = xp.exp(-xp.abs(x))

    def vjp(g: Any) -> tuple:
        return (g * xp.where(x >= 0, 1 / (1 + e), e / (1 + e)),)

    return out, vjp


@primitive
def erf(x: Any) -> tuple:
    xp = get_array_module(x)
    out = _erf(x, xp)
    return out, lambda g: (g * (2 / math.sqrt(math.pi)) * xp.exp(-x * x),)


def _erf(x: Any, xp: Any) -> Any:
    if backend() == "cupy":
        from cupyx.scipy import special  # part of CuPy
    else:
        try:
            from scipy import special  # optional: fast and exact
        except ImportError:  # on the host, one value at a time
            values = [math.erf(v) for v in to_numpy(x).ravel().tolist()]
            return xp.asarray(values, dtype=x.dtype).reshape(x.shape)
    return special.erf(x).astype(x.dtype, copy=False)


@primitive
def maximum(x: Any, y: Any) -> tuple:
    xp = get_array_module(x, y)
    # Ties send the gradient to x only, so it is never counted twice.
    mask = x >= y

    def vjp(g: Any) -> tuple:
        return (lambda: unbroadcast(xp.where(mask, g, 0), _shape(x)),
                lambda: unbroadcast(xp.where(mask, 0, g), _shape(y)))

    return xp.maximum(x, y), vjp


@primitive
def minimum(x: Any, y: Any) -> tuple:
    xp = get_array_module(x, y)
    mask = x <= y

    def vjp(g: Any) -> tuple:
        return (lambda: unbroadcast(xp.where(mask, g, 0), _shape(x)),
                lambda: unbroadcast(xp.where(mask, 0, g), _shape(y)))

    return xp.minimum(x, y), vjp


@primitive
def where(condition: Any, x: Any, y: Any) -> tuple:
    xp = get_array_module(x, y)

    def vjp(g: Any) -> tuple:
        return (None,
                lambda: unbroadcast(xp.where(condition, g, 0), _shape(x)),
                lambda: unbroadcast(xp.where(condition, 0, g), _shape(y)))

    return xp.where(condition, x, y), vjp


@primitive
def clip(x: Any, *, min_value: float, max_value: float) -> tuple:
    xp = get_array_module(x)
    inside = (x >= min_value) & (x <= max_value)
    return xp.clip(x, min_value, max_value), lambda g: (xp.where(inside, g, 0),)


@primitive
def cast(x: Any, *, dtype: Any) -> tuple:
    return x.astype(dtype), lambda g: (g.astype(x.dtype),)
