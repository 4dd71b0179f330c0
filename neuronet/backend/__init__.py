"""Array backend: the one door to device arrays.

Everything that makes, converts or draws arrays for the math goes through here: `xp` (the array module of the
current backend), `asarray` (host -> device), `to_numpy` (device -> host), `random` (the seeded draws) and `floatx`
(the default float type). Backends: "numpy" (the default), "cupy" (a GPU), "strict" (NumPy arrays that refuse to
meet the host implicitly, as CuPy's do: a test backend that finds leaks without a GPU). Choose one with
`set_backend(name)` or the `NEURONET_BACKEND` environment variable. Host work (loading data, saving, progress bars)
uses NumPy directly; compute code never does.

Example:
>>> from neuronet import backend
>>> backend.backend() in backend.BACKENDS  # "numpy" unless NEURONET_BACKEND says otherwise
True
>>> backend.to_numpy(backend.asarray([1, 2], dtype="float32"))
array([1., 2.], dtype=float32)
"""
from __future__ import annotations

import os
from typing import Any

from neuronet.backend import core, random  # noqa: F401  (`backend.random.uniform(...)`)
from neuronet.backend.core import (  # noqa: F401
    BACKENDS, asarray, backend, clear_session, convert_to_numpy, epsilon, floatx, get_array_module,
    get_global_attribute, is_device_array, scatter_add, set_floatx, set_global_attribute, standardize_dtype, to_numpy,
)
from neuronet.backend.values import get_value, set_value  # noqa: F401


def set_backend(name: str) -> None:
    """Switch the array module for arrays made from now on (`"numpy"`, `"cupy"` or `"strict"`).

    Arrays made before the switch stay where they are: create models after choosing the backend.
    """
    core.set_backend(name)


def __getattr__(name: str) -> Any:
    if name == "xp":  # read at each use: `set_backend` changes it
        return core.xp
    raise AttributeError(f"module 'neuronet.backend' has no attribute {name!r}")


# The public names: what `dir()` shows and `from ... import *` brings (`xp` is read as `backend.xp`).
__all__ = ["asarray", "backend", "clear_session", "convert_to_numpy", "epsilon", "floatx", "get_array_module",
           "is_device_array", "random", "set_backend", "set_floatx", "standardize_dtype", "to_numpy"]


def __dir__():
    return sorted(__all__)


if os.environ.get("NEURONET_BACKEND"):
    set_backend(os.environ["NEURONET_BACKEND"])
