"""The backend's state and conversions: which array module runs the math, host <-> device, the float type."""
from __future__ import annotations

import importlib
import types
from typing import Any, Dict

import numpy as np

from neuronet.utils import naming

BACKENDS = ("numpy", "cupy", "strict")
xp: types.ModuleType = np
_BACKEND: str = "numpy"
_FLOATX: str = "float32"
_VALID_FLOATX = ("float16", "float32", "float64")


def backend() -> str:
    """The name of the current backend: `'numpy'`, `'cupy'` or `'strict'` (`keras.backend.backend()`)."""
    return _BACKEND


def set_backend(name: str) -> None:
    """Switch the array module for arrays made from now on (`"numpy"`, `"cupy"` or `"strict"`).

    Arrays made before the switch stay where they are: create models after choosing the backend.
    """
    global xp, _BACKEND
    if name not in BACKENDS:
        raise ValueError(f"Unknown backend {name!r}. Expected one of {BACKENDS}.")
    xp = _load(name)
    _BACKEND = name


def _load(name: str) -> types.ModuleType:
    if name == "numpy":
        return np
    if name == "strict":
        return importlib.import_module("neuronet.backend.strict")
    try:
        return importlib.import_module("cupy")  # optional extra: pip install "neuronet[gpu]"
    except ImportError as error:
        raise ImportError("The 'cupy' backend needs CuPy and a CUDA GPU: pip install \"neuronet[gpu]\" "
                          f"(installs cupy-cuda12x). Import failed with: {error}") from error


def get_array_module(*arrays: Any) -> types.ModuleType:
    """The array module that runs the math on `arrays`: the current backend's `xp`."""
    return xp


def is_device_array(x: Any) -> bool:
    """True for an array of the current backend (a NumPy array when the backend is "numpy")."""
    return isinstance(x, xp.ndarray)


def asarray(x: Any, dtype: Any = None) -> Any:
    """`x` (a Tensor, a device array, a host array, a list or a number) as a device array of `dtype`.

    The host -> device copy happens here and nowhere else; a device array of the right dtype is returned as is.
    """
    if hasattr(x, "requires_grad"):  # a Tensor (no import: the autodiff package sits above this one)
        x = x.data
    if isinstance(x, xp.ndarray):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    return xp.asarray(to_numpy(x) if _is_foreign(x) else x, dtype=dtype)


_DEVICE_MODULES = ("cupy", "neuronet.backend.strict")


def _is_foreign(x: Any) -> bool:
    """A device array (CuPy's or the strict one), here possibly of another backend than the current one."""
    return type(x).__module__.startswith(_DEVICE_MODULES)


def to_numpy(x: Any) -> np.ndarray:
    """`x` as a NumPy array on the host (the device -> host copy; `keras.ops.convert_to_numpy`)."""
    if hasattr(x, "requires_grad"):
        x = x.data
    elif hasattr(x, "numpy") and not isinstance(x, (np.ndarray, np.generic)):
        x = x.numpy()
    if isinstance(x, np.ndarray):
        return x
    if _is_foreign(x):  # cupy.ndarray and the strict test array: `.get()` copies to the host
        return x.get()
    return np.asarray(x)


convert_to_numpy = to_numpy


def scatter_add(out: Any, index: Any, values: Any) -> None:
    """`out[index] += values` in place, repeated indices accumulating (`np.add.at`; `cupyx.scatter_add` on CuPy)."""
    if _BACKEND == "cupy":
        import cupyx

        cupyx.scatter_add(out, index, values)
    else:
        xp.add.at(out, index, values)


def standardize_dtype(dtype: Any) -> str:
    """A dtype's canonical name: `standardize_dtype(np.float32) == "float32"` (Keras's `standardize_dtype`)."""
    return np.dtype(dtype).name


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


_GLOBAL_STATE: Dict[str, Any] = {}


def get_global_attribute(name: str, default: Any = None) -> Any:
    """A global setting that `clear_session` forgets (the dtype policy), as Keras's global state."""
    return _GLOBAL_STATE.get(name, default)


def set_global_attribute(name: str, value: Any) -> None:
    _GLOBAL_STATE[name] = value


def clear_session() -> None:
    """Reset the automatic names (`dense`, `dense_1`, ...) and the global dtype policy, as Keras does."""
    naming.reset_uids()
    _GLOBAL_STATE.clear()
