"""Tracing: a Sequential or Functional model as a fixed list of ops over numbered value slots.

The compiled step supports the layers whose step is a fixed sequence of array operations for a batch
shape. Anything else raises `Untraceable` with the reason, and the trainer keeps the eager tape.
"""
from __future__ import annotations

from typing import Any, Dict, List, NamedTuple

from neuronet import activations, regularizers
from neuronet.layers.core.activation import Activation
from neuronet.layers.core.dense import Dense
from neuronet.layers.core.input_layer import InputLayer
from neuronet.layers.merging.concatenate import Concatenate
from neuronet.layers.preprocessing.normalization import Normalization
from neuronet.layers.preprocessing.rescaling import Rescaling
from neuronet.layers.regularization.dropout import Dropout
from neuronet.layers.reshaping.flatten import Flatten
from neuronet.utils.object_registration import builtin

ACTIVATIONS = {activations.linear: "linear", activations.relu: "relu", activations.tanh: "tanh",
               activations.softmax: "softmax"}
REGULARIZERS = (regularizers.L1L2, regularizers.L1, regularizers.L2)


class Untraceable(Exception):
    """The model (or its loss) cannot be compiled; the message says why."""


class Op(NamedTuple):
    kind: str          # "dense", "flatten", "dropout", "concat", "activation", "affine"
    layer: Any
    inputs: List[int]  # slots read
    output: int        # slot written
    activation: str    # dense/activation: "linear", "relu", "tanh" or "softmax"


class Graph(NamedTuple):
    ops: List[Op]
    inputs: List[int]   # slots holding the model's inputs, in `model.inputs` order
    outputs: List[int]  # slots holding the model's outputs
    slots: int


def trace(model: Any) -> Graph:
    """The model's forward pass as ops over slots; raises `Untraceable` naming what is not supported.

    Example:
    >>> import neuronet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu")])
    >>> [op.kind + ":" + op.activation for op in trace(model).ops]
    ['dense:relu']
    """
    # The model classes, registered by neuronet.models (above this module: models train through it).
    Sequential, Functional = builtin("Sequential"), builtin("Functional")  # noqa: N806
    if model.compute_dtype != model.variable_dtype:
        raise Untraceable(f"model {model.name!r} uses the {model.dtype_policy.name!r} dtype policy")
    if type(model).call is Sequential.call and isinstance(model, Sequential):
        graph = _trace_sequential(model)
    elif type(model).call is Functional.call and isinstance(model, Functional):
        graph = _trace_functional(model)
    else:
        raise Untraceable(f"model {model.name!r} ({type(model).__name__}) defines its own `call`")
    _check_layers(graph)
    return graph


def _trace_sequential(model: Any) -> Graph:
    ops: List[Op] = []
    slot = 0
    for layer in model._stack():
        ops.append(_op(layer, [slot], slot + 1))
        slot += 1
    return Graph(ops, [0], [slot], slot + 1)


def _trace_functional(model: Any) -> Graph:
    slots: Dict[int, int] = {id(t): i for i, t in enumerate(model.inputs)}
    ops: List[Op] = []
    for node in model._nodes:
        if set(node.call_kwargs) - {"training"}:
            raise Untraceable(f"layer {node.layer.name!r} is called with arguments {sorted(node.call_kwargs)}")
        if len(node.outputs) != 1:
            raise Untraceable(f"layer {node.layer.name!r} has {len(node.outputs)} outputs")
        inputs = [slots[id(t)] for t in node.parent_tensors]
        slots[id(node.outputs[0])] = len(slots)
        ops.append(_op(node.layer, inputs, slots[id(node.outputs[0])]))
    return Graph(ops, list(range(len(model.inputs))), [slots[id(t)] for t in model.outputs], len(slots))


def _op(layer: Any, inputs: List[int], output: int) -> Op:
    kind = {Dense: "dense", Flatten: "flatten", Dropout: "dropout", Concatenate: "concat",
            Activation: "activation", Normalization: "affine", Rescaling: "affine"}.get(type(layer))
    if kind is None:
        if isinstance(layer, InputLayer):
            raise Untraceable(f"InputLayer {layer.name!r} inside the stack")
        raise Untraceable(f"layer {layer.name!r} ({type(layer).__name__}) is not one of the traceable layers "
                          "(Dense, Flatten, Dropout, Concatenate, Activation, Normalization, Rescaling)")
    activation = "linear"
    if kind in ("dense", "activation"):
        activation = ACTIVATIONS.get(layer.activation)
        if activation is None:
            raise Untraceable(f"layer {layer.name!r} uses activation {layer.activation!r}")
    if kind == "concat" and layer.axis not in (-1, 1):
        raise Untraceable(f"layer {layer.name!r} concatenates along axis {layer.axis}")
    if kind == "dropout" and layer.noise_shape is not None:
        raise Untraceable(f"layer {layer.name!r} has a noise_shape")
    if kind != "concat" and len(inputs) != 1:
        raise Untraceable(f"layer {layer.name!r} receives {len(inputs)} inputs")
    return Op(kind, layer, inputs, output, activation)


def _check_layers(graph: Graph) -> None:
    seen: set = set()
    consumers = consumer_counts(graph)
    outputs = set(graph.outputs)
    for op in graph.ops:
        if id(op.layer) in seen and op.kind == "dense":
            raise Untraceable(f"layer {op.layer.name!r} is shared by several calls")
        seen.add(id(op.layer))
        for regularizer, _ in op.layer._regularized:
            if type(regularizer) not in REGULARIZERS:
                raise Untraceable(f"layer {op.layer.name!r} has regularizer {type(regularizer).__name__}")
        if op.activation == "softmax" and (op.kind != "dense" or op.output not in outputs or consumers[op.output]):
            raise Untraceable(f"layer {op.layer.name!r}: softmax is traced only as a model output's Dense activation")


def consumer_counts(graph: Graph) -> List[int]:
    """How many op inputs read each slot."""
    counts = [0] * graph.slots
    for op in graph.ops:
        for slot in op.inputs:
            counts[slot] += 1
    return counts
