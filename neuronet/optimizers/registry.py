"""`keras.optimizers.get` and `deserialize`: the built-in optimizers by name, and the wrappers.

The package (`neuronet/optimizers/__init__.py`) loads this module on first use of any of these names.
"""
from neuronet.optimizers import serialization
from neuronet.optimizers.loss_scale_optimizer import LossScaleOptimizer as _LossScaleOptimizer
from neuronet.optimizers.optimizer import Optimizer
from neuronet.optimizers.serialization import ALL_OBJECTS

# Optimizers that wrap another (no default instance for `get`). LossScaleOptimizer is exported as
# `keras.mixed_precision.LossScaleOptimizer` only, until the differential suite has a real-Keras case for it.
_WRAPPERS = {"lossscaleoptimizer": _LossScaleOptimizer}


def deserialize(config, custom_objects=None):
    """Creates an optimizer from `{"class_name": ..., "config": ...}` (class name case-insensitive).

    Extra keys written by Keras 3 (`module`, `registered_name`) are ignored.

    Example:
    >>> deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}}).beta_1
    0.9
    """
    return serialization.deserialize(config, custom_objects, wrappers=_WRAPPERS)


def get(identifier):
    """Returns an optimizer from a name (`"adam"`, case-insensitive), a config dict, or an instance.

    Args:
        identifier: a name such as `"sgd"` (Keras's default learning rate), a dict from `serialize`, or an
            `Optimizer` (returned as is).

    Example:
    >>> get("Adam").learning_rate
    0.0010000000474974513
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and identifier.lower() in ALL_OBJECTS:
        return ALL_OBJECTS[identifier.lower()]()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}. Expected one of "
                     f"{sorted(ALL_OBJECTS)}, a config dict, or a `keras.optimizers.Optimizer` instance.")
