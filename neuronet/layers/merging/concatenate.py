"""Concatenate: joins a list of tensors along one axis."""
from __future__ import annotations

from typing import Any, List

from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class Concatenate(Layer):
    """Concatenates a list of inputs along `axis`; all other axes must match.

    Example:
    >>> Concatenate()([np.ones((2, 3)), np.zeros((2, 4))]).shape
    (2, 7)
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape: Any) -> None:
        self._check(input_shape)
        self.built = True

    def _check(self, shapes: Any) -> None:
        if not isinstance(shapes, (list, tuple)) or len(shapes) < 2 or not isinstance(shapes[0], tuple):
            raise ValueError(f"A `Concatenate` layer ({self.name!r}) should be called on a list of at least 2 "
                             f"inputs. Received: input_shape={shapes}")
        rank = len(shapes[0])
        axis = self.axis % rank
        for shape in shapes[1:]:
            if len(shape) != rank or any(i != axis and i != 0 and a is not None and b is not None and a != b
                                         for i, (a, b) in enumerate(zip(shapes[0], shape))):
                raise ValueError(f"A `Concatenate` layer ({self.name!r}) requires inputs with matching shapes "
                                 f"except for the concatenation axis {self.axis}. Received: input_shape={list(shapes)}")

    def call(self, inputs: List[Any]) -> Any:
        return primitives.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check(input_shape)
        axis = self.axis % len(input_shape[0])
        sizes = [s[axis] for s in input_shape]
        out = list(input_shape[0])
        out[axis] = None if any(v is None for v in sizes) else sum(sizes)
        return tuple(out)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs: List[Any], axis: int = -1, **kwargs: Any) -> Any:
    """Functional interface to the `Concatenate` layer."""
    return Concatenate(axis=axis, **kwargs)(inputs)
