"""Checks and conversions every data adapter shares: arrays in, clear errors for data that cannot train.

Inputs are converted once (not per step) to floatx; targets keep integer labels as integers. Non-finite values
are looked for a chunk at a time, so checking a large array never allocates a mask as large as the array.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Optional, Tuple

import numpy as np

from neuronet import backend
from neuronet.autodiff import Tensor
from neuronet.utils.tree import flatten, pack_like

_CHECK_CHUNK_VALUES = 1 << 20  # values per finiteness check: a 1 MiB boolean mask at most


def is_nested_numbers(data: Any) -> bool:
    """A (nested) Python list/tuple of numbers: one array written as lists, not a list of several inputs."""
    if not isinstance(data, (list, tuple)):
        return False
    return all(isinstance(v, numbers.Number) or is_nested_numbers(v) for v in data)


def _from_nested_lists(data: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(data)
    except ValueError:
        lengths = [len(row) if isinstance(row, (list, tuple)) else "a number" for row in data]
        first = next(i for i, n in enumerate(lengths) if n != lengths[0])
        raise ValueError(f"`{name}` is a ragged nested list: its rows must all have the same length to form an "
                         f"array, but row 0 has length {lengths[0]} and row {first} has length {lengths[first]} "
                         f"(row lengths seen: {sorted(set(map(str, lengths)))}). Pad the rows to one length, or "
                         "pass a NumPy array.") from None


def first_non_finite(array: np.ndarray) -> Optional[int]:
    """Index of the first sample holding NaN or inf, or None; checks a chunk of rows at a time."""
    if array.dtype.kind != "f" or array.size == 0:
        return None
    if np.isfinite(array.min()) and np.isfinite(array.max()):  # NaN/inf propagate: two passes, no temporary
        return None
    row = max(1, array.size // max(len(array), 1))
    rows = max(1, _CHECK_CHUNK_VALUES // row)
    for start in range(0, len(array), rows):
        chunk = array[start:start + rows]
        if not np.isfinite(chunk).all():
            return start + int(np.argwhere(~np.isfinite(chunk.reshape(len(chunk), -1)))[0][0])
    return None


def to_array(data: Any, name: str, cast_float: bool = True, offset: int = 0, check_finite: bool = True) -> np.ndarray:
    """One input or target array as floatx (ints and float64 are cast once, not per step).

    With `cast_float=False` (targets) integer arrays stay integers: class labels, used as indices. `offset` is
    the position of `data`'s first sample in the whole data set (for error messages about one batch).
    `check_finite=False` leaves the NaN/inf check to the caller (`predict` checks its outputs instead: one pass
    over the results rather than two over the inputs).

    Example:
    >>> to_array([[1, 2], [3, 4]], "x").dtype
    dtype('float32')
    """
    if isinstance(data, Tensor):
        data = data.numpy()
    array = _from_nested_lists(data, name) if isinstance(data, (list, tuple)) else np.asarray(data)
    if array.dtype == object or not (array.dtype.kind in "biuf"):
        raise TypeError(f"`{name}` must be numeric. Received an array of dtype {array.dtype}.")
    if array.dtype != backend.floatx() and (cast_float or array.dtype.kind == "f"):
        array = array.astype(backend.floatx())
    if array.ndim == 0:
        raise ValueError(f"`{name}` must have a batch axis. Received a scalar: {array!r}")
    if check_finite:
        check_all_finite(array, name, offset)
    return array


def check_all_finite(array: np.ndarray, name: str, offset: int = 0) -> None:
    """Raises the data error naming the first sample of `array` that holds NaN or inf."""
    bad = first_non_finite(array)
    if bad is not None:
        raise ValueError(f"`{name}` contains NaN or infinite values (first at sample {offset + bad}). Clean or "
                         "impute the data before training: a model trained on them produces NaN.")


def map_arrays(structure: Any, name: str, cast_float: bool = True, offset: int = 0, check_finite: bool = True) -> Any:
    """`to_array` on every array of a nested list/dict; a list of numbers (or of lists of numbers) is one array."""
    if isinstance(structure, dict):
        return {k: map_arrays(v, name, cast_float, offset, check_finite) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not is_nested_numbers(structure):
        return type(structure)(map_arrays(v, name, cast_float, offset, check_finite) for v in structure)
    return to_array(structure, name, cast_float, offset, check_finite)


def num_samples(x: Any, y: Any = None, sample_weight: Any = None) -> int:
    """The common number of samples of all arrays; an error when they differ or when there are none."""
    sizes = {label: [len(a) for a in flatten(data)] for label, data in (("x", x), ("y", y),
                                                                          ("sample_weight", sample_weight))}
    all_sizes = {s for values in sizes.values() for s in values}
    if len(all_sizes) > 1:
        details = ", ".join(f"{k} sizes: {', '.join(map(str, v))}" for k, v in sizes.items() if v)
        raise ValueError(f"Data cardinality is ambiguous: {details}. Make sure all arrays contain the same "
                         "number of samples.")
    if not all_sizes:
        raise ValueError("No data: pass `x` (and `y` for training) as arrays.")
    size = all_sizes.pop()
    if size == 0:
        shapes = ", ".join(f"{k}: {[tuple(a.shape) for a in flatten(v)]}" for k, v in
                           (("x", x), ("y", y), ("sample_weight", sample_weight)) if flatten(v))
        raise ValueError(f"The data has 0 samples ({shapes}): there is nothing to train on, evaluate or predict. "
                         "Expected arrays with at least one row; check the filtering or loading that produced them.")
    return size


def split_validation(arrays: Tuple[Any, ...], validation_split: float) -> Tuple[Tuple[Any, ...], Tuple[Any, ...]]:
    """Keras takes the last `validation_split` fraction of the samples, before any shuffling."""
    n = num_samples(*arrays)
    cut = int(n * (1.0 - validation_split))
    if cut == 0 or cut == n:
        raise ValueError(f"`validation_split` ({validation_split}) leaves no samples for training or for "
                         f"validation with {n} samples.")
    head = tuple(pack_like(a, [v[:cut] for v in flatten(a)]) for a in arrays)
    tail = tuple(pack_like(a, [v[cut:] for v in flatten(a)]) for a in arrays)
    return head, tail


def unpack_batch(batch: Any, source: str) -> Tuple[Any, Any, Any]:
    """A batch from a generator or PyDataset: `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`, lists allowed."""
    if isinstance(batch, dict) or isinstance(batch, (np.ndarray, Tensor)):
        return batch, None, None
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple) or len(batch) not in (1, 2, 3):
        size = f" of length {len(batch)}" if isinstance(batch, tuple) else ""
        raise ValueError(f"{source} must yield tuples `(inputs,)`, `(inputs, targets)` or `(inputs, targets, "
                         f"sample_weights)`. Received: {type(batch).__name__}{size}: {str(batch)[:100]}")
    return tuple(batch) + (None,) * (3 - len(batch))


def standardize_batch(batch: Any, source: str, class_weight: Optional[dict] = None,
                      standardize: Optional[Callable[[Any], Any]] = None) -> Tuple[Any, Any, Any]:
    """Arrays of one batch from a generator or PyDataset, checked as `fit` checks whole arrays."""
    x, y, sample_weight = unpack_batch(batch, source)
    x = map_arrays(x, "x")
    if standardize is not None:
        x = standardize(x)
    y = map_arrays(y, "y", cast_float=False) if y is not None else None
    if sample_weight is not None:
        sample_weight = to_array(sample_weight, "sample_weight")
    if class_weight is not None:
        if sample_weight is not None:
            raise ValueError(f"{source} yields sample weights, so `class_weight` cannot be used too. Pass one "
                             "or the other.")
        sample_weight = class_weight_to_sample_weights(class_weight, y)
    num_samples(x, y, sample_weight)
    return x, y, sample_weight


def class_weight_to_sample_weights(class_weight: dict, y: Any, sample_weight: Any = None) -> np.ndarray:
    """One weight per sample from its class (the argmax of one-hot targets, or the integer label)."""
    flat = flatten(y)
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


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> tuple:
    """The `data` tuple a step receives: `(x,)`, `(x, y)` or `(x, y, sample_weight)`, as Keras packs it."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """`(x, y, sample_weight)` from what `train_step(data)` received (missing parts are None)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found a tuple of {len(data)} elements.")
