"""ArrayDataAdapter: arrays (or lists/dicts of arrays) in, shuffled batches out."""
from __future__ import annotations

from typing import Any, Iterator, List, Optional, Tuple

from neuronet.trainers.data_adapters.data_adapter import DataAdapter
from neuronet.trainers.data_adapters.data_adapter_utils import num_samples
from neuronet.utils.tree import flatten, pack_like


class ArrayDataAdapter(DataAdapter):
    """Iterates over (x, y, sample_weight) batches of NumPy arrays.

    Args:
        x, y, sample_weight: arrays or nested lists/dicts of arrays of the same length (already converted).
        batch_size: samples per batch (the last batch may be smaller).
        shuffle: reshuffle the sample order every epoch.
        steps: stop an epoch after this many batches (`steps_per_epoch`).

    Example:
    >>> import numpy as np
    >>> [xb.shape for _, xb, _, _ in ArrayDataAdapter(np.zeros((5, 2)), batch_size=2)]
    [(2, 2), (2, 2), (1, 2)]
    """

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int = 32,
                 shuffle: bool = False, steps: Optional[int] = None) -> None:
        super().__init__()
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.x_flat, self.y_flat, self.sw_flat = flatten(x), flatten(y), flatten(sample_weight)
        self.size = num_samples(x, y, sample_weight)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.num_batches = -(-self.size // batch_size)
        self.steps = self.num_batches if steps is None else min(int(steps), self.num_batches)

    def rows(self) -> Optional[int]:
        return min(self.size, self.steps * self.batch_size)

    def peek(self) -> Tuple[Any, Any, Any]:
        return self.x, self.y, self.sample_weight

    def __iter__(self) -> Iterator[Tuple[int, Any, Any, Any]]:
        first = self._epoch_start(self.size, bool(self.shuffle))
        order = self.order
        for step in range(first, self.steps):
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
