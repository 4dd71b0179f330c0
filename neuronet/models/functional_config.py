"""Rebuild a functional model from its config (tf.keras 2 and Keras 3 `inbound_nodes` layouts)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from neuronet.layers.core.input_layer import InputLayer
from neuronet.saving import serialization

Ref = Tuple[str, int, int]


def _node_refs(node: Any) -> Tuple[List[Ref], dict, bool]:
    """(tensor references, call kwargs, whether the layer was called on a list) of one inbound node."""
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        args = node.get("args", [])
        first = args[0] if args else None
        as_list = isinstance(first, list)
        tensors = first if as_list else [first]
        refs = [tuple(t["config"]["keras_history"]) for t in tensors]
        return refs, dict(node.get("kwargs", {})), as_list
    refs = [tuple(entry[:3]) for entry in node]  # tf.keras 2: [[name, node_index, tensor_index, kwargs], ...]
    kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
    return refs, dict(kwargs), len(refs) > 1


def functional_from_config(functional: type, config: dict, custom_objects: Optional[dict] = None) -> Any:
    """A `functional` (the `Functional` class, passed in by its `from_config`) rebuilt from `config`."""
    layers: Dict[str, Any] = {}
    pending: Dict[str, List[Any]] = {}
    tensors: Dict[Ref, Any] = {}
    for entry in config["layers"]:
        layer = serialization.deserialize_layer(entry, custom_objects)
        name = entry.get("name", layer.name)
        layers[name] = layer
        if isinstance(layer, InputLayer):
            tensors[(name, 0, 0)] = layer.output
        else:
            pending[name] = list(entry.get("inbound_nodes", []))
    progress = True
    while progress and any(pending.values()):
        progress = False
        for name, nodes in pending.items():
            while nodes:
                refs, kwargs, as_list = _node_refs(nodes[0])
                if not all(tuple(r) in tensors for r in refs):
                    break
                args = [tensors[tuple(r)] for r in refs]
                kwargs.pop("training", None)
                if kwargs.get("mask", 0) is None:  # Keras 3 records `mask=None` for layers that take a mask
                    del kwargs["mask"]
                out = layers[name](args if as_list else args[0], **kwargs)
                index = len(layers[name]._inbound_nodes) - 1
                for i, t in enumerate(out if isinstance(out, list) else [out]):
                    tensors[(name, index, i)] = t
                nodes.pop(0)
                progress = True
    stuck = [name for name, nodes in pending.items() if nodes]
    if stuck:
        raise ValueError(f"Could not rebuild the functional model: layers {stuck} refer to inputs that no layer "
                         "of the config produces. The config is inconsistent or truncated.")

    def lookup(refs: Any) -> Any:
        if isinstance(refs, dict):
            return {k: tensors[tuple(v[:3])] for k, v in refs.items()}
        if refs and isinstance(refs[0], str):  # a single reference, not a list of them
            return tensors[tuple(refs[:3])]
        found = [tensors[tuple(r[:3])] for r in refs]
        return found[0] if len(found) == 1 else found

    return functional(lookup(config["input_layers"]), lookup(config["output_layers"]), name=config.get("name"),
                      trainable=config.get("trainable", True))
