"""RepeatVector: (batch, features) -> (batch, n, features)."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class RepeatVector(Layer):
    """Repeats the input `n` times.

    Args:
        n: Integer, repetition factor.

    Example:
    >>> RepeatVector(3)(np.zeros((2, 5))).shape
    (2, 3, 5)
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        super().__init__(**kwargs)
        self.n = n

    def build(self, input_shape: Any) -> None:
        if len(input_shape) != 2:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected ndim=2 "
                             f"(batch, features), found ndim={len(input_shape)}. Full shape received: "
                             f"{tuple(input_shape)}")
        self.built = True

    def call(self, inputs: Any) -> Any:
        batch, features = inputs.shape
        column = primitives.reshape(inputs, shape=(batch, 1, features))
        return primitives.broadcast_to(column, shape=(batch, self.n, features))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}
