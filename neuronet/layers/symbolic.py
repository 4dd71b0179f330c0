"""KerasTensor and Node: what calling layers on `Input`s records, for functional models."""
from __future__ import annotations

from typing import Any, List, Optional

from neuronet.utils import tree


class KerasTensor:
    """The symbolic output of a layer called on `Input`s: a shape, a dtype and its history.

    Args:
        shape: the shape with `None` for the batch axis.
        dtype: the element type.
        node: the call that produced it (None for an `Input`'s own tensor before wiring).
        index: which output of that call it is.
    """

    def __init__(self, shape: Any, dtype: str = "float32", layer: Any = None, node: Optional["Node"] = None,
                 index: int = 0, name: Optional[str] = None) -> None:
        self.shape = tuple(shape)
        self.dtype = dtype
        self.layer = layer
        self.node = node
        self.index = index
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("A KerasTensor is symbolic: it has a shape but no values. Call the model on data "
                        "(model(x) or model.predict(x)) to get values.")


class Node:
    """One call of `layer` on symbolic `inputs` (a KerasTensor or a nested list/dict of them)."""

    def __init__(self, layer: Any, inputs: Any, outputs: List[KerasTensor], call_kwargs: dict) -> None:
        self.layer = layer
        self.inputs = inputs
        self.outputs = outputs
        self.call_kwargs = call_kwargs
        self.index = len(layer._inbound_nodes)  # the n-th call of this layer (shared layers)
        layer._inbound_nodes.append(self)

    @property
    def parent_tensors(self) -> List[KerasTensor]:
        return [t for t in tree.flatten(self.inputs) if isinstance(t, KerasTensor)]


def call_symbolic(layer: Any, inputs: Any, infer_shape: Any, /, **kwargs: Any) -> Any:
    """Record `layer(inputs)` on KerasTensors: build the layer, infer and check the output shape.

    `infer_shape(layer, shapes)` is `Layer.compute_output_shape` (passed in: this module sits below `layer.py`).
    """
    shapes = tree.map_structure(lambda t: t.shape, inputs, leaf=lambda t: isinstance(t, KerasTensor))
    try:
        # A dry run on zeros builds the layer and checks the shapes now, not at the first fit.
        out_shape = infer_shape(layer, shapes)
    except ValueError as error:
        raise ValueError(f"Layer {layer.name!r} ({type(layer).__name__}) cannot be called on inputs of shape "
                         f"{_describe(inputs)}: {error}") from None
    if getattr(layer, "_output_shape", None) is None:
        layer._output_shape = out_shape
    single = isinstance(out_shape, tuple) and all(d is None or isinstance(d, int) for d in out_shape)
    shape_list = [out_shape] if single else list(out_shape)
    outputs = [KerasTensor(s, layer.dtype, layer=layer, index=i, name=layer.name) for i, s in enumerate(shape_list)]
    node = Node(layer, inputs, outputs, kwargs)
    for t in outputs:
        t.node = node
    return outputs[0] if single else outputs


def _describe(inputs: Any) -> str:
    return ", ".join(f"{t.name}: {t.shape}" for t in tree.flatten(inputs))
