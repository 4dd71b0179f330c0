"""Matrix product."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff.graph import primitive, unbroadcast


@primitive
def matmul(x: Any, y: Any) -> tuple:
    if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
        raise ValueError(
            f"matmul: shapes {x.shape} and {y.shape} are not aligned: last axis of the first "
            f"({x.shape[-1]}) must equal second-to-last axis of the second ({y.shape[-2 if y.ndim > 1 else 0]})."
        )

    def vjp(g: Any) -> tuple:
        if x.ndim == 1 or y.ndim == 1:  # vectors: lift to matrices and drop the axis again
            x2 = x.reshape(1, -1) if x.ndim == 1 else x
            y2 = y.reshape(-1, 1) if y.ndim == 1 else y
            g2 = g.reshape(x2.shape[:-1] + y2.shape[-1:])
            return (lambda: unbroadcast(g2 @ y2.swapaxes(-1, -2), x2.shape).reshape(x.shape),
                    lambda: unbroadcast(x2.swapaxes(-1, -2) @ g2, y2.shape).reshape(y.shape))
        return (lambda: unbroadcast(g @ y.swapaxes(-1, -2), x.shape),
                lambda: unbroadcast(x.swapaxes(-1, -2) @ g, y.shape))

    return x @ y, vjp
