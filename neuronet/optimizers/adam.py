"""Adam: adaptive moment estimation."""
import math

from neuronet import backend
from neuronet.optimizers import optimizer


class Adam(optimizer.Optimizer):
    """Optimizer that implements the Adam algorithm (Kingma & Ba, 2014).

    Update rule for a variable `w` with gradient `g` at step `t = iterations + 1`, as in Keras 3:

    ```python
    alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    m = m + (g - m) * (1 - beta_1)
    v = v + (g ** 2 - v) * (1 - beta_2)
    if amsgrad:
        v_hat = maximum(v_hat, v)
        v = v_hat
    w = w - alpha * m / (sqrt(v) + epsilon)
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: decay rate of the first-moment estimates. Defaults to `0.9`.
        beta_2: decay rate of the second-moment estimates. Defaults to `0.999`.
        epsilon: "epsilon hat" of the paper, for numerical stability. Defaults to `1e-7`.
        amsgrad: whether to apply the AMSGrad variant. Defaults to `False`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0, -1.0]))
    >>> opt = Adam(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -2.0], dtype="float32")], [w]); w.numpy().round(4)  # first step: ~lr
    array([ 0.9, -0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name="adam",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = 1e-7 if epsilon is None else epsilon  # Keras 2.2 configs wrote epsilon=None
        self.amsgrad = amsgrad

    def build(self, var_list):
        """Creates `momentum` and `velocity` slots (interleaved per variable), then `velocity_hat` if amsgrad."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        slots = [self._momentums[index].data, self._velocities[index].data]
        if self.amsgrad:
            slots.append(self._velocity_hats[index].data)
        buffer = backend.xp.empty_like(slots[0])  # an array even for 0-d weights
        step_in_place(self, backend.xp, gradient, variable.data, slots, buffer, learning_rate)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config


def step_in_place(opt, xp, g, w, slots, buffer, learning_rate):
    """One Adam step on arrays, in place: `w` and its slots `[m, v]` (`[m, v, v_hat]` with amsgrad), `buffer` a
    scratch array of their shape. `update_step` calls it per variable; the compiled step on its flat buffers."""
    beta_1, beta_2 = float(opt.beta_1), float(opt.beta_2)
    t = opt._local_step()
    alpha = learning_rate * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    m, v = slots[0], slots[1]
    xp.subtract(g, m, out=buffer)
    buffer *= 1.0 - beta_1
    m += buffer
    xp.square(g, out=buffer)
    buffer -= v
    buffer *= 1.0 - beta_2
    v += buffer
    if opt.amsgrad:
        v = xp.maximum(slots[2], v, out=slots[2])
    xp.sqrt(v, out=buffer)
    buffer += float(opt.epsilon)
    xp.divide(m, buffer, out=buffer)
    buffer *= alpha
    w -= buffer
