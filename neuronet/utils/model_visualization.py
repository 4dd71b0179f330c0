"""plot_model: draw a model's layer graph with Graphviz (through pydot, an optional extra)."""
from __future__ import annotations

import os
from typing import Any, List, Tuple


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


def _label(layer: Any, show_shapes: bool, show_layer_names: bool, show_dtype: bool) -> str:
    name = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    parts = [name]
    if show_shapes:
        shape = getattr(layer, "_output_shape", None)
        parts.append(f"output: {shape if shape is not None else '?'}")
    if show_dtype:
        parts.append(f"dtype: {layer.dtype}")
    return "\\n".join(parts)


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", dpi: int = 96, **kwargs: Any) -> Any:
    """A `pydot.Dot` graph of the model's layers."""
    pydot = _import_pydot()
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"`rankdir` must be 'TB' or 'LR'. Received: {rankdir!r}")
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi))
    dot.set_node_defaults(shape="record")
    layers = model.layers
    if type(model).__name__ == "Sequential" and getattr(model, "_input_layer", None) is not None:
        layers = [model._input_layer] + layers
    for layer in layers:
        dot.add_node(pydot.Node(str(id(layer)), label=_label(layer, show_shapes, show_layer_names, show_dtype)))
    for src, dst in _edges(model):
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
