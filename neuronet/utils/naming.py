"""Names: Keras's snake_case and the unique-name counters (`dense`, `dense_1`, ...) that `clear_session` resets.

The ground floor: layers, models, losses, metrics, optimizers and saving all name things with these, so none of
them reaches up into another floor for a helper.
"""
from __future__ import annotations

import re
from typing import Dict

_UIDS: Dict[str, int] = {}


def to_snake_case(name: str) -> str:
    """Keras's `naming.to_snake_case`: `"MeanSquaredError"` -> `"mean_squared_error"`, `"Conv2D"` -> `"conv2d"`.

    Example:
    >>> to_snake_case("MeanSquaredError"), to_snake_case("Conv2D")
    ('mean_squared_error', 'conv2d')
    """
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def uniquify(name: str) -> str:
    """`name` the first time, then `name_1`, `name_2`, ... (until `reset_uids`).

    Example:
    >>> reset_uids(); uniquify("dense"), uniquify("dense")
    ('dense', 'dense_1')
    """
    count = _UIDS.get(name, 0)
    _UIDS[name] = count + 1
    return name if count == 0 else f"{name}_{count}"


def auto_name(class_name: str) -> str:
    """A unique snake_case name for a new object of class `class_name` (Keras's `auto_name`)."""
    return uniquify(to_snake_case(class_name))


def reset_uids() -> None:
    """Forget the counters: the next `dense` is `dense` again (`keras.backend.clear_session`)."""
    _UIDS.clear()
