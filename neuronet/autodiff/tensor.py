"""Tensor: an array plus what the reverse pass needs (its parents and their vjp)."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from neuronet import backend


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    Args:
        data: the array (NumPy or CuPy).
        requires_grad: whether gradients flow to this tensor.
        parents: the primitive's positional inputs (Tensors or constants), if recorded.
        vjp: maps the output gradient to one gradient per parent.

    Example:
    >>> from neuronet.autodiff import Tensor, grad
    >>> x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    >>> grad((x * x).sum(), [x])[0]
    array([2., 4.])
    """

    __slots__ = ("data", "requires_grad", "parents", "vjp", "seq", "_keras_logits", "_logits_of", "__weakref__")
    __array_priority__ = 100  # numpy defers `ndarray op Tensor` to our reflected operators
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

    def backward(self, gradient: Any = None) -> dict:
        """Run the reverse pass from this tensor; returns {id(tensor): gradient}."""
        from neuronet.autodiff import graph

        return graph.backward(self, gradient)

    # --- operators call primitives ----------------------------------------------
    def __add__(self, other: Any) -> "Tensor":
        return _p().add(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        return _p().add(other, self)

    def __sub__(self, other: Any) -> "Tensor":
        return _p().subtract(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        return _p().subtract(other, self)

    def __mul__(self, other: Any) -> "Tensor":
        return _p().multiply(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return _p().multiply(other, self)

    def __truediv__(self, other: Any) -> "Tensor":
        return _p().divide(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return _p().divide(other, self)

    def __neg__(self) -> "Tensor":
        return _p().negative(self)

    def __pow__(self, other: Any) -> "Tensor":
        return _p().power(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return _p().power(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return _p().matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return _p().matmul(other, self)

    def __getitem__(self, index: Any) -> "Tensor":
        return _p().getitem(self, index=index)

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

    @property
    def T(self) -> "Tensor":
        return _p().transpose(self)

    def reshape(self, *shape: Any) -> "Tensor":
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _p().reshape(self, shape=shape)

    def sum(self, axis: Any = None, keepdims: bool = False) -> "Tensor":
        return _p().sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis: Any = None, keepdims: bool = False) -> "Tensor":
        return _p().mean(self, axis=axis, keepdims=keepdims)


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _p() -> Any:
    from neuronet.autodiff import primitives

    return primitives
