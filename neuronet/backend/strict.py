"""The strict test array module: NumPy underneath, CuPy's manners on top, so GPU bugs show up on a CPU.

Its arrays refuse to become NumPy arrays implicitly (`np.asarray(x)` raises, as with CuPy; `x.get()` and
`backend.to_numpy(x)` are the explicit copies) and refuse to mix with NumPy arrays in arithmetic and in this
module's functions (`xp.asarray(host)` is the explicit copy the other way). Python and NumPy scalars and 0-d arrays
mix freely, as on CuPy. NumPy functions called on strict arrays dispatch here, as CuPy's `__array_function__` does.
Select it with `NEURONET_BACKEND=strict` or `keras.backend.set_backend("strict")`.

Example:
>>> from neuronet.backend import strict
>>> x = strict.asarray(np.arange(3.0))
>>> (x * 2).get()
array([0., 2., 4.])
>>> np.asarray(x)  # doctest: +ELLIPSIS
Traceback (most recent call last):
TypeError: Implicit conversion to a NumPy array is not allowed. ...
>>> x + np.ones(3)  # doctest: +ELLIPSIS
Traceback (most recent call last):
TypeError: Unsupported type <class 'numpy.ndarray'>: a host array cannot meet a device array; ...
"""
from __future__ import annotations

import functools
import operator
from typing import Any, Callable

import numpy as np

_HOST_TO_DEVICE = frozenset({"asarray", "array", "asanyarray", "ascontiguousarray"})
_HIDDEN = frozenset({"data", "ctypes", "base", "flat"})  # views of host memory that would leak it
_PRIORITY = 100  # `cupy.ndarray.__array_priority__`


def _refuse(value: Any) -> TypeError:
    return TypeError(f"Unsupported type {type(value)}: a host array cannot meet a device array; move it with "
                     "`backend.asarray` first.")


def _unwrap(value: Any, host_ok: bool = False) -> Any:
    """Arguments going into NumPy: strict arrays open up; host arrays (but 0-d ones) are refused."""
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray):
        if host_ok or value.ndim == 0:
            return value
        raise _refuse(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v, host_ok) for v in value)
    return value


def _wrap(value: Any) -> Any:
    """Results coming out of NumPy: arrays and NumPy scalars become strict arrays (CuPy returns 0-d arrays)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return ndarray(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _function(name: str, fn: Callable) -> Callable:
    host_ok = name in _HOST_TO_DEVICE

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        args = tuple(_unwrap(a, host_ok) for a in args)
        kwargs = {k: _unwrap(v, host_ok) for k, v in kwargs.items()}
        return _wrap(fn(*args, **kwargs))

    return call


class _Ufunc:
    """A NumPy ufunc, wrapped: calls and its methods (`at`, `reduce`, `outer`, ...) take strict arrays."""

    def __init__(self, ufunc: np.ufunc) -> None:
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__
        self._call = _function(ufunc.__name__, ufunc)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._ufunc, name)
        return _function(name, value) if callable(value) else value


def __getattr__(name: str) -> Any:
    """`strict.exp`, `strict.zeros`, ...: NumPy's function of that name, wrapped; types and constants as they are."""
    target = getattr(np, name)
    if isinstance(target, type) or not callable(target):
        return target
    wrapped = _Ufunc(target) if isinstance(target, np.ufunc) else _function(name, target)
    globals()[name] = wrapped  # looked up once
    return wrapped


def _operand(value: Any) -> Any:
    if isinstance(value, ndarray):
        return value._a
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value
        raise _refuse(value)
    if isinstance(value, (int, float, complex, bool, np.generic)):
        return value
    # Anything else (a Tensor), as CuPy's `_should_use_rop`: its reflected operator runs only if it sets
    # `__array_ufunc__ = None` or an `__array_priority__` above ours; otherwise CuPy's ufunc gets it, and fails.
    if getattr(value, "__array_ufunc__", 0) is None or getattr(value, "__array_priority__", 0) > _PRIORITY:
        return NotImplemented
    raise TypeError(f"Unsupported type {type(value)}: CuPy's operators defer only to an `__array_priority__` above "
                    f"{_PRIORITY}.")


def _binary(op: Callable, reflected: bool = False) -> Callable:
    def method(self: "ndarray", other: Any) -> Any:
        other = _operand(other)
        if other is NotImplemented:
            return NotImplemented
        return _wrap(op(other, self._a) if reflected else op(self._a, other))

    return method


def _inplace(op: Callable) -> Callable:
    def method(self: "ndarray", other: Any) -> Any:
        value = _operand(other)
        if value is NotImplemented:  # CuPy: `x += y` is `add(x, y, out=x)`, which takes arrays and scalars only
            raise TypeError(f"Unsupported type {type(other)} in an in-place operator of a device array.")
        self._a = op(self._a, value)
        return self

    return method


class ndarray:  # noqa: N801 (the module mirrors numpy/cupy: `xp.ndarray`)
    """A device array of the strict backend (a NumPy array inside that never leaves implicitly)."""

    __slots__ = ("_a",)
    __array_priority__ = _PRIORITY
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, array: np.ndarray) -> None:
        self._a = array

    # --- what CuPy refuses -------------------------------------------------------------------------------
    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a "
                        "NumPy array explicitly.")

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if any(isinstance(x, np.ndarray) and x.ndim for x in inputs + tuple(kwargs.get("out", ()))):
            return NotImplemented  # numpy then raises TypeError: a host array in device math
        fn = getattr(ufunc, method)
        return _function(ufunc.__name__, fn)(*inputs, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        return _function(func.__name__, func)(*args, **kwargs)  # refuses host arrays among the arguments

    # --- explicit copies to the host ------------------------------------------------------------------------
    def get(self) -> np.ndarray:
        """A NumPy copy on the host (CuPy's `ndarray.get`)."""
        return self._a.copy()

    def item(self) -> Any:
        return self._a.item()

    def tolist(self) -> Any:
        return self._a.tolist()

    def __float__(self) -> float:
        return float(self._a)

    def __int__(self) -> int:
        return int(self._a)

    def __bool__(self) -> bool:
        return bool(self._a)

    def __index__(self) -> int:
        return operator.index(self._a)

    def __len__(self) -> int:
        return len(self._a)

    def __iter__(self) -> Any:
        return (_wrap(row) for row in self._a)

    def __repr__(self) -> str:
        return repr(self._a)  # as CuPy's: `array([1., 2.])`, so examples print the same on every backend

    def __format__(self, spec: str) -> str:
        return format(self._a.item() if self._a.ndim == 0 else self._a, spec)

    # --- the array ------------------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in _HIDDEN or name == "_a":
            raise AttributeError(f"strict ndarray has no attribute {name!r}")
        value = getattr(self._a, name)
        if callable(value):
            return _function(name, value)
        return _wrap(value) if isinstance(value, np.ndarray) else value

    def __getitem__(self, key: Any) -> Any:
        return _wrap(self._a[_unwrap(key, host_ok=True)])  # NumPy index arrays are accepted, as by CuPy

    def __setitem__(self, key: Any, value: Any) -> None:
        self._a[_unwrap(key, host_ok=True)] = _unwrap(value)

    def __neg__(self) -> "ndarray":
        return ndarray(-self._a)

    def __pos__(self) -> "ndarray":
        return ndarray(+self._a)

    def __abs__(self) -> "ndarray":
        return ndarray(abs(self._a))

    def __invert__(self) -> "ndarray":
        return ndarray(~self._a)


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor"):
    _op = getattr(operator, _name if _name not in ("and", "or") else f"{_name}_")
    setattr(ndarray, f"__{_name}__", _binary(_op))
    setattr(ndarray, f"__r{_name}__", _binary(_op, reflected=True))
    setattr(ndarray, f"__i{_name}__", _inplace(getattr(operator, f"i{_name}")))
for _name in ("lt", "le", "gt", "ge"):
    setattr(ndarray, f"__{_name}__", _binary(getattr(operator, _name)))


def _equality(op: Callable, fill: bool) -> Callable:
    compare = _binary(op)

    def method(self: "ndarray", other: Any) -> Any:
        if other is None or type(other).__eq__ is object.__eq__:  # as CuPy: never equal to an element
            return ndarray(np.full(self._a.shape, fill))
        return compare(self, other)

    return method


ndarray.__eq__, ndarray.__ne__ = _equality(operator.eq, False), _equality(operator.ne, True)
