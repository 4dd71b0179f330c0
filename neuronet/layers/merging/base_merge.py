"""Merge: the base of layers that combine a list of same-shaped tensors elementwise."""
from __future__ import annotations

from functools import reduce
from typing import Any, List

from neuronet.layers.layer import Layer


class Merge(Layer):
    """Combines a list of at least two tensors with `_merge_function` (shapes must broadcast)."""

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(input_shape[0], tuple):
            raise ValueError(f"A merge layer ({self.name!r}) should be called on a list of inputs. "
                             f"Received: input_shape={input_shape}")
        if len(input_shape) < 2:
            raise ValueError(f"A merge layer ({self.name!r}) should be called on a list of at least 2 inputs. "
                             f"Got {len(input_shape)} inputs.")
        self._check_shapes(list(input_shape))
        self.built = True

    def _check_shapes(self, shapes: List[tuple]) -> None:
        first = shapes[0]
        for shape in shapes[1:]:
            if len(shape) != len(first) or any(a is not None and b is not None and a != b and 1 not in (a, b)
                                                 for a, b in zip(first[1:], shape[1:])):
                raise ValueError(f"Layer {self.name!r} ({type(self).__name__}) requires inputs with matching "
                                 f"shapes except for the batch axis. Received: input_shape={shapes}")

    def call(self, inputs: List[Any]) -> Any:
        return reduce(self._merge_function, inputs)

    def _merge_function(self, x: Any, y: Any) -> Any:
        raise NotImplementedError

    def compute_output_shape(self, input_shape: Any) -> tuple:
        self._check_shapes(list(input_shape))
        return tuple(max((s[i] for s in input_shape if s[i] is not None), default=None)
                     for i in range(len(input_shape[0])))
