"""Objects found by name: the custom-object registry (`register_keras_serializable`, `custom_object_scope`,
`get_registered_object`), neuronet's own classes that lower floors name (`register_builtin`), and safe mode.

It sits on the ground floor (no neuronet imports) so that layers, models, losses, metrics, optimizers and the
saving code can look objects up by name without importing the modules that define them (which would close
import loops: models save themselves through `saving`, and `saving` rebuilds models). `keras.saving` and
`keras.utils` export the custom-object part.
"""
from __future__ import annotations

import contextlib
import inspect
from typing import Any, Dict, Iterator, Optional

_REGISTERED: Dict[str, Any] = {}  # "package>Name" -> class or function, from register_keras_serializable
_REGISTERED_NAMES: Dict[Any, str] = {}  # and back
_SCOPES: list = []  # custom_object_scope dicts, innermost last
_BUILTINS: Dict[str, Any] = {}  # class name -> neuronet's own class, from register_builtin
_SAFE_MODE: list = []  # safe_mode_scope values, innermost last


def register_keras_serializable(package: str = "Custom", name: Optional[str] = None) -> Any:
    """Decorator registering a custom class or function as `"package>name"`, so that configs naming it load
    without `custom_objects` (layers, models, losses, metrics, optimizers, activations).

    Args:
        package: the prefix of the registered name. Defaults to `"Custom"`.
        name: the name within the package; defaults to the object's `__name__`.

    Example:
    >>> import neuronet as keras
    >>> @register_keras_serializable(package="my_package")
    ... class Scale(keras.layers.Layer):
    ...     pass
    >>> get_custom_objects()["my_package>Scale"].__name__, get_registered_name(Scale)
    ('Scale', 'my_package>Scale')
    """
    def decorator(obj: Any) -> Any:
        registered = f"{package}>{name or obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register a class that does not have a get_config() method. Received: {obj!r}")
        _REGISTERED[registered] = obj
        _REGISTERED_NAMES[obj] = registered
        obj._registered_name = registered  # read by Lambda's config for functions
        return obj

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name `obj` was registered under (`"package>name"`), else its `__name__`."""
    return _REGISTERED_NAMES.get(obj, getattr(obj, "__name__", None))


def get_registered_object(name: str, custom_objects: Optional[dict] = None, module_objects: Optional[dict] = None
                          ) -> Any:
    """The object for `name`: from `custom_objects` and enclosing `custom_object_scope`s, then the registry
    (`"package>name"`, or a plain name registered once), then `module_objects`; None if none has it."""
    explicit = all_custom_objects(custom_objects)
    if name in explicit:
        return explicit[name]
    if name in _REGISTERED:
        return _REGISTERED[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    matches = [obj for key, obj in _REGISTERED.items() if key.split(">")[-1] == name]
    return matches[0] if len(matches) == 1 else None


def get_custom_objects() -> Dict[str, Any]:
    """The global dict of registered custom objects (editable, as in Keras)."""
    return _REGISTERED


@contextlib.contextmanager
def custom_object_scope(custom_objects: Optional[dict]) -> Iterator[None]:
    """Within the `with` block, `custom_objects` are known to every deserialization call."""
    _SCOPES.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _SCOPES.pop()


CustomObjectScope = custom_object_scope


def all_custom_objects(custom_objects: Optional[dict] = None) -> Dict[str, Any]:
    """Objects of the enclosing `custom_object_scope`s, then the explicit `custom_objects` (the last wins)."""
    merged: Dict[str, Any] = {}
    for scope in _SCOPES:
        merged.update(scope)
    merged.update(custom_objects or {})
    return merged


def register_builtin(cls: Any) -> Any:
    """Class decorator: one of neuronet's own classes, found by `builtin(name)` from a floor below it.

    The saving code reads a model's class name (`"Sequential"`) and `Model(inputs, outputs)` makes a `Functional`;
    both live below the classes they name. A registered class's module has run, so `builtin` finds every class
    an object can exist of; `neuronet.models` imports all three model classes, so they are registered whenever
    any neuronet module is.

    Example:
    >>> import neuronet as keras
    >>> builtin("Sequential") is keras.Sequential
    True
    """
    _BUILTINS[cls.__name__] = cls
    return cls


def builtin(name: str) -> Any:
    """neuronet's class registered under `name` with `register_builtin`, or None."""
    return _BUILTINS.get(name)


def resolve_class(name: str, registered_name: Optional[str], custom_objects: Optional[dict],
                  builtins: Dict[str, Any]) -> Any:
    """Explicit/scoped custom objects by name, then registered objects, then `builtins` (neuronet's own), else
    None."""
    explicit = all_custom_objects(custom_objects)
    if name in explicit:
        return explicit[name]
    if registered_name and registered_name in _REGISTERED:
        return _REGISTERED[registered_name]
    if name in builtins:
        return builtins[name]
    matches = [obj for key, obj in _REGISTERED.items() if key.split(">")[-1] == name]
    return matches[0] if len(matches) == 1 else None


def in_safe_mode() -> bool:
    """Whether the deserialization under way refuses code stored in a file (True unless a scope says False)."""
    return _SAFE_MODE[-1] if _SAFE_MODE else True


@contextlib.contextmanager
def safe_mode_scope(safe_mode: bool = True) -> Iterator[None]:
    """Within the block, `in_safe_mode()` returns `safe_mode` (what `load_model(..., safe_mode=...)` sets)."""
    _SAFE_MODE.append(bool(safe_mode))
    try:
        yield
    finally:
        _SAFE_MODE.pop()


def serialize_object(obj: Any, module: str, expected: str) -> Any:
    """The Keras 3 config of an object with `get_config` or a function (`{"module", "class_name", "config",
    "registered_name"}`); `module` is Keras's for neuronet's own objects, `expected` names them in the error."""
    if obj is None or isinstance(obj, str):
        return obj
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        builtin = getattr(obj, "__module__", "").startswith("neuronet.")
        name = obj.__name__ if builtin else get_registered_name(obj)
        return {"module": module if builtin else obj.__module__, "class_name": "function",
                "config": name, "registered_name": name}
    if hasattr(obj, "get_config"):
        builtin = type(obj).__module__.startswith("neuronet.")
        return {"module": module if builtin else type(obj).__module__, "class_name": type(obj).__name__,
                "config": obj.get_config(), "registered_name": None if builtin else get_registered_name(type(obj))}
    raise ValueError(f"Cannot serialize {obj!r}: expected {expected}.")


def deserialize_object(config: Any, objects: dict, custom_objects: Optional[dict], kind: str) -> Any:
    """Rebuild an object from a name or a Keras 2/3 config dict, looking names up in `custom_objects` and
    enclosing `custom_object_scope`s, then `objects`, then the `register_keras_serializable` registry."""
    lookup = {**objects, **all_custom_objects(custom_objects)}
    if isinstance(config, str):
        obj = lookup.get(config) or get_registered_object(config)
        if obj is None:
            raise ValueError(unknown_name(kind, config, lookup))
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not deserialize {kind} config {config!r}: expected a name or a dict with "
                         "'class_name' and 'config'.")
    name, inner = config["class_name"], config.get("config") or {}
    if name in ("function", "__function__"):
        return deserialize_object(inner, objects, custom_objects, kind)
    registered = config.get("registered_name")
    cls = lookup.get(name) or lookup.get(registered) or get_registered_object(registered or name)
    if cls is None or not inspect.isclass(cls):
        raise ValueError(unknown_name(kind, name, lookup) + " Pass custom classes in `custom_objects`.")
    return cls.from_config(dict(inner))


def unknown_name(kind: str, name: Any, lookup: dict) -> str:
    """The error message for a name not in `lookup`, with the closest name as a hint."""
    import difflib  # only for the error message

    close = difflib.get_close_matches(str(name), list(lookup), n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return (f"Could not interpret {kind} identifier: {name!r}.{hint} Expected one of: "
            f"{', '.join(sorted(lookup, key=str.lower))}.")
