"""Optimizer updates applied in place on one flat buffer: SGD (momentum, Nesterov), Adam, RMSprop.

`updater_for` moves the trainable variables (and the optimizer's slots for them) into one contiguous
buffer each, every variable's `data` becoming a view of it, so that an update is a handful of array
operations over all the weights at once instead of a handful per variable: what costs most in a small
model's step is the number of calls, not the arithmetic. The plans write their gradients into one flat
buffer in the same order (`Plan.flatten_grads`).

Each rule is its optimizer's own `step_in_place`, the arithmetic its `update_step` runs per variable, here run
once on the flat buffers (so the weights match the eager step up to float32 rounding); SGD's scales the gradient
in place instead of allocating `gradient * learning_rate`.
Optimizers with anything else to do (clipping, weight decay, EMA, accumulation, loss scaling,
constraints) or of another class use their own `apply_engine_gradients`.
"""
from __future__ import annotations

from typing import Any, List, Optional

from neuronet.optimizers import adam, rmsprop, sgd
from neuronet.optimizers.adam import Adam
from neuronet.optimizers.rmsprop import RMSprop
from neuronet.optimizers.sgd import SGD


def flatten_into(variables: List[Any], xp: Any) -> Optional[Any]:
    """Copies the variables' values into one new 1-D buffer and makes each `variable.data` a view of it.

    Returns the buffer, or None (nothing changed) when the variables do not share one dtype.

    Example:
    >>> import neuronet as keras
    >>> a, b = keras.Variable(np.ones((2, 2))), keras.Variable(np.zeros(3))
    >>> flat = flatten_into([a, b], keras.backend.xp)
    >>> flat[0] = 5.0  # the variables' values are views of the buffer
    >>> flat.shape, float(a.numpy()[0, 0]), b.data.shape
    ((7,), 5.0, (3,))
    """
    if not variables or len({str(v.data.dtype) for v in variables}) != 1:
        return None
    flat = xp.empty(sum(int(v.data.size) for v in variables), dtype=variables[0].data.dtype)
    for variable, view in zip(variables, flat_views(flat, variables)):
        view[...] = variable.data
        variable.data = view
    return flat


def flat_views(flat: Any, variables: List[Any]) -> List[Any]:
    """Views of the 1-D `flat`, one per variable in order, each of its variable's shape (the shared layout of
    the flat weights, slots and gradients)."""
    views, start = [], 0
    for variable in variables:
        size = int(variable.data.size)
        views.append(flat[start:start + size].reshape(variable.data.shape))
        start += size
    return views


class Updater:
    """`updater(flat_grads, scale)`: one optimizer step on the flat weights, in place."""

    def __init__(self, optimizer: Any, variables: List[Any], xp: Any, rule: Any, slot_names: List[str]) -> None:
        self.optimizer, self.variables, self.xp, self.rule = optimizer, variables, xp, rule
        self.slot_names = slot_names
        self.prescaled = rule is _sgd  # SGD takes its gradients already multiplied by the learning rate
        self.bound = self._bind()

    def _bind(self) -> bool:
        """Flat weights and slots; False (the caller keeps the per-variable path) when they cannot be flat."""
        indices = [self.optimizer._get_variable_index(v) for v in self.variables]
        slot_variables = [[getattr(self.optimizer, name)[i] for i in indices] for name in self.slot_names]
        groups = [self.variables] + slot_variables
        if len({str(v.data.dtype) for group in groups for v in group}) != 1:
            return False
        self.weights = flatten_into(self.variables, self.xp)
        self.slots = [flatten_into(group, self.xp) for group in slot_variables]
        self.watched = [v for group in groups for v in group]
        self.views = [v.data for v in self.watched]
        self.buffer = self.xp.empty_like(self.weights)
        return True

    def __call__(self, flat_grads: Any, scale: Any = None) -> None:
        for variable, view in zip(self.watched, self.views):
            if variable.data is not view:  # something replaced a variable's array: move the values back in
                self._bind()
                break
        optimizer = self.optimizer
        lr = optimizer._current_learning_rate() if scale is None else scale
        self.rule(optimizer, self.xp, flat_grads, self.weights, self.slots, self.buffer, lr, scale is not None)
        optimizer._iterations.data += 1


def updater_for(optimizer: Any, variables: List[Any], xp: Any) -> Optional[Updater]:
    """An in-place `Updater` for `optimizer` on `variables`, or None when it has extras or mixed dtypes."""
    if type(optimizer) not in (SGD, Adam, RMSprop) or not optimizer.built:
        return None
    if (optimizer.loss_scale_factor is not None or optimizer.gradient_accumulation_steps or optimizer.use_ema
            or optimizer.weight_decay is not None or optimizer.clipnorm or optimizer.clipvalue
            or optimizer.global_clipnorm or any(getattr(v, "constraint", None) is not None for v in variables)):
        return None
    if type(optimizer) is RMSprop and optimizer.centered:
        return None
    if type(optimizer) is SGD:
        rule, slots = _sgd, (["momentums"] if optimizer.momentums else [])
    elif type(optimizer) is Adam:
        rule, slots = _adam, ["_momentums", "_velocities"] + (["_velocity_hats"] if optimizer.amsgrad else [])
    else:
        rule, slots = _rmsprop, ["_velocities"] + (["_momentums"] if optimizer.momentum > 0 else [])
    updater = Updater(optimizer, variables, xp, rule, slots)
    return updater if updater.bound else None


def _sgd(opt: Any, xp: Any, g: Any, w: Any, slots: list, buffer: Any, lr: float, prescaled: bool) -> None:
    if not prescaled:
        g *= lr  # `gradient * learning_rate`, in the gradient's own buffer
    sgd.step_in_place(opt, xp, w, g, slots, buffer)


def _adam(opt: Any, xp: Any, g: Any, w: Any, slots: list, buffer: Any, lr: float, prescaled: bool) -> None:
    adam.step_in_place(opt, xp, g, w, slots, buffer, lr)


def _rmsprop(opt: Any, xp: Any, g: Any, w: Any, slots: list, buffer: Any, lr: float, prescaled: bool) -> None:
    rmsprop.step_in_place(opt, xp, g, w, slots, buffer, lr)
