"""Weight constraints: projections applied to a variable after each optimizer step.

`Dense(kernel_constraint=max_norm(2.0))` or `layer.add_weight(..., constraint="non_neg")`: the optimizer
assigns `constraint(variable)` to the variable after every update, as Keras does.
"""
from __future__ import annotations

from typing import Any

from neuronet import backend, ops


class Constraint:
    """Base class: `constraint(w)` returns the projected weight (by default `w` unchanged).

    Example:
    >>> import numpy as np
    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return ops.clip(w, -1.0, 1.0)
    >>> Clip()(np.array([-3.0, 0.5, 2.0])).numpy()
    array([-1. ,  0.5,  1. ])
    """

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        return cls(**config)


def _norms(w: Any, axis: Any) -> Any:
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales each unit's incoming weights (norms along `axis`) to a norm of at most `max_value`.

    Args:
        max_value: the maximum norm of the incoming weights.
        axis: axis (or axes) along which norms are computed: 0 for a Dense kernel `(input_dim, units)`.

    Example:
    >>> import numpy as np
    >>> MaxNorm(max_value=1.0)(np.array([[3.0], [4.0]])).numpy().round(4).tolist()
    [[0.6], [0.8]]
    """

    def __init__(self, max_value: float = 2, axis: Any = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(w, ops.divide(desired, ops.add(norms, backend.epsilon())))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero.

    Example:
    >>> import numpy as np
    >>> NonNeg()(np.array([-1.0, 2.0])).numpy()
    array([0., 2.])
    """

    def __call__(self, w: Any) -> Any:
        return ops.maximum(w, 0.0)


class UnitNorm(Constraint):
    """Rescales each unit's incoming weights (norms along `axis`) to unit norm.

    Example:
    >>> import numpy as np
    >>> UnitNorm()(np.array([[3.0], [4.0]])).numpy().round(4).tolist()
    [[0.6], [0.8]]
    """

    def __init__(self, axis: Any = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        return ops.divide(w, ops.add(_norms(w, self.axis), backend.epsilon()))

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Rescales each unit's incoming weights towards a norm in `[min_value, max_value]`.

    The new norm is `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`.

    Example:
    >>> import numpy as np
    >>> MinMaxNorm(min_value=2.0, max_value=3.0)(np.array([[0.6], [0.8]])).numpy().round(4).tolist()
    [[1.2], [1.6]]
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        norms = _norms(w, self.axis)
        desired = ops.add(ops.multiply(self.rate, ops.clip(norms, self.min_value, self.max_value)),
                          ops.multiply(1 - self.rate, norms))
        return ops.multiply(w, ops.divide(desired, ops.add(norms, backend.epsilon())))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
CLASSES = {"Constraint": Constraint, "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm,
           "MinMaxNorm": MinMaxNorm, "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
           "min_max_norm": MinMaxNorm}


def get(identifier: Any) -> Any:
    """A constraint from None, a name ("max_norm", "NonNeg"), a serialized dict, or a callable."""
    if identifier is None or isinstance(identifier, Constraint) or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        if identifier not in CLASSES:
            raise ValueError(f"Could not interpret constraint identifier: {identifier!r}. "
                             f"Expected one of {sorted(CLASSES)}, a Constraint or a callable.")
        return CLASSES[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}. Expected a name, a dict from "
                     "`serialize`, a Constraint or a callable.")


def serialize(constraint: Any) -> Any:
    """Keras 3's layout: {"module", "class_name", "config", "registered_name"}."""
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        raise ValueError(f"Cannot serialize constraint {constraint!r}: only keras.constraints.Constraint "
                         "instances (built-in or subclasses with get_config) can be saved.")
    builtin = type(constraint) in CLASSES.values()
    return {"module": "keras.constraints" if builtin else type(constraint).__module__,
            "class_name": type(constraint).__name__, "config": constraint.get_config(),
            "registered_name": None if builtin else type(constraint).__name__}


def deserialize(config: Any, custom_objects: Any = None) -> Any:
    """The constraint a `serialize` dict describes (built-ins, or classes in `custom_objects`)."""
    if config is None:
        return None
    if isinstance(config, str):
        return get(config)
    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or (custom_objects or {}).get(config.get("registered_name")) \
        or CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Unknown constraint: {name!r}. Built-in constraints are {sorted(CLASSES)}; pass "
                         "custom ones in `custom_objects`.")
    return cls.from_config(config.get("config", {}))


# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm", "min_max_norm",
           "non_neg", "serialize", "unit_norm"]


def __dir__():
    return sorted(__all__)
