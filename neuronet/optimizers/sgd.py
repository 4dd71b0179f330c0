"""SGD: gradient descent, with optional (Nesterov) momentum."""
from neuronet import backend
from neuronet.optimizers import optimizer


class SGD(optimizer.Optimizer):
    """Gradient descent (with momentum) optimizer.

    Update rule for a variable `w` with gradient `g`, as in Keras 3:

    ```python
    if momentum == 0:
        w = w - learning_rate * g
    else:
        velocity = momentum * velocity - learning_rate * g
        if nesterov:
            w = w + momentum * velocity - learning_rate * g
        else:
            w = w + velocity
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.01`.
        momentum: float in [0, 1] that accelerates descent and dampens oscillations. Defaults to `0.0`.
        nesterov: whether to apply Nesterov momentum. Defaults to `False`.
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> import numpy as np
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0]))
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.apply([np.array([1.0], dtype="float32")], [w])
    >>> w.numpy()  # 1 - 0.1 - (0.9 * 0.1 + 0.1)
    array([0.71], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name="SGD", **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables):
        """Creates one `momentum` slot per variable, only when `momentum` is not 0."""
        if self.built:
            return
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum != 0 else []

    def update_step(self, gradient, variable, learning_rate):
        slots = [self.momentums[self._get_variable_index(variable)].data] if self.momentums else []
        step = gradient * learning_rate  # float32 array * Python float stays float32
        step_in_place(self, backend.xp, variable.data, step, slots)

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config


def step_in_place(opt, xp, w, step, slots, buffer=None):
    """One SGD step on arrays, in place: `step` is `learning_rate * gradient` (it may be overwritten), `slots`
    `[momentum]` or `[]`, `buffer` a scratch array of `w`'s shape for Nesterov (made when None). `update_step`
    calls it per variable; the compiled step on its flat buffers."""
    if not slots:
        w -= step
        return
    momentum = float(opt.momentum)
    m = slots[0]
    m *= momentum
    m -= step
    if opt.nesterov:
        buffer = xp.multiply(m, momentum, out=xp.empty_like(m) if buffer is None else buffer)
        buffer -= step
        w += buffer
    else:
        w += m
