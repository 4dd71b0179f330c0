"""Operations composed from primitives: their gradients come for free."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff import primitives as p
from neuronet.autodiff.tensor import Tensor


def mean(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
    shape = x.shape
    if axis is None:
        count = x.size
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        count = 1
        for a in axes:
            count *= shape[a]
    return p.sum(x, axis=axis, keepdims=keepdims) / float(count)


def square(x: Any) -> Tensor:
    return p.multiply(x, x)
