"""`keras.utils.PyDataset` (and its older name `keras.utils.Sequence`): batches computed by Python code."""
from __future__ import annotations

from typing import Any, Optional


class PyDataset:
    """Base class for a data set of batches, indexed by batch number.

    Subclasses implement `__getitem__(index)` (returning `(x, y)`, `(x, y, sample_weight)` or `(x,)`) and
    `__len__` (or a `num_batches` property; None means infinite). `on_epoch_begin`/`on_epoch_end` are called
    around each epoch, e.g. to reshuffle.

    Args:
        workers: threads computing batches ahead of the training step (1: in the training thread). Use more
            when `__getitem__` waits on I/O; NumPy work releases the GIL only in parts.
        use_multiprocessing: worker processes instead of threads; not supported by neuronet (refused when
            the data set is used, so that the argument is never silently ignored). Use threads.
        max_queue_size: batches computed ahead at most (with `workers > 1`).

    Example:
    >>> import numpy as np
    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, index):
    ...         x = np.full((2, 1), float(index))
    ...         return x, x ** 2
    >>> Squares()[2][1].ravel().tolist()
    [4.0, 4.0]
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        for name, value in (("workers", workers), ("max_queue_size", max_queue_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement `__getitem__(index)` returning a batch.")

    @property
    def num_batches(self) -> Optional[int]:
        """Batches per epoch (`len(self)`), or None for an infinite data set."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__} must implement `__len__` or the `num_batches` property.")

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""


Sequence = PyDataset  # Keras 3 keeps the old name as an alias
