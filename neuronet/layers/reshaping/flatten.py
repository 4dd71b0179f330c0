"""Flatten: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""
from __future__ import annotations

import math
from typing import Any

from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class Flatten(Layer):
    """Flattens the input; does not affect the batch size.

    Example:
    >>> Flatten()(np.zeros((2, 28, 28))).shape
    (2, 784)
    """

    def __init__(self, data_format: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format
        self.built = True

    def call(self, inputs: Any) -> Any:
        if inputs.ndim == 2:
            return inputs
        return primitives.reshape(inputs, shape=(inputs.shape[0], -1))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format or "channels_last"}
