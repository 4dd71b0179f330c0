"""The hyperparameter types of Keras Tuner (`Int`, `Float`, `Choice`, `Boolean`, `Fixed`), their conditions, and
`deserialize`; `HyperParameters` (in `hyperparameters.py`) holds them.

Every parameter maps to and from a cumulative probability in [0, 1) (`prob_to_value` / `value_to_prob`), which is
the space random search samples uniformly and Bayesian optimization models.
"""
import math
import random

import numpy as np

_SAMPLINGS = ("linear", "log", "reverse_log")


def _standardize(value):
    """NumPy scalars -> Python scalars, so values compare, hash and go to JSON like Keras Tuner's."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def prob_to_index(prob, n_index):
    return min(int(math.floor(prob * n_index)), n_index - 1)


def index_to_prob(index, n_index):
    return (index + 0.5) / n_index  # the middle of the index's bucket


class Parent:
    """A condition: active when the parameter `name` takes one of `values`."""

    def __init__(self, name, values):
        values = values if isinstance(values, (list, tuple, np.ndarray)) else [values]
        if len(values) == 0:
            raise ValueError(f"`parent_values` must be a non-empty list of values of '{name}'. Received: {values!r}")
        self.name, self.values = name, [_standardize(v) for v in values]

    def is_active(self, values):
        return self.name in values and values[self.name] in self.values

    def __eq__(self, other):
        return isinstance(other, Parent) and (self.name, self.values) == (other.name, other.values)

    def __repr__(self):
        return f"Parent(name={self.name!r}, values={self.values!r})"

    def get_config(self):
        return {"class_name": "Parent", "config": {"name": self.name, "values": list(self.values)}}


class HyperParameter:
    """Base class: a named parameter, its default, and the conditions under which it is active."""

    def __init__(self, name, default=None, conditions=None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"A hyperparameter name must be a non-empty string. Received: name={name!r}")
        self.name, self._default = name, _standardize(default)
        self.conditions = [c if isinstance(c, Parent) else Parent(**c["config"]) for c in (conditions or [])]

    @property
    def default(self):
        return self._default

    def random_sample(self, seed=None):
        return self.prob_to_value(random.Random(seed).random())

    def get_config(self):
        return {"name": self.name, "default": self._default, "conditions": [c.get_config() for c in self.conditions]}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "conditions")
        return f"{type(self).__name__}({fields})"


class _Numerical(HyperParameter):
    """`Int` and `Float`: a range, an optional step (additive, or a multiplier under log sampling), a sampling."""

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None, conditions=None):
        super().__init__(name, default, conditions)
        kind = type(self).__name__
        sampling = sampling.lower() if isinstance(sampling, str) else sampling
        if sampling not in _SAMPLINGS:
            raise ValueError(f"{kind} '{name}': `sampling` must be one of {list(_SAMPLINGS)}. Received: "
                             f"sampling={sampling!r}")
        if min_value > max_value:
            raise ValueError(f"{kind} '{name}': `min_value` must be <= `max_value`. Received: min_value={min_value}, "
                             f"max_value={max_value}. Swap them or fix the range.")
        if sampling != "linear" and min_value <= 0:
            raise ValueError(f"{kind} '{name}': sampling={sampling!r} needs `min_value` > 0. Received: "
                             f"min_value={min_value}. Use sampling='linear' or a positive range.")
        if step is not None and (step <= 0 or (sampling != "linear" and step <= 1)):
            raise ValueError(f"{kind} '{name}': `step` must be > 0 (> 1 with sampling={sampling!r}, where it is a "
                             f"multiplier). Received: step={step}")
        if self._default is not None and not min_value <= self._default <= max_value:
            raise ValueError(f"{kind} '{name}': `default` must be within [{min_value}, {max_value}]. Received: "
                             f"default={self._default}")
        self.min_value, self.max_value, self.step, self.sampling = min_value, max_value, step, sampling

    @property
    def default(self):
        return self.min_value if self._default is None else self._default

    def get_config(self):
        return {**super().get_config(), "min_value": self.min_value, "max_value": self.max_value, "step": self.step,
                "sampling": self.sampling}

    def _continuous(self, prob, max_value):
        low = self.min_value
        if self.sampling == "linear":
            return low + prob * (max_value - low)
        if self.sampling == "log":
            return low * math.pow(max_value / low, prob)
        return max_value + low - low * math.pow(max_value / low, 1 - prob)  # reverse_log: dense near max_value

    def _continuous_prob(self, value, max_value):
        low = self.min_value
        if max_value == low:
            return 0.5
        if self.sampling == "linear":
            return (value - low) / (max_value - low)
        if self.sampling == "log":
            return math.log(value / low) / math.log(max_value / low)
        return 1.0 - math.log((max_value + low - value) / low) / math.log(max_value / low)

    def _grid_size(self):
        if self.sampling == "linear":
            return int((self.max_value - self.min_value) / self.step + 1e-9) + 1
        return int(math.log(self.max_value / self.min_value) / math.log(self.step) + 1e-9) + 1

    def _grid_value(self, index):
        if self.sampling == "linear":
            return self.min_value + index * self.step
        if self.sampling == "log":
            return self.min_value * self.step ** index
        return self.max_value + self.min_value - self.min_value * self.step ** index

    def _grid_index(self, value):
        if self.sampling == "linear":
            return round((value - self.min_value) / self.step)
        if self.sampling == "log":
            return round(math.log(value / self.min_value) / math.log(self.step))
        return round(math.log((self.max_value + self.min_value - value) / self.min_value) / math.log(self.step))

    def value_to_prob(self, value):
        if self.step is None:
            return self._continuous_prob(value, self.max_value)
        return index_to_prob(self._grid_index(value), self._grid_size())


class Int(_Numerical):
    """An integer in [min_value, max_value] (both included); `step` defaults to 1 under linear sampling.

    Example:
    >>> Int("units", 32, 128, step=32).prob_to_value(0.99)
    128
    """

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None, conditions=None):
        for arg, value in (("min_value", min_value), ("max_value", max_value), ("step", step), ("default", default)):
            if value is not None and (isinstance(value, bool) or int(value) != value):
                raise ValueError(f"Int '{name}': `{arg}` must be an integer. Received: {arg}={value!r}. "
                                 "Use hp.Float for real values.")
        linear = isinstance(sampling, str) and sampling.lower() == "linear"
        step = int(step) if step is not None else (1 if linear else None)
        super().__init__(name, int(min_value), int(max_value), step, sampling,
                         None if default is None else int(default), conditions)

    def prob_to_value(self, prob):
        if self.step is None:  # max_value + 1 so that max_value itself can be drawn
            return min(int(self._continuous(prob, self.max_value + 1)), self.max_value)
        return int(round(self._grid_value(prob_to_index(prob, self._grid_size()))))

    def value_to_prob(self, value):
        if self.step is None:
            return self._continuous_prob(value + 0.5, self.max_value + 1)  # the middle of the integer's bucket
        return super().value_to_prob(value)


class Float(_Numerical):
    """A real number in [min_value, max_value]; with `step`, only the grid values are drawn.

    Example:
    >>> Float("lr", 1e-4, 1e-2, sampling="log").prob_to_value(0.5)
    0.001
    """

    def __init__(self, name, min_value, max_value, step=None, sampling="linear", default=None, conditions=None):
        super().__init__(name, float(min_value), float(max_value), None if step is None else float(step), sampling,
                         None if default is None else float(default), conditions)

    def prob_to_value(self, prob):
        if self.step is None:
            value = self._continuous(prob, self.max_value)
        else:
            value = self._grid_value(prob_to_index(prob, self._grid_size()))
        return min(max(float(f"{value:.12g}"), self.min_value), self.max_value)  # 0.1 * 3 -> 0.3, not 0.300...04

    def get_config(self):
        return {**super().get_config(), "default": self.default}  # Keras Tuner writes min_value when None


class Choice(HyperParameter):
    """One of `values` (all int, all float, all str or all bool); the default is the first value.

    Example:
    >>> Choice("activation", ["relu", "tanh"]).prob_to_value(0.7)
    'tanh'
    """

    def __init__(self, name, values, ordered=None, default=None, conditions=None):
        super().__init__(name, default, conditions)
        if not isinstance(values, (list, tuple, np.ndarray)) or len(values) == 0:
            raise ValueError(f"Choice '{name}': `values` must be a non-empty list. Received: values={values!r}")
        values = [_standardize(v) for v in values]
        types = {type(v) for v in values}
        if len(types) > 1 or not types <= {int, float, str, bool}:
            raise TypeError(f"Choice '{name}': all `values` must have one type among int, float, str and bool. "
                            f"Received: values={values!r} with types {sorted(t.__name__ for t in types)}")
        if self._default is not None and self._default not in values:
            raise ValueError(f"Choice '{name}': `default` must be one of the values. Received: values={values}, "
                             f"default={self._default!r}")
        numeric = isinstance(values[0], (int, float)) and not isinstance(values[0], bool)
        if ordered and not numeric:
            raise ValueError(f"Choice '{name}': `ordered` must be False for non-numeric values {values}.")
        self.values, self.ordered = values, numeric if ordered is None else bool(ordered)

    @property
    def default(self):
        return self.values[0] if self._default is None else self._default

    def prob_to_value(self, prob):
        return self.values[prob_to_index(prob, len(self.values))]

    def value_to_prob(self, value):
        return index_to_prob(self.values.index(value), len(self.values))

    def get_config(self):
        # Keras Tuner writes the first value when `default` is None
        return {**super().get_config(), "default": self.default, "values": list(self.values), "ordered": self.ordered}


class Boolean(HyperParameter):
    """True or False (default False)."""

    def __init__(self, name, default=False, conditions=None):
        if not isinstance(default, (bool, np.bool_)):
            raise ValueError(f"Boolean '{name}': `default` must be True or False. Received: default={default!r}")
        super().__init__(name, bool(default), conditions)

    def prob_to_value(self, prob):
        return bool(prob >= 0.5)

    def value_to_prob(self, value):
        return 0.75 if value else 0.25


class Fixed(HyperParameter):
    """A value that is not tuned (int, float, str, bool or None)."""

    def __init__(self, name, value, conditions=None, default=None):
        value = _standardize(value)
        if value is not None and not isinstance(value, (int, float, str, bool)):
            raise TypeError(f"Fixed '{name}': `value` must be an int, float, str, bool or None. Received: {value!r}")
        super().__init__(name, value, conditions)
        self.value = value

    def prob_to_value(self, prob):
        return self.value

    def value_to_prob(self, value):
        return 0.5

    def get_config(self):
        config = super().get_config()
        config["value"] = config.pop("default")
        return config


_TYPES = {cls.__name__: cls for cls in (Int, Float, Choice, Boolean, Fixed)}


def deserialize(config):
    if config.get("class_name") not in _TYPES:
        raise ValueError(f"Unknown hyperparameter type {config.get('class_name')!r}. Expected one of {list(_TYPES)}.")
    return _TYPES[config["class_name"]].from_config(dict(config["config"]))
