"""Dropout: zeroes a fraction `rate` of the inputs during training, scales the rest."""
from __future__ import annotations

from typing import Any, Optional

from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer
from neuronet import backend


class Dropout(Layer):
    """Randomly sets inputs to 0 with frequency `rate` at training time (inverted dropout).

    Example:
    >>> Dropout(0.5)(np.ones((1, 4)), training=False).numpy()
    array([[1., 1., 1., 1.]], dtype=float32)
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: Optional[int] = None, **kwargs: Any) -> None:
        if not 0 <= rate <= 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 "
                             f"and 1. Received: rate={rate!r}")
        super().__init__(**kwargs)
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self._rng = backend.random.generator(seed) if seed is not None else None
        self.built = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        rng = self._rng or backend.random.generator()
        shape = inputs.shape if self.noise_shape is None else tuple(
            s if n is None else n for s, n in zip(inputs.shape, self.noise_shape))
        mask = (backend.random.random(shape, dtype="float32", rng=rng) >= self.rate).astype(inputs.dtype)
        mask *= 1.0 / (1.0 - self.rate)  # in the inputs' dtype: a float64 mask would upcast the whole step
        return primitives.multiply(inputs, mask)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}
