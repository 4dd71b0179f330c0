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


@primitive
def sum(x: Any, *, axis: Any = None, keepdims: bool = False) -> tuple:  # noqa: A001
    xp = get_array_module(x)

    def vjp(g: Any) -> tuple:
        return (xp.broadcast_to(_expand(g, x.shape, axis, keepdims), x.shape),)

    return x.sum(axis=axis, keepdims=keepdims), vjp


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
