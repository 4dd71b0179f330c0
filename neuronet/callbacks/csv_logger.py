"""CSVLogger: stream the logs of every epoch to a CSV file."""
from __future__ import annotations

import collections.abc
import csv
import os
from typing import Any, Optional

import numpy as np

from neuronet.callbacks.callback import Callback


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    One row per epoch: `epoch` (0-based, as Keras writes it) then the logged quantities in sorted order.
    Values that are 1-D iterables are written as `"[a, b, ...]"`.

    Args:
        filename: path of the CSV file, e.g. `"run/log.csv"`.
        separator: string used to separate the fields.
        append: True appends to an existing file (the header is written only if the file is empty), which is
            useful to continue training; False overwrites it.

    Example:
    >>> import neuronet as keras
    >>> csv_logger = keras.callbacks.CSVLogger("training.log", append=True)
    >>> csv_logger.sep, csv_logger.append
    (',', True)
    """

    def __init__(self, filename: Any, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer: Any = None
        self.keys: Optional[list] = None
        self.append_header = True
        self.csv_file: Any = None

    def on_train_begin(self, logs: Optional[dict] = None) -> None:
        self.append_header = True
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, encoding="utf-8") as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        try:
            # Kept open across epochs (flushed after each row) and closed in `on_train_end`.
            self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")  # noqa: SIM115
        except FileNotFoundError:
            raise FileNotFoundError(f"CSVLogger cannot create {self.filename!r}: its directory does not exist. "
                                    "Create the directory first or pass another `filename`.") from None
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch: int, logs: Optional[dict] = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            # Keras also lists the model's expected validation metrics, so a run whose first epoch had no
            # validation (validation_freq > 1) still gets the columns.
            for name in getattr(self.model, "metrics_names", None) or []:
                if name.startswith("val_") and name not in self.keys:
                    self.keys.append(name)
        if self.writer is None:
            dialect = type("CustomDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _handle_value(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: Optional[dict] = None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _handle_value(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value
