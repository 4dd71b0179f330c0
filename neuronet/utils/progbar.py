"""Progbar: Keras-style progress output, a live bar on a terminal and plain lines in logs."""
from __future__ import annotations

import os
import sys
import time
from typing import Any, Iterable, Optional, Tuple


def _format_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds // 3600:.0f}:{(seconds % 3600) // 60:02.0f}:{seconds % 60:02.0f}"
    if seconds >= 60:
        return f"{seconds // 60:.0f}:{seconds % 60:02.0f}"
    return f"{seconds:.0f}s"


def _format_per_step(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def in_notebook() -> bool:
    """True inside a Jupyter (IPython kernel) session, whose output cell redraws a line on a carriage return."""
    if "ipykernel" not in sys.modules:
        return False
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def is_interactive(stream: Any = None) -> bool:
    """Whether progress can be redrawn in place: a terminal, a Jupyter notebook, or PyCharm's console."""
    stream = stream or sys.stdout
    if hasattr(stream, "isatty") and stream.isatty():
        return True
    return stream in (sys.stdout, sys.stderr) and (in_notebook() or "PYCHARM_HOSTED" in os.environ)


class Progbar:
    """Displays progress over `target` steps.

    Args:
        target: total number of steps, or None if unknown.
        verbose: 1 = a bar redrawn in place (at most every `interval` seconds, on a terminal or in a
            Jupyter notebook; in a log file only the final line is written), 2 = one line at the end.
        interval: minimum seconds between redraws.
    """

    def __init__(self, target: Optional[int], width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stream: Any = None) -> None:
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stream = stream or sys.stdout
        self.dynamic = is_interactive(self.stream)
        self.start = time.time()
        self.last_update = 0.0

    def update(self, current: int, values: Optional[Iterable[Tuple[str, Any]]] = None, finalize: bool = False) -> None:
        now = time.time()
        if not finalize and (self.verbose != 1 or not self.dynamic or now - self.last_update < self.interval):
            return
        self.last_update = now
        elapsed = now - self.start
        text = self._line(current, values or (), elapsed, finalize)
        if self.dynamic and self.verbose == 1:
            self.stream.write("\r" + text + ("\n" if finalize else ""))
        elif finalize:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _line(self, current: int, values: Iterable[Tuple[str, Any]], elapsed: float, finalize: bool) -> str:
        target = self.target
        count = f"{current}/{target}" if target else f"{current}"
        parts = [count]
        if self.verbose == 1:
            if target:
                filled = int(self.width * min(current, target) / target)
                parts.append("━" * filled + " " * (self.width - filled) if self.dynamic else "")
        per_step = elapsed / max(current, 1)
        if finalize or not target:
            timing = f"{_format_time(elapsed)} {_format_per_step(per_step)}"
        else:
            timing = f"{_format_time(per_step * (target - current))} {_format_per_step(per_step)}"
        metrics = "".join(f" - {k}: {_format_value(v)}" for k, v in values)
        sep = " - " if self.verbose == 2 else " "
        bar = sep.join(p for p in parts if p)
        return f"{bar}{sep}{timing.replace(' ', sep) if self.verbose == 2 else timing}{metrics}"


def _format_value(value: Any) -> str:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"
