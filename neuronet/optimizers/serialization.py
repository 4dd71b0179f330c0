"""The built-in optimizers by name, and their configs: `serialize` / `deserialize`.

Below `LossScaleOptimizer`, whose config holds its inner optimizer's (never another LossScaleOptimizer): it
rebuilds that one from here; `keras.optimizers.deserialize` adds the wrappers.
"""
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


def deserialize(config, custom_objects=None, wrappers=None):
    """Creates an optimizer from `{"class_name": ..., "config": ...}` (class name case-insensitive): a custom one,
    a built-in one, or one of `wrappers` (`{lower-case class name: class}`).

    Example:
    >>> deserialize({"class_name": "SGD", "config": {"momentum": 0.5}}).momentum
    0.5
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("An optimizer config must be a dict {'class_name': ..., 'config': {...}}. "
                         f"Received: {config!r}")
    class_name = config["class_name"].split(">")[-1]  # tf.keras 2.11+ may write "Custom>Adam"
    custom_objects = all_custom_objects(custom_objects)
    cls = (custom_objects.get(class_name) or get_registered_object(config.get("registered_name") or "")
           or ALL_OBJECTS.get(class_name.lower()) or (wrappers or {}).get(class_name.lower())
           or get_registered_object(class_name))
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {class_name!r}. Expected one of "
                         f"{sorted(ALL_OBJECTS)}, or pass your class in `custom_objects`.")
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)
