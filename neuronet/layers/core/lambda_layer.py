"""Lambda: wraps a Python function as a layer. It runs in memory; loading one from a file never runs stored code."""
from __future__ import annotations

import base64
import inspect
import marshal
import types
from typing import Any, Callable, Optional

from neuronet.layers.layer import Layer, is_shape
from neuronet.utils import object_registration


class Lambda(Layer):
    """Wraps an arbitrary expression as a `Layer` object: `function(inputs, **arguments)`.

    Args:
        function: The function to evaluate, taking the input tensor (or list of tensors) first. Use `keras.ops` or
            tensor operators inside so that gradients flow.
        output_shape: The output shape without the batch axis (a tuple, or a function of the input shape); inferred
            by a dry run when None.
        mask: Not supported by neuronet (no masking).
        arguments: Optional dict of keyword arguments passed to the function.

    Saving writes what Keras writes: a named function by its name (loading looks the name up in `custom_objects`
    or the registered objects, never imports a module), a Python `lambda` as bytecode. neuronet never runs
    bytecode from a file: loading refuses it with `safe_mode=True` (as Keras does), and with `safe_mode=False`
    takes the function from `custom_objects`, keyed by the layer's name.

    Example:
    >>> Lambda(lambda x: x * 2.0)(np.ones((1, 2))).numpy()
    array([[2., 2.]], dtype=float32)
    """

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None, arguments: Optional[dict] = None,
                 **kwargs: Any) -> None:
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable. Received: {function!r}")
        if mask is not None:
            raise ValueError(f"Lambda: `mask` is not supported by neuronet (no masking). Received: mask={mask!r}")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(f"Lambda: `arguments` must be a dict of keyword arguments. Received: {arguments!r}")
        super().__init__(**kwargs)
        self.function, self.arguments, self.mask = function, dict(arguments or {}), None
        self._given_output_shape = output_shape
        try:
            names = inspect.signature(function).parameters
        except (TypeError, ValueError):  # builtins without a signature
            names = {}
        self._fn_expects_training_arg = "training" in names
        self.built = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        given = self._given_output_shape
        if given is None:
            return Layer.compute_output_shape(self, input_shape)
        if callable(given):
            return given(input_shape)
        batch = input_shape[0] if is_shape(input_shape) else input_shape[0][0]
        return (batch,) + tuple(given)

    def get_config(self) -> dict:
        config = {**super().get_config(), "function": serialize_function(self.function)}
        if self._given_output_shape is not None:
            given = self._given_output_shape
            config["output_shape"] = serialize_function(given) if callable(given) else list(given)
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: Optional[dict] = None) -> "Lambda":
        config = dict(config)
        name = config.get("name", "lambda")
        config["function"] = deserialize_function(config["function"], name, custom_objects)
        if isinstance(config.get("output_shape"), dict):
            config["output_shape"] = deserialize_function(config["output_shape"], f"{name}_output_shape",
                                                          custom_objects)
        elif config.get("output_shape") is not None:
            config["output_shape"] = tuple(config["output_shape"])
        return cls(**config)


def serialize_function(fn: Callable) -> dict:
    """Keras's encoding: a named function by module and name; a Python lambda as base64 bytecode (Keras's func_dump)."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        closure = None if not fn.__closure__ else [c.cell_contents for c in fn.__closure__]
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        return {"class_name": "__lambda__", "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    registered = getattr(fn, "_registered_name", None) or fn.__name__
    return {"module": getattr(fn, "__module__", None), "class_name": "function", "config": fn.__name__,
            "registered_name": registered}


def deserialize_function(config: Any, layer_name: str, custom_objects: Optional[dict]) -> Callable:
    """A function back from its config, by name only: no import, no bytecode."""
    custom = object_registration.all_custom_objects(custom_objects)
    if callable(config):
        return config
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        safe_mode = object_registration.in_safe_mode()
        if safe_mode:
            raise ValueError(f"Requested the deserialization of a `Lambda` layer ({layer_name!r}) whose `function` is "
                             "a Python lambda. This carries a potential risk of arbitrary code execution and thus it "
                             "is disallowed by default (safe_mode=True). If you trust the source of the artifact, "
                             "pass `safe_mode=False` to the loading function together with the function itself: "
                             f"`custom_objects={{{layer_name!r}: fn}}`: neuronet never runs bytecode from a file.")
        if callable(custom.get(layer_name)):
            return custom[layer_name]
        raise ValueError(f"Cannot load with safe_mode=False: the Lambda layer {layer_name!r} holds a Python lambda "
                         "stored in the file as bytecode, and neuronet never runs code from a file, not even with "
                         "`safe_mode=False`. Pass the function when loading: "
                         f"`load_model(path, safe_mode=False, custom_objects={{{layer_name!r}: fn}})`.")
    if isinstance(config, dict) and config.get("class_name") == "function" and isinstance(config.get("config"), str):
        name, registered = config["config"], config.get("registered_name")
        for key in (name, registered):
            if key and callable(custom.get(key)):
                return custom[key]
        found = object_registration.resolve_class(name, registered, None, {})
        if callable(found):
            return found
        raise ValueError(f"Unknown function {name!r} in Lambda layer {layer_name!r}. neuronet does not import "
                         f"modules named in a file; pass it when loading: `custom_objects={{{name!r}: {name}}}`, or "
                         "decorate it with `@keras.saving.register_keras_serializable()`.")
    raise ValueError(f"Lambda layer {layer_name!r}: cannot interpret the saved function config {config!r}.")
