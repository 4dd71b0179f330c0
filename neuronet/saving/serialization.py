"""Layer configs as Keras writes them ({"class_name", "config"}), resolved from a registry only.

Deserializing never evaluates code: class names are looked up in neuronet's own layers, the classes
registered with `register_keras_serializable`, and the user's explicit `custom_objects`. Configs written by
tf.keras 2 and Keras 3 are accepted: their extra, inert keys (`optional`, `quantization_config`, dtype policies...)
are normalized here, once, rather than in every layer.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Optional

import numpy as np

from neuronet.utils.object_registration import (  # noqa: F401  (re-exported: keras.saving names them here too)
    CustomObjectScope, all_custom_objects, builtin, custom_object_scope, get_custom_objects, get_registered_name,
    get_registered_object, in_safe_mode, register_keras_serializable, resolve_class, safe_mode_scope,
)


def _registry() -> Dict[str, Any]:
    """neuronet's layers by class name (the lazy `keras.layers` namespace), and its models: registered on the
    ground floor, since `neuronet.models` is above this module (models rebuild themselves through it)."""
    from neuronet import layers

    found = {name: getattr(layers, name) for name in dir(layers) if isinstance(getattr(layers, name), type)}
    found.update({"Sequential": builtin("Sequential"), "Model": builtin("Functional"),
                  "Functional": builtin("Functional")})
    return found


# Where Keras 3 finds neuronet's built-in models: `module` and `registered_name` it expects for them.
_KERAS_MODULES = {"Sequential": ("keras", None), "Functional": ("keras.src.models.functional", "Functional")}


def serialize_layer(layer: Any) -> dict:
    cls = type(layer)
    if cls.__module__.startswith("neuronet."):
        module, registered = _KERAS_MODULES.get(cls.__name__, ("keras.layers", None))
    else:
        module, registered = cls.__module__, get_registered_name(cls)
    return {"module": module, "class_name": cls.__name__, "config": layer.get_config(), "registered_name": registered}


def deserialize_layer(config: dict, custom_objects: Optional[dict] = None) -> Any:
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"A layer config must be a dict with 'class_name' and 'config'. Received: {config!r}")
    name = config["class_name"]
    cls = resolve_class(name, config.get("registered_name"), custom_objects, _registry())
    if cls is None:
        raise ValueError(f"Unknown layer: {name!r}. neuronet has no layer class of that name. If it is a custom "
                         f"class, pass it when loading: `load_model(path, custom_objects={{{name!r}: {name}}})`, "
                         "or decorate it with `@keras.saving.register_keras_serializable()`, or use a "
                         "`keras.saving.custom_object_scope`.")
    inner = normalize_layer_config(dict(config.get("config") or {}))
    try:
        if "custom_objects" in inspect.signature(cls.from_config).parameters:
            return cls.from_config(inner, custom_objects=custom_objects)
        return cls.from_config(inner)
    except (TypeError, ValueError) as error:
        layer_name = inner.get("name", "?")
        raise type(error)(f"Could not rebuild layer {layer_name!r} of class {name!r} from its config: {error}") \
            from error


def normalize_layer_config(config: dict) -> dict:
    """Drop the keys Keras 3 / tf.keras 2 write that neuronet layers don't take (only at inert values)."""
    from neuronet.layers.layer import without_inert_keys

    config = without_inert_keys(config)
    for key, value in config.items():
        if isinstance(value, dict) and value.get("class_name") in ("__numpy__", "__tensor__"):
            config[key] = np.array(value["config"]["value"], dtype=value["config"].get("dtype"))  # Keras 3 arrays
    return config


def _lambda_message(config: dict) -> str:
    return ("the config holds a `Lambda` layer whose function is a Python lambda, stored in the file as bytecode. "
            "Loading it could run arbitrary code, so it is refused with `safe_mode=True` (the default), as in Keras. "
            "neuronet never runs bytecode from a file: if you trust the file, load it with `safe_mode=False` and pass "
            "the function, keyed by the layer's name: `custom_objects={'<layer name>': fn}`; or pass a layer class "
            "`custom_objects={'Lambda': YourLayer}` (it receives the saved config); or rebuild the model in code and "
            "load only its weights.")


def find_unsafe(config: Any) -> Optional[dict]:
    """The first object in a (model) config whose loading would need code: a Python lambda (`__lambda__`)."""
    if isinstance(config, dict):
        if config.get("class_name") == "__lambda__":
            return config
        values = list(config.values())
    elif isinstance(config, list):
        values = config
    else:
        return None
    for value in values:
        found = find_unsafe(value)
        if found is not None:
            return found
    return None


def check_safe(config: Any, custom_objects: Optional[dict], safe_mode: bool = True) -> None:
    """With safe_mode, refuse configs holding Lambda bytecode unless the user supplies a `Lambda` class."""
    found = find_unsafe(config)
    if found is not None and safe_mode and "Lambda" not in all_custom_objects(custom_objects):
        raise ValueError(f"Cannot load this model (safe_mode={safe_mode}): " + _lambda_message(found))


def json_default(obj: Any) -> Any:
    """`json.dumps(default=...)` for NumPy scalars/arrays and tuples inside configs."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable: {obj!r}. Configs saved with a "
                    "model may hold only numbers, strings, lists, dicts and None.")


# --- compile arguments (training_config in .h5, compile_config in .keras) -----------------------------------------
_COMPILE_KEYS = ("loss", "loss_weights", "metrics", "weighted_metrics")


def _serialize_compile_value(value: Any, serialize: Any) -> Any:
    """Strings stay strings (as Keras writes "mse"); objects and functions become config dicts."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {k: _serialize_compile_value(v, serialize) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_serialize_compile_value(v, serialize) for v in value]
    return serialize(value)


def compile_arguments_config(model: Any) -> dict:
    """loss / loss_weights / metrics / weighted_metrics of a compiled model, serialized as Keras does."""
    from neuronet import losses, metrics

    compile_config = getattr(model, "_compile_config", None) or {}
    return {"loss": _serialize_compile_value(compile_config.get("loss"), losses.serialize),
            "loss_weights": compile_config.get("loss_weights"),
            "metrics": _serialize_compile_value(compile_config.get("metrics"), metrics.serialize),
            "weighted_metrics": _serialize_compile_value(compile_config.get("weighted_metrics"), metrics.serialize)}


def training_config(model: Any) -> dict:
    """The `training_config` root attribute of a legacy .h5 file (tf.keras 2 keys)."""
    config = compile_arguments_config(model)
    config["optimizer_config"] = {"class_name": type(model.optimizer).__name__,
                                  "config": model.optimizer.get_config()}
    return config


def compile_config(model: Any) -> dict:
    """The `compile_config` entry of a .keras `config.json` (Keras 3 keys)."""
    optimizer = model.optimizer
    cls = type(optimizer)
    builtin = cls.__module__.startswith("neuronet.")
    config = {"optimizer": {"module": "keras.optimizers" if builtin else cls.__module__, "class_name": cls.__name__,
                            "config": optimizer.get_config(), "registered_name": None if builtin else cls.__name__}}
    config.update(compile_arguments_config(model))
    config.update({"run_eagerly": False, "steps_per_execution": 1, "jit_compile": False})
    return config


def compile_arguments(config: dict, num_outputs: int, custom_objects: Optional[dict] = None) -> dict:
    """`model.compile(**...)` arguments from a training_config (.h5) or a compile_config (.keras)."""
    from neuronet import optimizers

    custom = all_custom_objects(custom_objects)
    optimizer = config.get("optimizer_config", config.get("optimizer"))
    if isinstance(optimizer, dict):
        optimizer = optimizers.deserialize(optimizer, custom_objects=custom)
    elif optimizer is None:
        optimizer = "rmsprop"
    metrics = _deserialize_nested(config.get("metrics"), lambda c: _deserialize_metric(c, custom))
    weighted = _deserialize_nested(config.get("weighted_metrics"), lambda c: _deserialize_metric(c, custom))
    if num_outputs == 1:  # tf.keras 2 writes one list of metrics per output, even for one output
        metrics, weighted = _single_output(metrics), _single_output(weighted)
    loss = _deserialize_nested(config.get("loss"), lambda c: _deserialize_loss(c, custom))
    return {"optimizer": optimizer, "loss": loss, "loss_weights": config.get("loss_weights"), "metrics": metrics,
            "weighted_metrics": weighted}


def _single_output(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return value[0]
    return value


def _deserialize_nested(value: Any, deserialize: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and "class_name" in value:
        return deserialize(value)
    if isinstance(value, dict):
        return {k: _deserialize_nested(v, deserialize) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deserialize_nested(v, deserialize) for v in value]
    return value


def _deserialize_loss(config: dict, custom: dict) -> Any:
    from neuronet import losses

    if config.get("class_name") in ("function", "__function__") and isinstance(config.get("config"), str):
        return _function_by_name(config["config"], custom, losses.ALL_OBJECTS_DICT, "loss")
    return losses.deserialize(config, custom_objects=custom)


def _function_by_name(name: str, custom: dict, builtins: dict, kind: str) -> Any:
    """A saved function is only a name: the user's function of that name, or neuronet's (kept as the name), or
    one registered with `register_keras_serializable`."""
    if name in custom:
        return custom[name]
    if name in builtins:
        return name  # compile() resolves it, and metric names and history keys stay as Keras writes them
    registered = get_registered_object(name)
    if registered is not None:
        return registered
    raise ValueError(f"Unknown {kind} function {name!r} in the saved compile configuration. Pass it when loading: "
                     f"`load_model(path, custom_objects={{{name!r}: {name}}})`, or load with `compile=False`.")


def _deserialize_metric(config: dict, custom: dict) -> Any:
    """tf.keras 2 writes `MeanMetricWrapper(name="accuracy", fn=...)`: keep the name so compile() resolves it."""
    from neuronet import metrics

    inner = config.get("config")
    if config.get("class_name") == "MeanMetricWrapper" and isinstance(inner, dict):
        name = inner.get("name")
        if name in ("accuracy", "acc") or name in metrics.ALL_OBJECTS_DICT or name in metrics.LOSS_METRICS:
            return name
        fn = inner.get("fn")
        if isinstance(fn, str) and (fn in custom or fn in metrics.FUNCTIONS):
            return metrics.MeanMetricWrapper(custom.get(fn) or metrics.FUNCTIONS[fn], name=name)
    if config.get("class_name") in ("function", "__function__") and isinstance(inner, str):
        return _function_by_name(inner, custom, {**metrics.FUNCTIONS, **metrics.ALL_OBJECTS_DICT}, "metric")
    return metrics.deserialize(config, custom_objects=custom)
