"""Normalization: `(x - mean) / sqrt(variance)` with the mean and variance given or learned by `adapt()`."""
from __future__ import annotations

import numbers
import warnings
from typing import Any

from neuronet import backend
from neuronet.autodiff import primitives
from neuronet.layers.preprocessing.preprocessing_layer import PreprocessingLayer
from neuronet.utils import numerical_utils


class Normalization(PreprocessingLayer):
    """A preprocessing layer that normalizes continuous features (Keras 3's `Normalization`).

    Args:
        axis: Integer, tuple of integers, or None: the axes that keep a separate mean and variance per index
            (-1: one per feature). None: one scalar mean and variance for all elements.
        mean: The mean value(s) to use (broadcast to the kept axes); give `variance` with it, or call `adapt()`.
        variance: The variance value(s) to use.
        invert: If True, apply the inverse transformation: `mean + x * sqrt(variance)`.

    The standard deviation is floored at `keras.backend.epsilon()` (1e-7), as in Keras: a feature that was constant
    in the adapted data is mapped to 0 there (and `invert` returns its constant).

    Example:
    >>> layer = Normalization()
    >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
    >>> layer(np.array([[0.0, 7.0], [1.0, 11.0]])).numpy()
    array([[-1., -1.],
           [ 0.,  3.]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, numbers.Integral):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        self.invert = bool(invert)
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be set. "
                             f"Received: mean={mean} and variance={variance}")
        if mean is not None:
            mean_shape, variance_shape = backend.to_numpy(mean).shape, backend.to_numpy(variance).shape
            if mean_shape != variance_shape:
                raise ValueError("When setting values directly, `mean` and `variance` must have the same shape. "
                                 f"Received: mean shape {mean_shape} and variance shape {variance_shape}")
            if len(mean_shape) > len(self.axis):
                raise ValueError(f"The rank of `mean` must be less than or equal to the number of axes "
                                 f"({len(self.axis)}). Received: mean shape {mean_shape} for axis {self.axis}")
            if (backend.to_numpy(variance) < 0).any():
                raise ValueError(f"Normalization: `variance` must be non-negative. Received: variance={variance}")
        self.input_mean, self.input_variance = mean, variance
        self._warned = False

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                             f"ndim={ndim}, while axis={self.axis}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                                 f"inputs.shape={tuple(input_shape)}, with unknown axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._build_input_shape = tuple(input_shape)
        shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=shape, initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=shape, initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros", trainable=False)
        else:
            self._constants = [self._broadcast(self.input_mean, ndim), self._broadcast(self.input_variance, ndim)]
        self.built = True

    def _broadcast(self, value: Any, ndim: int) -> Any:
        """A given mean/variance aligned (right to left) with the kept axes, as Keras does (a host array)."""
        try:
            return numerical_utils.broadcast_to_axes(value, self._keep_axis, self._broadcast_shape, self.dtype)
        except ValueError as error:
            raise ValueError(f"Normalization {self.name!r}: mean/variance of shape "
                             f"{backend.to_numpy(value).shape} cannot be broadcast to the kept axes of shape "
                             f"{self._broadcast_shape}.") from error

    # --- adapt ------------------------------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: Any = None, steps: Any = None) -> None:
        """Compute the mean and variance of `data` (an array or an iterable of batches) over the reduced axes."""
        if self.input_mean is not None:
            raise ValueError(f"Cannot `adapt` a Normalization layer that is initialized with static `mean` and "
                             f"`variance`, you passed mean {self.input_mean} and variance {self.input_variance}.")
        super().adapt(data, batch_size=batch_size, steps=steps)

    def reset_state(self) -> None:
        self._total = (0.0, 0.0, 0)  # running mean, variance and count (host float64, combined per batch)

    def update_state(self, data: Any) -> None:
        if data.ndim != len(self._build_input_shape) or any(
                data.shape[d] != self._build_input_shape[d] for d in self._keep_axis):
            raise ValueError(f"The layer was built with input_shape={self._build_input_shape}, but adapt() is being "
                             f"called with data with an incompatible shape, data.shape={tuple(data.shape)}")
        mean, var, count, bad = numerical_utils.combine_moments(self._total, data, self._reduce_axis)
        if bad:
            raise ValueError(f"Normalization {self.name!r}: adapt() received data with {bad} NaN or infinite "
                             "value(s); its mean and variance would be NaN. Remove or impute them first (e.g. "
                             "with scikit-learn's SimpleImputer).")
        self._total = (mean, var, count)

    def finalize_state(self) -> None:
        mean, var, count = self._total
        if count == 0:
            raise ValueError(f"Normalization {self.name!r}: adapt() received only empty batches (0 samples).")
        self.adapt_mean.assign(mean)
        self.adapt_variance.assign(var)
        self.count.assign(count)
        del self._total

    # --- call -------------------------------------------------------------------------------------------------
    def _mean_and_variance(self, training: Any) -> tuple:
        if self.input_mean is not None:
            return self._constants[0], self._constants[1]
        if training is not False and not (self._is_adapted or self._warned):  # not in predict, nor shape dry runs
            self._warn_if_unadapted()
        xp = backend.get_array_module(self.adapt_mean.data)
        return (xp.reshape(self.adapt_mean.data, self._broadcast_shape),
                xp.reshape(self.adapt_variance.data, self._broadcast_shape))

    def _warn_if_unadapted(self) -> None:
        """Keras silently passes data through a layer never adapted; neuronet says so, once per layer."""
        self._warned = True  # also when the weights came from a file or set_weights: nothing to say then
        if not self.adapt_mean.data.any() and (self.adapt_variance.data == 1).all():
            warnings.warn(f"Normalization layer {self.name!r} is used before `adapt()` and without `mean`/`variance`:"
                          " it normalizes with mean 0 and variance 1, i.e. passes its inputs through unchanged. Call "
                          "`layer.adapt(data)` first (before fit, evaluate or predict), or pass `mean=` and "
                          "`variance=`.", stacklevel=3)

    def scale_and_offset(self, inputs: Any, training: Any = None) -> tuple:
        """The layer as `inputs * scale + offset` (arrays of the inputs' module and dtype; also the compiled step's)."""
        mean, variance = self._mean_and_variance(training)
        xp = backend.get_array_module(inputs)  # given mean/variance are host arrays: move them to the inputs'
        std = xp.maximum(xp.sqrt(xp.asarray(variance)), backend.epsilon()).astype(inputs.dtype)
        mean = xp.asarray(mean).astype(inputs.dtype)
        if self.invert:
            return std, mean
        scale = 1.0 / std
        return scale, -mean * scale

    def call(self, inputs: Any, training: Any = None) -> Any:
        return primitives.scale_shift(inputs, *self.scale_and_offset(inputs.data, training))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axis": self.axis, "invert": self.invert, "mean": _listify(self.input_mean),
                       "variance": _listify(self.input_variance)})
        return config


def _listify(value: Any) -> Any:
    return None if value is None else backend.to_numpy(value).tolist()
