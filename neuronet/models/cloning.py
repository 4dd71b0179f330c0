"""clone_model, model_from_config and model_from_json: the architecture without the weights."""
from __future__ import annotations

import copy
import json
from typing import Any, Optional

from neuronet.saving import serialization


def model_from_config(config: dict, custom_objects: Optional[dict] = None) -> Any:
    """Rebuild a model (fresh weights) from `{"class_name": ..., "config": ...}`."""
    return serialization.deserialize_layer(config, custom_objects)


def model_from_json(json_string: str, custom_objects: Optional[dict] = None) -> Any:
    """Rebuild a model from `model.to_json()`; parsing is plain JSON, nothing is evaluated."""
    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as error:
        raise ValueError(f"model_from_json expects the JSON text written by `model.to_json()`: {error}") from None
    return model_from_config(config, custom_objects)


def clone_model(model: Any, input_tensors: Any = None, clone_function: Any = None) -> Any:
    """A new model with the same architecture and freshly initialized weights.

    A compiled model's clone is compiled the same way, as in Keras 3: a new optimizer from the original's
    config (no state), and copies of its loss and metrics.
    """
    if input_tensors is not None or clone_function is not None:
        raise ValueError("clone_model: `input_tensors` and `clone_function` are not supported by neuronet yet; "
                         "call clone_model(model) and set weights or layers afterwards.")
    if type(model).__name__ not in ("Sequential", "Functional"):
        raise ValueError(f"clone_model only supports Sequential and functional models; {type(model).__name__!r} is "
                         "a subclassed model: create a new instance of its class instead.")
    clone = type(model).from_config(model.get_config())
    if getattr(model, "compiled", False):
        from neuronet import optimizers

        config = copy.deepcopy({k: v for k, v in model._compile_config.items() if k != "optimizer"})
        clone.compile(optimizer=optimizers.deserialize(optimizers.serialize(model.optimizer)), **config)
    return clone
