"""Rescaling: `inputs * scale + offset` (e.g. pixels from [0, 255] to [0, 1])."""
from __future__ import annotations

import math
from typing import Any

from neuronet import backend
from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class Rescaling(Layer):
    """A preprocessing layer which rescales input values to a new range: `inputs * scale + offset`.

    Args:
        scale: Float (or array broadcastable to the inputs, per channel), the scale to apply to the inputs.
        offset: Float (or array), the offset to apply to the inputs.

    Example:
    >>> Rescaling(1.0 / 255)(np.array([[0.0, 255.0]])).numpy()
    array([[0., 1.]], dtype=float32)
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        for name, value in (("scale", scale), ("offset", offset)):
            array = backend.to_numpy(value)  # an argument check, on the host
            if array.dtype.kind not in "iuf" or not all(math.isfinite(v) for v in array.ravel().tolist()):
                raise ValueError(f"Rescaling: `{name}` must be a finite number or array of numbers. "
                                 f"Received: {name}={value!r}")
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset
        self.built = True

    def scale_and_offset(self, inputs: Any, training: Any = None) -> tuple:
        """`(scale, offset)` as arrays of the inputs' module and dtype (also what the compiled step applies)."""
        xp = backend.get_array_module(inputs)
        return xp.asarray(self.scale, inputs.dtype), xp.asarray(self.offset, inputs.dtype)

    def call(self, inputs: Any) -> Any:
        return primitives.scale_shift(inputs, *self.scale_and_offset(inputs.data))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": _plain(self.scale), "offset": _plain(self.offset)}


def _plain(value: Any) -> Any:
    return value if isinstance(value, (int, float)) else backend.to_numpy(value).tolist()
