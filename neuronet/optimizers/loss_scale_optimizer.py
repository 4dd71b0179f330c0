"""LossScaleOptimizer: dynamic loss scaling for float16 training, as Keras 3 does it."""
import math

from neuronet import backend
from neuronet.optimizers import optimizer, serialization


class LossScaleOptimizer(optimizer.Optimizer):
    """An optimizer that dynamically scales the loss to prevent underflow of float16 gradients.

    The loss is multiplied by the loss scale before gradients are computed (`scale_loss`), and the gradients are
    divided by it before the inner optimizer applies them. If any gradient is not finite, the step is skipped and the
    scale halved; after `dynamic_growth_steps` finite steps in a row, the scale doubles.

    Args:
        inner_optimizer: the `Optimizer` that applies the unscaled gradients.
        initial_scale: the starting loss scale (2**15, as in Keras).
        dynamic_growth_steps: finite steps between doublings of the scale.
        name: the optimizer's name.

    Example:
    >>> from neuronet.variables import Variable
    >>> from neuronet.optimizers import SGD
    >>> w = Variable(np.array([1.0]))
    >>> opt = LossScaleOptimizer(SGD(learning_rate=0.5), initial_scale=4.0)
    >>> opt.apply([np.array([4.0], dtype="float32")], [w]); w.numpy()  # the gradient 4 is 1 once unscaled
    array([0.5], dtype=float32)
    >>> opt.apply([np.array([np.inf], dtype="float32")], [w]); w.numpy(), float(opt.dynamic_scale)
    (array([0.5], dtype=float32), 2.0)
    """

    def __init__(self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not isinstance(inner_optimizer, optimizer.Optimizer):
            raise ValueError("Argument `inner_optimizer` must be an instance of `keras.optimizers.Optimizer`. "
                             f"Received: inner_optimizer={inner_optimizer!r}")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise ValueError("Argument `inner_optimizer` must not be a `LossScaleOptimizer` itself.")
        if not (isinstance(initial_scale, (int, float)) and initial_scale > 0 and math.isfinite(initial_scale)):
            raise ValueError("`initial_scale` must be a positive finite float. "
                             f"Received: initial_scale={initial_scale!r}")
        steps = dynamic_growth_steps
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError("`dynamic_growth_steps` must be a positive integer. "
                             f"Received: dynamic_growth_steps={dynamic_growth_steps!r}")
        for key in ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "loss_scale_factor",
                    "gradient_accumulation_steps"):
            if kwargs.get(key):
                raise ValueError(f"Argument `{key}` must be set on the inner optimizer of a LossScaleOptimizer. "
                                 f"Received: {key}={kwargs[key]!r}")
            kwargs.pop(key, None)
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps
        self._variables = []  # its own: the step counter and the scale (iterations and the rate are the inner ones)
        self.step_counter = self.add_variable((), initializer="zeros", dtype="int64", name="step_counter")
        self.dynamic_scale = self.add_variable((), initializer=self.initial_scale, dtype="float32",
                                               name="dynamic_scale")

    def build(self, variables):
        self.inner_optimizer.build(variables)
        self._trainable_variables = self.inner_optimizer._trainable_variables
        self._trainable_variables_indices = self.inner_optimizer._trainable_variables_indices
        self.built = True

    @property
    def variables(self):
        return self._variables[:] + self.inner_optimizer.variables

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self.inner_optimizer.learning_rate = learning_rate

    def scale_loss(self, loss):
        """The loss times the current scale: gradients of it are scaled alike (and unscaled by `apply`)."""
        return loss * float(self.dynamic_scale.data)

    def apply(self, grads, trainable_variables=None):
        """Unscales `grads` and applies them with the inner optimizer, or skips the step if one is not finite."""
        grads = list(grads)
        variables = self.inner_optimizer._trainable_variables if trainable_variables is None else trainable_variables
        if not self.built:
            self.build(variables)
        xp, scale = backend.xp, float(self.dynamic_scale.data)
        grads = [None if g is None else backend.asarray(g) for g in grads]
        if not all(bool(xp.isfinite(g).all()) for g in grads if g is not None):
            self.step_counter.data[...] = 0
            self.dynamic_scale.data[...] = scale / 2.0
            return
        self.inner_optimizer.apply([None if g is None else g / scale for g in grads], variables)
        self.step_counter.data += 1
        if int(self.step_counter.data) >= self.dynamic_growth_steps:
            self.step_counter.data[...] = 0
            self.dynamic_scale.data[...] = scale * 2.0

    def apply_engine_gradients(self, grads, variables):
        self.apply(grads, variables)

    def stateless_apply(self, *args, **kwargs):
        raise NotImplementedError("neuronet optimizers update their variables in place: use `apply`.")

    def get_config(self):
        return {"name": self.name, "inner_optimizer": serialization.serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        inner = serialization.deserialize(config.pop("inner_optimizer"), custom_objects=custom_objects)
        return cls(inner, **config)
