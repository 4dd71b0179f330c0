"""Finite-difference gradient checks in float64 (autograd's random-projection check)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from neuronet import backend
from neuronet.autodiff.graph import grad
from neuronet.autodiff.tensor import Tensor


def check_grads(fn: Callable[..., Any], *arrays: Any, eps: float = 1e-6, rtol: float = 1e-5,
                atol: float = 1e-7, seed: int = 0, **kwargs: Any) -> None:
    """Check the reverse-mode gradient of `fn` at `arrays` against central differences.

    For each floating input x_i and random directions u (output) and v (input), compares
    u·(f(x + eps v) - f(x - eps v)) / 2eps with (Jᵀu)·v from the reverse pass. Integer and
    boolean inputs (labels, masks) are passed through unchanged. Raises AssertionError.

    Example:
    >>> from neuronet.autodiff import primitives
    >>> check_grads(primitives.tanh, np.linspace(-2, 2, 5))
    """
    rng = np.random.default_rng(seed)
    arrays = tuple(np.asarray(a) if not np.isscalar(a) else a for a in arrays)

    def device(xs: Any) -> list:  # the inputs are perturbed on the host, and the function runs on the device
        return [backend.asarray(x) if isinstance(x, np.ndarray) else x for x in xs]

    def value(*xs: Any) -> np.ndarray:
        return backend.to_numpy(fn(*device(xs), **kwargs)).astype(np.float64)

    tensors = [Tensor(d, requires_grad=_is_float(a)) for a, d in zip(arrays, device(arrays))]
    out = fn(*tensors, **kwargs)
    u = rng.standard_normal(out.shape)
    grads = grad(out, tensors, output_gradient=backend.asarray(u.astype(out.dtype)))
    for i, a in enumerate(arrays):
        if not _is_float(a):
            continue
        v = rng.standard_normal(np.shape(a))
        plus = list(arrays)
        minus = list(arrays)
        plus[i] = a + eps * v
        minus[i] = a - eps * v
        numeric = float(np.sum(u * (value(*plus) - value(*minus)) / (2 * eps)))
        analytic = 0.0 if grads[i] is None else float(np.sum(backend.to_numpy(grads[i]) * v))
        if not np.isclose(analytic, numeric, rtol=rtol, atol=atol):
            name = getattr(fn, "__name__", repr(fn))
            raise AssertionError(
                f"Gradient check failed for {name}, input {i} of shape {np.shape(a)}: reverse mode "
                f"gives {analytic!r}, finite differences give {numeric!r}."
            )


def _is_float(a: Any) -> bool:
    return np.issubdtype(np.asarray(a).dtype, np.floating)
