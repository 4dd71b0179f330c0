"""A CuPy stand-in for machines without a GPU: NOT CuPy, and no GPU code runs. It lets the library's `"cupy"`
branches run on a CPU.

`install(monkeypatch)` puts modules named `cupy`, `cupy.random`, `cupyx`, `cupyx.scipy` and `cupyx.scipy.special`
into `sys.modules` for one test. Their arrays are the strict test arrays (`neuronet/backend/strict.py`, its code loaded
a second time under the name `cupy`), so they refuse to meet the host implicitly as CuPy's do. The stand-in offers
only the CuPy API that the library calls, with CuPy's signatures (checked at every call), copied from CuPy's source
and docs (v13.0.0, the oldest `[gpu]` allows, and v14). A name or keyword argument that CuPy lacks fails here as it
would on a GPU. What it cannot show: CUDA kernels, cuBLAS, streams, memory and speed. Its random numbers are not
CuPy's (CuPy draws with XORWOW on the device).
"""
from __future__ import annotations

import importlib.util
import inspect
import math
import sys
import types
from typing import Any, Dict, Optional

import numpy as np

from neuronet.backend import strict

# Module-level names, as `cupy/__init__.py` (v13.0.0 and v14) imports them, with the signatures of their source
# (e.g. `cupy/linalg/_product.py: def dot(a, b, out=None)`). "ufunc": a `cupy.ufunc`; None: a type or constant.
FUNCTIONS: Dict[str, Optional[str]] = {
    "array": "obj, dtype=None, copy=True, order='K', subok=False, ndmin=0, *, blocking=False",
    "asarray": "a, dtype=None, order=None, *, blocking=False",
    "ascontiguousarray": "a, dtype=None",
    "empty": "shape, dtype=float, order='C'", "zeros": "shape, dtype=float, order='C'",
    "ones": "shape, dtype=float, order='C'", "full": "shape, fill_value, dtype=None, order='C'",
    "empty_like": "prototype, dtype=None, order='K', subok=None, shape=None",
    "zeros_like": "a, dtype=None, order='K', subok=None, shape=None",
    "ones_like": "a, dtype=None, order='K', subok=None, shape=None", "shares_memory": "a, b, max_work=None",
    "arange": "start, stop=None, step=1, dtype=None",
    "dot": "a, b, out=None", "vdot": "a, b",
    "concatenate": "tup, axis=0, out=None, *, dtype=None, casting='same_kind'",
    "split": "ary, indices_or_sections, axis=0",
    "broadcast_to": "array, shape", "expand_dims": "a, axis", "squeeze": "a, axis=None",
    "reshape": "a, newshape, order='C'", "transpose": "a, axes=None", "shape": "a",
    "take_along_axis": "a, indices, axis",
    "where": "condition, x=None, y=None", "clip": "a, a_min, a_max, out=None",
    "argmax": "a, axis=None, dtype=None, out=None, keepdims=False",
    "count_nonzero": "a, axis=None", "digitize": "x, bins, right=False",
    "all": "a, axis=None, out=None, keepdims=False", "any": "a, axis=None, out=None, keepdims=False",
    "sum": "a, axis=None, dtype=None, out=None, keepdims=False", "max": "a, axis=None, out=None, keepdims=False",
    "min": "a, axis=None, out=None, keepdims=False", "mean": "a, axis=None, dtype=None, out=None, keepdims=False",
    "get_array_module": "*args", "asnumpy": "a, stream=None, order='C', out=None, *, blocking=True",
    "ndarray": None, "dtype": None, "int64": None, "int32": None, "float16": None, "float32": None,
    "float64": None, "bool_": None,
    **dict.fromkeys(["add", "subtract", "multiply", "divide", "true_divide", "power", "mod", "remainder", "negative",
                     "abs", "absolute", "sign", "exp", "log", "log1p", "sqrt", "square", "tanh", "floor", "maximum",
                     "minimum", "heaviside", "isfinite", "isnan", "equal", "not_equal", "greater", "greater_equal",
                     "less", "less_equal", "logical_and", "logical_or", "logical_not"], "ufunc"),
}
# `cupy.ufunc.__call__` takes `out`, `dtype` and `casting` (cupy/_core/_kernel.pyx); its methods (v13.0.0 and v14):
UFUNC_KWARGS = frozenset({"out", "dtype", "casting"})
UFUNC_METHODS = {"at": "a, indices, b=None", "reduce": "array, axis=0, dtype=None, out=None, keepdims=False",
                 "outer": "A, B, **kwargs"}
# `cupy.ndarray` (cupy/_core/core.pyx): methods with their signatures, and attributes (None).
NDARRAY: Dict[str, Optional[str]] = {
    "astype": "dtype, order='K', casting=None, subok=None, copy=True",
    "reshape": "*shape, order='C'", "transpose": "*axes", "swapaxes": "axis1, axis2", "squeeze": "axis=None",
    "ravel": "order='C'", "flatten": "order='C'", "copy": "order='C'", "fill": "value", "view": "dtype=None",
    "sum": "axis=None, dtype=None, out=None, keepdims=False",
    "mean": "axis=None, dtype=None, out=None, keepdims=False",
    "max": "axis=None, out=None, keepdims=False", "min": "axis=None, out=None, keepdims=False",
    "argmax": "axis=None, out=None, dtype=None, keepdims=False",
    "argmin": "axis=None, out=None, dtype=None, keepdims=False",
    "any": "axis=None, out=None, keepdims=False", "all": "axis=None, out=None, keepdims=False",
    "clip": "min=None, max=None, out=None", "dot": "b, out=None", "take": "indices, axis=None, out=None",
    "item": "", "tolist": "", "get": "stream=None, order='C', out=None, blocking=True",
    **dict.fromkeys(["shape", "dtype", "ndim", "size", "itemsize", "nbytes", "strides", "T", "flags"]),
}


def _signature(params: str) -> inspect.Signature:
    namespace: Dict[str, Any] = {}
    exec(f"def f({params}): pass", {}, namespace)  # noqa: S102 (a parameter list of the table above)
    return inspect.signature(namespace["f"])


def _checked(fn: Any, params: str, where: str) -> Any:
    """`fn`, refusing the calls that CuPy's `where` would refuse for their arguments (names, count)."""
    signature = _signature(params)

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{where}({params}) in CuPy: {error}") from None
        return fn(*args, **kwargs)

    call.__name__ = getattr(fn, "__name__", where)
    return call


class _Ufunc:
    """A stand-in `cupy.ufunc`: CuPy's keyword arguments and methods only."""

    def __init__(self, name: str, inner: Any) -> None:
        self.__name__, self._inner = name, inner

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        unknown = set(kwargs) - UFUNC_KWARGS
        if unknown:
            raise TypeError(f"cupy.{self.__name__}: CuPy's ufuncs take no {sorted(unknown)} (only out, dtype, casting)")
        return self._inner(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name not in UFUNC_METHODS:
            raise AttributeError(f"cupy.ufunc has no method {name!r}")
        return _checked(getattr(self._inner, name), UFUNC_METHODS[name], f"cupy.{self.__name__}.{name}")


class Generator:
    """`cupy.random.Generator` as CuPy's `random` behaves (cupy/random/_generator_api.pyx): float64 draws for 'd',
    float32 draws cast to `dtype` otherwise, `out` of exactly `dtype`. The stream is NumPy's, not XORWOW's."""

    def __init__(self, seed: Any, module: types.ModuleType) -> None:
        self._rng, self._cupy = np.random.default_rng(np.random.SeedSequence(seed)), module

    def random(self, size: Any = None, dtype: Any = np.float64, out: Any = None) -> Any:
        dtype = np.dtype(dtype)
        if out is not None and out.dtype.char != dtype.char:
            raise TypeError(f"Supplied output array has the wrong type. Expected {dtype.name}, got {out.dtype.name}")
        y = self._rng.random(() if size is None else size, dtype=np.float64 if dtype.char == "d" else np.float32)
        y = self._cupy.asarray(y)  # drawn "on the device"
        if out is not None:
            out[...] = y
            y = out
        return y.astype(dtype, copy=False)


def _erf(x: Any, module: types.ModuleType) -> Any:
    """`cupyx.scipy.special.erf`: a ufunc of types e->d, f->f, d->d (cupyx/scipy/special/_erf.py)."""
    if not isinstance(x, module.ndarray):
        raise TypeError(f"stand-in cupyx.scipy.special.erf expects a cupy.ndarray, not {type(x).__name__}")
    host = x.get()
    out_dtype = np.float32 if host.dtype == np.float32 else np.float64
    return module.asarray(np.vectorize(math.erf, otypes=[out_dtype])(host))


# `cupyx.scatter_add` -> `ndarray.scatter_add` -> `_scatter_op(..., 'add')`: value cast to `a.dtype`, repeated indices
# accumulate (as numpy.add.at); the dtypes CUDA's atomicAdd takes in v13.0.0 (v14 adds int64).
_SCATTER_DTYPES = ("int32", "uint32", "uint64", "float16", "float32", "float64")


def _scatter_add(a: Any, slices: Any, value: Any, module: types.ModuleType) -> None:
    if not isinstance(a, module.ndarray):  # CuPy calls `a.scatter_add`: a NumPy array has no such method
        raise AttributeError(f"cupyx.scatter_add needs a cupy.ndarray, not {type(a).__name__}")  # noqa: TRY004
    if a.dtype.name not in _SCATTER_DTYPES:
        raise TypeError(f"cupy.add.at only supports {', '.join(_SCATTER_DTYPES)} as data type, not {a.dtype}")
    unwrap = module._unwrap
    value = value.astype(a.dtype, copy=False) if isinstance(value, module.ndarray) else value
    np.add.at(a._a, unwrap(slices, host_ok=True), unwrap(value))


def build() -> Dict[str, types.ModuleType]:
    """Fresh stand-in modules, by the names they take in `sys.modules`."""
    spec = importlib.util.spec_from_file_location("cupy", strict.__file__)
    cupy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cupy)  # the strict module's code, its arrays now `cupy.ndarray`
    numpy_names = cupy.__getattr__  # the strict module's lookup: NumPy's function, wrapped

    def lookup(name: str) -> Any:
        if name not in FUNCTIONS:
            raise AttributeError(f"module 'cupy' has no attribute {name!r} (stand-in: not in the CuPy API it checked)")
        params = FUNCTIONS[name]
        if params is None:
            value = getattr(np, name)
        elif params == "ufunc":
            value = _Ufunc(name, numpy_names("absolute" if name == "abs" else name))
        else:
            value = _checked(numpy_names(name), params, f"cupy.{name}")
        setattr(cupy, name, value)
        return value

    cupy.__getattr__ = lookup
    cupy.STAND_IN = True
    cupy.asnumpy = _checked(lambda a, *args, **kwargs: a.get() if isinstance(a, cupy.ndarray) else np.asarray(a),
                            FUNCTIONS["asnumpy"], "cupy.asnumpy")
    cupy.get_array_module = lambda *args: cupy if any(isinstance(a, cupy.ndarray) for a in args) else np
    _guard_ndarray(cupy)
    random = types.ModuleType("cupy.random")
    random.Generator = Generator
    random.default_rng = _checked(lambda seed=None: Generator(seed, cupy), "seed=None", "cupy.random.default_rng")
    cupy.random = random
    cupyx = types.ModuleType("cupyx")
    cupyx.scatter_add = _checked(lambda a, slices, value: _scatter_add(a, slices, value, cupy), "a, slices, value",
                                 "cupyx.scatter_add")
    scipy, special = types.ModuleType("cupyx.scipy"), types.ModuleType("cupyx.scipy.special")
    special.erf = lambda x: _erf(x, cupy)
    cupyx.scipy, scipy.special = scipy, special
    return {"cupy": cupy, "cupy.random": random, "cupyx": cupyx, "cupyx.scipy": scipy, "cupyx.scipy.special": special}


def _wrapped_indices(array: Any, key: Any, cupy: types.ModuleType) -> Any:
    """Integer index arrays wrap around out-of-bounds values, as CuPy's do ("CuPy handles out-of-bounds indices
    differently from NumPy ... wraps around them": the `cupy.ndarray.__getitem__` docs); NumPy would raise. Done
    for keys of integers, slices and integer arrays, one per leading axis (the forms the library uses)."""
    parts = key if isinstance(key, tuple) else (key,)
    if len(parts) > array.ndim or not all(isinstance(k, (int, np.integer, slice, cupy.ndarray, np.ndarray))
                                          for k in parts):
        return key
    wrapped = []
    for axis, index in enumerate(parts):
        host = index._a if isinstance(index, cupy.ndarray) else index
        if isinstance(host, np.ndarray) and host.dtype.kind in "iu":
            host = host % array.shape[axis] if array.shape[axis] else host
            index = cupy.ndarray(host) if isinstance(index, cupy.ndarray) else host
        wrapped.append(index)
    return tuple(wrapped) if isinstance(key, tuple) else wrapped[0]


def _guard_ndarray(cupy: types.ModuleType) -> None:
    """`cupy.ndarray` attributes limited to CuPy's, with its signatures; NumPy functions dispatch as CuPy's do."""
    ndarray = cupy.ndarray
    attribute = ndarray.__getattr__

    def guarded(self: Any, name: str) -> Any:
        if name not in NDARRAY:
            raise AttributeError(f"'cupy.ndarray' object has no attribute {name!r} (stand-in: not checked in CuPy)")
        value = attribute(self, name)
        params = NDARRAY[name]
        return value if params is None else _checked(value, params, f"cupy.ndarray.{name}")

    def array_function(self: Any, func: Any, types_: Any, args: Any, kwargs: Any) -> Any:
        # CuPy: `cupy.<name>` for a NumPy function `numpy.<name>`, NotImplemented (NumPy's TypeError) without one.
        if func.__module__ != "numpy" or FUNCTIONS.get(func.__name__, "ufunc") in ("ufunc", None):
            return NotImplemented
        return getattr(cupy, func.__name__)(*args, **kwargs)

    def array_ufunc(self: Any, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # CuPy: `cupy.<name>` (or its method) for a NumPy ufunc; a NumPy array among the inputs is refused.
        if "out" in kwargs:
            (kwargs["out"],) = kwargs["out"]
        if any(isinstance(x, np.ndarray) and x.ndim for x in inputs + (kwargs.get("out"),)):
            return NotImplemented
        func = getattr(cupy, ufunc.__name__)
        return (func if method == "__call__" else getattr(func, method))(*inputs, **kwargs)

    getitem, setitem = ndarray.__getitem__, ndarray.__setitem__
    ndarray.__getitem__ = lambda self, key: getitem(self, _wrapped_indices(self, key, cupy))
    ndarray.__setitem__ = lambda self, key, value: setitem(self, _wrapped_indices(self, key, cupy), value)
    ndarray.__getattr__ = guarded
    ndarray.__array_function__ = array_function
    ndarray.__array_ufunc__ = array_ufunc


def install(monkeypatch: Any) -> types.ModuleType:
    """The stand-in modules in `sys.modules` until the test ends (monkeypatch undoes it); returns `cupy`.

    Under `-p tests.backend.cupy_stand_in` (the whole run on the stand-in) the session's modules serve."""
    if getattr(sys.modules.get("cupy"), "STAND_IN", False):
        return sys.modules["cupy"]
    modules = build()
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return modules["cupy"]


def pytest_configure(config: Any) -> None:
    """`python -m pytest -p tests.backend.cupy_stand_in`: every test on the stand-in, as `NEURONET_BACKEND=cupy`
    would run them on a GPU (tests that start a Python process run there on the default backend)."""
    from neuronet import backend

    sys.modules.update(build())
    backend.set_backend("cupy")
