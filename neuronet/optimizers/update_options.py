"""UpdateOptions: what the base optimizer's options do around a subclass's update rule, mixed into `Optimizer`.

Gradient accumulation (`gradient_accumulation_steps`), gradient clipping (`clipnorm`, `clipvalue`,
`global_clipnorm`), decoupled weight decay (`weight_decay`, `exclude_from_weight_decay`) and the EMA of the
weights (`use_ema`, `ema_momentum`, `ema_overwrite_frequency`), as Keras 3 does them.
"""
import math
import re

from neuronet import backend


class UpdateOptions:
    """Accumulation, clipping, weight decay and EMA; `Optimizer.apply` and `_update` call them."""

    def _accumulate_gradients(self, grads, variables):
        steps = self.gradient_accumulation_steps
        accumulators = [self._accumulated_gradients[self._get_variable_index(v)].data for v in variables]
        if (int(self._iterations.data) + 1) % steps == 0:
            self._update([(g + a) / float(steps) for g, a in zip(grads, accumulators)], variables)
            for accumulator in self._accumulated_gradients:
                accumulator.data[...] = 0
        else:
            for g, a in zip(grads, accumulators):
                a += g

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [_clip_by_norm(g, float(self.clipnorm)) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, float(self.global_clipnorm))
        if self.clipvalue and self.clipvalue > 0:
            limit = float(self.clipvalue)
            return [backend.xp.clip(g, -limit, limit) for g in grads]
        return grads

    # --- weight decay -----------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Excludes variables (or those whose name contains one of `var_names`) from weight decay; call before build."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or []}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable):
        if id(variable) in self._exclude_ids:
            return False
        return self._exclude_pattern is None or self._exclude_pattern.search(variable.name) is None

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        factor = 1.0 - float(self.weight_decay) * learning_rate  # w - w * wd * lr, one pass
        for variable in variables:
            if self._use_weight_decay(variable):
                variable.data *= factor

    # --- EMA ----------------------------------------------------------------------------------------
    def _update_ema(self):
        step = self._local_step()  # Keras: `iterations + 1`, counted in updates when accumulating gradients
        momentum = float(self.ema_momentum) if step != 1 else 0.0
        for variable, average in zip(self._trainable_variables, self._model_variables_moving_average):
            average.data *= momentum
            average.data += (1.0 - momentum) * variable.data
        frequency = self.ema_overwrite_frequency
        if frequency and step % frequency == 0:
            self.finalize_variable_values(self._trainable_variables)

    def finalize_variable_values(self, var_list):
        """With `use_ema=True`, overwrites `var_list` with their moving averages (`fit` calls it at the end)."""
        if self.use_ema:
            for variable, average in zip(var_list, self._model_variables_moving_average):
                variable.data[...] = average.data


def _clip_by_norm(g, clipnorm):
    norm = math.sqrt(float(backend.xp.vdot(g, g)))
    return g * (clipnorm / norm) if norm > clipnorm else g


def clip_by_global_norm(value_list, clip_norm):
    """Scales all arrays by `clip_norm / max(global_norm, clip_norm)`; a non-finite norm gives NaN, as in Keras."""
    norm = math.sqrt(sum(float(backend.xp.vdot(v, v)) for v in value_list if v is not None))
    if not math.isfinite(norm):
        scale = float("nan")
    elif norm <= clip_norm:
        return value_list
    else:
        scale = clip_norm / norm
    return [v * scale if v is not None else v for v in value_list]
