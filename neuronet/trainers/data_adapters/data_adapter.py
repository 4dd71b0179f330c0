"""DataAdapter: the interface `fit`/`evaluate`/`predict` read batches through, whatever form the data has."""
from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

import numpy as np


class DataAdapter:
    """Batches of one epoch as `(step, x, y, sample_weight)`; subclasses say where they come from.

    Attributes:
        steps: batches per epoch (`steps_per_epoch` when given), or None when only the data's end says it.
        ran_out: set when a one-shot source ended before `steps` batches: training stops there, as in Keras.
        order: the permutation of this epoch (rows or batch indices), None when not shuffled. Saved by
            `BackupAndRestore` with the step, and given back to `resume` to continue an epoch exactly.
    """

    steps: Optional[int] = None
    ran_out = False
    order: Optional[np.ndarray] = None

    def __init__(self) -> None:
        self._resume: Optional[Tuple[Optional[np.ndarray], int]] = None

    def peek(self) -> Tuple[Any, Any, Any]:
        """`(x, y, sample_weight)` to build the model from and check targets against (all data, or one batch)."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[Tuple[int, Any, Any, Any]]:
        raise NotImplementedError

    def resume(self, order: Optional[np.ndarray], start_step: int) -> None:
        """Make the next epoch use `order` and start at batch `start_step` (an interrupted epoch, continued)."""
        self._resume = (None if order is None else np.asarray(order), int(start_step))

    def _epoch_start(self, size: int, shuffle: bool) -> int:
        """Sets `self.order` for the epoch beginning now; returns the first step to run."""
        from neuronet.utils import random as nn_random

        if self._resume is not None:
            self.order, start = self._resume
            self._resume = None
            if self.order is not None and len(self.order) != size:
                raise ValueError(f"Cannot resume the interrupted epoch: the saved order covers {len(self.order)} "
                                 f"items, the data has {size}. Resume with the same data, or start afresh.")
            return start
        self.order = nn_random.generator().permutation(size) if shuffle else None
        return 0

    def rows(self) -> Optional[int]:
        """Rows one pass from the start yields, when known in advance (arrays); None otherwise (generators)."""
        return None

    def on_epoch_end(self) -> None:
        """Called after each epoch (PyDataset forwards it)."""

    def close(self) -> None:
        """Stop any worker threads."""
