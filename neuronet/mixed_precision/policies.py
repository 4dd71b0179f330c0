"""DTypePolicy: the dtype a layer computes in and the dtype of its variables (`keras.mixed_precision`).

`"mixed_float16"` computes in float16 and keeps float32 variables (master weights): inside such a layer, inputs are
cast to float16 and each variable is read as float16 (the engine's autocast), and gradients come back to the
float32 variables as float32. `Model.compile` then wraps the optimizer in a `LossScaleOptimizer`, as Keras does.
NumPy has no bfloat16, so `"mixed_bfloat16"` is refused.

Example:
>>> policy = DTypePolicy("mixed_float16")
>>> policy.compute_dtype, policy.variable_dtype
('float16', 'float32')
"""
from __future__ import annotations

from typing import Any, Optional

from neuronet import backend



class DTypePolicy:
    """A dtype policy for a layer.

    Args:
        name: `"mixed_float16"`, or a dtype name (`"float32"`, `"float16"`, ...); None means `floatx()`.
    """

    def __init__(self, name: Optional[str] = None) -> None:
        if name is None:
            name = backend.floatx()
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'mixed_float16'. Received: name={name!r} "
                            f"(of type {type(name)})")
        if name == "mixed_float16":
            compute, variable = "float16", "float32"
        elif name == "mixed_bfloat16":
            raise ValueError("Cannot use dtype policy 'mixed_bfloat16': NumPy and CuPy have no bfloat16. "
                             "Use 'mixed_float16'.")
        else:
            try:
                compute = variable = backend.standardize_dtype(name)
            except TypeError:
                raise ValueError(f"Cannot convert {name!r} to a mixed precision DTypePolicy. Valid policies "
                                 "include 'mixed_float16', 'float16', 'float32' and 'float64'.") from None
        self._name, self._compute_dtype, self._variable_dtype = name, compute, variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._variable_dtype

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "DTypePolicy":
        return cls(**config)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def set_dtype_policy(policy: Any) -> None:
    """Set the policy of layers created from now on (`keras.mixed_precision.set_global_policy`).

    Args:
        policy: a `DTypePolicy`, a policy name such as `"mixed_float16"`, or None to go back to floatx.
    """
    backend.set_global_attribute("dtype_policy", None if policy is None else get(policy))


def dtype_policy() -> DTypePolicy:
    """The global policy: the one set with `set_global_policy` (until `clear_session`), else `floatx()`'s."""
    policy = backend.get_global_attribute("dtype_policy")
    return policy if policy is not None else DTypePolicy(backend.floatx())


def get(identifier: Any) -> DTypePolicy:
    """A `DTypePolicy` from a policy, a name, a config dict, or None (the global policy)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy.from_config(identifier.get("config", identifier))
    if hasattr(identifier, "name") and not isinstance(identifier, str):  # e.g. np.dtype("float16")
        identifier = identifier.name
    if isinstance(identifier, type):  # e.g. np.float32
        identifier = backend.standardize_dtype(identifier)
    return DTypePolicy(identifier)
