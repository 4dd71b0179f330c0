"""Lion: sign of an interpolated momentum (EvoLved Sign Momentum)."""
from neuronet import backend
from neuronet.optimizers import optimizer


class Lion(optimizer.Optimizer):
    """Optimizer that implements the Lion algorithm (Chen et al., 2023).

    Every step moves each element by exactly `learning_rate` (or 0), so Lion wants a learning rate 3-10x
    smaller than Adam's. Update rule for a variable `w` with gradient `g`, as in Keras 3:

    ```python
    w = w - learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
    m = beta_2 * m + (1 - beta_2) * g
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        beta_1: weight of the momentum in the step's direction, in (0, 1]. Defaults to `0.9`.
        beta_2: decay rate of the momentum. Defaults to `0.99`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0, -1.0, 0.5]))
    >>> opt = Lion(learning_rate=0.1)
    >>> opt.apply([np.array([0.5, -2.0, 0.0], dtype="float32")], [w]); w.numpy()
    array([ 0.9, -0.9,  0.5], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates "
                             f"to SignSGD. Received: beta_1={beta_1}.")

    def build(self, var_list):
        """Creates one `momentum` slot per variable."""
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        xp = backend.xp
        beta_1, beta_2 = float(self.beta_1), float(self.beta_2)
        m = self._momentums[self._get_variable_index(variable)].data
        buffer = xp.multiply(m, beta_1, out=xp.empty_like(m))  # out=: stays an array for 0-d weights
        buffer += gradient * (1.0 - beta_1)
        xp.sign(buffer, out=buffer)
        buffer *= learning_rate
        variable.data -= buffer
        m *= beta_2
        m += gradient * (1.0 - beta_2)

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
