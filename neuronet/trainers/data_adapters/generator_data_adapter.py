"""GeneratorDataAdapter: batches from a Python generator, iterator or re-iterable object, as Keras reads them.

Each item is one batch: `(x,)`, `(x, y)` or `(x, y, sample_weight)`. Without `steps_per_epoch` an epoch lasts
until the source is exhausted; a re-iterable object (one whose `iter()` returns a new iterator) starts again
every epoch, a generator cannot, so a second epoch finds it empty. With `steps_per_epoch` the same iterator
continues from epoch to epoch, as Keras's EpochIterator does; when it runs out, training stops with Keras's
warning ("Your input ran out of data; interrupting training").
"""
from __future__ import annotations

import itertools
import warnings
from typing import Any, Callable, Iterator, Optional, Tuple

from neuronet.trainers.data_adapters.data_adapter import DataAdapter
from neuronet.trainers.data_adapters.data_adapter_utils import standardize_batch

RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
           "generate at least `steps_per_epoch * epochs` batches.")


class GeneratorDataAdapter(DataAdapter):
    """Iterates over the batches a generator (or other iterable) yields.

    Args:
        source: a generator, an iterator, or an iterable that is not an array.
        steps: batches per epoch (`steps_per_epoch`); None: until the source ends.
        standardize: applied to each batch's inputs (the model's input adjustment).

    Example:
    >>> import numpy as np
    >>> batches = ((np.ones((2, 3)), np.zeros(2)) for _ in range(3))
    >>> [xb.shape for _, xb, _, _ in GeneratorDataAdapter(batches)]
    [(2, 3), (2, 3), (2, 3)]
    """

    source_name = "A generator passed to a Keras model"

    def __init__(self, source: Any, steps: Optional[int] = None,
                 standardize: Optional[Callable[[Any], Any]] = None) -> None:
        super().__init__()
        self._standardize = standardize
        self.steps = steps
        self.num_batches = None
        self._reiterable = iter(source) is not source
        self._source = source
        self._iterator = iter(source)
        try:
            first = next(self._iterator)
        except StopIteration:
            raise ValueError("When passing a Python generator to a Keras model, the generator must yield at least "
                             "one batch. Received an empty generator.") from None
        self._first = standardize_batch(first, self.source_name, standardize=standardize)
        self._iterator = itertools.chain([first], self._iterator)
        self._epochs = 0

    def peek(self) -> Tuple[Any, Any, Any]:
        return self._first

    def __iter__(self) -> Iterator[Tuple[int, Any, Any, Any]]:
        self._resume = None  # a generator cannot be rewound: a resumed run continues with fresh batches
        if self._epochs and (self._reiterable and self.steps is None):
            self._iterator = iter(self._source)
        self._epochs += 1
        step = 0
        while self.steps is None or step < self.steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                if self.steps is not None or step == 0:
                    warnings.warn(RAN_OUT, UserWarning, stacklevel=3)
                    self.ran_out = True
                return
            yield (step, *standardize_batch(batch, self.source_name, standardize=self._standardize))
            step += 1
