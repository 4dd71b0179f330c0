"""Array backend: which array module runs the math, and the default float type.

Layers never import NumPy or CuPy directly for math; they go through `ops`, which asks
`get_array_module` for the module that owns the arrays at hand.
"""
from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np

xp: types.ModuleType = np
_FLOATX: str = "float32"
_VALID_FLOATX = ("float16", "float32", "float64")


def get_array_module(*arrays: Any) -> types.ModuleType:
    """Return the array module (NumPy, or CuPy when given CuPy arrays) for `arrays`."""
    if "cupy" not in sys.modules:  # no CuPy imported: no CuPy arrays (checked on every primitive call)
        return np
    for a in arrays:
        module = type(a).__module__
        if module.startswith("cupy"):
            import cupy  # optional extra, imported only when CuPy arrays are seen

            return cupy
    return np


def to_numpy(x: Any) -> np.ndarray:
    """Return `x` as a NumPy array (copies from the GPU when needed)."""
    if hasattr(x, "numpy"):
        x = x.numpy()
    if type(x).__module__.startswith("cupy"):
        return x.get()
    return np.asarray(x)


def floatx() -> str:
    """Return the default float type as a string, e.g. `'float32'`."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type ('float16', 'float32' or 'float64')."""
    global _FLOATX
    if value not in _VALID_FLOATX:
        raise ValueError(f"Unknown floatx type: {value!r}. Expected one of {_VALID_FLOATX}.")
    _FLOATX = str(value)


def epsilon() -> float:
    """Fuzz factor used to keep logs and divisions finite (Keras's 1e-7)."""
    return 1e-7


def clear_session() -> None:
    """Reset the automatic layer names (`dense`, `dense_1`, ...) as Keras does."""
    from neuronet.layers import layer

    layer.reset_uids()
