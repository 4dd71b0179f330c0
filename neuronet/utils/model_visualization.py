"""plot_model: draw a model's layer graph with Graphviz (through pydot, an optional extra)."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple


def _import_pydot() -> Any:
    try:
        import pydot
    except ImportError:
        raise ImportError("plot_model needs pydot and Graphviz: `pip install \"neuronet[plot]\"` (or `pip install pydot`) and Graphviz "
                          "(e.g. `apt-get install graphviz`, `brew install graphviz`).") from None
    return pydot


def _edges(model: Any) -> List[Tuple[Any, Any]]:
    if hasattr(model, "_nodes"):  # functional: one edge per recorded connection
        return [(t.layer, node.layer) for node in model._nodes for t in node.parent_tensors]
    layers = model.layers
    return list(zip(layers[:-1], layers[1:]))


def _shape_text(shape: Any) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_shape_text(item) for item in shape)
    return str(tuple(shape))


def _io_shapes(model: Any, layers: List[Any]) -> Dict[int, Tuple[Any, Any]]:
    """{id(layer): (input shape, output shape)}: a Sequential chains them, a Functional model reads its edges."""
    shapes: Dict[int, Tuple[Any, Any]] = {}
    if hasattr(model, "_nodes"):
        for layer in layers:
            sources = [src for src, dst in _edges(model) if dst is layer]
            inputs = [getattr(src, "_output_shape", None) for src in sources]
            shapes[id(layer)] = (inputs[0] if len(inputs) == 1 else inputs or None, getattr(layer, "_output_shape", None))
        return shapes
    previous = getattr(model, "_build_input_shape", None)
    for layer in layers:
        output = getattr(layer, "_output_shape", None)
        if type(layer).__name__ == "InputLayer":
            previous = output = layer.batch_shape
        shapes[id(layer)] = (previous, output)
        previous = output
    return shapes


def _label(layer: Any, shapes: Any, show_shapes: bool, show_layer_names: bool, show_dtype: bool) -> str:
    """A record label: the layer's name and class, then its input and output shapes (as Keras 3 draws them)."""
    name = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    rows = []
    if show_shapes:
        input_shape, output_shape = shapes
        if type(layer).__name__ != "InputLayer":
            rows.append(f"Input shape: {_shape_text(input_shape)}")
        rows.append(f"Output shape: {_shape_text(output_shape)}")
    if show_dtype:
        rows.append(f"dtype: {layer.dtype}")
    if not rows:
        return name
    return "{" + name + "|" + "\\l".join(rows) + "\\l}"


class _SequentialInput:
    """The Input box Keras draws above a Sequential model that was given an `input_shape` but no `Input`."""

    name, dtype = "input_layer", "float32"

    def __init__(self, batch_shape: Any) -> None:
        self.batch_shape = tuple(batch_shape)


_SequentialInput.__name__ = "InputLayer"


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", dpi: int = 96, **kwargs: Any) -> Any:
    """A `pydot.Dot` graph of the model's layers."""
    pydot = _import_pydot()
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"`rankdir` must be 'TB' or 'LR'. Received: {rankdir!r}")
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi))
    dot.set_node_defaults(shape="record")
    layers = list(model.layers)
    edges = _edges(model)
    if type(model).__name__ == "Sequential" and layers:
        input_layer = getattr(model, "_input_layer", None)
        if input_layer is None and getattr(model, "_build_input_shape", None) is not None:
            input_layer = _SequentialInput(model._build_input_shape)
        if input_layer is not None:
            layers = [input_layer] + layers
            edges = [(input_layer, layers[1])] + edges
    shapes = _io_shapes(model, layers)
    for layer in layers:
        label = _label(layer, shapes[id(layer)], show_shapes, show_layer_names, show_dtype)
        dot.add_node(pydot.Node(str(id(layer)), label=label))
    for src, dst in edges:
        dot.add_edge(pydot.Edge(str(id(src)), str(id(dst))))
    return dot


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "TB", dpi: int = 96, **kwargs: Any) -> Any:
    """Write a picture of the model's graph to `to_file` (format from its extension: png, svg, pdf, dot)."""
    if not model.built:
        raise ValueError("plot_model needs a built model: build it (model.build(input_shape)) or call it on data.")
    dot = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, dpi)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    try:
        dot.write(to_file, format=extension)
    except FileNotFoundError:
        raise ImportError("plot_model found pydot but not the Graphviz `dot` program: install Graphviz "
                          "(e.g. `apt-get install graphviz`).") from None
    return to_file
