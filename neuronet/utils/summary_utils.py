"""`model.summary()`: the tf.keras table of layers, output shapes and parameter counts."""
from __future__ import annotations

import re
from typing import Any, Callable, List, Optional

import numpy as np


def _count(weights: List[Any]) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _row(fields: List[str], positions: List[int]) -> str:
    line = ""
    for field, end in zip(fields, positions):
        line = (line + field)[:end - 1].ljust(end)
    return line.rstrip()


def _shape_text(shape: Any) -> str:
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return str(tuple(shape)) if shape is not None else "multiple"


def _layer_slice(layers: List[Any], layer_range: Any) -> List[Any]:
    """tf.keras's `layer_range`: [first, last] layer-name patterns (re.match); both ends included."""
    if layer_range is None:
        return layers
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2 or \
            not all(isinstance(p, str) for p in layer_range):
        raise ValueError(f"`layer_range` must be a list or tuple of two layer-name patterns, e.g. "
                         f"['dense', 'dense_2']. Received: layer_range={layer_range!r}")
    starts = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    ends = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not starts or not ends or starts[0] > ends[-1]:
        raise ValueError(f"`layer_range` {list(layer_range)} matches no range of layers. Layer names: "
                         f"{[layer.name for layer in layers]}")
    return layers[starts[0]:ends[-1] + 1]


def _layer_rows(model: Any, layers: List[Any], expand_nested: bool, show_trainable: bool, connections: bool,
                depth: int = 0) -> List[List[str]]:
    rows = []
    for layer in layers:
        params = _count(layer.weights) if layer.built else 0
        fields = [("| " * depth) + f"{layer.name} ({type(layer).__name__})",
                  _shape_text(getattr(layer, "_output_shape", None)), str(params)]
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        links = (model._connections_of(layer) or [""]) if connections and depth == 0 else [""]
        rows.append(fields + [links[0]] if connections else fields)
        rows += [[""] * len(fields) + [link] for link in links[1:]]
        if expand_nested and hasattr(layer, "layers") and layer.layers:
            rows += _layer_rows(layer, layer.layers, expand_nested, show_trainable, False, depth + 1)
    return rows


def print_summary(model: Any, line_length: Optional[int] = None, positions: Any = None,
                  print_fn: Optional[Callable[[str], Any]] = None, expand_nested: bool = False,
                  show_trainable: bool = False, layer_range: Any = None) -> None:
    """Print the tf.keras table; `positions` are column ends (fractions of `line_length`, or characters)."""
    if not model.built:
        raise ValueError(f"This model ({model.name!r}) has not yet been built. Build the model first by calling "
                         "`build()` (e.g. `model.build(input_shape=(None, 28, 28))`), by calling the model on a "
                         "batch of data, or by giving the first layer an `input_shape` (e.g. "
                         "`Flatten(input_shape=[28, 28])`).")
    print_fn = print_fn or print
    connections = hasattr(model, "_connections_of")
    line_length = line_length or (98 if connections else 65) + (11 if show_trainable else 0)
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Trainable"] if show_trainable else []) + \
        (["Connected to"] if connections else [])
    if positions is None:
        fractions = [0.33, 0.55, 0.67, 1.0] if connections else [0.45, 0.85, 1.0]
        if show_trainable:  # a narrow column after "Param #"
            fractions = fractions[:-1] + [fractions[-2] + 0.1] + [1.0] if connections else [0.4, 0.72, 0.88, 1.0]
        positions = fractions
    if len(positions) != len(header):
        raise ValueError(f"`positions` must give one column end per column {header}: {len(header)} values. "
                         f"Received: positions={positions!r}")
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    lines = [f'Model: "{model.name}"', "_" * line_length, _row(header, positions), "=" * line_length]
    rows = _layer_rows(model, _layer_slice(model.layers, layer_range), expand_nested, show_trainable, connections)
    for i, fields in enumerate(rows):
        lines.append(_row(fields, positions))
        last = i == len(rows) - 1
        if last or rows[i + 1][0]:  # a continuation row (more connections) keeps its layer's block
            lines.append("=" * line_length if last else "_" * line_length)
    if not rows:
        lines.append("=" * line_length)
    if type(model).__name__ not in ("Sequential", "Functional"):
        lines.append("Subclassed model: the connections between its layers are defined in Python code (`call`), "
                     "so they are not shown.")
    trainable = _count(model.trainable_weights)
    total = _count(model.weights)
    lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * line_length]
    for line in lines:
        print_fn(line)
