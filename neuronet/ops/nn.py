"""Neural-network operations (keras.ops.nn names), composed from primitives."""
from __future__ import annotations

import math
from typing import Any

from neuronet import backend
from neuronet.autodiff import primitives as p
from neuronet.ops.core import on_device

__all__ = [
    "relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "softplus", "softsign", "elu", "selu",
    "leaky_relu", "silu", "swish", "gelu", "hard_sigmoid", "exponential",
]

sigmoid, tanh, softplus = p.sigmoid, p.tanh, p.softplus


def relu(x: Any) -> Any:
    return p.where(_data(x) > 0, x, 0.0)  # maximum(x, 0) would pass half the gradient at x == 0


def relu6(x: Any) -> Any:
    # Zero gradient at both kinks, 0 and 6, as Keras (TensorFlow's relu6); `clip` would pass it at both.
    data = _data(x)
    return p.where((data > 0) & (data < 6), x, _constant(data, data >= 6, 6.0))


def threshold_mask(x: Any, threshold: float) -> Any:
    """`x` where `x > threshold`, else 0: Keras's `x * (x > threshold)`, gradient 0 at `x == threshold`."""
    return p.where(_data(x) > threshold, x, 0.0)


def softmax(x: Any, axis: int = -1) -> Any:
    out = p.softmax(x, axis=axis)
    out._keras_logits = x  # lets cross-entropy losses use the stable fused form, as Keras does
    out._logits_of = "softmax"
    return out


def log_softmax(x: Any, axis: int = -1) -> Any:
    return p.log_softmax(x, axis=axis)


def softsign(x: Any) -> Any:
    return p.divide(x, p.add(p.abs(x), 1.0))


def elu(x: Any, alpha: float = 1.0) -> Any:
    # exp of min(x, 0): the unused branch of `where` must not overflow, or 0 * inf = nan in the vjp.
    negative_part = p.multiply(alpha, p.subtract(p.exp(p.minimum(x, 0.0)), 1.0))
    return p.where(_data(x) > 0, x, negative_part)


def selu(x: Any) -> Any:
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return p.multiply(scale, elu(x, alpha))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    return p.where(_data(x) > 0, x, p.multiply(x, negative_slope))


def silu(x: Any) -> Any:
    return p.multiply(x, p.sigmoid(x))


swish = silu


def gelu(x: Any, approximate: bool = True) -> Any:
    """`keras.ops.gelu`: the tanh approximation by default, as in Keras (the activation `"gelu"` is exact)."""
    if approximate:
        inner = p.multiply(math.sqrt(2 / math.pi), p.add(x, p.multiply(0.044715, p.power(x, 3.0))))
        return p.multiply(p.multiply(0.5, x), p.add(1.0, p.tanh(inner)))
    return p.multiply(p.multiply(0.5, x), p.add(1.0, p.erf(p.divide(x, math.sqrt(2.0)))))


def hard_sigmoid(x: Any) -> Any:
    return p.divide(relu6(p.add(x, 3.0)), 6.0)  # as Keras 3: the gradient is 0 at both ends, -3 and 3


def exponential(x: Any) -> Any:
    return p.exp(x)


def _data(x: Any) -> Any:
    return backend.asarray(x)


def _constant(data: Any, upper: Any, value: float) -> Any:
    """The clipped branch of `where`: `value` where `upper`, else 0, in the dtype of `data` (no gradient)."""
    xp = backend.get_array_module(data)
    return xp.where(upper, xp.asarray(value, dtype=data.dtype), xp.zeros((), dtype=data.dtype))


for _name in __all__:  # host arrays move to the device first, as for the other ops
    globals()[_name] = on_device(globals()[_name])
