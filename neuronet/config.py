"""`keras.config`: process-wide switches (here: op determinism).

By default `fit` times its first steps with one BLAS thread and with the default count and keeps the faster
(see `neuronet/trainers/threads.py`). One and two threads sum a matrix product in different orders, so two runs
with the same seed can differ in the last bits (~1e-7) when the machine's load tips the choice differently.
`enable_op_determinism()` replaces that timing by a fixed rule (one thread for small products, the default for
large ones), so that runs with the same seed on the same machine are bit-identical whatever the load.
"""
from __future__ import annotations

_op_determinism = False


def enable_op_determinism() -> None:
    """Make training bit-identical across runs with the same seed (`keras.utils.set_random_seed`).

    Example:
    >>> enable_op_determinism(); is_op_determinism_enabled()
    True
    >>> disable_op_determinism()
    """
    global _op_determinism
    _op_determinism = True


def disable_op_determinism() -> None:
    """Back to the default: `fit` chooses the BLAS thread count by timing (fastest, not bit-reproducible)."""
    global _op_determinism
    _op_determinism = False


def is_op_determinism_enabled() -> bool:
    return _op_determinism
