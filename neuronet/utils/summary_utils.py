"""`model.summary()`: the tf.keras table of layers, output shapes and parameter counts."""
from __future__ import annotations

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


def print_summary(model: Any, line_length: Optional[int] = None, print_fn: Optional[Callable[[str], Any]] = None,
                  ) -> None:
    if not model.built:
        raise ValueError(f"This model ({model.name!r}) has not yet been built. Build the model first by calling "
                         "`build()` (e.g. `model.build(input_shape=(None, 28, 28))`), by calling the model on a "
                         "batch of data, or by giving the first layer an `input_shape` (e.g. "
                         "`Flatten(input_shape=[28, 28])`).")
    print_fn = print_fn or print
    connections = hasattr(model, "_connections_of")
    line_length = line_length or (98 if connections else 65)
    fractions = [0.33, 0.55, 0.67, 1.0] if connections else [0.45, 0.85, 1.0]
    positions = [int(line_length * f) for f in fractions]
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connections else [])
    lines = [f'Model: "{model.name}"', "_" * line_length, _row(header, positions), "=" * line_length]
    rows = model.layers
    for i, layer in enumerate(rows):
        params = _count(layer.weights) if layer.built else 0
        fields = [f"{layer.name} ({type(layer).__name__})", _shape_text(getattr(layer, "_output_shape", None)),
                  str(params)]
        if connections:
            links = model._connections_of(layer) or [""]
            lines.append(_row(fields + [links[0]], positions))
            lines += [_row(["", "", "", link], positions) for link in links[1:]]
        else:
            lines.append(_row(fields, positions))
        lines.append("=" * line_length if i == len(rows) - 1 else "_" * line_length)
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
