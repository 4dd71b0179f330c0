"""Array operations (keras.ops.numpy names)."""
from __future__ import annotations

import functools
from typing import Any

from neuronet import backend
from neuronet.autodiff import Tensor, primitives as p

__all__ = [
    "abs", "add", "argmax", "cast", "clip", "concatenate", "convert_to_numpy", "convert_to_tensor", "divide",
    "equal", "exp", "expand_dims", "log", "matmul", "maximum", "mean", "minimum", "multiply", "negative",
    "one_hot", "power", "reshape", "sqrt", "square", "squeeze", "subtract", "sum", "take_along_axis", "transpose",
    "where", "max", "erf", "stop_gradient",
]

add, subtract, multiply, divide, negative = p.add, p.subtract, p.multiply, p.divide, p.negative
power, exp, log, sqrt, abs, erf = p.power, p.exp, p.log, p.sqrt, p.abs, p.erf  # noqa: A001
maximum, minimum, where, matmul = p.maximum, p.minimum, p.where, p.matmul
def square(x: Any) -> Tensor:
    return p.multiply(x, x)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else backend.asarray(x)


def on_device(fn: Any) -> Any:
    """`fn` as a `keras.ops` function: array arguments not on the current backend's device (NumPy arrays under
    CuPy or the strict backend) are moved there with `backend.asarray` first, as Keras's ops convert their inputs.
    Tensors, device arrays, scalars and lists pass unchanged; on the NumPy backend nothing is converted."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        if backend.backend() != "numpy":
            args = tuple(_moved(a) for a in args)
        return fn(*args, **kwargs)

    return op


def _moved(a: Any) -> Any:
    if isinstance(a, Tensor) or backend.is_device_array(a):
        return a
    if hasattr(a, "__array__"):
        return backend.asarray(a)
    if isinstance(a, (list, tuple)):  # `concatenate([x, y])`
        return type(a)(_moved(item) for item in a)
    return a


def convert_to_tensor(x: Any, dtype: Any = None) -> Tensor:
    """Wrap `x` in a Tensor (no copy when it already is one of the right dtype)."""
    if isinstance(x, Tensor) and (dtype is None or x.dtype == dtype):
        return x
    return Tensor(backend.asarray(x, dtype=dtype))


def convert_to_numpy(x: Any) -> Any:
    """`x` as a NumPy array on the host (copied from the device when needed)."""
    return backend.to_numpy(x)


def stop_gradient(x: Any) -> Tensor:
    return Tensor(_data(x))


def cast(x: Any, dtype: Any) -> Any:
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else p.cast(x, dtype=dtype)
    return Tensor(backend.asarray(x, dtype=dtype))


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return p.sum(x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    return p.mean(x, axis=axis, keepdims=keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    return p.max(x, axis=axis, keepdims=keepdims)


def clip(x: Any, x_min: float, x_max: float) -> Tensor:
    return p.clip(x, min_value=x_min, max_value=x_max)


def reshape(x: Any, newshape: Any) -> Tensor:
    return p.reshape(x, shape=tuple(newshape))


def transpose(x: Any, axes: Any = None) -> Tensor:
    return p.transpose(x, axes=axes)


def expand_dims(x: Any, axis: int) -> Tensor:
    shape = list(_data(x).shape)
    shape.insert(axis if axis >= 0 else len(shape) + axis + 1, 1)
    return p.reshape(x, shape=tuple(shape))


def squeeze(x: Any, axis: Any = None) -> Tensor:
    return p.reshape(x, shape=backend.xp.squeeze(_data(x), axis=axis).shape)


def concatenate(xs: Any, axis: int = 0) -> Tensor:
    return p.concatenate(list(xs), axis=axis)


def take_along_axis(x: Any, indices: Any, axis: int) -> Tensor:
    return p.take_along_axis(x, _data(indices), axis=axis)


def argmax(x: Any, axis: int = -1) -> Any:
    return backend.xp.argmax(_data(x), axis=axis)


def equal(x: Any, y: Any) -> Any:
    return _data(x) == _data(y)


def one_hot(x: Any, num_classes: int, dtype: Any = None) -> Any:
    """One-hot encode integer labels (not differentiable)."""
    labels = _data(x).astype("int64")
    return (labels[..., None] == backend.xp.arange(num_classes)).astype(dtype or backend.floatx())


for _name in __all__:  # every op takes host arrays, as documented in `neuronet.ops`
    if _name not in ("convert_to_numpy", "convert_to_tensor"):
        globals()[_name] = on_device(globals()[_name])
