"""Nadam: Adam with Nesterov momentum."""

from neuronet import backend
from neuronet.optimizers import optimizer


class Nadam(optimizer.Optimizer):
    """Optimizer that implements the Nadam algorithm (Dozat, 2015).

    Update rule for a variable `w` with gradient `g` at step `t = iterations + 1`, as in Keras 3
    (`u_product` is one scalar shared by all variables, updated once per step before them):

    ```python
    u_t = beta_1 * (1 - 0.5 * 0.96 ** t)
    u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
    u_product = u_product * u_t                      # starts at 1.0
    m = m + (g - m) * (1 - beta_1)
    v = v + (g ** 2 - v) * (1 - beta_2)
    m_hat = u_t_1 * m / (1 - u_product * u_t_1) + (1 - u_t) * g / (1 - u_product)
    v_hat = v / (1 - beta_2 ** t)
    w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: decay rate of the first-moment estimates. Defaults to `0.9`.
        beta_2: decay rate of the second-moment estimates. Defaults to `0.999`.
        epsilon: small constant for numerical stability. Defaults to `1e-7`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0]))
    >>> opt = Nadam(learning_rate=0.1)
    >>> opt.apply([np.array([1.0], dtype="float32")], [w]); [v.name for v in opt.variables]
    ['iteration', 'learning_rate', 'variable_momentum', 'variable_velocity', 'u_product']
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None,
                 name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = 1e-7 if epsilon is None else epsilon

    def build(self, var_list):
        """Creates `momentum` and `velocity` slots (interleaved per variable), then the `u_product` scalar."""
        if self.built:
            return
        var_list = list(var_list)
        dtype = var_list[0].dtype if var_list else backend.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        self._u_product = self.add_variable((), initializer=1.0, dtype=dtype, name="u_product")

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        t = self._local_step()
        beta_1 = float(self.beta_1)
        # Kept in the variables' dtype between steps, as Keras does.
        self._u_product.data[...] = float(self._u_product.data) * beta_1 * (1.0 - 0.5 * 0.96**t)
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        xp = backend.xp
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        t = self._local_step()
        u_t = beta_1 * (1.0 - 0.5 * 0.96**t)
        u_t_1 = beta_1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        u_product_t = float(self._u_product.data)
        u_product_t_1 = u_product_t * u_t_1
        index = self._get_variable_index(variable)
        m, v = self._momentums[index].data, self._velocities[index].data
        buffer = xp.subtract(gradient, m, out=xp.empty_like(m))  # out=: stays an array for 0-d weights
        buffer *= 1.0 - beta_1
        m += buffer
        xp.square(gradient, out=buffer)
        buffer -= v
        buffer *= 1.0 - beta_2
        v += buffer
        m_hat = m * (u_t_1 / (1.0 - u_product_t_1))
        m_hat += gradient * ((1.0 - u_t) / (1.0 - u_product_t))
        xp.multiply(v, 1.0 / (1.0 - beta_2**t), out=buffer)  # v_hat
        xp.sqrt(buffer, out=buffer)
        buffer += float(self.epsilon)
        xp.divide(m_hat, buffer, out=buffer)
        buffer *= learning_rate
        variable.data -= buffer

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
