"""Variable: a named, possibly trainable tensor whose value is updated in place."""
from __future__ import annotations

import contextlib
import contextvars
import math
from typing import Any, Iterator, Optional

from neuronet import backend
from neuronet.autodiff.tensor import Tensor


# While a model is rebuilt from a file, the bytes its variables may take (see `neuronet.saving.limits`).
_allocation: contextvars.ContextVar = contextvars.ContextVar("neuronet_allocation_limit", default=None)


@contextlib.contextmanager
def allocation_limit(max_bytes: int, description: str) -> Iterator[None]:
    """Refuse to create variables totalling more than `max_bytes` inside the block, before allocating them.

    Example:
    >>> with allocation_limit(1024, "a 1 KiB budget"):
    ...     Variable("zeros", shape=(10**6,))
    Traceback (most recent call last):
    ...
    ValueError: Refusing to create variable 'variable' of shape (1000000,) (4,000,000 bytes): it exceeds a 1 KiB budget (1,024 bytes left).
    """
    token = _allocation.set({"left": int(max_bytes), "description": description})
    try:
        yield
    finally:
        _allocation.reset(token)


def _charge(shape: Any, dtype: Any, name: Optional[str]) -> None:
    budget = _allocation.get()
    if budget is None:
        return
    size = math.prod(int(d) for d in shape) * backend.xp.dtype(dtype).itemsize
    if size > budget["left"]:
        raise ValueError(f"Refusing to create variable {name or 'variable'!r} of shape {tuple(shape)} ({size:,} "
                         f"bytes): it exceeds {budget['description']} ({budget['left']:,} bytes left).")
    budget["left"] -= size


class Variable(Tensor):
    """A model weight: a leaf of the autodiff graph that optimizers update in place.

    Args:
        initializer: an initializer (name, object or callable taking `shape, dtype`) or an array.
        shape: shape of the variable when `initializer` is not an array.
        dtype: defaults to `keras.backend.floatx()`.
        trainable: whether gradients are computed for it and optimizers update it.
        name: the variable's name (`kernel`, `bias`).

    Example:
    >>> v = Variable(np.zeros(3), name="bias")
    >>> _ = v.assign([1.0, 2.0, 3.0]); v.numpy()
    array([1., 2., 3.], dtype=float32)
    """

    __slots__ = ("name", "trainable", "path", "constraint")
    autocast = True  # read as float16 inside mixed-precision layers (`graph.set_autocast`)

    def __init__(self, initializer: Any, shape: Any = None, dtype: Any = None, trainable: bool = True,
                 name: Optional[str] = None) -> None:
        dtype = dtype or backend.floatx()
        if callable(initializer) or isinstance(initializer, str):
            from neuronet import initializers

            _charge(shape, dtype, name)  # before the initializer allocates anything
            value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        else:
            value = initializer
        data = backend.xp.array(backend.asarray(value), dtype=dtype)  # a private copy: updates happen in place
        if shape is not None and tuple(shape) != data.shape:
            raise ValueError(f"Variable {name!r}: initial value has shape {data.shape}, expected {tuple(shape)}.")
        super().__init__(data, requires_grad=trainable)
        self.name = name or "variable"
        self.trainable = trainable
        self.path = self.name
        self.constraint: Any = None  # a projection the optimizer applies after each update (Layer.add_weight)

    @property
    def value(self) -> Any:
        return self.data

    def numpy(self) -> Any:
        out = backend.to_numpy(self.data)
        return out.copy() if out is self.data else out  # a copy from the device is already private

    def assign(self, value: Any) -> "Variable":
        value = backend.asarray(value, dtype=self.data.dtype)
        if value.shape != self.data.shape:
            raise ValueError(f"Cannot assign a value of shape {value.shape} to variable {self.path!r} "
                             f"of shape {self.data.shape}.")
        self.data[...] = value
        return self

    def assign_add(self, value: Any) -> "Variable":
        self.data += backend.asarray(value, dtype=self.data.dtype)
        return self

    def assign_sub(self, value: Any) -> "Variable":
        self.data -= backend.asarray(value, dtype=self.data.dtype)
        return self

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self.data!r}>"
