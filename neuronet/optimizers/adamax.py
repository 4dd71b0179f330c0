"""Adamax: Adam with the infinity norm."""
from neuronet import backend
from neuronet.optimizers import optimizer


class Adamax(optimizer.Optimizer):
    """Optimizer that implements the Adamax algorithm (Kingma & Ba, 2014, section 7).

    Update rule for a variable `w` with gradient `g` at step `t = iterations + 1`, as in Keras 3:

    ```python
    m = m + (g - m) * (1 - beta_1)
    u = maximum(beta_2 * u, abs(g))
    w = w - learning_rate * m / ((1 - beta_1 ** t) * (u + epsilon))
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: decay rate of the first-moment estimates. Defaults to `0.9`.
        beta_2: decay rate of the exponentially weighted infinity norm. Defaults to `0.999`.
        epsilon: small constant for numerical stability. Defaults to `1e-7`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0, -1.0]))
    >>> opt = Adamax(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -2.0], dtype="float32")], [w]); w.numpy().round(4)  # first step: ~lr * sign(g)
    array([ 0.9, -0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        """Creates `momentum` and `norm` slots, interleaved per variable."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        xp = backend.xp
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        index = self._get_variable_index(variable)
        m, u = self._m[index].data, self._u[index].data
        buffer = xp.subtract(gradient, m, out=xp.empty_like(m))  # out=: stays an array for 0-d weights
        buffer *= 1.0 - beta_1
        m += buffer
        u *= beta_2
        xp.maximum(u, xp.abs(gradient, out=buffer), out=u)
        xp.add(u, float(self.epsilon), out=buffer)
        xp.divide(m, buffer, out=buffer)
        buffer *= learning_rate / (1.0 - beta_1 ** self._local_step())
        variable.data -= buffer

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
