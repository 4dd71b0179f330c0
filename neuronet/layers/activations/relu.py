"""ReLU layer: rectified linear unit with a threshold, a slope below it, and a cap."""
from __future__ import annotations

from typing import Any

from neuronet import activations
from neuronet.layers.layer import Layer


class ReLU(Layer):
    """Rectified Linear Unit activation function layer.

    `f(x) = max_value` if `x >= max_value`, `x` if `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: float >= 0, the largest value returned; None means no cap. Defaults to `None`.
        negative_slope: float >= 0, the slope below the threshold. Defaults to `0.0`.
        threshold: float >= 0, below which values are damped or set to zero. Defaults to `0.0`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:
    >>> ReLU(max_value=5.0, negative_slope=0.5)(np.array([[-10.0, -5.0, 0.0, 5.0, 10.0]])).numpy()
    array([[-5. , -2.5,  0. ,  5. ,  5. ]], dtype=float32)
    """

    def __init__(self, max_value: Any = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any) -> None:
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be None or a negative value. "
                             f"Received: negative_slope={negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be None or a negative value. Received: "
                             f"threshold={threshold}")
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}
