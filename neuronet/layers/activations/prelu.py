"""PReLU layer: a leaky ReLU whose negative slopes are learned weights."""
from __future__ import annotations

from typing import Any

from neuronet import constraints, initializers, ops, regularizers
from neuronet.layers.layer import Layer


class PReLU(Layer):
    """Parametric Rectified Linear Unit activation layer.

    `f(x) = x` for `x >= 0`, `alpha * x` for `x < 0`, where `alpha` is a trainable weight of the input's
    shape without the batch axis (size 1 along each of `shared_axes`).

    Args:
        alpha_initializer: initializer of the weights. Defaults to `"Zeros"`.
        alpha_regularizer: regularizer of the weights. Defaults to `None`.
        alpha_constraint: constraint applied to the weights after each optimizer step (e.g. `"non_neg"`).
        shared_axes: axes (counted with the batch axis as 0) along which one slope is shared, e.g. `[1, 2]` for
            one slope per channel of `(batch, height, width, channels)` inputs. Defaults to `None`.
        **kwargs: base layer keyword arguments, such as `name` and `dtype`.

    Example:
    >>> layer = PReLU(alpha_initializer=keras.initializers.Constant(0.25))
    >>> layer(np.array([[-4.0, 2.0]])).numpy(), layer.alpha.shape
    (array([[-1.,  2.]], dtype=float32), (2,))
    """

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None, alpha_constraint: Any = None,
                 shared_axes: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape: Any) -> None:
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"Layer {self.name!r}: `shared_axes` must name axes 1 to {len(input_shape) - 1} "
                                 f"of inputs of shape {tuple(input_shape)}. Received: shared_axes={self.shared_axes}")
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"Layer {self.name!r}: every non-shared axis of the input must be known to build "
                             f"`alpha`. Received input shape {tuple(input_shape)}; share the unknown axes.")
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs: Any) -> Any:
        expected = (None,) + tuple(self.alpha.shape)
        received = tuple(inputs.shape)
        if len(received) != len(expected) or any(a != 1 and a != r for a, r in zip(expected[1:], received[1:])):
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: its weights `alpha` "
                             f"have shape {tuple(self.alpha.shape)}, built for inputs of shape "
                             f"{(None,) + tuple(self._build_shape[1:])}, but received input with shape {received}")
        negative = ops.multiply(ops.negative(self.alpha), ops.relu(ops.negative(inputs)))
        return ops.add(ops.relu(inputs), negative)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
