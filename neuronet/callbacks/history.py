"""History: records the logs of every epoch; `fit` returns it."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from neuronet.callbacks.callback import Callback


class History(Callback):
    """`history.history` maps each metric name (`loss`, `val_loss`, ...) to its values per epoch.

    Example:
    >>> h = History(); h.on_train_begin(); h.on_epoch_end(0, {"loss": 1.0}); h.history
    {'loss': [1.0]}
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: Dict[str, List[float]] = {}
        self.epoch: List[int] = []

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def plot(self, metrics: Optional[List[str]] = None, to_file: Optional[str] = None, show: bool = False,
             **kwargs: Any) -> Any:
        """Learning curves of this history; see `keras.utils.plot_history`."""
        from neuronet.utils.plotting import plot_history

        return plot_history(self, metrics=metrics, to_file=to_file, show=show, **kwargs)
