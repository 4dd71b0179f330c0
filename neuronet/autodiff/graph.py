"""The tape: `@primitive` records, `backward` replays in reverse topological order."""
from __future__ import annotations

import functools
import itertools
import operator
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence

from neuronet.autodiff.tensor import Tensor

PRIMITIVES: Dict[str, Callable[..., Tensor]] = {}
_state = threading.local()
_sequence = itertools.count(1)
_by_seq = operator.attrgetter("seq")
_autocast_dtype: Optional[str] = None


def grad_enabled() -> bool:
    return getattr(_state, "enabled", True)


class no_grad:
    """Context manager: primitives compute values without recording the graph (predict)."""

    def __enter__(self) -> "no_grad":
        self._previous = grad_enabled()
        _state.enabled = False
        return self

    def __exit__(self, *exc: Any) -> None:
        _state.enabled = self._previous


def primitive(fn: Callable[..., tuple]) -> Callable[..., Tensor]:
    """Turn `fn(*arrays, **options) -> (out, vjp)` into a recorded operation on Tensors.

    Positional arguments are the differentiable inputs (Tensors, arrays or scalars);
    keyword-only arguments (`axis`, `shape`) are options. `vjp(g)` returns one gradient
    per positional input, or None; a gradient may be a zero-argument callable, which is
    only called when that input requires a gradient (skips e.g. d(loss)/d(x) for the data).
    """

    @functools.wraps(fn)
    def recorded(*args: Any, **kwargs: Any) -> Tensor:
        if _autocast_dtype is not None:  # inside a float16 layer: its float32 variables are read as float16
            args = tuple(_autocast(a, _autocast_dtype) for a in args)
        needs = False
        raw = []
        for a in args:
            if isinstance(a, Tensor):
                raw.append(a.data)
                needs = needs or a.requires_grad
            else:
                raw.append(a)
        out, vjp = fn(*raw, **kwargs)
        if needs and grad_enabled():
            node = Tensor(out, True, args, vjp)
            node.seq = next(_sequence)
            return node
        return Tensor(out)

    recorded.raw = fn  # type: ignore[attr-defined]
    PRIMITIVES[fn.__name__] = recorded
    return recorded


def set_autocast(dtype: Optional[str]) -> Optional[str]:
    """Read `autocast` tensors (variables) as `dtype` in every primitive until reset; returns the previous dtype.

    Mixed precision: a layer computing in float16 sets it around its `call`, so its float32 master weights enter
    the math as float16 and their gradients come back as float32 through the recorded cast.
    """
    global _autocast_dtype
    previous, _autocast_dtype = _autocast_dtype, dtype
    return previous


def autocast_dtype() -> Optional[str]:
    return _autocast_dtype


def _autocast(a: Any, dtype: str) -> Any:
    if not (isinstance(a, Tensor) and a.autocast and a.data.dtype.kind == "f" and a.data.dtype != dtype):
        return a
    data, source = a.data.astype(dtype), a.data.dtype
    if a.requires_grad and grad_enabled():
        node = Tensor(data, True, (a,), lambda g: (g.astype(source),))
        node.seq = next(_sequence)
        return node
    return Tensor(data)


def unbroadcast(g: Any, shape: Sequence[int]) -> Any:
    """Sum `g` down to `shape`: the one place where broadcasting is undone."""
    if g.shape == tuple(shape):
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def _topological_order(root: Tensor) -> List[Tensor]:
    """Recorded nodes reachable from `root`, each after all nodes that consume it.

    A node is always created after its inputs, so decreasing creation order (`seq`) is a
    topological order: collect the reachable nodes, then sort. No recursion, no post-order.
    """
    nodes = [root]
    seen = {id(root)}
    for node in nodes:  # grows while iterating: a breadth-first walk
        for p in node.parents:
            if p.__class__ is not Tensor and not isinstance(p, Tensor):
                continue
            if p.vjp is not None and p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                nodes.append(p)
    nodes.sort(key=_by_seq, reverse=True)
    return nodes


def backward(root: Tensor, gradient: Any = None, keep: frozenset = frozenset()) -> Dict[int, Any]:
    """Reverse pass from `root`; returns {id(tensor): gradient} for the leaves and `keep`."""
    if gradient is None:
        from neuronet.backend import get_array_module

        gradient = get_array_module(root.data).ones_like(root.data)
    grads: Dict[int, Any] = {id(root): gradient}
    for node in _topological_order(root):
        key = id(node)
        g = grads.get(key) if key in keep else grads.pop(key, None)
        if g is None or node.vjp is None:
            continue
        for parent, pg in zip(node.parents, node.vjp(g)):
            if pg is None or not getattr(parent, "requires_grad", False) or not isinstance(parent, Tensor):
                continue  # (getattr first: most parents that fail are constants, cheaper to reject)
            if callable(pg):
                pg = pg()
            pkey = id(parent)
            previous = grads.get(pkey)
            grads[pkey] = pg if previous is None else previous + pg
    return grads


def _tensor_backward(self: Tensor, gradient: Any = None) -> Dict[int, Any]:
    """Run the reverse pass from this tensor; returns {id(tensor): gradient}."""
    return backward(self, gradient)


Tensor.backward = _tensor_backward  # here, not in tensor.py: the graph records Tensors, so it is above them


def grad(loss: Tensor, wrt: Sequence[Tensor], output_gradient: Any = None) -> List[Optional[Any]]:
    """Gradients of `loss` with respect to each tensor in `wrt` (None where unconnected)."""
    if not isinstance(loss, Tensor) or not loss.requires_grad:
        return [None for _ in wrt]
    grads = backward(loss, output_gradient, keep=frozenset(id(w) for w in wrt))
    return [grads.get(id(w)) for w in wrt]
