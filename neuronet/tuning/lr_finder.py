"""Learning-rate finder: the "LR range test" (Smith, 2017, "Cyclical Learning Rates for Training Neural Networks").

Train for one epoch (or `steps` batches) while the learning rate grows by a constant factor each step, from
`min_learning_rate` to `max_learning_rate`; record the loss of every batch; stop once the loss explodes; then put
the model's weights and optimizer state back as they were. The loss first stalls (rate too low), then falls, then
climbs and explodes: a good rate is a bit below where it starts to climb (Géron, *Hands-On Machine Learning*,
chapters 10 and 11).
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Optional

import numpy as np

from neuronet.utils import random as nn_random


class LearningRateFinderResult:
    """What `find_learning_rate` measured.

    Attributes:
        learning_rates: the rate used for each batch (grows geometrically).
        losses: the training loss of each batch.
        smoothed_losses: the losses smoothed by a bias-corrected exponential moving average (used to stop).
        suggestion: the suggested learning rate (half the rate where the smoothed loss is lowest).
        exploded: whether the run stopped because the loss exploded (rather than reaching the last step).
    """

    def __init__(self, learning_rates: np.ndarray, losses: np.ndarray, smoothed_losses: np.ndarray,
                 suggestion: float, exploded: bool) -> None:
        self.learning_rates = learning_rates
        self.losses = losses
        self.smoothed_losses = smoothed_losses
        self.suggestion = suggestion
        self.exploded = exploded

    def __repr__(self) -> str:
        return (f"LearningRateFinderResult(suggestion={self.suggestion:.3g}, steps={len(self.losses)}, "
                f"learning_rates=[{self.learning_rates[0]:.3g} .. {self.learning_rates[-1]:.3g}], "
                f"exploded={self.exploded})")

    def _useful_y_range(self) -> tuple:
        return _useful_y_range_of(np.asarray(self.smoothed_losses, dtype=float))

    def plot(self, ax: Any = None, show_suggestion: bool = True) -> Any:
        """Loss against learning rate on a log x-axis (needs matplotlib); returns the matplotlib Axes."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as error:
            raise ImportError("Plotting the learning-rate finder's curve needs matplotlib: "
                              "`pip install \"neuronet[plot]\"` (or `pip install matplotlib`).") from error
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(self.learning_rates, self.losses, alpha=0.35, label="loss per batch")
        ax.plot(self.learning_rates, self.smoothed_losses, label="smoothed loss")
        ax.set_xscale("log")
        ax.set_ylim(*self._useful_y_range())  # the explosion would flatten the dip that matters
        if show_suggestion:
            ax.axvline(self.suggestion, color="r", linestyle="--", label=f"suggested rate {self.suggestion:.3g}")
            at = int(np.argmin(np.abs(np.log(self.learning_rates) - np.log(self.suggestion))))
            ax.plot([self.learning_rates[at]], [self.smoothed_losses[at]], "o", color="r")
        ax.set_xlabel("Learning rate")
        ax.set_ylabel("Loss")
        ax.grid(True)
        ax.legend()
        return ax


def _useful_y_range_of(smoothed: np.ndarray) -> tuple:
    """From just below the lowest smoothed loss to a little above the level before the dip (the starting plateau)."""
    finite = np.where(np.isfinite(smoothed), smoothed, np.nan)
    if np.all(np.isnan(finite)):
        return 0.0, 1.0
    lowest_at = int(np.nanargmin(finite))
    low, high = float(finite[lowest_at]), float(np.nanmax(finite[: lowest_at + 1]))
    span = (high - low) or abs(high) or 1.0
    return low - 0.1 * span, high + 0.25 * span


def find_learning_rate(model: Any, x: Any, y: Any = None, batch_size: int = 32, steps: Optional[int] = None,
                       min_learning_rate: float = 1e-6, max_learning_rate: float = 10.0, stop_factor: float = 4.0,
                       smoothing: float = 0.98, sample_weight: Any = None, shuffle: bool = True, plot: bool = False,
                       verbose: int = 0) -> LearningRateFinderResult:
    """Runs an LR range test on a compiled model and suggests a learning rate; the model is left unchanged.

    Args:
        model: a compiled Keras model (any optimizer; a schedule is replaced during the run and put back).
        x: the inputs (an array, or a list/dict of arrays for several inputs).
        y: the targets.
        batch_size: samples per step.
        steps: number of steps; default one epoch (`ceil(len(x) / batch_size)`), reshuffling for more.
        min_learning_rate: the rate of the first step.
        max_learning_rate: the rate of the last step; the rate is multiplied by
            `(max_learning_rate / min_learning_rate) ** (1 / (steps - 1))` after each step.
        stop_factor: stop once the smoothed loss exceeds `stop_factor` times its lowest value (or is not finite).
        smoothing: the exponential moving average factor of the smoothed loss, in [0, 1).
        sample_weight: optional weights of the samples.
        shuffle: shuffle the samples (with `keras.utils.set_random_seed`'s generator).
        plot: also plot the curve (see `LearningRateFinderResult.plot`; needs matplotlib).
        verbose: 1 shows a progress bar.

    Returns:
        A `LearningRateFinderResult`: `learning_rates`, `losses`, `smoothed_losses`, `suggestion`, `plot()`.

    Raises:
        ValueError: the model is not compiled, an argument is out of range, or no step gave a finite loss.

    Example:
    >>> import neuronet as keras
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=[2])])
    >>> model.compile(loss="mse", optimizer="sgd")
    >>> x = np.random.default_rng(0).normal(size=(256, 2)); y = x @ np.array([1.0, -2.0])
    >>> before = model.get_weights()
    >>> result = find_learning_rate(model, x, y, batch_size=8)
    >>> 1e-6 < result.suggestion < 10, all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    (True, True)
    """
    _check_arguments(model, x, y, batch_size, steps, min_learning_rate, max_learning_rate, stop_factor, smoothing)
    n = _num_samples(x)
    steps = int(steps) if steps is not None else max(math.ceil(n / batch_size), 2)
    factor = (max_learning_rate / min_learning_rate) ** (1.0 / (steps - 1))
    optimizer = model.optimizer
    if not model.built:
        model.predict_on_batch(_take(x, np.arange(1)))  # builds the weights, as fit's first step would
    if not optimizer.built:
        optimizer.build(model.trainable_weights)
    saved_weights, saved_optimizer = model.get_weights(), optimizer.get_weights()
    original_rate = optimizer._learning_rate  # a Variable (float rate), a schedule or a callable
    current = [min_learning_rate]
    use_callable = not hasattr(original_rate, "assign")
    if use_callable:
        optimizer.learning_rate = lambda: current[0]
    try:
        curves = _run(model, x, y, sample_weight, batch_size, steps, min_learning_rate, factor, stop_factor,
                      smoothing, shuffle, verbose, current, use_callable)
    finally:
        model.set_weights(saved_weights)
        if use_callable:
            optimizer.learning_rate = original_rate
        optimizer.set_weights(saved_optimizer)
    result = _result(*curves, min_learning_rate, max_learning_rate)
    if plot:
        result.plot()
    return result


def _run(model: Any, x: Any, y: Any, sample_weight: Any, batch_size: int, steps: int, min_learning_rate: float,
         factor: float, stop_factor: float, smoothing: float, shuffle: bool, verbose: int, current: list,
         use_callable: bool) -> tuple:
    from neuronet.utils.progbar import Progbar

    n = _num_samples(x)
    progbar = Progbar(steps, verbose=verbose) if verbose else None
    rates, losses, smoothed_losses = [], [], []
    average, best, order, position = 0.0, math.inf, np.arange(n), n
    for step in range(steps):
        if position >= n:  # a new epoch
            order = nn_random.generator().permutation(n) if shuffle else order
            position = 0
        index = order[position:position + batch_size]
        position += batch_size
        rate = min_learning_rate * factor ** step
        current[0] = rate
        if not use_callable:
            model.optimizer.learning_rate = rate
        out = model.train_on_batch(_take(x, index), _take(y, index), sample_weight=_take(sample_weight, index))
        loss = float(out[0] if isinstance(out, (list, tuple)) else out)
        rates.append(rate)
        losses.append(loss)
        if not math.isfinite(loss):
            smoothed_losses.append(math.nan)
            return rates, losses, smoothed_losses, True
        average = smoothing * average + (1 - smoothing) * loss
        smoothed = average / (1 - smoothing ** len(losses))  # bias-corrected: the average starts at 0
        smoothed_losses.append(smoothed)
        best = min(best, smoothed)
        if progbar is not None:
            progbar.update(step + 1, [("loss", loss), ("learning_rate", rate)])
        if smoothed > stop_factor * best:
            return rates, losses, smoothed_losses, True
    return rates, losses, smoothed_losses, False


def _result(rates: list, losses: list, smoothed_losses: list, exploded: bool, min_learning_rate: float,
            max_learning_rate: float) -> LearningRateFinderResult:
    rates_array, losses_array = np.asarray(rates, dtype="float64"), np.asarray(losses, dtype="float64")
    finite = np.isfinite(losses_array)
    if not finite.any():
        raise ValueError(f"find_learning_rate: the loss was never finite (first loss: {losses_array[0]} at "
                         f"learning rate {rates_array[0]:.3g}). Expected finite losses at low learning rates. Check "
                         "`x` and `y` for NaN or inf values, scale the inputs, or lower `min_learning_rate`.")
    suggestion, at = suggest_learning_rate(rates_array[finite], losses_array[finite])
    if at == 0:
        warnings.warn(f"find_learning_rate: the loss was lowest at the first step (learning rate "
                      f"{min_learning_rate:.3g}), so the suggestion may be too high: lower `min_learning_rate`.",
                      RuntimeWarning, stacklevel=3)
    elif not exploded:
        warnings.warn(f"find_learning_rate: the loss did not explode up to `max_learning_rate={max_learning_rate:.3g}`"
                      "; the suggestion may be too low: raise `max_learning_rate` or run more `steps`.",
                      RuntimeWarning, stacklevel=3)
    return LearningRateFinderResult(rates_array, losses_array, np.asarray(smoothed_losses, dtype="float64"),
                                    suggestion, exploded)


def suggest_learning_rate(learning_rates: Any, losses: Any) -> tuple:
    """Half the rate at which the loss stops falling and starts to climb; returns `(rate, index of that point)`.

    The losses are smoothed by a centered moving average (no lag, unlike the exponential average that decides
    when to stop), over about a tenth of the points; the climb starts at the lowest smoothed loss.

    Example:
    >>> rates = np.logspace(-4, 0, 41)
    >>> losses = (np.log10(rates) + 1.0) ** 2                  # lowest at 0.1
    >>> round(suggest_learning_rate(rates, losses)[0], 3)
    0.05
    """
    losses = np.asarray(losses, dtype="float64")
    window = max(1, len(losses) // 20)
    padded = np.pad(losses, window, mode="edge")
    smooth = np.convolve(padded, np.ones(2 * window + 1) / (2 * window + 1), mode="valid")
    at = int(np.argmin(smooth))
    return float(np.asarray(learning_rates)[at]) / 2.0, at


def _check_arguments(model: Any, x: Any, y: Any, batch_size: Any, steps: Any, min_learning_rate: float,
                     max_learning_rate: float, stop_factor: float, smoothing: float) -> None:
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise ValueError("You must call `compile()` before calling `find_learning_rate()`: it trains the model "
                         f"with its own loss and optimizer. Received an uncompiled model {model!r}.")
    if x is None or y is None:
        raise ValueError("find_learning_rate needs inputs `x` and targets `y` to train on.")
    if _num_samples(x) == 0:
        raise ValueError("find_learning_rate received no samples: `x` is empty.")
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"`batch_size` must be a positive integer. Received: batch_size={batch_size!r}")
    if steps is not None and (not isinstance(steps, (int, np.integer)) or steps < 2):
        raise ValueError(f"`steps` must be an integer >= 2 (or None for one epoch). Received: steps={steps!r}")
    if not 0 < min_learning_rate < max_learning_rate:
        raise ValueError("Expected 0 < min_learning_rate < max_learning_rate. Received: "
                         f"min_learning_rate={min_learning_rate!r}, max_learning_rate={max_learning_rate!r}")
    if not stop_factor > 1:
        raise ValueError(f"`stop_factor` must be > 1. Received: stop_factor={stop_factor!r}")
    if not 0 <= smoothing < 1:
        raise ValueError(f"`smoothing` must be in [0, 1). Received: smoothing={smoothing!r}")


def _num_samples(data: Any) -> int:
    if isinstance(data, dict):
        data = next(iter(data.values()))
    elif isinstance(data, (list, tuple)):
        data = data[0]
    return len(data)


def _take(data: Any, index: np.ndarray) -> Any:
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: np.asarray(v)[index] for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [np.asarray(v)[index] for v in data]
    return np.asarray(data)[index]
