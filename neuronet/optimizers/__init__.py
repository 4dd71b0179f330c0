"""`keras.optimizers`: SGD, Adam, AdamW, Adamax, RMSprop, Adagrad, Nadam, Lion, Ftrl, schedules, and `get()`."""
from neuronet.optimizers import schedules  # noqa: F401
from neuronet.optimizers.adagrad import Adagrad
from neuronet.optimizers.adam import Adam
from neuronet.optimizers.adamax import Adamax
from neuronet.optimizers.adamw import AdamW
from neuronet.optimizers.ftrl import Ftrl
from neuronet.optimizers.lion import Lion
from neuronet.optimizers.nadam import Nadam
from neuronet.optimizers.optimizer import Optimizer
from neuronet.optimizers.rmsprop import RMSprop
from neuronet.optimizers.sgd import SGD
from neuronet.utils.object_registration import all_custom_objects, get_registered_object

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adamax", "RMSprop", "Adagrad", "Nadam", "Lion", "Ftrl", "schedules",
           "get", "serialize", "deserialize"]

ALL_OBJECTS = {cls.__name__.lower(): cls for cls in (SGD, Adam, AdamW, Adamax, RMSprop, Adagrad, Nadam, Lion, Ftrl)}


def serialize(optimizer):
    """Returns `{"class_name": ..., "config": ...}` for an optimizer.

    Example:
    >>> serialize(SGD())["class_name"], serialize(SGD())["config"]["momentum"]
    ('SGD', 0.0)
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"Expected a `keras.optimizers.Optimizer` instance. Received: {optimizer!r}")
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """Creates an optimizer from `{"class_name": ..., "config": ...}` (class name case-insensitive).

    Extra keys written by Keras 3 (`module`, `registered_name`) are ignored.

    Example:
    >>> deserialize({"class_name": "Adam", "config": {"learning_rate": 0.01}}).beta_1
    0.9
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("An optimizer config must be a dict {'class_name': ..., 'config': {...}}. "
                         f"Received: {config!r}")
    class_name = config["class_name"].split(">")[-1]  # tf.keras 2.11+ may write "Custom>Adam"
    custom_objects = all_custom_objects(custom_objects)
    cls = (custom_objects.get(class_name) or get_registered_object(config.get("registered_name") or "")
           or ALL_OBJECTS.get(class_name.lower()) or _wrappers().get(class_name.lower())
           or get_registered_object(class_name))
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {class_name!r}. Expected one of "
                         f"{sorted(ALL_OBJECTS)}, or pass your class in `custom_objects`.")
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def _wrappers():
    """Optimizers that wrap another (no default instance for `get`). LossScaleOptimizer is exported as
    `keras.mixed_precision.LossScaleOptimizer` only, until the differential suite has a real-Keras case for it."""
    from neuronet.optimizers.loss_scale_optimizer import LossScaleOptimizer

    return {"lossscaleoptimizer": LossScaleOptimizer}


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


def __dir__():
    return sorted(__all__)
