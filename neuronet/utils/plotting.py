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
    """Limits that show the interesting part: early spikes (first-epoch losses) do not flatten the rest.

    A value is an outlier when it lies more than three inter-decile ranges above the median; the limits cover
    every other value (outliers are then marked at the edge by `plot_history`, never silently cut).
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    if float(finite.min()) >= 0 and float(finite.max()) <= 1:
        return 0.0, 1.0  # values in [0, 1] (accuracies, small losses): the book's set_ylim(0, 1)
    median, spread = float(np.median(finite)), float(np.percentile(finite, 90) - np.percentile(finite, 10))
    kept = finite[finite <= median + 3 * (spread or abs(median) or 1.0)] if finite.size > 3 else finite
    low, high = float(kept.min()), float(kept.max())
    margin = 0.05 * (high - low or abs(high) or 1.0)
    return low - margin, high + margin


def _whole_epochs() -> Any:
    """Ticks on whole epochs only (no 2.5), at most about ten of them."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=10, integer=True, min_n_ticks=1)


def _mark_clipped(ax: Any, line: Any, low: float, high: float) -> None:
    """Points outside the y-limits (a first-epoch loss far above the rest) are marked at the edge with their value."""
    for x, y in zip(line.get_xdata(), line.get_ydata()):
        if np.isfinite(y) and (y > high or y < low):
            above = y > high
            ax.plot([x], [high if above else low], marker="^" if above else "v", color=line.get_color(),
                    markersize=9, clip_on=False, linestyle="none")
            ax._neuronet_marks = getattr(ax, "_neuronet_marks", 0) + 1  # stack the labels of nearby marks
            ax.annotate(f"{line.get_label()} {y:.3g} (off scale)", (x, high if above else low),
                        textcoords="offset points", xytext=(8, (-12 if above else 4) * ax._neuronet_marks),
                        color=line.get_color(), fontsize=8, annotation_clip=False)


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
        low, high = y_limits(np.concatenate(values))
        ax.set_ylim(low, high)
        for line in list(ax.get_lines()):
            _mark_clipped(ax, line, low, high)
        ax.xaxis.set_major_locator(_whole_epochs())
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
