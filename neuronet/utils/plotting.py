"""Learning curves: `history.plot()` / `keras.utils.plot_history(history)` (matplotlib, optional)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np


def _pyplot(headless: bool) -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ImportError("Plotting learning curves needs matplotlib: `pip install matplotlib` "
                          "(or `pip install \"neuronet[plot]\"`).") from None
    if headless:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _groups(history: Dict[str, List[float]], metrics: Optional[Sequence[str]]) -> Dict[str, List[str]]:
    """{"loss": ["loss", "val_loss"], "accuracy": [...]}: a training curve with its validation twin."""
    names = [k for k in history if not k.startswith("val_")]
    names += [k[4:] for k in history if k.startswith("val_") and k[4:] not in history]
    if metrics is not None:
        unknown = set(metrics) - set(names)
        if unknown:
            raise ValueError(f"plot_history: no metric named {sorted(unknown)} in the history. Available: {names}")
        names = list(metrics)
    return {n: [k for k in (n, f"val_{n}") if k in history] for n in names}


def y_limits(values: np.ndarray) -> Tuple[float, float]:
    """Limits that show the interesting part: early spikes (first-epoch losses) do not flatten the rest."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(np.percentile(finite, 95) if finite.size > 10 else finite.max())
    if low >= 0 and float(finite.max()) <= 1:
        return 0.0, 1.0  # values in [0, 1] (accuracies, small losses): the book's set_ylim(0, 1)
    margin = 0.05 * (high - low or abs(high) or 1.0)
    return low - margin, high + margin


def plot_history(history: Any, metrics: Optional[Sequence[str]] = None, to_file: Optional[str] = None,
                 show: bool = False, figsize: Tuple[float, float] = (8, 5)) -> Any:
    """Plot every metric of a `History` (or its `.history` dict) against epochs.

    Training values are running means over an epoch, so they are drawn half an epoch to the
    left of the validation values, which are computed at the epoch's end. Returns the Figure.

    Example:
    >>> fig = plot_history({"loss": [1.0, 0.5], "val_loss": [0.9, 0.6]})  # to_file="curves.png" saves it
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['loss', 'val_loss']
    """
    logs: Dict[str, List[float]] = getattr(history, "history", history)
    if not logs:
        raise ValueError("plot_history: the history is empty; train with `model.fit` first.")
    epochs = np.asarray(getattr(history, "epoch", None) or range(len(next(iter(logs.values())))), dtype=float)
    plt = _pyplot(headless=to_file is not None and not show)
    groups = _groups(logs, metrics)
    fig, axes = plt.subplots(len(groups), 1, figsize=(figsize[0], figsize[1] * max(1, len(groups)) / 1.5),
                             squeeze=False)
    for ax, (name, keys) in zip(axes[:, 0], groups.items()):
        values = []
        for key in keys:
            shift = 0.0 if key.startswith("val_") else -0.5
            series = np.asarray(logs[key], dtype=float)
            ax.plot(epochs[: len(series)] + 1 + shift, series, "o-" if len(series) < 30 else "-", label=key)
            values.append(series)
        ax.set_ylim(*y_limits(np.concatenate(values)))
        ax.set_ylabel(name)
        ax.grid(True)
        ax.legend()
    axes[-1, 0].set_xlabel("epoch")
    fig.tight_layout()
    if to_file is not None:
        fig.savefig(to_file)
    if show:
        plt.show()
    return fig
