"""DataAdapter: arrays (or lists/dicts of arrays) in, shuffled batches out."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional, Tuple

import numpy as np

from neuronet import backend
from neuronet.autodiff import Tensor
from neuronet.utils.tree import flatten, pack_like  # noqa: F401 (`da.flatten` in the trainer)


def to_array(data: Any, name: str, cast_float: bool = True) -> np.ndarray:
    """One input or target array as floatx (ints and float64 are cast once, not per step).

    With `cast_float=False` (targets) integer arrays stay integers: class labels, used as indices.
    """
    if isinstance(data, Tensor):
        data = data.numpy()
    array = np.asarray(data)
    if array.dtype == object or not (array.dtype.kind in "biuf"):
        raise TypeError(f"`{name}` must be numeric. Received an array of dtype {array.dtype}.")
    if array.dtype != backend.floatx() and (cast_float or array.dtype.kind == "f"):
        array = array.astype(backend.floatx())
    if array.ndim == 0:
        raise ValueError(f"`{name}` must have a batch axis. Received a scalar: {array!r}")
    # min and max are NaN/inf when any element is: two passes, without `isfinite`'s full-size boolean temporary
    if array.dtype.kind == "f" and array.size and not (np.isfinite(array.min()) and np.isfinite(array.max())):
        bad = np.argwhere(~np.isfinite(array.reshape(len(array), -1)))[0][0]
        raise ValueError(f"`{name}` contains NaN or infinite values (first at sample {bad}). Clean or impute the "
                         "data before training: a model trained on them produces NaN.")
    return array


def map_arrays(structure: Any, name: str, cast_float: bool = True) -> Any:
    return pack_like(structure, [to_array(a, name, cast_float) for a in flatten(structure)])


def num_samples(x: Any, y: Any = None, sample_weight: Any = None) -> int:
    sizes = {label: [len(a) for a in flatten(data)] for label, data in (("x", x), ("y", y),
                                                                          ("sample_weight", sample_weight))}
    all_sizes = {s for values in sizes.values() for s in values}
    if len(all_sizes) > 1:
        details = ", ".join(f"{k} sizes: {', '.join(map(str, v))}" for k, v in sizes.items() if v)
        raise ValueError(f"Data cardinality is ambiguous: {details}. Make sure all arrays contain the same "
                         "number of samples.")
    if not all_sizes:
        raise ValueError("No data: pass `x` (and `y` for training) as arrays.")
    return all_sizes.pop()


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


class DataAdapter:
    """Iterates over (x, y, sample_weight) batches of NumPy arrays.

    Args:
        x, y, sample_weight: arrays or nested lists/dicts of arrays of the same length.
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: reshuffle the sample order every epoch.
        steps: stop an epoch after this many batches (`steps_per_epoch`).
    """

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int = 32,
                 shuffle: bool = False, steps: Optional[int] = None) -> None:
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.x_flat, self.y_flat, self.sw_flat = flatten(x), flatten(y), flatten(sample_weight)
        self.size = num_samples(x, y, sample_weight)
        self.batch_size = batch_size
        self.shuffle = shuffle
        batches = -(-self.size // batch_size)
        self.steps = batches if steps is None else min(int(steps), batches)

    def __iter__(self) -> Iterator[Tuple[int, Any, Any, Any]]:
        from neuronet.utils import random as nn_random

        order = nn_random.generator().permutation(self.size) if self.shuffle else None
        for step in range(self.steps):
            start = step * self.batch_size
            index = slice(start, start + self.batch_size) if order is None else order[start:start + self.batch_size]
            yield (step, self._take(self.x, self.x_flat, index), self._take(self.y, self.y_flat, index),
                   self._take(self.sample_weight, self.sw_flat, index))

    @staticmethod
    def _take(structure: Any, flat: List[Any], index: Any) -> Any:
        if not flat:
            return None
        if len(flat) == 1 and structure is flat[0]:
            return structure[index]
        return pack_like(structure, [a[index] for a in flat])


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
