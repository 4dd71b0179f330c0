"""tf.keras's `K.get_value` / `K.set_value`: read and assign Variables and an optimizer's learning rate."""
from __future__ import annotations

from typing import Any

from neuronet.backend.core import to_numpy


def get_value(x: Any) -> Any:
    """The value of a Variable, Tensor or optimizer learning rate as a NumPy value (tf.keras's `K.get_value`).

    Example:
    >>> import neuronet as keras
    >>> float(get_value(keras.optimizers.SGD(learning_rate=0.5).learning_rate))
    0.5
    """
    if hasattr(x, "numpy"):
        return x.numpy()
    return to_numpy(x)


def set_value(x: Any, value: Any) -> None:
    """Assign `value` to a Variable or to an optimizer's `learning_rate` (tf.keras's `K.set_value`).

    Example:
    >>> import neuronet as keras
    >>> opt = keras.optimizers.SGD(learning_rate=0.1)
    >>> set_value(opt.learning_rate, 0.25); float(opt.learning_rate)
    0.25
    """
    if not hasattr(x, "assign"):
        raise TypeError(f"`set_value` expects a Variable (or an optimizer's `learning_rate`). Received a "
                        f"{type(x).__name__}: {x!r}, which cannot be assigned in place.")
    x.assign(value)
