"""HyperParameters: a search space and the values of one trial, as in Keras Tuner.

`build_model(hp)` asks `hp.Int(...)`, `hp.Float(...)`, `hp.Choice(...)`, `hp.Boolean(...)` or `hp.Fixed(...)` for
a value: the first call registers the parameter in the space and returns its default; during a search the tuner
fills `hp.values` before calling `build_model`, so the same calls return the trial's values. Every parameter maps
to and from a cumulative probability in [0, 1) (`prob_to_value` / `value_to_prob`), which is the space random search
samples uniformly and Bayesian optimization models.
"""
import contextlib

from neuronet.tuners.hp_types import (  # noqa: F401 (the types are importable from here too, as before)
    Boolean, Choice, Fixed, Float, HyperParameter, Int, Parent, deserialize, index_to_prob, prob_to_index,
)


class HyperParameters:
    """A search space (`space`) and the current values of its active parameters (`values`).

    Example:
    >>> hp = HyperParameters()
    >>> hp.Int("units", 32, 512, step=32), hp.Choice("activation", ["relu", "tanh"])
    (32, 'relu')
    >>> hp.values
    {'units': 32, 'activation': 'relu'}
    """

    def __init__(self):
        self._name_scopes, self._conditions = [], []
        self._hps = {}  # name -> [parameters with that name, one per set of conditions]
        self._space = []  # insertion order: a conditional parameter always comes after its parent
        self.values = {}
        self.active_scopes, self.inactive_scopes = [], []

    @property
    def space(self):
        return self._space

    @contextlib.contextmanager
    def name_scope(self, name):
        self._name_scopes.append(name)
        try:
            yield
        finally:
            self._name_scopes.pop()

    @contextlib.contextmanager
    def conditional_scope(self, parent_name, parent_values):
        """Parameters created inside are active only while `parent_name` takes one of `parent_values`.

        Inactive parameters are registered but return None. The code inside runs either way.
        """
        parent_name = self._get_name(parent_name)
        if parent_name not in self._hps:
            raise ValueError(f"`conditional_scope`: the parent hyperparameter '{parent_name}' is not defined. Define "
                             f"it first (e.g. hp.Choice('{parent_name}', ...)). Defined: {list(self._hps)}")
        condition = Parent(parent_name, parent_values)
        self._conditions.append(condition)
        scopes = self.active_scopes if condition.is_active(self.values) else self.inactive_scopes
        scopes.append(list(self._conditions))
        try:
            yield
        finally:
            self._conditions.pop()

    @contextlib.contextmanager
    def _maybe_conditional_scope(self, parent_name, parent_values):
        if parent_name is None:
            yield
            return
        if parent_values is None:
            raise ValueError(f"`parent_values` is required with parent_name={parent_name!r}.")
        with self.conditional_scope(parent_name, parent_values):
            yield

    def _get_name(self, name):
        return "/".join([*self._name_scopes, str(name)])

    def _conditions_are_active(self, conditions):
        return all(condition.is_active(self.values) for condition in conditions)

    def is_active(self, hyperparameter):
        """Whether a parameter (or any parameter of that name) is active for the current values."""
        if isinstance(hyperparameter, HyperParameter):
            return self._conditions_are_active(hyperparameter.conditions)
        return any(self._conditions_are_active(hp.conditions) for hp in self._hps.get(str(hyperparameter), []))

    def _exists(self, name, conditions=None):
        conditions = self._conditions if conditions is None else conditions
        return any(hp.conditions == conditions for hp in self._hps.get(name, []))

    def _retrieve(self, hp):
        if self._exists(hp.name, hp.conditions):
            return self.values.get(hp.name) if self._conditions_are_active(hp.conditions) else None
        return self._register(hp)

    def _register(self, hp, overwrite=False):
        for condition in hp.conditions:
            if condition.name == hp.name:
                raise ValueError(f"A conditional hyperparameter cannot have the name of its parent: '{hp.name}'.")
        hp = type(hp).from_config(hp.get_config())  # a private copy
        self._hps.setdefault(hp.name, []).append(hp)
        self._space.append(hp)
        if not self._conditions_are_active(hp.conditions):
            return None
        if overwrite or hp.name not in self.values:
            self.values[hp.name] = hp.default
        return self.values[hp.name]

    def _add(self, cls, name, parent_name, parent_values, **kwargs):
        with self._maybe_conditional_scope(parent_name, parent_values):
            return self._retrieve(cls(name=self._get_name(name), conditions=list(self._conditions), **kwargs))

    def Int(self, name, min_value, max_value, step=None, sampling="linear", default=None, parent_name=None,
            parent_values=None):
        """An integer in [min_value, max_value], both included (`step`: the grid; a multiplier under "log")."""
        return self._add(Int, name, parent_name, parent_values, min_value=min_value, max_value=max_value, step=step,
                         sampling=sampling, default=default)

    def Float(self, name, min_value, max_value, step=None, sampling="linear", default=None, parent_name=None,
              parent_values=None):
        """A real number in [min_value, max_value]; sampling "linear", "log" or "reverse_log"."""
        return self._add(Float, name, parent_name, parent_values, min_value=min_value, max_value=max_value,
                         step=step, sampling=sampling, default=default)

    def Choice(self, name, values, ordered=None, default=None, parent_name=None, parent_values=None):
        """One value among `values` (a non-empty list of ints, floats, strings or booleans)."""
        return self._add(Choice, name, parent_name, parent_values, values=values, ordered=ordered, default=default)

    def Boolean(self, name, default=False, parent_name=None, parent_values=None):
        """True or False."""
        return self._add(Boolean, name, parent_name, parent_values, default=default)

    def Fixed(self, name, value, parent_name=None, parent_values=None):
        """A value that is recorded but not tuned."""
        return self._add(Fixed, name, parent_name, parent_values, value=value)

    def get(self, name):
        """The current value of a parameter."""
        name = self._get_name(name)
        if name in self.values:
            return self.values[name]
        if name in self._hps:
            raise ValueError(f"Hyperparameter '{name}' is currently inactive (its parent condition is not met).")
        raise KeyError(f"Hyperparameter '{name}' does not exist. Known: {sorted(self._hps) or 'none'}")

    def __getitem__(self, name):
        return self.get(name)

    def __contains__(self, name):
        try:
            self.get(name)
            return True
        except (KeyError, ValueError):
            return False

    def ensure_active_values(self):
        """Give every active parameter without a value its default."""
        for hp in self._space:
            if self.is_active(hp) and hp.name not in self.values:
                self.values[hp.name] = hp.default

    def merge(self, hps, overwrite=True):
        """Add parameters (a `HyperParameters` or a list), replacing those of the same name and conditions."""
        hps = hps.space if isinstance(hps, HyperParameters) else hps
        for hp in hps:
            if self._exists(hp.name, hp.conditions):
                if not overwrite:
                    continue
                self._hps[hp.name] = [p for p in self._hps[hp.name] if p.conditions != hp.conditions]
                self._space = [p for p in self._space if not (p.name == hp.name and p.conditions == hp.conditions)]
            self._register(hp, overwrite)

    def get_config(self):
        return {"space": [{"class_name": type(hp).__name__, "config": hp.get_config()} for hp in self._space],
                "values": dict(self.values)}

    @classmethod
    def from_config(cls, config):
        hps = cls()
        for item in config["space"]:
            hp = deserialize(item)
            hps._hps.setdefault(hp.name, []).append(hp)
            hps._space.append(hp)
        hps.values = dict(config["values"])
        return hps

    def copy(self):
        return HyperParameters.from_config(self.get_config())

    def __repr__(self):
        return f"HyperParameters(values={self.values!r})"
