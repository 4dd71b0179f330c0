"""TerminateOnNaN: stop training as soon as a batch loss is NaN or infinite."""
from __future__ import annotations

from typing import Optional

import numpy as np

from neuronet.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN or Inf loss is encountered.

    Args:
        raise_error: False (default) stops gracefully with `model.stop_training = True`, so every callback's
            `on_train_end` still runs; True raises a `RuntimeError` at once instead (newer Keras 3 option).

    Example:
    >>> import neuronet as keras
    >>> cb = keras.callbacks.TerminateOnNaN()
    >>> class FakeModel:
    ...     stop_training = False
    >>> cb.set_model(FakeModel()); cb.on_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> cb.model.stop_training
    True
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating "
                               "training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
