"""Activation layer: applies an activation function to its input."""
from __future__ import annotations

from typing import Any

from neuronet import activations
from neuronet.layers.layer import Layer


class Activation(Layer):
    """Applies `activation` (a name or callable) elementwise.

    Example:
    >>> Activation("relu")(np.array([[-1.0, 2.0]])).numpy()
    array([[0., 2.]], dtype=float32)
    """

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
