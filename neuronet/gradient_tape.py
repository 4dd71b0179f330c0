"""GradientTape: tf.keras's way to write custom training loops, on neuronet's autodiff."""
from __future__ import annotations

from typing import Any, List

from neuronet.autodiff import Tensor, graph
from neuronet.trainers import threads


class GradientTape:
    """Records operations for `gradient()`, as `tf.GradientTape` does.

    Args:
        persistent: allow several `gradient()` calls on one tape.
        watch_accessed_variables: True (default) differentiates with respect to every trainable Variable;
            False only with respect to what `tape.watch(...)` was given (others get None).

    `gradient(target, sources)` accepts a target or a list/dict (nested) of targets, whose gradients add up,
    and sources as one tensor or a nested list/tuple/dict, returned in the same structure.

    Example:
    >>> w = keras.Variable(np.array([3.0]), name="w")
    >>> with GradientTape() as tape:
    ...     loss = (w * w).sum()
    >>> tape.gradient(loss, [w])[0]
    array([6.], dtype=float32)
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched: List[Tensor] = []
        self._used = False

    def __enter__(self) -> "GradientTape":
        self._previous = graph.grad_enabled()
        graph._state.enabled = True
        return self

    def __exit__(self, *exc: Any) -> None:
        graph._state.enabled = self._previous

    def watch(self, tensor: Any) -> None:
        """Also differentiate with respect to `tensor` (a Tensor or Variable, or a nested structure of them)."""
        for t in _flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(f"GradientTape.watch expects Tensors or Variables. Received: {type(t).__name__}. "
                                "Wrap arrays with keras.ops.convert_to_tensor first.")
            t.requires_grad = True
            if not any(t is w for w in self._watched):
                self._watched.append(t)

    def watched_variables(self) -> List[Tensor]:
        """The tensors given to `watch()`."""
        return list(self._watched)

    def reset(self) -> None:
        """Forget what was watched (the recorded operations live on the tensors themselves)."""
        self._watched = []
        self._used = False

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: Any = "none") -> Any:
        """d(sum of targets)/d(source) for each source, in the structure of `sources`.

        Args:
            target: a Tensor, or a nested list/tuple/dict of Tensors (their gradients are summed).
            sources: a Tensor/Variable or a nested list/tuple/dict of them.
            output_gradients: one upstream gradient per target (same structure as `target`), or None.
            unconnected_gradients: "none" (None for sources the target does not depend on) or "zero".
        """
        if self._used and not self.persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients. "
                               "Use GradientTape(persistent=True) to call gradient() several times.")
        mode = str(getattr(unconnected_gradients, "value", unconnected_gradients)).lower()
        if mode not in ("none", "zero"):
            raise ValueError(f"`unconnected_gradients` must be 'none' or 'zero'. Received: {unconnected_gradients!r}")
        self._used = True
        wrt = _flatten(sources)
        targets = _flatten(target)
        upstream = _flatten(output_gradients) if output_gradients is not None else [None] * len(targets)
        if len(upstream) != len(targets):
            raise ValueError(f"`output_gradients` has {len(upstream)} entries for {len(targets)} targets; pass one "
                             "per target.")
        totals: List[Any] = [None] * len(wrt)
        for t, g in zip(targets, upstream):
            for i, value in enumerate(graph.grad(t, wrt, output_gradient=_data(g))):
                if value is not None:
                    totals[i] = value if totals[i] is None else totals[i] + value
        for i, source in enumerate(wrt):
            if not self.watch_accessed_variables and not any(source is w for w in self._watched):
                totals[i] = None  # TensorFlow gives None for what this tape was not told to watch
            if totals[i] is None and mode == "zero":
                totals[i] = source.data * 0
        threads.tape_step_done(wrt)  # a tape loop gets fit's BLAS thread policy (one call per step)
        return _pack(sources, iter(totals))


def _data(value: Any) -> Any:
    return value.data if isinstance(value, Tensor) else value


def _flatten(structure: Any) -> list:
    if isinstance(structure, dict):
        return [x for key in structure for x in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [x for item in structure for x in _flatten(item)]
    return [structure]


def _pack(structure: Any, values: Any) -> Any:
    if isinstance(structure, dict):
        return {key: _pack(structure[key], values) for key in structure}
    if isinstance(structure, (list, tuple)):
        return type(structure)(_pack(item, values) for item in structure) if not _is_namedtuple(structure) \
            else type(structure)(*[_pack(item, values) for item in structure])
    return next(values)


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")
