"""Tensor: an array plus what the reverse pass needs (its parents and their vjp).

The engine's methods are attached by the modules above this one, which make Tensors: the arithmetic operators,
`T`, `reshape`, `sum` and `mean` by `autodiff.primitives`, `backward` by `autodiff.graph`. Importing any part
of `neuronet.autodiff` loads both.
"""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from neuronet import backend


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    Args:
        data: the array, of the current backend (`backend.asarray`: NumPy, CuPy or strict).
        requires_grad: whether gradients flow to this tensor.
        parents: the primitive's positional inputs (Tensors or constants), if recorded.
        vjp: maps the output gradient to one gradient per parent.

    Example:
    >>> from neuronet import backend
    >>> from neuronet.autodiff import Tensor, grad
    >>> x = Tensor(backend.asarray(np.array([1.0, 2.0])), requires_grad=True)  # data on the device
    >>> grad((x * x).sum(), [x])[0]
    array([2., 4.])
    """

    __slots__ = ("data", "requires_grad", "parents", "vjp", "seq", "_keras_logits", "_logits_of", "__weakref__")
    # NumPy and CuPy defer `array op Tensor` to our reflected operators when this is above theirs (0; CuPy: 100,
    # which at 100 would call its ufunc on the Tensor instead and fail).
    __array_priority__ = 1000
    autocast = False  # True for variables: read in the autocast dtype inside float16 layers (see graph)

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        parents: Sequence[Any] = (),
        vjp: Optional[Callable[[Any], tuple]] = None,
    ) -> None:
        self.data = data
        self.requires_grad = requires_grad
        self.parents = parents
        self.vjp = vjp
        self.seq = 0  # creation order of recorded nodes: reverse order is a topological order
        self._keras_logits = None  # set by softmax/sigmoid so losses can use the stable logits
        self._logits_of = None  # which of the two ("softmax" or "sigmoid") made this tensor from them

    # --- array protocol -------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self) -> Any:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def numpy(self) -> Any:
        """The value as a NumPy array on the host (copied from the device when needed)."""
        return backend.to_numpy(self.data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        out = self.numpy()
        return out.astype(dtype) if dtype is not None else out

    def __len__(self) -> int:
        return len(self.data)

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)  # e.g. int(optimizer.iterations), as on Keras variables

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor({self.data!r}{grad})"

    # Comparisons are not differentiable: they return plain boolean tensors.
    def __gt__(self, other: Any) -> "Tensor":
        return Tensor(self.data > _raw(other))

    def __ge__(self, other: Any) -> "Tensor":
        return Tensor(self.data >= _raw(other))

    def __lt__(self, other: Any) -> "Tensor":
        return Tensor(self.data < _raw(other))

    def __le__(self, other: Any) -> "Tensor":
        return Tensor(self.data <= _raw(other))

    __hash__ = object.__hash__


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x
