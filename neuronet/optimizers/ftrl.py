"""Ftrl: Follow The Regularized Leader, with L1/L2 and shrinkage regularization."""
from neuronet import backend
from neuronet.optimizers import optimizer


class Ftrl(optimizer.Optimizer):
    """Optimizer that implements the FTRL-Proximal algorithm (McMahan et al., 2013).

    Update rule for a variable `w` with gradient `g`, as in Keras 3 (`p = -learning_rate_power`):

    ```python
    l2 = l2_regularization_strength + beta / (2 * learning_rate)
    g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
    new_accum = accum + g ** 2                  # accum starts at initial_accumulator_value
    linear = linear + g_shrunk - (new_accum ** p - accum ** p) / learning_rate * w
    quadratic = new_accum ** p / learning_rate + 2 * l2
    w = (clip(linear, -l1, l1) - linear) / quadratic     # l1 = l1_regularization_strength
    accum = new_accum
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        learning_rate_power: how the learning rate decreases during training; <= 0. Defaults to `-0.5`.
        initial_accumulator_value: starting value of the accumulators; >= 0. Defaults to `0.1`.
        l1_regularization_strength: >= 0. Defaults to `0.0`.
        l2_regularization_strength: >= 0 (the stabilization penalty). Defaults to `0.0`.
        l2_shrinkage_regularization_strength: >= 0, the magnitude penalty, added to the gradient. Defaults to `0.0`.
        beta: the FTRL-Proximal paper's beta. Defaults to `0.0`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([0.0, 0.0]))
    >>> opt = Ftrl(learning_rate=0.1, l1_regularization_strength=1.0)
    >>> opt.apply([np.array([0.5, -20.0], dtype="float32")], [w]); w.numpy().round(4)  # small gradient: stays 0
    array([0.   , 0.095], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        for arg, value in (("initial_accumulator_value", initial_accumulator_value),
                           ("l1_regularization_strength", l1_regularization_strength),
                           ("l2_regularization_strength", l2_regularization_strength),
                           ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero. Received: {arg}={value}.")
        if learning_rate_power > 0.0:
            raise ValueError("`learning_rate_power` needs to be negative or zero. Received: "
                             f"learning_rate_power={learning_rate_power}.")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        """Creates `accumulator` (filled with `initial_accumulator_value`) and `linear` slots, interleaved."""
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"], initializer=[float(self.initial_accumulator_value), "zeros"])

    def update_step(self, gradient, variable, learning_rate):
        xp = backend.xp
        index = self._get_variable_index(variable)
        accum, linear, w = self._accumulators[index].data, self._linears[index].data, variable.data
        power = -float(self.learning_rate_power)
        l1 = float(self.l1_regularization_strength)
        l2 = float(self.l2_regularization_strength) + float(self.beta) / (2.0 * learning_rate)
        new_accum = accum + xp.square(gradient)
        new_accum_power = xp.power(new_accum, power)
        linear += gradient + (2.0 * float(self.l2_shrinkage_regularization_strength)) * w
        linear -= (new_accum_power - xp.power(accum, power)) / learning_rate * w
        quadratic = new_accum_power / learning_rate + 2.0 * l2
        w[...] = (xp.clip(linear, -l1, l1) - linear) / quadratic
        accum[...] = new_accum

    def get_config(self):
        config = super().get_config()
        config.update({"learning_rate_power": self.learning_rate_power,
                       "initial_accumulator_value": self.initial_accumulator_value,
                       "l1_regularization_strength": self.l1_regularization_strength,
                       "l2_regularization_strength": self.l2_regularization_strength,
                       "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                       "beta": self.beta})
        return config
