"""Adagrad: per-parameter learning rates scaled by the accumulated squared gradients."""

from neuronet import backend
from neuronet.optimizers import optimizer


class Adagrad(optimizer.Optimizer):
    """Optimizer that implements the Adagrad algorithm (Duchi et al., 2011).

    Update rule for a variable `w` with gradient `g`, as in Keras 3:

    ```python
    accumulator = accumulator + g ** 2          # starts at initial_accumulator_value
    w = w - learning_rate * g / sqrt(accumulator + epsilon)
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        initial_accumulator_value: starting value of the accumulators; non-negative. Defaults to `0.1`.
        epsilon: small constant for numerical stability. Defaults to `1e-7`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0]))
    >>> opt = Adagrad(learning_rate=0.1, initial_accumulator_value=0.0, epsilon=0.0)
    >>> opt.apply([np.array([3.0], dtype="float32")], [w]); w.numpy()  # 1 - 0.1 * 3 / sqrt(9)
    array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = 1e-7 if epsilon is None else epsilon

    def build(self, var_list):
        """Creates one `accumulator` slot per variable, filled with `initial_accumulator_value`."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator",
                                                          initializer=float(self.initial_accumulator_value))

    def update_step(self, gradient, variable, learning_rate):
        xp = backend.xp
        accumulator = self._accumulators[self._get_variable_index(variable)].data
        buffer = xp.square(gradient, out=xp.empty_like(accumulator))  # out=: an array even for 0-d weights
        accumulator += buffer
        xp.add(accumulator, float(self.epsilon), out=buffer)
        xp.sqrt(buffer, out=buffer)
        xp.divide(gradient, buffer, out=buffer)
        buffer *= learning_rate
        variable.data -= buffer

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config
