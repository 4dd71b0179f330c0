"""Reductions: the gradient is the output gradient spread back over the reduced axes."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff.graph import primitive
from neuronet.backend import get_array_module


def _expand(g: Any, shape: tuple, axis: Any, keepdims: bool) -> Any:
    """Reinsert the reduced axes of `g` so that it broadcasts against the input shape."""
    if axis is None or keepdims:
        return g if keepdims else g.reshape((1,) * len(shape))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % len(shape) for a in axes)
    return g.reshape(tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _spread(g: Any, x: Any, axis: Any, keepdims: bool) -> Any:
    """`g` copied over the reduced axes of `x` (np.broadcast_to is several times slower on small arrays)."""
    xp = get_array_module(x)
    if axis is None:
        return xp.full(x.shape, g, dtype=x.dtype)  # a scalar gradient: one fill
    out = xp.empty_like(x)
    out[...] = _expand(g, x.shape, axis, keepdims)
    return out


@primitive
def sum(x: Any, *, axis: Any = None, keepdims: bool = False) -> tuple:  # noqa: A001
    return x.sum(axis=axis, keepdims=keepdims), lambda g: (_spread(g, x, axis, keepdims),)


# A primitive rather than sum / count: one graph node instead of two on every loss of every step.
@primitive
def mean(x: Any, *, axis: Any = None, keepdims: bool = False) -> tuple:
    total = x.sum(axis=axis, keepdims=keepdims)
    count = x.size // total.size if total.size else 1
    out = total * (1.0 / count)  # ndarray.mean goes through slow Python code; a Python float keeps the dtype
    return out, lambda g: (_spread(g / count, x, axis, keepdims),)


@primitive
def max(x: Any, *, axis: Any = None, keepdims: bool = False) -> tuple:  # noqa: A001
    xp = get_array_module(x)
    out = x.max(axis=axis, keepdims=keepdims)

    def vjp(g: Any) -> tuple:
        full = _expand(out, x.shape, axis, keepdims)
        winners = x == full
        # Ties share the gradient equally, so the sum over the axis is still g.
        count = winners.sum(axis=axis, keepdims=True)
        return (xp.where(winners, _expand(g, x.shape, axis, keepdims) / count, 0),)

    return out, vjp
