"""Checks and conversions of the arguments of `compile`, `fit`, `evaluate` and `predict`."""
from __future__ import annotations

from typing import Any

import numpy as np

from neuronet.trainers import data_adapter as da
from neuronet.utils import progbar


def verbosity(verbose: Any) -> int:
    """The progress level a `verbose` argument means: "auto" is 1 on a terminal or in Jupyter, 2 in a log."""
    if verbose == "auto":
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

    for identifier in da.flatten(loss):
        if isinstance(identifier, str) and identifier.lower() not in ("crossentropy", "ce"):  # chosen by shape
            losses.get(identifier)
    for identifier in da.flatten(metrics) + da.flatten(weighted_metrics):
        if isinstance(identifier, str) and identifier.lower() not in ("accuracy", "acc"):
            metrics_module.get(identifier)


def unpack_validation(data: Any) -> tuple:
    if not isinstance(data, (list, tuple)) or len(data) not in (2, 3):
        raise ValueError("`validation_data` must be a tuple `(x_val, y_val)` or `(x_val, y_val, val_sample_weight)`."
                         f" Received: {type(data).__name__} of length {len(data) if hasattr(data, '__len__') else '?'}")
    return tuple(data) if len(data) == 3 else (data[0], data[1], None)


def class_weights_to_sample_weights(class_weight: dict, y: Any, sample_weight: Any) -> np.ndarray:
    flat = da.flatten(y)
    if len(flat) != 1:
        raise ValueError("`class_weight` is only supported for models with a single output.")
    labels = flat[0]
    labels = np.argmax(labels, axis=-1) if labels.ndim > 1 and labels.shape[-1] > 1 else labels.reshape(len(labels))
    labels = labels.astype(np.int64)
    missing = set(np.unique(labels).tolist()) - set(int(k) for k in class_weight)
    if missing:
        raise ValueError(f"`class_weight` has no entry for classes {sorted(missing)} found in `y`. Expected a dict "
                         "mapping every class index to a weight.")
    table = np.zeros(max(int(k) for k in class_weight) + 1, dtype="float32")
    for k, v in class_weight.items():
        table[int(k)] = v
    weights = table[labels]
    return weights if sample_weight is None else weights * sample_weight


def batch_size_of(x: Any) -> int:
    return x.shape[0] if hasattr(x, "shape") else len(da.flatten(x)[0])


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
