"""Layer configs as Keras writes them ({"class_name", "config"}), resolved from a registry only.

Deserializing never evaluates code: class names are looked up in neuronet's own layers and
the user's explicit `custom_objects`.
"""
from __future__ import annotations

from typing import Any, Dict, Optional


def _registry() -> Dict[str, Any]:
    from neuronet import layers, models

    found = {name: getattr(layers, name) for name in dir(layers) if isinstance(getattr(layers, name), type)}
    from neuronet.models.functional import Functional

    found.update({"Sequential": models.Sequential, "Model": Functional, "Functional": Functional})
    return found


def serialize_layer(layer: Any) -> dict:
    return {"module": "keras.layers", "class_name": type(layer).__name__, "config": layer.get_config(),
            "registered_name": None}


def deserialize_layer(config: dict, custom_objects: Optional[dict] = None) -> Any:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"A layer config must be a dict with 'class_name' and 'config'. Received: {config!r}")
    name = config["class_name"]
    registry = {**_registry(), **(custom_objects or {})}
    cls = registry.get(name)
    if cls is None:
        raise ValueError(f"Unknown layer: {name!r}. Please ensure you are using a `keras.utils.custom_object_scope` "
                         "and that this object is included in the scope, or pass it in `custom_objects`.")
    inner = dict(config.get("config", {}))
    if hasattr(cls.from_config, "__code__") and "custom_objects" in cls.from_config.__code__.co_varnames:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)
