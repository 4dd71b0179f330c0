"""LambdaCallback: a callback built from plain functions."""
from __future__ import annotations

from typing import Any, Callable, Optional

from neuronet.callbacks.callback import Callback

_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
                "on_predict_batch_begin", "on_predict_batch_end", "on_batch_begin", "on_batch_end")


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly.

    The functions are called positionally: `on_epoch_begin`/`on_epoch_end` with `(epoch, logs)`,
    `on_train_begin`/`on_train_end` with `(logs)`, the batch hooks with `(batch, logs)`.

    Args:
        on_epoch_begin: called at the beginning of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_train_begin: called at the beginning of model training.
        on_train_end: called at the end of model training.
        on_train_batch_begin: called at the beginning of every train batch.
        on_train_batch_end: called at the end of every train batch.
        **kwargs: any other `Callback` hook, as `hook_name=function` (e.g. `on_test_end=fn`).

    Example:
    >>> import numpy as np, neuronet as keras
    >>> seen = []
    >>> cb = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    >>> model = keras.Sequential([keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> _ = model.fit(np.ones((4, 2)), np.ones(4), epochs=3, callbacks=[cb], verbose=0)
    >>> seen
    [0, 1, 2]
    """

    def __init__(self, on_epoch_begin: Optional[Callable] = None, on_epoch_end: Optional[Callable] = None,
                 on_train_begin: Optional[Callable] = None, on_train_end: Optional[Callable] = None,
                 on_train_batch_begin: Optional[Callable] = None, on_train_batch_end: Optional[Callable] = None,
                 **kwargs: Any) -> None:
        super().__init__()
        given = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end)
        for hook, function in given.items():
            if function is None:
                continue
            if hook.startswith("on_") and not callable(function):
                raise TypeError(f"LambdaCallback argument `{hook}` must be a function. Received: {function!r}")
            setattr(self, hook, function)  # an instance attribute shadows the no-op hook, as in Keras
        # Batch hooks only run where a class overrides them (see CallbackList): the class-level no-ops below
        # make that so, and this flag keeps them off the hot path when no batch function was given.
        self._skip_batch_hooks = not any(given.get(hook) is not None for hook in _BATCH_HOOKS)

    def on_train_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_test_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_test_batch_end(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_predict_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_predict_batch_end(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None: ...
    def on_batch_end(self, batch: int, logs: Optional[dict] = None) -> None: ...
