"""Dense: `activation(inputs @ kernel + bias)`, fused into one autodiff node when it can be."""
from __future__ import annotations

import numbers
from typing import Any

from neuronet import activations, constraints, initializers, regularizers
from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class Dense(Layer):
    """Just your regular densely-connected NN layer.

    Args:
        units: Positive integer, dimensionality of the output space.
        activation: Activation function (name or callable); None means linear.
        use_bias: Whether the layer uses a bias vector.
        kernel_initializer: Initializer for the kernel (default glorot_uniform).
        bias_initializer: Initializer for the bias (default zeros).
        kernel_regularizer: Regularizer for the kernel ("l1", "l2", or a regularizer object).
        bias_regularizer: Regularizer for the bias.
        activity_regularizer: Regularizer of the output, added to `losses` at each call (divided by the batch size).
        kernel_constraint: Constraint applied to the kernel after each optimizer step (e.g. `max_norm(2.0)`).
        bias_constraint: Constraint applied to the bias after each optimizer step.

    Example:
    >>> Dense(4, activation="relu")(np.ones((2, 3))).shape
    (2, 4)
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        if isinstance(units, numbers.Integral) and not isinstance(units, bool):
            units = int(units)  # e.g. from np.arange in a hyperparameter search
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. "
                             f"Received: units={units!r}")
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        # Sigmoid is left unfused so that its output keeps the logits for binary cross-entropy.
        self._fused = {activations.linear: "linear", activations.relu: "relu",
                       activations.tanh: "tanh"}.get(self.activation)

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Layer {self.name!r}: the last dimension of the inputs to a Dense layer should "
                             f"be defined. Found None. Full input shape received: {tuple(input_shape)}")
        self.kernel = self.add_weight(name="kernel", shape=(input_dim, self.units),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs: Any) -> Any:
        if inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected axis -1 of "
                             f"input shape to have value {self.kernel.shape[0]}, but received input with shape "
                             f"{tuple(inputs.shape)}")
        if self._fused is not None:
            return primitives.dense(inputs, self.kernel, self.bias, activation=self._fused)
        return self.activation(primitives.dense(inputs, self.kernel, self.bias, activation="linear"))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return config
