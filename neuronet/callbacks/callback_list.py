"""CallbackList: calls one hook on every callback, skipping the batch hooks nobody overrides."""
from __future__ import annotations

from typing import Any, Iterable, List, Optional

from neuronet.callbacks.callback import Callback

_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
                "on_predict_batch_begin", "on_predict_batch_end", "on_batch_begin", "on_batch_end")


class CallbackList:
    """Dispatches hooks to a list of callbacks. Batch hooks run only where overridden (hot path)."""

    def __init__(self, callbacks: Optional[Iterable[Callback]] = None, model: Any = None, **params: Any) -> None:
        self.callbacks: List[Callback] = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"Expected a keras.callbacks.Callback, received: {cb!r}")
            if model is not None:
                cb.set_model(model)
            cb.set_params(params)
        self.params = params
        self._batch = {hook: [getattr(cb, hook) for cb in self.callbacks if _overrides(cb, hook)]
                       for hook in _BATCH_HOOKS}

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def wants_batch_hooks(self, mode: str) -> bool:
        names = {"train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
                 "test": ("on_test_batch_begin", "on_test_batch_end"),
                 "predict": ("on_predict_batch_begin", "on_predict_batch_end")}[mode]
        return any(self._batch[n] for n in names)

    def _call_batch(self, hook: str, batch: int, logs: Optional[dict]) -> None:
        for fn in self._batch[hook]:
            fn(batch, logs)

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        self._call("on_train_begin", logs)

    def on_train_end(self, logs: Optional[dict] = None) -> None:
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        self._call_batch("on_train_batch_begin", batch, logs)
        self._call_batch("on_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        self._call_batch("on_train_batch_end", batch, logs)
        self._call_batch("on_batch_end", batch, logs)

    def on_test_begin(self, logs: Optional[dict] = None) -> None:
        self._call("on_test_begin", logs)

    def on_test_end(self, logs: Optional[dict] = None) -> None:
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs: Optional[dict] = None) -> None:
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs: Optional[dict] = None) -> None:
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch: int, logs: Optional[dict] = None) -> None:
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        self._call_batch("on_predict_batch_end", batch, logs)


def _overrides(callback: Callback, hook: str) -> bool:
    if getattr(callback, "_skip_batch_hooks", False):
        return False
    return getattr(type(callback), hook) is not getattr(Callback, hook)
