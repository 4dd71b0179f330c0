"""Optimizer updates applied in place, with preallocated buffers: SGD (momentum, Nesterov), Adam, RMSprop.

Each repeats its optimizer's `update_step` operation for operation (so the weights match the eager step
exactly), but scales the gradient buffer in place instead of allocating `gradient * learning_rate`.
Optimizers with anything else to do (clipping, weight decay, EMA, accumulation, loss scaling,
constraints) or of another class use their own `apply_engine_gradients`.
"""
from __future__ import annotations

import math
from typing import Any, List, Optional

from neuronet.optimizers.adam import Adam
from neuronet.optimizers.rmsprop import RMSprop
from neuronet.optimizers.sgd import SGD


def updater_for(optimizer: Any, variables: List[Any], xp: Any) -> Optional[Any]:
    """An in-place update `fn(grads)` for `optimizer` on `variables`, or None when it has extras."""
    if type(optimizer) not in (SGD, Adam, RMSprop) or not optimizer.built:
        return None
    if (optimizer.loss_scale_factor is not None or optimizer.gradient_accumulation_steps or optimizer.use_ema
            or optimizer.weight_decay is not None or optimizer.clipnorm or optimizer.clipvalue
            or optimizer.global_clipnorm or any(getattr(v, "constraint", None) is not None for v in variables)):
        return None
    if type(optimizer) is RMSprop and optimizer.centered:
        return None
    buffers = [xp.empty(v.shape, dtype=v.dtype) for v in variables]
    indices = [optimizer._get_variable_index(v) for v in variables]
    rule = {SGD: _sgd, Adam: _adam, RMSprop: _rmsprop}[type(optimizer)]

    def update(grads: List[Any], scale: Any = None) -> None:
        lr = optimizer._current_learning_rate() if scale is None else scale
        rule(optimizer, xp, grads, variables, indices, buffers, lr, scale is not None)
        optimizer._iterations.data += 1

    update.prescaled = rule is _sgd  # SGD takes its gradients already multiplied by the learning rate
    return update


def _sgd(opt: Any, xp: Any, grads: list, variables: list, indices: list, buffers: list, lr: float,
         prescaled: bool = False) -> None:
    momentums = opt.momentums
    momentum = float(opt.momentum)
    for g, variable, index, buffer in zip(grads, variables, indices, buffers):
        if not prescaled:
            g *= lr  # `gradient * learning_rate`, in the gradient's own buffer
        w = variable.data
        if not momentums:
            w -= g
            continue
        m = momentums[index].data
        m *= momentum
        m -= g
        if opt.nesterov:
            xp.multiply(m, momentum, out=buffer)
            buffer -= g
            w += buffer
        else:
            w += m


def _adam(opt: Any, xp: Any, grads: list, variables: list, indices: list, buffers: list, lr: float,
         prescaled: bool = False) -> None:
    beta_1, beta_2 = float(opt.beta_1), float(opt.beta_2)
    t = opt._local_step()
    alpha = lr * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)
    for g, variable, index, buffer in zip(grads, variables, indices, buffers):
        m, v = opt._momentums[index].data, opt._velocities[index].data
        xp.subtract(g, m, out=buffer)
        buffer *= 1.0 - beta_1
        m += buffer
        xp.square(g, out=buffer)
        buffer -= v
        buffer *= 1.0 - beta_2
        v += buffer
        if opt.amsgrad:
            v = xp.maximum(opt._velocity_hats[index].data, v, out=opt._velocity_hats[index].data)
        xp.sqrt(v, out=buffer)
        buffer += float(opt.epsilon)
        xp.divide(m, buffer, out=buffer)
        buffer *= alpha
        variable.data -= buffer


def _rmsprop(opt: Any, xp: Any, grads: list, variables: list, indices: list, buffers: list, lr: float,
         prescaled: bool = False) -> None:
    rho = float(opt.rho)
    for g, variable, index, buffer in zip(grads, variables, indices, buffers):
        velocity = opt._velocities[index].data
        xp.square(g, out=buffer)
        buffer *= 1.0 - rho
        velocity *= rho
        velocity += buffer
        xp.add(velocity, float(opt.epsilon), out=buffer)
        xp.sqrt(buffer, out=buffer)
        xp.divide(g, buffer, out=buffer)
        buffer *= lr
        if opt.momentum > 0:
            momentum = opt._momentums[index].data
            momentum *= float(opt.momentum)
            momentum += buffer
            variable.data -= momentum
        else:
            variable.data -= buffer
