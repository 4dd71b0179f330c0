"""One seeded random generator for initializers, dropout and shuffling."""
from __future__ import annotations

import random
from typing import Optional

import numpy as np

_generator = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and neuronet's generators (`keras.utils.set_random_seed`)."""
    global _generator
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    _generator = np.random.default_rng(seed)


def generator(seed: Optional[int] = None) -> np.random.Generator:
    """The global generator, or a fresh one for an explicit `seed`."""
    return _generator if seed is None else np.random.default_rng(seed)
