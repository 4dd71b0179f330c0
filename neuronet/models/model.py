"""Model: a Layer that can be trained (compile/fit/evaluate/predict) and summarized."""
from __future__ import annotations

from typing import Any, List, Optional

from neuronet.autodiff import Tensor
from neuronet.layers.layer import Layer
from neuronet.layers.symbolic import KerasTensor
from neuronet.trainers.trainer import Trainer
from neuronet.utils.object_registration import builtin, register_builtin

_FUNCTIONAL_SUBCLASSES: dict = {}


def adjust_input_rank(x: Any, expected_shape: Any) -> Any:
    """Keras 3's rank fix for arrays: add a missing last axis of size 1 (`(10,)` for inputs of shape `(None, 1)`),
    or drop an extra one. Other shapes pass unchanged, for the layers to check."""
    if expected_shape is None or isinstance(x, (Tensor, KerasTensor)) or not hasattr(x, "reshape"):
        return x  # Tensors (a training step's batches, custom loops) are used as given
    rank = len(expected_shape)
    if x.ndim == rank - 1 and expected_shape[-1] == 1:
        return x.reshape(x.shape + (1,))
    if x.ndim == rank + 1 and x.shape[-1] == 1:
        return x.reshape(x.shape[:-1])
    return x


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Whether a Model is being built as `Model(inputs, outputs)` from KerasTensors."""
    from neuronet.utils.tree import flatten

    inputs = kwargs.get("inputs", args[0] if args else None)
    return "inputs" in kwargs or any(isinstance(t, KerasTensor) for t in flatten(inputs))


@register_builtin
class Model(Trainer, Layer):
    """A trainable group of layers.

    `keras.Model(inputs, outputs)` builds a functional model; subclass `Model` and write
    `call()` for a subclassed one (layers assigned as attributes are tracked).
    """

    _functional_init = True  # Model(inputs, outputs) builds a functional model (Sequential sets False)

    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        if cls._functional_init and _functional_arguments(args, kwargs):
            Functional = builtin("Functional")  # a subclass: registered by its module, which neuronet.models loads
            if cls is Model:
                return Functional.__new__(Functional)
            if not issubclass(cls, Functional):
                # A subclass called with (inputs, outputs) is a functional model with the subclass's methods
                # (its train_step, say), as in Keras.
                cls = _FUNCTIONAL_SUBCLASSES.setdefault(cls, type(cls.__name__, (cls, Functional),
                                                                  {"__module__": cls.__module__}))
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        unknown = set(kwargs) - {"name", "trainable", "dtype"}
        if args or unknown:
            received = [repr(a) for a in args] + [f"{k}={kwargs[k]!r}" for k in sorted(unknown)]
            raise TypeError(f"Model.__init__ got unexpected argument(s): {', '.join(received)}. Accepted keyword "
                            "arguments: name, trainable, dtype. Use keras.Model(inputs=..., outputs=...) for a "
                            "functional model, or subclass keras.Model.")
        super().__init__(**kwargs)

    @classmethod
    def from_config(cls, config: dict, custom_objects: Optional[dict] = None) -> "Model":
        if "input_layers" in config and "output_layers" in config:
            return builtin("Functional").from_config(config, custom_objects)
        return cls(**config)

    @property
    def layers(self) -> List[Layer]:
        return list(self._tracked)

    def get_layer(self, name: Optional[str] = None, index: Optional[int] = None) -> Layer:
        """A layer by name or by index in `model.layers`."""
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}.")

    def to_json(self, **kwargs: Any) -> str:
        """The architecture as JSON in Keras's layout: {"class_name", "config", "keras_version", "backend"}."""
        import json

        from neuronet.version import __version__

        return json.dumps({"class_name": type(self).__name__, "config": self.get_config(),
                           "keras_version": __version__, "backend": "numpy"}, **kwargs)

    def save(self, filepath: Any, overwrite: bool = True, **kwargs: Any) -> None:
        """Save architecture, weights, compile arguments and optimizer state to `.keras` or `.h5`."""
        from neuronet.saving import saving_api

        saving_api.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True) -> None:
        """Save the weights to `.weights.h5` (Keras 3 layout) or `.h5` (tf.keras layout)."""
        from neuronet.saving import saving_api

        saving_api.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, by_name: bool = False,
                     max_bytes: Any = None) -> None:
        """Load weights from `.weights.h5`, `.h5` or `.keras`; nothing changes unless they all fit.

        `max_bytes` bounds the weights the file may declare (see `keras.saving.load_model`).
        """
        from neuronet.saving import saving_api

        saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, by_name=by_name, max_bytes=max_bytes)

    @property
    def output_shape(self) -> Any:
        shape = getattr(self, "_output_shape", None)
        if shape is None:
            raise AttributeError(f"The model {self.name!r} has not been called yet, so its output shape is unknown.")
        return shape

    def summary(self, line_length: Optional[int] = None, positions: Any = None, print_fn: Any = None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
        """Print the layers, their output shapes and parameter counts (tf.keras layout).

        Args:
            line_length: width of the table. positions: column ends, fractions of the width or characters.
            print_fn: called with each line (default `print`). expand_nested: also list the layers of nested
            models, indented. show_trainable: add a "Trainable" (Y/N) column. layer_range: two layer-name
            patterns (`re.match`), the first and last layers to list.
        """
        from neuronet.utils import summary_utils

        summary_utils.print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                                    expand_nested=expand_nested, show_trainable=show_trainable,
                                    layer_range=layer_range)
