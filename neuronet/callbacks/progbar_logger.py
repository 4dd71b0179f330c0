"""ProgbarLogger: prints `Epoch i/N` and a progress line per epoch (added by `fit`)."""
from __future__ import annotations

import sys
from typing import Optional

from neuronet.callbacks.callback import Callback
from neuronet.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints progress: `verbose=1` a bar (live on a terminal), `verbose=2` one line per epoch."""

    def __init__(self, verbose: int = 1) -> None:
        super().__init__()
        self.verbose = verbose
        self.progbar: Optional[Progbar] = None
        self.seen = 0
        # Per-batch redraws only make sense on a terminal; elsewhere skip the hook entirely.
        self._skip_batch_hooks = not (verbose == 1 and sys.stdout.isatty())

    def on_epoch_begin(self, epoch: int, logs: Optional[dict] = None) -> None:
        print(f"Epoch {epoch + 1}/{self.params.get('epochs')}", flush=True)
        self.progbar = Progbar(self.params.get("steps"), verbose=self.verbose)
        self.seen = 0

    def on_train_batch_end(self, batch: int, logs: Optional[dict] = None) -> None:
        self.seen = batch + 1
        if self.progbar is not None and self.progbar.dynamic and self.verbose == 1:
            self.progbar.update(self.seen, _items(logs))

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        if self.progbar is None:
            return
        stopped = getattr(self.model, "_stopped_at", None)  # a NaN/inf loss stopped fit at that batch
        if stopped is not None and stopped["epoch"] == epoch:
            self.progbar.update(stopped["batch"], _items(logs), finalize=True)
            print(f"Stopped at batch {stopped['batch']} of {stopped['steps']}: the loss became {stopped['loss']}.",
                  flush=True)
            return
        self.progbar.update(self.seen or self.params.get("steps") or 0, _items(logs), finalize=True)


def _items(logs: Optional[dict]) -> list:
    return [(k, v) for k, v in (logs or {}).items()]
