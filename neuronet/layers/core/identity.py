"""Identity: returns its inputs unchanged (a placeholder, e.g. for an optional block)."""
from __future__ import annotations

from typing import Any

from neuronet.layers.layer import Layer


class Identity(Layer):
    """Identity layer: returns its inputs unchanged.

    Example:
    >>> Identity()(np.ones((2, 3))).shape
    (2, 3)
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape
