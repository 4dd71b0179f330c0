"""LeakyReLU layer: x for x > 0, negative_slope * x otherwise."""
from __future__ import annotations

import warnings
from typing import Any

from neuronet import activations
from neuronet.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky version of a Rectified Linear Unit activation layer.

    `f(x) = negative_slope * x` if `x < 0`, `x` otherwise.

    Args:
        negative_slope: float >= 0, the slope for negative inputs. Defaults to `0.3` (the layer's default;
            the function `keras.activations.leaky_relu` defaults to `0.2`). Keras 2's `alpha=` is accepted
            with a deprecation warning.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:
    >>> LeakyReLU()(np.array([[-2.0, -1.0, 0.0, 2.0]])).numpy()
    array([[-0.6, -0.3,  0. ,  2. ]], dtype=float32)
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                             f"Expected a float. Received: negative_slope={negative_slope}")
        super().__init__(**kwargs)
        self.negative_slope = negative_slope
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}
