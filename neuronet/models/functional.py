"""Functional: a model defined by a graph of layers from `Input`s to outputs."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from neuronet.layers.core.input_layer import InputLayer
from neuronet.layers.layer import Layer
from neuronet.layers.symbolic import KerasTensor, Node
from neuronet.models.model import Model, adjust_input_rank
from neuronet.utils import naming
from neuronet.utils.object_registration import register_builtin
from neuronet.utils.tree import flatten, map_structure, pack_like


@register_builtin
class Functional(Model):
    """`keras.Model(inputs, outputs)`: the graph is ordered once, then run eagerly on each call.

    Example:
    >>> inputs = keras.Input(shape=(3,))
    >>> model = keras.Model(inputs=inputs, outputs=keras.layers.Dense(2)(inputs))
    >>> model.output_shape
    (None, 2)
    """

    def __init__(self, inputs: Any, outputs: Any, name: Optional[str] = None, trainable: bool = True,
                 **kwargs: Any) -> None:
        if kwargs:
            raise TypeError(f"Model() got unexpected keyword argument(s) {sorted(kwargs)}. Accepted arguments: "
                            "inputs, outputs, name, trainable.")
        Layer.__init__(self, name=name or _default_name(), trainable=trainable)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]  # one output in a list still predicts one array, as in Keras
        self._input_structure = inputs
        self._output_structure = outputs
        self.inputs = _check_tensors(inputs, "inputs")
        self.outputs = _check_tensors(outputs, "outputs")
        for t in self.inputs:
            if t.node is not None or not isinstance(t.layer, InputLayer):
                raise ValueError(f"All `inputs` of a functional model must come from `keras.Input`. Received "
                                 f"{t!r}, which is the output of layer {t.layer.name!r}.")
        self._nodes = _order_nodes(self.outputs, self.inputs)
        layers: List[Layer] = [t.layer for t in self.inputs]
        for node in self._nodes:
            if not any(node.layer is layer for layer in layers):
                layers.append(node.layer)
        self._tracked.extend(layers)
        names = [layer.name for layer in layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"The name(s) {duplicates} are used by more than one layer of the model. All layer "
                             "names should be unique.")
        self._output_shape = pack_like(outputs, [t.shape for t in self.outputs])
        self.built = True

    # --- structure ----------------------------------------------------------------------------
    def _output_names(self) -> List[str]:
        if isinstance(self._output_structure, dict):
            return list(self._output_structure)
        return [t.layer.name for t in self.outputs]

    @property
    def output_names(self) -> List[str]:
        """The names of the outputs (their layers' names), as `zip(model.output_names, model.predict(x))` needs."""
        return self._output_names()

    @property
    def input_names(self) -> List[str]:
        return [t.layer.name for t in self.inputs]

    @property
    def input_shape(self) -> Any:
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _pack_outputs(self, merged: List[Any]) -> Any:
        if isinstance(self._output_structure, dict):
            return dict(zip(self._output_structure, merged))
        return merged[0] if len(merged) == 1 else merged

    def _outputs_list(self, y_pred: Any) -> list:
        return flatten(y_pred)

    def _targets_list(self, y: Any) -> list:
        if isinstance(y, dict):
            unknown = set(y) - set(self._output_names())
            if unknown:
                raise ValueError(f"`y` has keys {sorted(unknown)} that are not output names {self._output_names()}.")
            return [y.get(name) for name in self._output_names()]
        return super()._targets_list(y)

    # --- running ------------------------------------------------------------------------------
    def _flatten_inputs(self, inputs: Any) -> List[Any]:
        names = self.input_names
        if isinstance(inputs, dict):
            unknown = set(inputs) - set(names)
            missing = [n for n in names if n not in inputs]
            if unknown or missing:
                raise ValueError(f"The model {self.name!r} expects inputs named {names}. Received keys "
                                 f"{sorted(inputs)} (missing: {missing}, unknown: {sorted(unknown)}).")
            return [inputs[n] for n in names]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(names) == 1 and len(flat) > 1 and not any(hasattr(item, "shape") for item in flat):
            flat = [inputs]  # nested lists of numbers: one input
        if len(flat) != len(names):
            raise ValueError(f"Model {self.name!r} expects {len(names)} input(s) {names}, but it received "
                             f"{len(flat)} input tensors.")
        return [adjust_input_rank(x, t.shape) for x, t in zip(flat, self.inputs)]

    def _standardize_inputs(self, x: Any) -> Any:
        flat = self._flatten_inputs(x)
        if isinstance(x, dict):
            return dict(zip(self.input_names, flat))
        return flat[0] if len(flat) == 1 else flat

    def call(self, inputs: Any, training: Any = None) -> Any:
        values: Dict[int, Any] = {id(t): x for t, x in zip(self.inputs, self._flatten_inputs(inputs))}
        for node in self._nodes:
            args = map_structure(lambda t: values[id(t)], node.inputs, leaf=lambda t: isinstance(t, KerasTensor))
            kwargs = dict(node.call_kwargs)
            if node.layer._call_has_training:
                kwargs["training"] = training
            out = node.layer(args, **kwargs)
            for t, value in zip(node.outputs, flatten(out) if len(node.outputs) > 1 else [out]):
                values[id(t)] = value
        return pack_like(self._output_structure, [values[id(t)] for t in self.outputs])

    def _call(self, inputs: Any, training: Any, kwargs: dict) -> Any:
        if _any_symbolic(inputs):
            return Layer._call(self, inputs, training, kwargs)
        if kwargs:
            raise TypeError(f"Model {self.name!r} got unexpected keyword argument(s) {sorted(kwargs)} when called. "
                            "Accepted: inputs, training.")
        from neuronet.layers.layer import as_tensor

        return self.call([as_tensor(x) for x in self._flatten_inputs(inputs)], training=training)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self._output_shape

    # --- summary and config -------------------------------------------------------------------
    def _connections_of(self, layer: Layer) -> List[str]:
        links = []
        for node in layer._inbound_nodes:
            if node in self._nodes:
                links += [f"{t.layer.name}[{t.node.index if t.node else 0}][{t.index}]" for t in node.parent_tensors]
        return links

    def get_config(self) -> dict:
        from neuronet.saving import serialization

        layer_configs = []
        for layer in self.layers:
            entry = serialization.serialize_layer(layer)
            entry["name"] = layer.name
            entry["inbound_nodes"] = [
                [[t.layer.name, t.node.index if t.node else 0, t.index, dict(node.call_kwargs)]
                 for t in node.parent_tensors]
                for node in layer._inbound_nodes if node in self._nodes
            ]
            layer_configs.append(entry)
        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layer_configs,
            "input_layers": _tensor_refs(self._input_structure),
            "output_layers": _tensor_refs(self._output_structure),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: Optional[dict] = None) -> "Functional":
        from neuronet.models import functional_config

        return functional_config.functional_from_config(Functional, config, custom_objects)


def _default_name() -> str:
    return naming.uniquify("functional")


def _any_symbolic(x: Any) -> bool:
    return any(isinstance(t, KerasTensor) for t in flatten(x))


def _check_tensors(structure: Any, what: str) -> List[KerasTensor]:
    flat = flatten(structure)
    bad = [t for t in flat if not isinstance(t, KerasTensor)]
    if bad or not flat:
        raise ValueError(f"`{what}` of a functional model must be KerasTensors (from `keras.Input` and layers "
                         f"called on them), as a single tensor, a list or a dict. Received: {bad or structure!r}")
    return flat


def _order_nodes(outputs: List[KerasTensor], inputs: List[KerasTensor]) -> List[Node]:
    """The calls needed to compute `outputs`, each after the calls producing its inputs."""
    ordered: List[Node] = []
    done: set = set()
    input_ids = {id(t) for t in inputs}
    stack = [(t.node, False) for t in reversed(outputs) if t.node is not None]
    for t in outputs:
        if t.node is None and id(t) not in input_ids:
            raise ValueError(f"Output {t!r} is not connected to the model's inputs.")
    while stack:
        node, expanded = stack.pop()
        if expanded:
            if id(node) not in done:
                done.add(id(node))
                ordered.append(node)
            continue
        if id(node) in done:
            continue
        stack.append((node, True))
        for t in node.parent_tensors:
            if t.node is None:
                if id(t) not in input_ids:
                    raise ValueError(f"Graph disconnected: cannot obtain the value of tensor {t!r} for layer "
                                     f"{node.layer.name!r}. It comes from an `Input` ({t.layer.name!r}) that is "
                                     "not among the model's `inputs`.")
            elif id(t.node) not in done:
                stack.append((t.node, False))
    return ordered


def _tensor_refs(structure: Any) -> Any:
    def ref(t: KerasTensor) -> list:
        return [t.layer.name, t.node.index if t.node else 0, t.index]

    if isinstance(structure, dict):
        return {k: ref(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [ref(t) for t in structure]
    return [ref(structure)]
