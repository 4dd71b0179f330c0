"""Activation functions by Keras name: `get("relu")`, `serialize(fn)`."""
from __future__ import annotations

from typing import Any, Callable

from neuronet import backend, ops
from neuronet.autodiff import Tensor
from neuronet.ops import nn as nn_ops
from neuronet.utils.object_registration import get_registered_name, get_registered_object


def linear(x: Any) -> Any:
    return x


def relu(x: Any, negative_slope: float = 0.0, max_value: Any = None, threshold: float = 0.0) -> Any:
    """Keras 3's relu, step by step as Keras computes it, so that values and kink gradients agree.

    `x` where `x > threshold` (else 0), clipped to `[0, max_value]`, minus `negative_slope * relu(threshold - x)`.
    So with `threshold < 0` and `max_value` set, `threshold < x < 0` gives 0; without `max_value` it gives `x`.
    Gradient 0 at `x == threshold` and at 0 (1 at `max_value`, as in Keras); `max_value=6` is `relu6`, whose
    gradient is 0 at 6 too.

    Example:
    >>> relu(np.array([-2.0, -0.5, 1.0, 3.0]), negative_slope=0.1, max_value=2.0, threshold=-1.0).numpy()
    array([-0.1,  0. ,  1. ,  2. ])
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    if not isinstance(x, Tensor):
        x = ops.convert_to_tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope)
    if threshold != 0.0:
        out = nn_ops.threshold_mask(x, threshold)
    elif max_value == 6:
        out, max_value = ops.relu6(x), None
    else:
        out = ops.relu(x)
    if max_value is not None:
        out = ops.clip(out, 0.0, float(max_value))  # gradient passed at both bounds, as Keras
    if negative_slope != 0.0:
        out = ops.subtract(out, ops.multiply(ops.relu(ops.subtract(threshold, x)), negative_slope))
    return out


def sigmoid(x: Any) -> Any:
    x = x if isinstance(x, Tensor) else ops.convert_to_tensor(x)  # kept below as the logits: on the device
    out = ops.sigmoid(x)
    out._keras_logits = x  # binary cross-entropy then uses the logits, stable for any value
    out._logits_of = "sigmoid"
    return out


def softmax(x: Any, axis: int = -1) -> Any:
    return ops.softmax(x, axis=axis)


def tanh(x: Any) -> Any:
    return ops.tanh(x)


def softplus(x: Any) -> Any:
    return ops.softplus(x)


def softsign(x: Any) -> Any:
    return ops.softsign(x)


def elu(x: Any, alpha: float = 1.0) -> Any:
    return ops.elu(x, alpha)


def selu(x: Any) -> Any:
    return ops.selu(x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    return ops.leaky_relu(x, negative_slope)


def silu(x: Any) -> Any:
    return ops.silu(x)


def gelu(x: Any, approximate: bool = False) -> Any:
    return ops.gelu(x, approximate)


def exponential(x: Any) -> Any:
    return ops.exponential(x)


def hard_sigmoid(x: Any) -> Any:
    return ops.hard_sigmoid(x)


def relu6(x: Any) -> Any:
    return ops.relu6(x)


swish = silu


def heaviside(x: Any) -> Any:
    """The threshold logic unit's step: 1 where x >= 0, else 0 (heaviside(0) = 1, as in the book).

    It has no useful gradient (zero almost everywhere), so `fit` refuses to train through it;
    train TLUs with `neuronet.perceptron.Perceptron` (the perceptron learning rule) instead.
    """
    data = backend.asarray(x)
    as_float = data if data.dtype.kind == "f" else data.astype("float64")
    return Tensor(backend.xp.heaviside(as_float, 1.0).astype(data.dtype, copy=False))


heaviside.differentiable = False  # type: ignore[attr-defined]
step = heaviside

ALL = {
    f.__name__: f
    for f in (linear, relu, sigmoid, softmax, tanh, softplus, softsign, elu, selu, leaky_relu, silu, gelu,
              exponential, hard_sigmoid, relu6)
}
ALL["swish"] = swish
ALL["heaviside"] = ALL["step"] = heaviside
_CUSTOM: dict = {}  # e.g. the step functions of threshold logic units


def register(name: str, fn: Callable) -> None:
    """Make `fn` available by name (used for the TLU's `"heaviside"` step)."""
    _CUSTOM[name] = fn


def get(identifier: Any) -> Callable:
    """Return the activation function for a name, a config dict, a callable or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        identifier = identifier.get("registered_name") or identifier.get("config", identifier.get("class_name"))
        if isinstance(identifier, dict):
            identifier = identifier.get("name")
    if isinstance(identifier, str):
        fn = ALL.get(identifier) or _CUSTOM.get(identifier) or get_registered_object(identifier)
        if fn is None:
            valid = sorted(set(ALL) | set(_CUSTOM))
            raise ValueError(f"Could not interpret activation function identifier: {identifier!r}. "
                             f"Expected one of {valid}, or a callable.")
        return fn
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}. "
                    "Expected a string name, a callable or None.")


def serialize(activation: Callable) -> Any:
    """Keras saves built-in activations by name."""
    name = getattr(activation, "__name__", None)
    if name in ALL or name in _CUSTOM:
        return name
    if hasattr(activation, "get_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    return get_registered_name(activation)

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["elu", "exponential", "gelu", "get", "hard_sigmoid", "heaviside", "leaky_relu", "linear", "relu",
    "relu6", "selu", "serialize", "sigmoid", "silu", "softmax", "softplus", "softsign", "step", "swish", "tanh"]


def __dir__():
    return sorted(__all__)
