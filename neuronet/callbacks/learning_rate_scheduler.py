"""LearningRateScheduler: set the optimizer's learning rate at the start of every epoch from a function."""
from __future__ import annotations

import inspect
import numbers
from typing import Any, Callable, Optional

import numpy as np

from neuronet.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch, calls `schedule(epoch, lr)` (epoch indexed from 0, lr the current rate as
    a float) or, for a one-argument function, `schedule(epoch)`, and sets the returned rate on the optimizer.
    The rate in effect is added to the epoch logs as `"learning_rate"` (as in Keras 3).

    Args:
        schedule: the function returning the new learning rate (a float).
        verbose: 0 (quiet) or 1 (prints each update).

    Example:
    >>> import numpy as np, neuronet as keras
    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * float(np.exp(-0.1))
    >>> model = keras.Sequential([keras.layers.Dense(1)])
    >>> model.compile(keras.optimizers.SGD(), loss="mse")
    >>> round(model.optimizer.learning_rate, 5)
    0.01
    >>> history = model.fit(np.ones((5, 20)) / 20, np.zeros(5), epochs=15,
    ...                     callbacks=[keras.callbacks.LearningRateScheduler(scheduler)], verbose=0)
    >>> round(model.optimizer.learning_rate, 5)
    0.00607
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError("`schedule` must be a function `schedule(epoch, lr) -> new_lr` (or `schedule(epoch)`). "
                            f"Received: schedule={schedule!r}")
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = _accepts_two_arguments(schedule)

    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> float:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        if self._takes_lr is None:  # signature unknown (a builtin): try Keras's way
            try:
                value = self.schedule(epoch, float(optimizer.learning_rate))
            except TypeError:
                value = self.schedule(epoch)
        elif self._takes_lr:
            value = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            value = self.schedule(epoch)
        learning_rate = _as_float(value)
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        learning_rate = self._update_optimizer_lr(self.model.optimizer, epoch)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}.")

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _accepts_two_arguments(function: Callable) -> Optional[bool]:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


def _as_float(value: Any) -> float:
    if hasattr(value, "numpy") and not isinstance(value, numbers.Number):
        value = value.numpy()  # a Tensor or Variable
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # Keras raises ValueError here
        message = f"The output of the `schedule` function should be a float. Got: {value!r} ({type(value).__name__})."
        raise ValueError(message)  # noqa: TRY004
    return float(value)
