"""The custom-object registry: `register_keras_serializable`, `custom_object_scope`, `get_registered_object`.

It sits on the ground floor (no neuronet imports) so that losses, metrics, optimizers and activations can look
custom objects up without importing the saving code above them. `keras.saving` and `keras.utils` export it.
"""
from __future__ import annotations

import contextlib
import inspect
from typing import Any, Dict, Iterator, Optional

_REGISTERED: Dict[str, Any] = {}  # "package>Name" -> class or function, from register_keras_serializable
_REGISTERED_NAMES: Dict[Any, str] = {}  # and back
_SCOPES: list = []  # custom_object_scope dicts, innermost last


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
