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


def _label(layer: Any, shapes: Any, show_shapes: bool, show_layer_names: bool, show_dtype: bool,
           show_layer_activations: bool = False, show_trainable: bool = False) -> str:
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
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        rows.append(f"Activation: {getattr(activation, '__name__', type(activation).__name__)}")
    if show_trainable:
        rows.append(f"Trainable: {getattr(layer, 'trainable', True)}")
    if not rows:
        return name
    return "{" + name + "|" + "\\l".join(rows) + "\\l}"


class _SequentialInput:
    """The Input box Keras draws above a Sequential model that was given an `input_shape` but no `Input`."""

    name, dtype = "input_layer", "float32"

    def __init__(self, batch_shape: Any) -> None:
        self.batch_shape = tuple(batch_shape)


_SequentialInput.__name__ = "InputLayer"


def _check_kwargs(kwargs: dict) -> None:
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported (as in Keras 3): plot the whole model.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}. Accepted: to_file, show_shapes, show_dtype, "
                         "show_layer_names, rankdir, expand_nested, dpi, show_layer_activations, show_trainable, "
                         "splines.")


def _layers_and_edges(model: Any) -> Tuple[List[Any], List[Tuple[Any, Any]]]:
    layers = list(model.layers)
    edges = _edges(model)
    if type(model).__name__ == "Sequential" and layers:
        input_layer = getattr(model, "_input_layer", None)
        if input_layer is None and getattr(model, "_build_input_shape", None) is not None:
            input_layer = _SequentialInput(model._build_input_shape)
        if input_layer is not None:
            layers = [input_layer] + layers
            edges = [(input_layer, layers[1])] + edges
    return layers, edges


def _add_layers(pydot: Any, graph: Any, model: Any, expand_nested: bool, label_args: tuple) -> Tuple[str, str]:
    """Adds the model's layers and edges to `graph`; returns the node ids where it starts and ends."""
    layers, edges = _layers_and_edges(model)
    shapes = _io_shapes(model, layers)
    ends: Dict[int, Tuple[str, str]] = {}
    for layer in layers:
        if expand_nested and getattr(layer, "layers", None):  # a nested model: drawn inside a dashed box
            cluster = pydot.Cluster(str(id(layer)), label=layer.name, style="dashed")  # pydot adds "cluster_"
            ends[id(layer)] = _add_layers(pydot, cluster, layer, expand_nested, label_args)
            graph.add_subgraph(cluster)
        else:
            graph.add_node(pydot.Node(str(id(layer)), label=_label(layer, shapes[id(layer)], *label_args)))
            ends[id(layer)] = (str(id(layer)), str(id(layer)))
    for src, dst in edges:
        graph.add_edge(pydot.Edge(ends[id(src)][1], ends[id(dst)][0]))
    return ends[id(layers[0])][0], ends[id(layers[-1])][1]


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 96, show_layer_activations: bool = False,
                 show_trainable: bool = False, splines: str = "ortho", **kwargs: Any) -> Any:
    """A `pydot.Dot` graph of the model's layers (nested models in dashed boxes with `expand_nested`)."""
    _check_kwargs(kwargs)
    pydot = _import_pydot()
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"`rankdir` must be 'TB' or 'LR'. Received: {rankdir!r}")
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi), splines=splines)
    dot.set_node_defaults(shape="record")
    if model.layers:
        _add_layers(pydot, dot, model, expand_nested,
                    (show_shapes, show_layer_names, show_dtype, show_layer_activations, show_trainable))
    return dot


def plot_model(model: Any, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 96,
               show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
               **kwargs: Any) -> Any:
    """Write a picture of the model's graph to `to_file` (format from its extension: png, svg, pdf, dot).

    The arguments are Keras's; the defaults of `show_layer_names` (True) and `dpi` (96) are tf.keras 2's,
    as the book's figures use them. Unknown keyword arguments raise a ValueError, as in Keras.
    """
    _check_kwargs(kwargs)
    if not model.built:
        raise ValueError("plot_model needs a built model: build it (model.build(input_shape)) or call it on data.")
    dot = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
                       show_layer_activations, show_trainable, splines)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    try:
        dot.write(to_file, format=extension)
    except FileNotFoundError:
        raise ImportError("plot_model found pydot but not the Graphviz `dot` program: install Graphviz "
                          "(e.g. `apt-get install graphviz`).") from None
    return to_file
