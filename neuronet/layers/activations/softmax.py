"""Softmax layer, with an optional mask of the positions to keep."""
from __future__ import annotations

from typing import Any

from neuronet import activations, backend, ops
from neuronet.layers.layer import Layer


class Softmax(Layer):
    """Softmax activation layer: `exp(x) / sum(exp(x), axis, keepdims=True)`.

    Args:
        axis: integer, or list/tuple of integers, the axes along which the softmax normalizes. Defaults to `-1`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Call arguments:
        inputs: the logits.
        mask: optional boolean (or 0/1) array broadcastable to `inputs`: True (or > 0.5) where an input takes
            part. Masked positions get probability 0, also when a whole slice is masked.

    Example:
    >>> Softmax()(np.array([[1.0, 1.0, 1.0, 1.0]]), mask=np.array([[1, 1, 0, 0]])).numpy()
    array([[0.5, 0.5, 0. , 0. ]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, tuple) else axis
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            mask = _as_bool_mask(mask, inputs.shape)
            # -1e9 (-3e4 for float16): exp() of the masked positions underflows to exactly 0.
            large_negative = -3e4 if inputs.dtype == "float16" else -1e9
            inputs = ops.where(mask, inputs, large_negative)
        if isinstance(self.axis, (list, tuple)) and len(self.axis) > 1:
            axis = tuple(self.axis)
            shift = ops.stop_gradient(ops.max(inputs, axis=axis, keepdims=True))
            exps = ops.exp(ops.subtract(inputs, shift))
            outputs = ops.divide(exps, ops.sum(exps, axis=axis, keepdims=True))
        else:
            axis = self.axis[0] if isinstance(self.axis, (list, tuple)) else self.axis
            outputs = activations.softmax(inputs, axis=axis)
        if mask is not None:
            outputs = ops.where(mask, outputs, 0.0)  # a fully masked slice would otherwise be uniform
        return outputs

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def _as_bool_mask(mask: Any, input_shape: tuple) -> Any:
    mask = ops.convert_to_numpy(mask)
    if mask.ndim > len(input_shape) or any(m != 1 and m != i for m, i in zip(mask.shape[::-1], input_shape[::-1])):
        raise ValueError("The `mask` must be broadcastable to `inputs`: each mask dimension must be 1 or match the "
                         f"input dimension. Received: inputs.shape={tuple(input_shape)}, mask.shape={mask.shape}")
    mask = backend.asarray(mask)  # checked on the host, used on the device
    return mask if mask.dtype == bool else backend.get_array_module(mask).greater(mask, 0.5)
