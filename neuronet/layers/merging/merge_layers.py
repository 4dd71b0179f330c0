"""Elementwise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum) and their functions."""
from __future__ import annotations

from typing import Any, List

from neuronet import ops
from neuronet.layers.merging.base_merge import Merge


class Add(Merge):
    """Sum of the inputs. Example: `Add()([x1, x2])`."""

    def _merge_function(self, x: Any, y: Any) -> Any:
        return ops.add(x, y)


class Multiply(Merge):
    """Elementwise product of the inputs."""

    def _merge_function(self, x: Any, y: Any) -> Any:
        return ops.multiply(x, y)


class Maximum(Merge):
    """Elementwise maximum of the inputs."""

    def _merge_function(self, x: Any, y: Any) -> Any:
        return ops.maximum(x, y)


class Minimum(Merge):
    """Elementwise minimum of the inputs."""

    def _merge_function(self, x: Any, y: Any) -> Any:
        return ops.minimum(x, y)


class Average(Merge):
    """Mean of the inputs."""

    def call(self, inputs: List[Any]) -> Any:
        total = inputs[0]
        for x in inputs[1:]:
            total = ops.add(total, x)
        return ops.divide(total, float(len(inputs)))


class Subtract(Merge):
    """`inputs[0] - inputs[1]`; exactly two inputs."""

    def build(self, input_shape: Any) -> None:
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer ({self.name!r}) should be called on exactly 2 inputs. "
                             f"Received: {len(input_shape)} inputs.")

    def call(self, inputs: List[Any]) -> Any:
        return ops.subtract(inputs[0], inputs[1])


def add(inputs: List[Any], **kwargs: Any) -> Any:
    return Add(**kwargs)(inputs)


def subtract(inputs: List[Any], **kwargs: Any) -> Any:
    return Subtract(**kwargs)(inputs)


def multiply(inputs: List[Any], **kwargs: Any) -> Any:
    return Multiply(**kwargs)(inputs)


def average(inputs: List[Any], **kwargs: Any) -> Any:
    return Average(**kwargs)(inputs)


def maximum(inputs: List[Any], **kwargs: Any) -> Any:
    return Maximum(**kwargs)(inputs)


def minimum(inputs: List[Any], **kwargs: Any) -> Any:
    return Minimum(**kwargs)(inputs)
