"""Data adapters: every form of data `fit`/`evaluate`/`predict` accept, read as batches (Keras's layout).

- arrays, Tensors, nested lists of numbers, lists/dicts of arrays: `ArrayDataAdapter`
- `keras.utils.PyDataset` / `Sequence` (anything with `__getitem__` and `__len__` that is not an array):
  `PyDatasetAdapter`
- Python generators, iterators and other iterables of batches: `GeneratorDataAdapter`

The last two load when such data first comes (`import neuronet` loads the array path only).
"""
from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Tuple

import numpy as np

from neuronet import _lazy
from neuronet.autodiff import Tensor
from neuronet.trainers.data_adapters import data_adapter_utils
from neuronet.trainers.data_adapters.array_data_adapter import ArrayDataAdapter
from neuronet.trainers.data_adapters.data_adapter import DataAdapter
from neuronet.utils.py_dataset import PyDataset

__all__ = ["ArrayDataAdapter", "DataAdapter", "GeneratorDataAdapter", "PyDatasetAdapter", "get_data_adapter",
           "is_array_data", "prepare_arrays"]
_LAZY = {"GeneratorDataAdapter": "generator_data_adapter", "PyDatasetAdapter": "py_dataset_adapter"}
__getattr__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.trainers.data_adapters.")[0]


def is_array_data(x: Any) -> bool:
    """Arrays, Tensors, or lists/tuples/dicts of them (or of numbers): data with a length, sliced by rows."""
    if isinstance(x, (np.ndarray, Tensor, np.generic)) or hasattr(x, "__array__"):
        return True
    if isinstance(x, dict):
        return all(is_array_data(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return all(is_array_data(v) or data_adapter_utils.is_nested_numbers([v]) for v in x)
    return False


def _is_py_dataset(x: Any) -> bool:
    return isinstance(x, PyDataset) or (hasattr(x, "__getitem__") and hasattr(x, "__len__")
                                        and not isinstance(x, (str, bytes)))


def prepare_arrays(x: Any, y: Any, sample_weight: Any, class_weight: Any = None,
                   standardize: Optional[Callable[[Any], Any]] = None, check_finite: bool = True) -> Tuple[Any, Any, Any]:
    """Array data converted and checked once: floatx inputs, finite values, one length (at least 1).

    `standardize` (the model's `_standardize_inputs`) adjusts the inputs to the shapes the model declares.
    `check_finite=False`: the inputs' NaN/inf check is the caller's (`predict`).
    """
    if x is None:
        raise ValueError("`x` is required: pass the input data as a NumPy array (or a list/dict of arrays), a "
                         "generator or a `keras.utils.PyDataset`.")
    x = data_adapter_utils.map_arrays(x, "x", check_finite=check_finite)
    if standardize is not None:
        x = standardize(x)
    y = data_adapter_utils.map_arrays(y, "y", cast_float=False) if y is not None else None
    if sample_weight is not None:
        sample_weight = data_adapter_utils.to_array(sample_weight, "sample_weight")
    if class_weight is not None:
        sample_weight = data_adapter_utils.class_weight_to_sample_weights(class_weight, y, sample_weight)
    data_adapter_utils.num_samples(x, y, sample_weight)
    return x, y, sample_weight


def check_steps(steps: Any, name: str) -> Optional[int]:
    if steps is None:
        return None
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps <= 0:
        raise ValueError(f"`{name}` must be a positive integer or None. Received: {name}={steps!r}")
    return int(steps)


def get_data_adapter(x: Any, y: Any = None, sample_weight: Any = None, batch_size: int = 32,
                     steps_per_epoch: Optional[int] = None, shuffle: Any = False, class_weight: Any = None,
                     steps_name: str = "steps_per_epoch",
                     standardize: Optional[Callable[[Any], Any]] = None, check_finite: bool = True) -> DataAdapter:
    """The adapter for `x`'s kind; arguments that kind cannot use are refused, as Keras does.

    `check_finite=False` skips the up-front NaN/inf check of array inputs (see `prepare_arrays`)."""
    steps_per_epoch = check_steps(steps_per_epoch, steps_name)
    if isinstance(x, DataAdapter):
        return x
    if x is not None and is_array_data(x):
        x, y, sample_weight = prepare_arrays(x, y, sample_weight, class_weight, standardize, check_finite)
        return ArrayDataAdapter(x, y, sample_weight, batch_size, shuffle=shuffle, steps=steps_per_epoch)
    kind = "PyDataset" if _is_py_dataset(x) else "generator"
    if x is None or not (kind == "PyDataset" or hasattr(x, "__iter__")):
        raise ValueError(f"Unrecognized data type: x={str(x)[:100]} (of type {type(x).__name__}). Expected "
                         "NumPy arrays (or lists/dicts of them), a Python generator or iterable of batches, or a "
                         "`keras.utils.PyDataset`.")
    for name, value, what in (("y", y, "the targets"), ("sample_weight", sample_weight, "the sample weights")):
        if value is not None:
            raise ValueError(f"When providing `x` as a {kind}, `{name}` should not be passed. Instead, {what} "
                             f"should be included as part of the {kind}.")
    if kind == "PyDataset":
        from neuronet.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

        return PyDatasetAdapter(x, shuffle=shuffle, steps=steps_per_epoch, class_weight=class_weight,
                                standardize=standardize)
    if class_weight is not None:
        raise ValueError("Argument `class_weight` is not supported for Python generator inputs. Received: "
                         f"class_weight={class_weight}")
    if shuffle:
        warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was provided as a "
                      "generator. The generator is expected to yield already-shuffled data.", stacklevel=3)
    from neuronet.trainers.data_adapters.generator_data_adapter import GeneratorDataAdapter

    return GeneratorDataAdapter(x, steps=steps_per_epoch, standardize=standardize)
