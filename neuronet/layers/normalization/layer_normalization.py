"""LayerNormalization: each sample normalized over its own feature axes."""
from __future__ import annotations

from typing import Any

from neuronet import initializers, regularizers
from neuronet.autodiff import primitives
from neuronet.layers.layer import Layer


class LayerNormalization(Layer):
    """Layer normalization (Ba et al., 2016): `gamma * (x - mean) / sqrt(var + epsilon) + beta`, the statistics of
    each sample over `axis`; the same in training and inference.

    Args:
        axis: Integer or list of integers, the axis or axes to normalize across (typically the features axis).
        epsilon: Small float added to variance to avoid dividing by zero.
        center: If True, add offset of `beta` to normalized tensor.
        scale: If True, multiply by `gamma`.
        beta_initializer, gamma_initializer: Initializers for beta and gamma.
        beta_regularizer, gamma_regularizer: Optional regularizers for beta and gamma.

    Example:
    >>> LayerNormalization()(np.array([[1.0, 3.0], [0.0, 10.0]])).numpy().round(2)
    array([[-1.,  1.],
           [-1.,  1.]], dtype=float32)
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                 rms_scaling: bool = False, **kwargs: Any) -> None:
        for name, value in (("beta_constraint", beta_constraint), ("gamma_constraint", gamma_constraint),
                            ("rms_scaling", rms_scaling or None)):
            if value is not None:
                raise ValueError(f"LayerNormalization: `{name}` is not supported by neuronet (for RMS scaling use a "
                                 f"dedicated layer). Received: {value!r}")
        if float(epsilon) <= 0:
            raise ValueError(f"LayerNormalization: `epsilon` must be positive. Received: epsilon={epsilon!r}")
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(f"LayerNormalization {self.name!r}: axis {a} is out of bounds for input shape "
                                 f"{tuple(input_shape)}. Received: axis={self.axis}")
        self._axes = tuple(sorted(a % ndim for a in axes))
        shape = tuple(input_shape[a] for a in self._axes)
        self._param_shape = tuple(input_shape[d] if d in self._axes else 1 for d in range(ndim))
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer) if self.scale else None
        self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer) if self.center else None
        self.built = True

    def call(self, inputs: Any) -> Any:
        return primitives.moments_normalization(inputs, self.gamma, self.beta, axes=self._axes, epsilon=self.epsilon,
                                                param_shape=self._param_shape)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            # No "rms_scaling" key (always False here): Keras 3 defaults it, and tf.keras 2 refuses the key.
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": None, "gamma_constraint": None,
        })
        return config
