"""Shape primitives: they move values around, so their vjps move gradients back."""
from __future__ import annotations

import itertools
from typing import Any, Sequence

from neuronet.autodiff.graph import primitive
from neuronet.backend import get_array_module, scatter_add


@primitive
def reshape(x: Any, *, shape: Sequence[int]) -> tuple:
    return x.reshape(shape), lambda g: (g.reshape(x.shape),)


@primitive
def transpose(x: Any, *, axes: Any = None) -> tuple:
    xp = get_array_module(x)
    inverse = None if axes is None else tuple(sorted(range(len(axes)), key=list(axes).__getitem__))  # argsort
    return xp.transpose(x, axes), lambda g: (xp.transpose(g, inverse),)


@primitive
def getitem(x: Any, *, index: Any) -> tuple:
    xp = get_array_module(x)

    def vjp(g: Any) -> tuple:
        out = xp.zeros_like(x)
        scatter_add(out, index, g)  # repeated indices accumulate
        return (out,)

    return x[index], vjp


def along_axis(indices: Any, axis: int, xp: Any) -> tuple:
    """The index tuple that `take_along_axis(x, indices, axis)` reads: `indices` on `axis`, aranges elsewhere."""
    ndim = indices.ndim
    axis = axis % ndim
    return tuple(indices if i == axis else xp.arange(n).reshape([-1 if j == i else 1 for j in range(ndim)])
                 for i, n in enumerate(indices.shape))


@primitive
def take_along_axis(x: Any, indices: Any, *, axis: int) -> tuple:
    xp = get_array_module(x)

    def vjp(g: Any) -> tuple:
        out = xp.zeros_like(x)
        scatter_add(out, along_axis(indices, axis, xp), g)  # put_along_axis would drop repeated indices
        return out, None

    return xp.take_along_axis(x, indices, axis=axis), vjp


def _concatenate(*xs: Any, axis: int) -> tuple:
    xp = get_array_module(*xs)
    bounds = list(itertools.accumulate(x.shape[axis] for x in xs))[:-1]

    def vjp(g: Any) -> tuple:
        return tuple(xp.split(g, bounds, axis=axis))

    return xp.concatenate(xs, axis=axis), vjp


_concatenate.__name__ = "concatenate"
concatenate_parts = primitive(_concatenate)


def concatenate(xs: Sequence[Any], axis: int = -1) -> Any:
    """Join tensors along `axis` (a list in, as NumPy's signature)."""
    return concatenate_parts(*xs, axis=axis)


@primitive
def broadcast_to(x: Any, *, shape: Sequence[int]) -> tuple:
    from neuronet.autodiff.graph import unbroadcast

    xp = get_array_module(x)
    return xp.broadcast_to(x, shape), lambda g: (unbroadcast(g, x.shape),)
