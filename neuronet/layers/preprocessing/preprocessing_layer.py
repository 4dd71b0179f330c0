"""PreprocessingLayer: state computed from data by `adapt()` before training, not by gradients."""
from __future__ import annotations

import itertools
import numbers
from typing import Any, Iterator, Optional

from neuronet import backend
from neuronet.autodiff import Tensor
from neuronet.layers.layer import Layer


class PreprocessingLayer(Layer):
    """Base class of the layers whose state `adapt(data)` computes (tf.keras's `PreprocessingLayer` protocol).

    A subclass writes `reset_state()` (forget the statistics), `update_state(batch)` (fold one batch in, a NumPy
    array) and, if needed, `finalize_state()` (after the last batch). `adapt` builds the layer from the first batch,
    feeds it every batch and sets `is_adapted`.

    Example:
    >>> class Maximum(PreprocessingLayer):
    ...     def reset_state(self):
    ...         self.max = -np.inf
    ...     def update_state(self, data):
    ...         self.max = max(self.max, float(data.max()))
    ...     def call(self, inputs):
    ...         return inputs * (1.0 / self.max)
    >>> layer = Maximum()
    >>> layer.adapt(np.array([[1.0], [4.0]])); layer.is_adapted, layer.max
    (True, 4.0)
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._is_adapted = False

    @property
    def is_adapted(self) -> bool:
        """Whether the layer has been fit to data already."""
        return self._is_adapted

    def reset_state(self) -> None:
        """Resets the statistics of the preprocessing layer."""
        raise NotImplementedError(f"{type(self).__name__} must implement `reset_state()` to be adapted.")

    def update_state(self, data: Any) -> None:
        """Accumulates statistics for the preprocessing layer from one batch (a NumPy array)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state(data)` to be adapted.")

    def finalize_state(self) -> None:
        """Called at the end of `adapt`, after the last `update_state`."""

    def adapt(self, data: Any, batch_size: Optional[int] = None, steps: Optional[int] = None) -> None:
        """Compute the layer's state from `data`.

        Args:
            data: a NumPy array (or tensor), or an iterable of batches (arrays, or `(x, y)` tuples whose `x` is used).
            batch_size: samples per state update for array data (default 32); not allowed with an iterable, which
                yields its own batches.
            steps: number of batches to use (default: all of them).
        """
        batches = _batches(self, data, batch_size, steps)
        first = next(batches, None)
        if first is None:
            raise ValueError(f"{type(self).__name__} {self.name!r}: adapt() received no data (an empty array or an "
                             "iterable with no batches). Pass the training data, e.g. `layer.adapt(X_train)`.")
        if not self.built:
            self._build_shape = (None,) + tuple(first.shape[1:])
            self.build(self._build_shape)
            self.built = True
        self.reset_state()
        for batch in itertools.chain([first], batches):
            self.update_state(batch)
        self.finalize_state()
        self._is_adapted = True


def _batches(layer: Layer, data: Any, batch_size: Optional[int], steps: Optional[int]) -> Iterator[Any]:
    for name, value in (("batch_size", batch_size), ("steps", steps)):
        if value is not None and (not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1):
            raise ValueError(f"{type(layer).__name__}.adapt(): `{name}` must be a positive integer or None. "
                             f"Received: {name}={value!r}")
    if (_is_array(data) or isinstance(data, list)) and not _is_list_of_batches(data):
        array = _as_array(layer, data)
        size = batch_size or 32
        starts = range(0, len(array), size)
        batches: Iterator[Any] = (array[i:i + size] for i in starts)
    elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
        if batch_size is not None:
            raise ValueError(f"{type(layer).__name__}.adapt(): do not pass `batch_size` with an iterable of batches "
                             f"(it yields its own batches). Received: batch_size={batch_size}")
        batches = (_as_array(layer, b[0] if isinstance(b, tuple) else b) for b in data)
    else:
        raise TypeError(f"{type(layer).__name__}.adapt() expects a NumPy array, a tensor or an iterable of batches. "
                        f"Received: {type(data).__name__}")
    return itertools.islice(batches, steps) if steps is not None else batches


def _is_list_of_batches(data: Any) -> bool:
    """`[x1, x2]` as a list of batches (arrays) rather than nested Python numbers."""
    return isinstance(data, list) and bool(data) and all(_is_array(b) or isinstance(b, tuple) for b in data)


def _is_array(data: Any) -> bool:
    """A host or device array, or a Tensor (not a list of numbers)."""
    return isinstance(data, Tensor) or (hasattr(data, "shape") and hasattr(data, "dtype"))


def _as_array(layer: Layer, batch: Any) -> Any:
    """One batch as a host array: adapt() computes its statistics on the host."""
    array = backend.to_numpy(batch)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{type(layer).__name__} {layer.name!r}: adapt() needs numeric data. Received an array of "
                        f"dtype {array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"{type(layer).__name__} {layer.name!r}: adapt() needs a batch axis. Received a scalar.")
    return array
