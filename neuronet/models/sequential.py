"""Sequential: a plain stack of layers, each with one input and one output."""
from __future__ import annotations

from typing import Any, List, Optional

from neuronet import backend
from neuronet.autodiff import Tensor
from neuronet.layers.core.input_layer import InputLayer
from neuronet.layers.layer import Layer
from neuronet.layers.symbolic import KerasTensor
from neuronet.models.model import Model, adjust_input_rank
from neuronet.utils.object_registration import register_builtin


@register_builtin
class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: optional list of layers to add.
        name: the model's name (default `sequential`, `sequential_1`, ...).

    Example:
    >>> model = Sequential([keras.layers.Dense(4, activation="relu", input_shape=[3]), keras.layers.Dense(1)])
    >>> model.output_shape
    (None, 1)
    """

    _functional_init = False
    _single_output = True

    def __init__(self, layers: Optional[List[Layer]] = None, trainable: bool = True, name: Optional[str] = None,
                 **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._input_layer: Optional[InputLayer] = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> List[Layer]:
        return [layer for layer in self._tracked if not isinstance(layer, InputLayer)]

    def add(self, layer: Any) -> None:
        """Append a layer (or an `Input`) to the stack; builds it at once when the input shape is known."""
        if isinstance(layer, KerasTensor) and isinstance(layer.layer, InputLayer):
            layer = layer.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Only instances of `keras.Layer` can be added to a Sequential model. Received: "
                            f"{layer!r} (of type {type(layer).__name__})")
        if isinstance(layer, InputLayer):
            if self._tracked:
                raise ValueError("An InputLayer can only be the first layer of a Sequential model. "
                                 f"Model {self.name!r} already has layers {[x.name for x in self._tracked]}.")
            object.__setattr__(self, "_input_layer", layer)  # not a sublayer: kept out of tracking
        if any(existing.name == layer.name for existing in self._tracked):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name "
                             f"{layer.name!r} is already the name of a layer in this model. Update the `name` "
                             "argument to pass a unique name.")
        self._tracked.append(layer)
        object.__setattr__(self, "_stack_cache", None)
        self._output_shape = None
        self.built = False
        shape = self._declared_input_shape()
        if shape is not None:
            self.build(shape)

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self.layers[-1]
        self._tracked.remove(layer)
        object.__setattr__(self, "_stack_cache", None)
        self._output_shape = None
        self.built = False
        shape = self._declared_input_shape()
        if shape is not None and self.layers:
            self.build(shape)
        return layer

    def _declared_input_shape(self) -> Optional[tuple]:
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        first = self.layers[0] if self.layers else None
        return getattr(first, "_batch_input_shape", None)

    def build(self, input_shape: Any = None) -> None:
        """Create every layer's weights for inputs of `input_shape` (batch axis first, may be None)."""
        if input_shape is None:
            input_shape = self._declared_input_shape()
            if input_shape is None:
                raise ValueError("You must provide an `input_shape` argument to `build()`, e.g. "
                                 "model.build(input_shape=(None, 28, 28)).")
        shape = tuple(input_shape)
        self._build_input_shape = shape
        for layer in self.layers:
            if not layer.built:
                layer.build(shape)
                layer.built = True
                layer._build_shape = shape
                layer._set_initial_weights()
            shape = tuple(layer.compute_output_shape(shape))
            layer._output_shape = shape
        self._output_shape = shape
        self.built = True

    def _output_names(self) -> List[str]:
        layers = self._stack()
        return [layers[-1].name] if layers else ["output"]

    def __call__(self, inputs: Any, training: Any = None, **kwargs: Any) -> Any:
        if inputs.__class__ is not Tensor and not isinstance(inputs, KerasTensor):
            inputs = self._standardize_inputs(inputs)
        return super().__call__(inputs, training=training, **kwargs)

    def _standardize_inputs(self, x: Any) -> Any:
        """One input: a 1-tuple or 1-list is unwrapped, nested number lists become an array, and a missing
        last axis of size 1 is added where the input shape is declared (as Keras 3 does)."""
        if isinstance(x, (list, tuple)):
            if len(x) == 1 and hasattr(x[0], "shape"):
                x = x[0]
            elif any(hasattr(item, "shape") for item in x) or not x:
                raise ValueError(f"Sequential model {self.name!r} has one input, but it received a "
                                 f"{type(x).__name__} of {len(x)} inputs. Pass one array (or Tensor).")
            else:
                x = backend.asarray(x, dtype=backend.floatx())
        return adjust_input_rank(x, self._declared_input_shape())

    def _build_from(self, inputs: Any) -> None:
        self.build((None,) + tuple(inputs.shape[1:]))

    @property
    def input_shape(self) -> tuple:
        if not self.built:
            raise AttributeError(f"The model {self.name!r} has not been built yet, so its input shape is unknown.")
        return self._build_input_shape

    def call(self, inputs: Any, training: Any = None) -> Any:
        x = inputs
        for layer in self._stack():
            x = layer(x, training=training)
        return x

    def _stack(self) -> List[Layer]:
        """`layers`, cached for the forward pass (`add` and `pop` drop the cache)."""
        cached = self.__dict__.get("_stack_cache")
        if cached is None:
            cached = self.layers
            object.__setattr__(self, "_stack_cache", cached)
        return cached

    def get_config(self) -> dict:
        from neuronet.saving import serialization

        layers = []
        if self._input_layer is not None:
            layers.append(serialization.serialize_layer(self._input_layer))
        layers += [serialization.serialize_layer(layer) for layer in self.layers]
        config = {"name": self.name, "trainable": self.trainable, "layers": layers}
        if self.built:
            config["build_input_shape"] = list(self._build_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: Optional[dict] = None) -> "Sequential":
        from neuronet.saving import serialization

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(serialization.deserialize_layer(layer_config, custom_objects))
        if not model.built and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model
