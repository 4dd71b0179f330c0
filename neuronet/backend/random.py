"""Random draws for the math (initializers, dropout), from the one seeded generator.

The generator lives on the host (`keras.utils.set_random_seed` seeds it); draws are made there and moved to the
device once (weights), or, on CuPy, made on the device by a generator seeded from it (dropout masks every step).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from neuronet.backend import core
from neuronet.utils import random as host_random


def generator(seed: Optional[int] = None) -> np.random.Generator:
    """The global host generator, or a fresh one for an explicit `seed`."""
    return host_random.generator(seed)


def uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
            rng: Optional[np.random.Generator] = None) -> Any:
    """A device array of draws from U[minval, maxval)."""
    rng = rng or generator()
    return core.asarray(rng.uniform(minval, maxval, size=shape).astype(dtype or core.floatx()))


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
           rng: Optional[np.random.Generator] = None) -> Any:
    """A device array of draws from N(mean, stddev**2)."""
    rng = rng or generator()
    return core.asarray(rng.normal(mean, stddev, size=shape).astype(dtype or core.floatx()))


def truncated_normal(shape: Any, stddev: float = 1.0, dtype: Any = None,
                     rng: Optional[np.random.Generator] = None) -> Any:
    """A device array of N(0, stddev**2) draws, each redrawn until within two standard deviations."""
    rng = rng or generator()
    out = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(out) > 2
    while bad.any():  # redraw outside two standard deviations
        out[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(out) > 2
    return core.asarray((out * stddev).astype(dtype or core.floatx()))


_DEVICE: Dict[int, Tuple[np.random.Generator, Any]] = {}


def random(shape: Any, dtype: Any = "float32", rng: Optional[np.random.Generator] = None, out: Any = None) -> Any:
    """A device array of U[0, 1) draws, made where the math runs (a dropout mask every step); into `out` if given."""
    rng = rng or generator()
    if isinstance(out, np.ndarray):  # NumPy: drawn in place, no temporary
        return rng.random(shape, dtype=dtype, out=out)
    if out is not None:
        out[...] = random(shape, dtype, rng)
        return out
    if core.backend() != "cupy":
        return core.asarray(rng.random(shape, dtype=dtype))
    held = _DEVICE.get(id(rng))
    if held is None or held[0] is not rng:  # one device generator per host generator, seeded from it
        held = _DEVICE[id(rng)] = (rng, core.xp.random.default_rng(int(rng.integers(2**63))))
    return held[1].random(shape, dtype=dtype)
