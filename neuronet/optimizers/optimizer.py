"""Optimizer: the base class holding what every update rule shares.

Learning rate (float or schedule), `iterations`, slot variables, gradient clipping, decoupled weight decay,
loss scaling, gradient accumulation and EMA, all as Keras 3 does them. A subclass writes `build()` (its slots)
and `update_step(gradient, variable, learning_rate)`, updating `variable.data` in place. Clipping, weight decay,
accumulation and EMA are in `update_options.py` (the `UpdateOptions` mixin).
"""
import inspect
import warnings

from neuronet import backend
from neuronet.autodiff.graph import no_grad
from neuronet.optimizers import schedules
from neuronet.optimizers.update_options import UpdateOptions, clip_by_global_norm  # noqa: F401 (public here too)
from neuronet.utils import naming
from neuronet.variables import Variable

_TF_ONLY_CONFIG_KEYS = ("jit_compile", "is_legacy_optimizer")  # written by tf.keras 2, meaningless here


class _LearningRateValue(float):
    """The current learning rate: a float that also answers Keras's Variable idioms (`.numpy()`, `.assign()`)."""

    __slots__ = ("_optimizer",)

    def __new__(cls, value, optimizer=None):
        self = super().__new__(cls, value)
        self._optimizer = optimizer
        return self

    def numpy(self):
        return backend.to_numpy(float(self)).astype(backend.floatx())[()]

    def assign(self, value):
        self._optimizer.learning_rate = value

    @property
    def dtype(self):
        return backend.floatx()


class Optimizer(UpdateOptions):
    """Abstract optimizer base class.

    Args:
        learning_rate: a float, a `keras.optimizers.schedules.LearningRateSchedule`, or a callable taking no
            arguments and returning the rate. (`lr=` is accepted as an alias, as in Keras 2.)
        weight_decay: float; if set, each step first does `w -= w * weight_decay * learning_rate`.
        clipnorm: float; clip each gradient so its L2 norm is at most this value.
        clipvalue: float; clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: float; clip all gradients together so their global L2 norm is at most this value.
        use_ema: whether to keep an exponential moving average of the weights.
        ema_momentum: float in [0, 1], the EMA momentum.
        ema_overwrite_frequency: int or None; overwrite the weights with their EMA every this many steps.
        loss_scale_factor: float or None; gradients are divided by it (see `scale_loss`).
        gradient_accumulation_steps: int >= 2 or None; update every this many steps with the mean gradient.
        name: the optimizer's name (prefix of its variables' paths).

    Example:
    >>> from neuronet.optimizers import SGD
    >>> from neuronet.variables import Variable
    >>> w = Variable(np.array([1.0, 2.0]), name="w")
    >>> opt = SGD(learning_rate=0.5)
    >>> opt.apply([np.array([1.0, 1.0], dtype="float32")], [w]); w.numpy(), int(opt.iterations.numpy())
    (array([0.5, 1.5], dtype=float32), 1)
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        learning_rate = kwargs.pop("lr", learning_rate)  # Keras 2 spelling
        if kwargs.pop("decay", None):
            warnings.warn("Argument `decay` is no longer supported and will be ignored (as in Keras 3). "
                          "Use a `keras.optimizers.schedules.InverseTimeDecay` learning rate instead.", stacklevel=2)
        if kwargs:
            valid = [p for p in inspect.signature(type(self).__init__).parameters if p not in ("self", "kwargs")]
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s) {sorted(kwargs)}. "
                            f"Valid arguments are: {valid + ['lr']}.")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        if gradient_accumulation_steps is not None and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
        self.name = name or naming.auto_name(type(self).__name__)
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm, self.loss_scale_factor = global_clipnorm, loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.use_ema, self.ema_momentum = use_ema, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.built, self._variables, self._trainable_variables, self._trainable_variables_indices = False, [], [], {}
        self._exclude_ids, self._exclude_pattern = set(), None
        self._iterations = self.add_variable((), initializer="zeros", dtype="int64", name="iteration")
        self._learning_rate_variable = None
        self._set_learning_rate(learning_rate)

    # --- learning rate ----------------------------------------------------------------------------
    def _set_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            if self._learning_rate_variable is not None:  # no longer used: drop it from `variables`
                self._variables.remove(self._learning_rate_variable)
                self._learning_rate_variable = None
            self._learning_rate = learning_rate
            return
        try:
            value = float(learning_rate)
        except (TypeError, ValueError):
            raise ValueError("Argument `learning_rate` should be a float, a `LearningRateSchedule`, or a callable "
                             f"taking no arguments. Received: learning_rate={learning_rate!r}") from None
        if self._learning_rate_variable is None:
            self._learning_rate_variable = self.add_variable((), initializer=value, name="learning_rate")
            self._variables.insert(1, self._variables.pop())  # Keras's order: iteration, learning_rate, slots
        else:
            self._learning_rate_variable.data[...] = value
        self._learning_rate = self._learning_rate_variable

    def _current_learning_rate(self):
        """The rate for this step as a Python float (a float32 scalar would upcast nothing, a float64 would)."""
        if self._learning_rate_variable is not None:
            return float(self._learning_rate_variable.data)
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return float(self._learning_rate(self._iterations))
        return float(self._learning_rate())

    @property
    def learning_rate(self):
        """The current learning rate (a schedule is evaluated at `iterations`); settable."""
        return _LearningRateValue(self._current_learning_rate(), self)

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        if (isinstance(self._learning_rate, schedules.LearningRateSchedule)
                and not isinstance(learning_rate, schedules.LearningRateSchedule) and not callable(learning_rate)):
            raise TypeError("This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                            "constructor argument, hence its learning rate is not settable. If you need the learning "
                            "rate to be settable, you should instantiate the optimizer with a float `learning_rate`.")
        self._set_learning_rate(learning_rate)

    lr = learning_rate  # Keras 2 alias: `optimizer.lr`

    @property
    def iterations(self):
        """Variable counting the applied steps (with gradient accumulation: steps // accumulation steps)."""
        if self.gradient_accumulation_steps:
            return backend.to_numpy(int(self._iterations.data) // self.gradient_accumulation_steps)[()]
        return self._iterations

    def _local_step(self):
        """`iterations + 1` as a Python int: the step number the update being applied is (1-based)."""
        count = int(self._iterations.data)
        return (count // self.gradient_accumulation_steps if self.gradient_accumulation_steps else count) + 1

    # --- variables --------------------------------------------------------------------------------
    @property
    def variables(self):
        """All optimizer variables in Keras's order: iteration, learning_rate (if a float), then slots."""
        return self._variables[:]

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="mean", name=None):
        """Creates, tracks and returns a non-trainable Variable (`initializer`: name, number or callable)."""
        dtype = dtype or backend.floatx()
        shape = tuple(shape)
        if isinstance(initializer, str) and initializer in ("zeros", "ones"):
            value = (backend.xp.zeros if initializer == "zeros" else backend.xp.ones)(shape, dtype=dtype)
        elif isinstance(initializer, (int, float)):
            value = backend.xp.full(shape, initializer, dtype=dtype)
        else:
            from neuronet import initializers

            value = initializers.get(initializer)(shape, dtype=dtype)
        variable = Variable(value, dtype=dtype, trainable=False, name=name)
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like `reference_variable`, named `"{its path with / -> _}_{name}"` as in Keras 3."""
        name = name or "var"
        prefix = getattr(reference_variable, "path", None) or str(reference_variable.name).replace(":", "_")
        return self.add_variable(reference_variable.shape, initializer=initializer, dtype=reference_variable.dtype,
                                 name=f"{prefix.replace('/', '_')}_{name}")

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name; several names are interleaved per variable, as in Keras 3.

        `initializer` is one initializer for all names, or a list with one per name.
        """
        names = [name] if isinstance(name, str) else list(name)
        initializers = list(initializer) if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, slot_name in enumerate(names):
                slots[i].append(self.add_variable_from_reference(variable, slot_name, initializer=initializers[i]))
        return slots[0] if isinstance(name, str) else slots

    def build(self, variables):
        """Creates the optimizer's slots for `variables` (subclasses call `super().build(variables)` first)."""
        variables = list(variables)
        names = ["average"] * bool(self.use_ema) + ["gradient_accumulator"] * bool(self.gradient_accumulation_steps)
        slots = list(self.add_optimizer_variables(variables, names))  # interleaved per variable, as in Keras 3
        self._model_variables_moving_average = slots.pop(0) if self.use_ema else []
        self._accumulated_gradients = slots.pop(0) if self.gradient_accumulation_steps else []
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables
        self.built = True

    def _get_variable_index(self, variable):
        return self._trainable_variables_indices[id(variable)]

    # --- applying gradients -----------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Applies `[(gradient, variable), ...]`; returns `iterations` (as tf.keras did)."""
        pairs = list(grads_and_vars)
        if pairs:
            grads, variables = zip(*pairs)
            self.apply(list(grads), list(variables))
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates `trainable_variables` in place from `grads` (None gradients are skipped); builds on first call.

        Args:
            grads: one gradient (array or Tensor) per variable.
            trainable_variables: the variables; may be omitted once the optimizer is built on them.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first.")
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
            if not self.built:
                self.build(variables)
        if len(grads) != len(variables):
            raise ValueError(f"Received {len(grads)} gradients for {len(variables)} variables; "
                             "pass exactly one gradient (or None) per variable.")
        grads, variables = self._filter_gradients(grads, variables)
        if self.loss_scale_factor is not None:
            grads = [g / float(self.loss_scale_factor) for g in grads]
        if self.gradient_accumulation_steps:
            self._accumulate_gradients(grads, variables)
        else:
            self._update(grads, variables)
        if self.use_ema:
            self._update_ema()
        for variable in variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                with no_grad():  # a projection, not part of any gradient
                    variable.assign(constraint(variable))
        self._iterations.data += 1

    def apply_engine_gradients(self, grads, variables):
        """`apply` for gradients straight from the autodiff engine (the training loop's path).

        They are arrays of their variables' shapes and dtypes, so the conversions and checks of `apply`
        are skipped when nothing else (None gradients, loss scaling, accumulation, EMA, constraints) needs them.
        """
        if (not self.built or self.loss_scale_factor is not None or self.gradient_accumulation_steps
                or self.use_ema or any(g is None for g in grads) or self._has_constraints(variables)):
            return self.apply(grads, variables)
        self._update(grads, variables)
        self._iterations.data += 1

    def _has_constraints(self, variables):
        cached = getattr(self, "_constraints_seen", None)
        if cached is None or cached[0] is not variables:
            cached = (variables, any(getattr(v, "constraint", None) is not None for v in variables))
            self._constraints_seen = cached
        return cached[1]

    def _filter_gradients(self, grads, variables):
        """Drops None gradients; checks the variables are known; casts gradients to arrays of the variable dtype."""
        indices = self._trainable_variables_indices
        kept_grads, kept_vars, missing = [], [], []
        for g, v in zip(grads, variables):
            if id(v) not in indices:
                raise ValueError(f"Unknown variable: {getattr(v, 'path', v)!r}. This optimizer can only be called "
                                 "for the variables it was originally built with. When working with a new set of "
                                 "variables, you should recreate a new optimizer instance.")
            if g is None:
                missing.append(v.name)
                continue
            data = v.data
            g = backend.asarray(g, dtype=data.dtype)  # a float64 gradient must not upcast a float32 weight
            if g.shape != data.shape:
                raise ValueError(f"Gradient for variable {v.path!r} has shape {g.shape}, expected {data.shape}.")
            kept_grads.append(g)
            kept_vars.append(v)
        if not kept_grads:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. If using "
                          "`model.compile()`, did you forget to provide a `loss` argument?", stacklevel=3)
        return kept_grads, kept_vars

    def _update(self, grads, variables):
        learning_rate = self._current_learning_rate()
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables, learning_rate)
        self._backend_update_step(grads, variables, learning_rate)

    def _backend_update_step(self, grads, trainable_variables, learning_rate):
        for g, variable in zip(grads, trainable_variables):
            self.update_step(g, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """Updates one variable in place; `learning_rate` is a Python float. Subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__}.update_step() must be implemented.")

    # --- Keras helpers --------------------------------------------------------------------------------
    def assign(self, variable, value):
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    def scale_loss(self, loss):
        """Multiplies the loss by `loss_scale_factor` (if set) before gradients are computed."""
        return loss * self.loss_scale_factor if self.loss_scale_factor is not None else loss

    # --- saving -------------------------------------------------------------------------------------
    def get_weights(self):
        return [v.numpy() for v in self._variables]

    def set_weights(self, weights):
        """Sets all optimizer variables (in `variables` order). A tf.keras 2 list without the learning rate is
        accepted too: the learning rate is then left as it is."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please call "
                             "`optimizer.build(trainable_variables)` to create the optimizer weights first.")
        targets = self._variables
        if len(weights) == len(targets) - 1 and self._learning_rate_variable is not None:
            targets = [v for v in targets if v is not self._learning_rate_variable]
        if len(weights) != len(targets):
            raise ValueError(f"Optimizer '{self.name}' has {len(self._variables)} variables, but received "
                             f"{len(weights)} weights. Build it on the same trainable variables first.")
        for variable, weight in zip(targets, weights):
            weight = backend.to_numpy(weight)
            if weight.shape != variable.shape:
                raise ValueError(f"Optimizer variable {variable.path!r} has shape {variable.shape}, not compatible "
                                 f"with provided weight shape {weight.shape}.")
            variable.assign(weight)

    def save_own_variables(self, store):
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self._variables):
            warnings.warn(f"Skipping variable loading for optimizer '{self.name}', because it has "
                          f"{len(self._variables)} variables whereas the saved optimizer has {len(store.keys())} "
                          "variables.", stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])

    def get_config(self):
        """The constructor arguments; a schedule is written as `{"class_name": ..., "config": ...}`."""
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(self._learning_rate)
        elif self._learning_rate_variable is not None:
            learning_rate = float(self._learning_rate_variable.data)
        else:
            learning_rate = self._learning_rate  # a plain callable: kept as is (not JSON-serializable)
        return {"name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer (without state) from `get_config()` output."""
        config = {k: v for k, v in config.items() if k not in _TF_ONLY_CONFIG_KEYS}
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects=custom_objects)
        return cls(**config)
