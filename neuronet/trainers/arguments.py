"""Checks and conversions of the arguments of `compile`, `fit`, `evaluate` and `predict`."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuronet.utils.tree import flatten


def verbosity(verbose: Any) -> int:
    """The progress level a `verbose` argument means: "auto" is 1 on a terminal or in Jupyter, 2 in a log."""
    if verbose == "auto":
        from neuronet.utils import progbar  # with a Progbar to show (import neuronet stays fast)

        return 1 if progbar.is_interactive() else 2
    if not isinstance(verbose, (int, np.integer)):
        raise ValueError(f"`verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def check_batch_size(batch_size: Any) -> int:
    if batch_size is None:
        return 32
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
    return int(batch_size)


def check_steps_per_execution(steps: Any) -> int:
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps <= 0:
        raise ValueError(f"`steps_per_execution` must be a positive integer. Received: steps_per_execution={steps!r}")
    return int(steps)


def check_identifiers(loss: Any, metrics: Any, weighted_metrics: Any) -> None:
    """Unknown loss or metric names fail in `compile()`, not at the first `fit()`."""
    from neuronet import losses, metrics as metrics_module

    for identifier in flatten(loss):
        if isinstance(identifier, str) and identifier.lower() not in ("crossentropy", "ce"):  # chosen by shape
            losses.get(identifier)
    for identifier in flatten(metrics) + flatten(weighted_metrics):
        if isinstance(identifier, str) and identifier.lower() not in ("accuracy", "acc"):
            metrics_module.get(identifier)


def unpack_validation(data: Any) -> tuple:
    if not isinstance(data, (list, tuple)):
        return data, None, None  # a generator or PyDataset of (x_val, y_val) batches
    if len(data) not in (2, 3):
        raise ValueError("`validation_data` must be a tuple `(x_val, y_val)` or `(x_val, y_val, val_sample_weight)`."
                         f" Received: {type(data).__name__} of length {len(data)}")
    return tuple(data) if len(data) == 3 else (data[0], data[1], None)


def check_epochs(epochs: Any, initial_epoch: Any) -> None:
    """Keras trains `range(initial_epoch, epochs)`; an empty range from bad values is an error, not a result."""
    for name, value in (("epochs", epochs), ("initial_epoch", initial_epoch)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"`{name}` must be a non-negative integer. Received: {name}={value!r} "
                             f"(epochs={epochs!r}, initial_epoch={initial_epoch!r}).")
    if initial_epoch > epochs:
        raise ValueError(f"`initial_epoch` ({initial_epoch}) is larger than `epochs` ({epochs}): `epochs` is the "
                         "index of the last epoch plus one, not a number of epochs to add. Pass epochs > "
                         "initial_epoch (e.g. epochs=initial_epoch + 10).")


def batch_size_of(x: Any) -> int:
    return x.shape[0] if hasattr(x, "shape") else len(flatten(x)[0])


def python_logs(logs: Any) -> dict:
    """Step results as plain floats; a dict result (`compile_metrics`) is spread into the logs, as in Keras."""
    out: dict = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            out.update(python_logs(value))
        else:
            out[key] = _as_float(value)
    return out


def _as_float(value: Any) -> Any:
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        return float(value)
    except (TypeError, ValueError):
        return value
