"""`keras.optimizers.schedules`: learning rates that change with the optimizer step.

An optimizer given a schedule evaluates it at `optimizer.iterations` before every update. Each
schedule also works on an array of steps (handy for plotting) and returns values of
`keras.backend.floatx()`, as Keras does.
"""
import math

import numpy as np

from neuronet import backend


def _result(value):
    """A NumPy floatx scalar (or array, for an array of steps), like Keras's float32 tensor."""
    return np.asarray(value, dtype=backend.floatx())[()]


def _steps(step):
    """The step(s) as float64: accepts ints, arrays, and Variables such as `optimizer.iterations`."""
    return backend.to_numpy(step).astype("float64")  # the step count comes to the host (one scalar)


def _check_decay_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule:
    """The learning rate schedule base class: subclasses implement `__call__(step)` and `get_config()`.

    Example:
    >>> class InverseStep(LearningRateSchedule):
    ...     def __init__(self, initial_learning_rate):
    ...         self.initial_learning_rate = initial_learning_rate
    ...     def __call__(self, step):
    ...         return self.initial_learning_rate / (float(step) + 1)
    >>> InverseStep(0.1)(3)
    0.025
    """

    def __call__(self, step):
        raise NotImplementedError(f"Learning rate schedule '{self.__class__.__name__}' "
                                  "must override `__call__(self, step)`.")

    def get_config(self):
        raise NotImplementedError(f"Learning rate schedule '{self.__class__.__name__}' "
                                  "must override `get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config):
        """Instantiates a schedule from the output of `get_config()`."""
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)` (integer division if `staircase`).

    Args:
        initial_learning_rate: float, the learning rate at step 0.
        decay_steps: positive int, the steps over which the rate is multiplied by `decay_rate`.
        decay_rate: float, the decay rate.
        staircase: if True, decay at discrete intervals (`floor(step / decay_steps)`).
        name: name of the schedule.

    Example:
    >>> float(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(20))
    0.02500000037252903
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="ExponentialDecay"):
        _check_decay_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _steps(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _result(self.initial_learning_rate * np.power(float(self.decay_rate), p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[1]` while `step <= boundaries[1]`, ..., then `values[-1]`.

    Args:
        boundaries: strictly increasing step numbers.
        values: one more value than boundaries.
        name: name of the schedule.

    Example:
    >>> schedule = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [float(schedule(s)) for s in (10, 11, 21)]
    [1.0, 0.5, 0.10000000149011612]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. Received: "
                             f"boundaries={boundaries} of length {len(boundaries)}, and values={values} "
                             f"of length {len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        # side="left": a step equal to a boundary still belongs to the interval before it, as in Keras.
        index = np.searchsorted(np.asarray(self.boundaries, dtype="float64"), _steps(step), side="left")
        return _result(np.asarray(self.values, dtype="float64")[index])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decay from `initial_learning_rate` to `end_learning_rate` over `decay_steps` along `(1 - t) ** power`.

    ```python
    step = min(step, decay_steps)  # cycle=True: decay_steps *= max(1, ceil(step / decay_steps)) instead
    lr = (initial_learning_rate - end_learning_rate) * (1 - step / decay_steps) ** power + end_learning_rate
    ```

    Args:
        initial_learning_rate: float, the learning rate at step 0.
        decay_steps: positive int.
        end_learning_rate: float, the final learning rate.
        power: float, the power of the polynomial.
        cycle: whether to restart the decay (over a longer span) after `decay_steps`.
        name: name of the schedule.

    Example:
    >>> float(PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0)(5))
    0.05000000074505806
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False,
                 name="PolynomialDecay"):
        _check_decay_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        step = _steps(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps = decay_steps * np.where(step == 0, 1.0, np.ceil(step / decay_steps))
        else:
            step = np.minimum(step, decay_steps)
        fraction = 1.0 - step / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return _result(span * np.power(fraction, float(self.power)) + self.end_learning_rate)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)` (floored ratio if `staircase`).

    Args:
        initial_learning_rate: float, the learning rate at step 0.
        decay_steps: positive number, how often to apply decay.
        decay_rate: float, the decay rate.
        staircase: whether to decay in discrete steps.
        name: name of the schedule.

    Example:
    >>> float(InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)(2))
    0.05000000074505806
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name="InverseTimeDecay"):
        _check_decay_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        p = _steps(step) / self.decay_steps
        if self.staircase:
            p = np.floor(p)
        return _result(self.initial_learning_rate / (1.0 + self.decay_rate * p))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Optional linear warmup to `warmup_target`, then cosine decay to `alpha` times that rate.

    ```python
    if warmup_target is None:                       # no warmup: decay from initial_learning_rate
        return initial_learning_rate * decayed(min(step, decay_steps))
    step = min(step, warmup_steps + decay_steps)
    if step < warmup_steps:                         # linear from initial_learning_rate to warmup_target
        return (warmup_target - initial_learning_rate) * step / warmup_steps + initial_learning_rate
    return warmup_target * decayed(step - warmup_steps)
    # where decayed(s) = (1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha
    ```

    Args:
        initial_learning_rate: float, the learning rate at step 0.
        decay_steps: positive int, steps to decay over.
        alpha: float, the final rate as a fraction of the rate decay starts from.
        name: name of the schedule.
        warmup_target: float or None (no warmup), the rate reached at the end of warmup.
        warmup_steps: int, steps to warm up over.

    Example:
    >>> schedule = CosineDecay(0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5)
    >>> [round(float(schedule(s)), 4) for s in (0, 1, 5, 10, 15, 99)]
    [0.0, 0.02, 0.1, 0.05, 0.0, 0.0]
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        _check_decay_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_from):
        cosine = 0.5 * (1.0 + np.cos(math.pi * step / self.decay_steps))
        return decay_from * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _steps(step)
        if self.warmup_target is None:
            return _result(self._decay(np.minimum(step, self.decay_steps), self.initial_learning_rate))
        warmup_steps = float(self.warmup_steps)
        step = np.minimum(step, self.decay_steps + warmup_steps)
        # max(.., 1): the warmup branch is only taken when warmup_steps > 0; avoid 0/0 in the unused one.
        fraction = step / max(warmup_steps, 1.0)
        warmup = (self.warmup_target - self.initial_learning_rate) * fraction + self.initial_learning_rate
        decay = self._decay(step - warmup_steps, self.warmup_target)
        return _result(np.where(step < warmup_steps, warmup, decay))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): each period is `t_mul` times longer and `m_mul` times lower.

    Args:
        initial_learning_rate: float, the learning rate at step 0.
        first_decay_steps: positive int, the length of the first period.
        t_mul: float, period length multiplier.
        m_mul: float, initial learning rate multiplier for each new period.
        alpha: float, the minimum rate as a fraction of `initial_learning_rate`.
        name: name of the schedule.

    Example:
    >>> schedule = CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0)
    >>> [round(float(schedule(s)), 3) for s in (0, 5, 10)]
    [1.0, 0.5, 1.0]
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        _check_decay_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        fraction = _steps(step) / self.first_decay_steps
        t_mul = float(self._t_mul)
        if t_mul == 1.0:
            restart = np.floor(fraction)
            fraction = fraction - restart
        else:
            restart = np.floor(np.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - np.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - done) / np.power(t_mul, restart)
        cosine = 0.5 * np.power(float(self._m_mul), restart) * (1.0 + np.cos(math.pi * fraction))
        return _result(self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                            InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """Returns `{"class_name": ..., "config": ...}` for a `LearningRateSchedule`.

    Example:
    >>> serialize(ExponentialDecay(0.1, 100, 0.96))["class_name"]
    'ExponentialDecay'
    """
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise ValueError("Expected a `keras.optimizers.schedules.LearningRateSchedule` instance. "
                         f"Received: {learning_rate_schedule!r}")
    return {"class_name": learning_rate_schedule.__class__.__name__, "config": learning_rate_schedule.get_config()}


def deserialize(config, custom_objects=None):
    """Instantiates a `LearningRateSchedule` from `{"class_name": ..., "config": ...}`.

    Extra keys written by Keras 3 (`module`, `registered_name`) are ignored.

    Example:
    >>> deserialize({"class_name": "InverseTimeDecay",
    ...              "config": {"initial_learning_rate": 0.1, "decay_steps": 1, "decay_rate": 0.5}}).decay_rate
    0.5
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A learning rate schedule config must be a dict {'class_name': ..., 'config': {...}}. "
                         f"Received: {config!r}")
    class_name = config["class_name"].split(">")[-1]  # tf.keras may write "Custom>Name"
    objects = dict(_SCHEDULES, **(custom_objects or {}))
    if class_name not in objects:
        raise ValueError(f"Unknown learning rate schedule: {class_name!r}. Expected one of {sorted(_SCHEDULES)}, "
                         "or pass your class in `custom_objects`.")
    return objects[class_name].from_config(dict(config.get("config", {})))

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
    "PiecewiseConstantDecay", "PolynomialDecay", "deserialize", "serialize"]


def __dir__():
    return sorted(__all__)
