"""One seeded random generator for initializers, dropout and shuffling."""
from __future__ import annotations

from typing import Optional

import numpy as np

_generator: Optional[np.random.Generator] = None  # created on first use: `import numpy.random` costs ~10 ms


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and neuronet's generators (`keras.utils.set_random_seed`)."""
    global _generator
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r}")
    import random  # Python's generator, seeded as Keras seeds it; not needed by `import neuronet`

    random.seed(seed)
    np.random.seed(seed)
    _generator = np.random.default_rng(seed)


def generator(seed: Optional[int] = None) -> np.random.Generator:
    """The global generator, or a fresh one for an explicit `seed`."""
    global _generator
    if seed is not None:
        return np.random.default_rng(seed)
    if _generator is None:
        _generator = np.random.default_rng()
    return _generator
