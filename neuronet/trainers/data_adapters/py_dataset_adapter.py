"""PyDatasetAdapter: batches from a `keras.utils.PyDataset` / `Sequence`, optionally computed by worker threads."""
from __future__ import annotations

import collections
import itertools
from typing import Any, Callable, Iterator, Optional, Tuple

from neuronet.trainers.data_adapters.data_adapter import DataAdapter
from neuronet.trainers.data_adapters.data_adapter_utils import standardize_batch


class PyDatasetAdapter(DataAdapter):
    """Iterates over a PyDataset's batches, in index order or shuffled by batch.

    With `workers > 1` a thread pool computes up to `max_queue_size` batches ahead, in order; batches are
    still delivered in the epoch's order, so results do not depend on `workers`.

    Args:
        py_dataset: the `PyDataset` (or an object with `__getitem__` and `__len__`, as a `Sequence`).
        shuffle: shuffle the batch order every epoch (with neuronet's seeded generator).
        steps: batches per epoch (`steps_per_epoch`); by default `len(py_dataset)`.
        class_weight: dict class -> weight, turned into sample weights per batch.
        standardize: applied to each batch's inputs (the model's input adjustment).
    """

    source_name = "A PyDataset's `__getitem__`"

    def __init__(self, py_dataset: Any, shuffle: bool = False, steps: Optional[int] = None,
                 class_weight: Optional[dict] = None, standardize: Optional[Callable[[Any], Any]] = None) -> None:
        super().__init__()
        self._standardize = standardize
        if getattr(py_dataset, "use_multiprocessing", False):
            raise ValueError(f"{type(py_dataset).__name__} was created with use_multiprocessing=True, which "
                             "neuronet does not support (worker processes). Use threads instead: "
                             "`super().__init__(workers=4, use_multiprocessing=False)`.")
        self.py_dataset = py_dataset
        self.num_batches = py_dataset.num_batches if hasattr(py_dataset, "num_batches") else len(py_dataset)
        if self.num_batches == 0:
            raise ValueError(f"The {type(py_dataset).__name__} passed as `x` has 0 batches (`len()` is 0): there "
                             "is nothing to train on, evaluate or predict.")
        self.shuffle = bool(shuffle) and self.num_batches is not None
        self.steps = steps if steps is not None else self.num_batches
        if self.steps is not None and self.num_batches is not None:
            self.steps = min(self.steps, self.num_batches)
        self.class_weight = class_weight
        self.workers = int(getattr(py_dataset, "workers", 1))
        self.max_queue_size = int(getattr(py_dataset, "max_queue_size", 10))
        self._pool: Any = None  # a ThreadPoolExecutor once `workers > 1` reads ahead
        self._first: Optional[Tuple[Any, Any, Any]] = None

    def _batch(self, index: int) -> Tuple[Any, Any, Any]:
        return standardize_batch(self.py_dataset[int(index)], self.source_name, self.class_weight,
                                 self._standardize)

    def peek(self) -> Tuple[Any, Any, Any]:
        if self._first is None:
            self._first = self._batch(0)
        return self._first

    def __iter__(self) -> Iterator[Tuple[int, Any, Any, Any]]:
        if self.num_batches is None:
            first, self.order = 0, None
            indices: Any = itertools.count()
        else:
            first = self._epoch_start(self.num_batches, self.shuffle)
            indices = self.order if self.order is not None else range(self.num_batches)
        if hasattr(self.py_dataset, "on_epoch_begin"):
            self.py_dataset.on_epoch_begin()
        steps = self.steps
        wanted = itertools.islice(enumerate(indices), first, steps)
        if self.workers <= 1:
            for step, index in wanted:
                yield (step, *self._batch(index))
            return
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor  # with logging and queue: only when workers read ahead

            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="neuronet-pydataset")
        pending: collections.deque = collections.deque()
        try:
            for step, index in wanted:
                pending.append((step, self._pool.submit(self._batch, index)))
                if len(pending) >= self.max_queue_size:
                    done_step, future = pending.popleft()
                    yield (done_step, *future.result())
            while pending:
                done_step, future = pending.popleft()
                yield (done_step, *future.result())
        finally:
            for _, future in pending:
                future.cancel()

    def on_epoch_end(self) -> None:
        if hasattr(self.py_dataset, "on_epoch_end"):
            self.py_dataset.on_epoch_end()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
