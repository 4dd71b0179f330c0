"""Which calls on one model may run at the same time from several threads.

`predict` only reads the weights, and each call keeps its own buffers: any number may run together and each
returns exactly what it returns alone. `fit`, `evaluate` and the `*_on_batch` methods change the weights or the
model's running loss and metric sums: while one runs, a call from another thread is refused with a clear error
(it would see half-updated weights, or mix its sums with the other's). Calls from inside the running one (a
callback calling `predict`) are the same thread and are allowed.
"""
from __future__ import annotations

import collections
import contextlib
import threading
import weakref
from typing import Any, Iterator

_lock = threading.Lock()
_state: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


def _entry(model: Any) -> dict:
    entry = _state.get(model)
    if entry is None:
        entry = _state[model] = {"writer": None, "writer_method": None, "readers": collections.Counter()}
    return entry


@contextlib.contextmanager
def guard(model: Any, method: str, exclusive: bool) -> Iterator[None]:
    """Enter `method` on `model`: shared (predict) or exclusive (fit, evaluate); refuse a conflicting call."""
    me = threading.get_ident()
    with _lock:
        entry = _entry(model)
        writer = entry["writer"]
        readers = {t for t, n in entry["readers"].items() if n and t != me}
        if writer is not None and writer != me:
            raise RuntimeError(f"Cannot call `{method}()` on model {getattr(model, 'name', '?')!r}: `"
                               f"{entry['writer_method']}()` is running on it in another thread and changes its "
                               f"weights or running sums. Wait for it to finish (e.g. `thread.join()`), or call "
                               f"`{method}()` on a copy of the model (`keras.models.clone_model` + `set_weights`).")
        if exclusive and readers:
            raise RuntimeError(f"Cannot call `{method}()` on model {getattr(model, 'name', '?')!r}: `predict()` "
                               f"is running on it in {len(readers)} other thread(s), and `{method}()` would change "
                               "what they compute. Wait for them to finish first.")
        owner = exclusive and writer is None
        if owner:
            entry["writer"], entry["writer_method"] = me, method
        entry["readers"][me] += 1
    try:
        yield
    finally:
        with _lock:
            entry["readers"][me] -= 1
            if owner:
                entry["writer"], entry["writer_method"] = None, None
