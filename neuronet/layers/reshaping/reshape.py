"""Reshape: each sample to `target_shape` (the batch axis is kept)."""
from __future__ import annotations

import math
import numbers
from typing import Any

from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class Reshape(Layer):
    """Layer that reshapes inputs into the given shape.

    Args:
        target_shape: Target shape, a tuple of integers not including the batch axis; one entry may be -1.

    Example:
    >>> Reshape((3, 4))(np.zeros((2, 12))).shape
    (2, 3, 4)
    >>> Reshape((-1, 2))(np.zeros((2, 12))).shape
    (2, 6, 2)
    """

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        target = tuple(target_shape) if isinstance(target_shape, (list, tuple)) else (target_shape,)
        if any(not isinstance(d, numbers.Integral) or isinstance(d, bool) or d == 0 or d < -1 for d in target) \
                or list(target).count(-1) > 1:
            raise ValueError("The `target_shape` argument must be a tuple of positive integers, with at most one -1. "
                             f"Received: target_shape={target_shape!r}")
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target)
        self.built = True

    def _resolve(self, sample_shape: tuple) -> tuple:
        size = None if any(d is None for d in sample_shape) else math.prod(sample_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 not in self.target_shape:
            if size is not None and size != known:
                raise ValueError(f"Reshape {self.name!r}: total size of the input sample shape {sample_shape} "
                                 f"({size}) does not match target_shape={self.target_shape} ({known}).")
            return self.target_shape
        if size is None:
            return tuple(None if d == -1 else d for d in self.target_shape)
        if size % known:
            raise ValueError(f"Reshape {self.name!r}: the input sample shape {sample_shape} ({size} values) cannot be "
                             f"reshaped to target_shape={self.target_shape}: {size} is not divisible by {known}.")
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs: Any) -> Any:
        return primitives.reshape(inputs, shape=(inputs.shape[0],) + self._resolve(tuple(inputs.shape[1:])))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0],) + self._resolve(tuple(input_shape[1:]))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}
