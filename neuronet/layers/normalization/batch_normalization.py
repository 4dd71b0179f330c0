"""BatchNormalization: normalize with the batch's statistics in training, with their moving averages in inference."""
from __future__ import annotations

from typing import Any

from neuronet import backend, initializers, regularizers
from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class BatchNormalization(Layer):
    """Layer that normalizes its inputs (Keras 3's `BatchNormalization`).

    In training (`training=True`, and the layer trainable) it uses the mean and variance of the current batch over
    every axis but `axis`, and updates the moving statistics:
    `moving_mean = moving_mean * momentum + mean(batch) * (1 - momentum)` (the same for the variance). In inference
    it uses the moving statistics. Output: `gamma * (x - mean) / sqrt(var + epsilon) + beta`.

    Args:
        axis: Integer, the axis that should be normalized (typically the features axis).
        momentum: Momentum for the moving average.
        epsilon: Small float added to variance to avoid dividing by zero.
        center: If True, add offset of `beta` to normalized tensor.
        scale: If True, multiply by `gamma`.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer: initializers.
        beta_regularizer, gamma_regularizer: Optional regularizers.

    As in Keras, setting `trainable = False` makes the layer run in inference mode (frozen statistics).

    Example:
    >>> bn = BatchNormalization()
    >>> bn(np.array([[0.0], [2.0]]), training=True).numpy().round(2)
    array([[-1.],
           [ 1.]], dtype=float32)
    >>> bn.moving_mean.numpy(), bn.moving_variance.numpy()  # 0.99 * initial + 0.01 * batch statistics
    (array([0.01], dtype=float32), array([1.], dtype=float32))
    >>> [w.path for w in bn.non_trainable_weights]
    ['batch_normalization/moving_mean', 'batch_normalization/moving_variance']
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: Any = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any) -> None:
        unsupported = {"beta_constraint": beta_constraint, "gamma_constraint": gamma_constraint,
                       "renorm": renorm or None, "renorm_clipping": renorm_clipping,
                       "synchronized": synchronized or None}
        for name, value in unsupported.items():
            if value is not None:
                raise ValueError(f"BatchNormalization: `{name}` is not supported by neuronet. Received: {value!r}")
        if not 0.0 <= float(momentum) <= 1.0:
            raise ValueError(f"BatchNormalization: `momentum` must be in [0, 1]. Received: momentum={momentum!r}")
        if float(epsilon) <= 0:
            raise ValueError(f"BatchNormalization: `epsilon` must be positive. Received: epsilon={epsilon!r}")
        if isinstance(axis, (list, tuple)):  # tf.keras 2 writes its (single) axis as a list, e.g. [1]
            if len(axis) != 1:
                raise ValueError(f"BatchNormalization: neuronet normalizes along one axis. Received: axis={axis!r}")
            axis = axis[0]
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.renorm_momentum = float(renorm_momentum)

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"BatchNormalization {self.name!r}: axis {self.axis} is out of bounds for input shape "
                             f"{tuple(input_shape)}. Received: axis={self.axis}")
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(f"BatchNormalization {self.name!r}: axis {self.axis} of the input shape must be known. "
                             f"Received input shape {tuple(input_shape)}")
        shape = (channels,)
        self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer) if self.scale else None
        self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer) if self.center else None
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False)
        axis = self.axis % ndim
        self._reduction_axes = tuple(d for d in range(ndim) if d != axis)
        self._param_shape = tuple(channels if d == axis else 1 for d in range(ndim))
        self.built = True

    def call(self, inputs: Any, training: Any = None) -> Any:
        if inputs.shape[self.axis] != self.moving_mean.shape[0]:
            raise ValueError(f"Input 0 of layer {self.name!r} is incompatible with the layer: expected axis "
                             f"{self.axis} of input shape to have value {self.moving_mean.shape[0]}, but received "
                             f"input with shape {tuple(inputs.shape)}")
        if training and self.trainable:
            return self._train(inputs)
        xp = backend.get_array_module(inputs.data)
        inv = 1.0 / xp.sqrt(self.moving_variance.data.reshape(self._param_shape) + self.epsilon)
        mean = self.moving_mean.data.reshape(self._param_shape)
        gamma = None if self.gamma is None else primitives.reshape(self.gamma, shape=self._param_shape)
        beta = None if self.beta is None else primitives.reshape(self.beta, shape=self._param_shape)
        scale = inv if gamma is None else gamma * inv
        offset = -mean * scale if beta is None else beta - mean * scale
        return primitives.scale_shift(inputs, scale, offset)

    def _train(self, inputs: Any) -> Any:
        # A batch of one has a variance of 0 per channel: the output is `beta`, and the moving variance moves
        # towards 0, exactly as in Keras (raising here would stop a `fit` whose last batch holds one sample).
        mean, variance = primitives.moments(inputs.data, self._reduction_axes)
        out = primitives.moments_normalization(inputs, self.gamma, self.beta, axes=self._reduction_axes,
                                               epsilon=self.epsilon, param_shape=self._param_shape, mean=mean,
                                               variance=variance)
        m = self.momentum
        self.moving_mean.assign(self.moving_mean.data * m + mean.reshape(-1) * (1.0 - m))
        self.moving_variance.assign(self.moving_variance.data * m + variance.reshape(-1) * (1.0 - m))
        return out

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale, "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": None, "gamma_constraint": None, "synchronized": False, "renorm": False,
            "renorm_clipping": None, "renorm_momentum": self.renorm_momentum,
        })
        return config
