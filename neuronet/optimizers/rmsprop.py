"""RMSprop: divide the gradient by a running root mean square of recent gradients."""

from neuronet import backend
from neuronet.optimizers import optimizer


class RMSprop(optimizer.Optimizer):
    """Optimizer that implements the RMSprop algorithm (Hinton, 2012).

    Update rule for a variable `w` with gradient `g`, as in Keras 3:

    ```python
    velocity = rho * velocity + (1 - rho) * g ** 2
    if centered:
        average_gradient = rho * average_gradient + (1 - rho) * g
        denominator = velocity - average_gradient ** 2 + epsilon
    else:
        denominator = velocity + epsilon
    increment = learning_rate * g / sqrt(denominator)
    if momentum > 0:
        momentum_slot = momentum * momentum_slot + increment
        w = w - momentum_slot
    else:
        w = w - increment
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        rho: discounting factor for the old gradients. Defaults to `0.9`.
        momentum: if not 0, use momentum on the increments. Defaults to `0.0`.
        epsilon: small constant for numerical stability (inside the square root). Defaults to `1e-7`.
        centered: if True, normalize by the estimated variance of the gradient. Defaults to `False`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0]))
    >>> opt = RMSprop(learning_rate=0.01, rho=0.0)
    >>> opt.apply([np.array([2.0], dtype="float32")], [w]); w.numpy()  # 1 - 0.01 * 2 / sqrt(4)
    array([0.99], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = 1e-7 if epsilon is None else epsilon
        self.centered = centered

    def build(self, var_list):
        """Creates `velocity` slots, then `momentum` (if momentum > 0), then `average_gradient` (if centered)."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = self.add_optimizer_variables(var_list, "momentum") if self.momentum > 0 else []
        self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient") if self.centered else []

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        slots = [self._velocities[index].data] + ([self._momentums[index].data] if self.momentum > 0 else [])
        average = self._average_gradients[index].data if self.centered else None
        buffer = backend.xp.empty_like(slots[0])  # an array even for 0-d weights
        step_in_place(self, backend.xp, gradient, variable.data, slots, buffer, learning_rate, average)

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config


def step_in_place(opt, xp, g, w, slots, buffer, learning_rate, average=None):
    """One RMSprop step on arrays, in place: `w` and its slots `[velocity]` (`[velocity, momentum]` when momentum
    > 0), `average` the mean gradient when centered, `buffer` a scratch array of their shape. `update_step` calls it
    per variable; the compiled step on its flat buffers."""
    rho = float(opt.rho)
    velocity = slots[0]
    xp.square(g, out=buffer)
    buffer *= 1.0 - rho
    velocity *= rho
    velocity += buffer
    if average is not None:
        average *= rho
        average += (1.0 - rho) * g
        xp.square(average, out=buffer)
        xp.subtract(velocity, buffer, out=buffer)
        buffer += float(opt.epsilon)
    else:
        xp.add(velocity, float(opt.epsilon), out=buffer)
    xp.sqrt(buffer, out=buffer)
    xp.divide(g, buffer, out=buffer)
    buffer *= learning_rate  # buffer is now the increment
    if opt.momentum > 0:
        momentum = slots[1]
        momentum *= float(opt.momentum)
        momentum += buffer
        w -= momentum
    else:
        w -= buffer
