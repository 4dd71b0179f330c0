"""AdamW: Adam with decoupled weight decay."""
from neuronet.optimizers import adam


class AdamW(adam.Adam):
    """Optimizer that implements the AdamW algorithm (Loshchilov & Hutter, 2019).

    Adam whose weight decay is decoupled from the gradient: each step first shrinks every variable
    (not excluded by `exclude_from_weight_decay`), then takes the Adam step, as in Keras 3:

    ```python
    w = w - w * weight_decay * learning_rate
    alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    m = m + (g - m) * (1 - beta_1)
    v = v + (g ** 2 - v) * (1 - beta_2)
    w = w - alpha * m / (sqrt(v) + epsilon)
    ```

    Args:
        learning_rate: float, `LearningRateSchedule` or callable. Defaults to `0.001`.
        weight_decay: float, the decoupled weight decay; required (not None). Defaults to `0.004`.
        beta_1: decay rate of the first-moment estimates. Defaults to `0.9`.
        beta_2: decay rate of the second-moment estimates. Defaults to `0.999`.
        epsilon: "epsilon hat" of the Adam paper, for numerical stability. Defaults to `1e-7`.
        amsgrad: whether to apply the AMSGrad variant. Defaults to `False`.
        clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum, ema_overwrite_frequency,
        loss_scale_factor, gradient_accumulation_steps, name: see `Optimizer`.

    Example:
    >>> import numpy as np
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0, -1.0]))
    >>> opt = AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> opt.apply([np.array([0.5, -2.0], dtype="float32")], [w]); w.numpy().round(4)  # 0.95 - 0.1
    array([ 0.85, -0.85], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         weight_decay=weight_decay, clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema, ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency, loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
