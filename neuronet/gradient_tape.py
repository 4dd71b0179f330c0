"""GradientTape: tf.keras's way to write custom training loops, on neuronet's autodiff."""
from __future__ import annotations

from typing import Any, List

from neuronet.autodiff import Tensor, graph


class GradientTape:
    """Records operations on trainable Variables (and watched tensors) for `gradient()`.

    Args:
        persistent: allow several `gradient()` calls on one tape.
        watch_accessed_variables: kept for tf.keras compatibility; Variables are always watched.

    Example:
    >>> w = keras.Variable(np.array([3.0]), name="w")
    >>> with GradientTape() as tape:
    ...     loss = (w * w).sum()
    >>> tape.gradient(loss, [w])[0]
    array([6.], dtype=float32)
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self.persistent = persistent
        self._used = False

    def __enter__(self) -> "GradientTape":
        self._previous = graph.grad_enabled()
        graph._state.enabled = True
        return self

    def __exit__(self, *exc: Any) -> None:
        graph._state.enabled = self._previous

    def watch(self, tensor: Any) -> None:
        """Also differentiate with respect to `tensor` (a Tensor that is not a Variable)."""
        for t in tensor if isinstance(tensor, (list, tuple)) else [tensor]:
            if not isinstance(t, Tensor):
                raise TypeError(f"GradientTape.watch expects Tensors. Received: {type(t).__name__}. Wrap arrays "
                                "with keras.ops.convert_to_tensor first.")
            t.requires_grad = True

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None) -> Any:
        """d(target)/d(source) for each source; None where the target does not depend on it."""
        if self._used and not self.persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients. "
                               "Use GradientTape(persistent=True) to call gradient() several times.")
        self._used = True
        single = not isinstance(sources, (list, tuple))
        wrt: List[Any] = [sources] if single else list(sources)
        if isinstance(target, (list, tuple)):
            from neuronet.autodiff import primitives

            total = target[0].sum()
            for t in target[1:]:
                total = primitives.add(total, t.sum())
            target = total
        grads = graph.grad(target, wrt, output_gradient=output_gradients)
        return grads[0] if single else grads
