"""Steps: Keras 3's overridable per-batch hooks (`train_step`, `test_step`, `predict_step`, `compute_loss`,
`compute_metrics`) and the model's metrics list, the part of the trainer a custom training loop replaces."""
from __future__ import annotations

import math
from typing import Any, Dict, List

import numpy as np

from neuronet import backend, metrics as metrics_module, optimizers as optimizers_module
from neuronet.autodiff import Tensor, grad, no_grad, primitives
from neuronet.trainers import arguments
from neuronet.trainers.data_adapters import data_adapter_utils as da


class Steps:
    """One batch of training, evaluation or prediction, on the eager tape; mixed into `Trainer`.

    `fit` calls `train_step(data)` once per batch (unless the compiled step replays it), where `data` is
    `(x,)`, `(x, y)` or `(x, y, sample_weight)`; a step returns a dict of logs.
    """

    def train_step(self, data: Any) -> Dict[str, Any]:
        """One optimizer step on one batch `data` = `(x, y)` or `(x, y, sample_weight)`; returns the logs."""
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        if x.__class__ is np.ndarray:
            x = Tensor(backend.asarray(x))  # the batch moves to the device; a Tensor takes the layers' direct path
        if y.__class__ is np.ndarray:
            y = backend.asarray(y)  # so do the targets: an overridden compute_loss gets them there, as in Keras
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        self._track_loss(loss, x)
        variables = getattr(self, "_trainable_cache", None) or self.trainable_weights
        if math.isfinite(float(loss.data)):  # checked before the update: a NaN loss would carry NaN into every weight
            loss = self.optimizer.scale_loss(loss)  # loss scaling (mixed precision, `loss_scale_factor`)
            gradients = grad(loss, variables)
            if self._finite_update(gradients):
                self.optimizer.apply_engine_gradients(gradients, variables)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _finite_update(self, gradients: list, total: Any = None) -> bool:
        """False (noted in `_skipped_update`) when the update would make weights NaN/inf: it is not applied.

        `total`: the gradients' sum when the caller has it already (the compiled step's one product)."""
        if isinstance(self.optimizer, optimizers_module.LossScaleOptimizer):
            return True  # it skips non-finite gradients itself (and lowers its scale): not a divergence
        if total is None:
            total = 0.0
            for gradient in gradients:  # one reduction per gradient, no temporary mask
                if gradient is not None:
                    total += float(gradient.sum())
        total += self.optimizer._current_learning_rate()
        if math.isfinite(total):
            return True
        self._skipped_update = total
        return False

    def test_step(self, data: Any) -> Dict[str, Any]:
        """Loss and metrics on one batch, without training; returns the logs."""
        x, y, sample_weight = da.unpack_x_y_sample_weight(data)
        if x.__class__ is np.ndarray:
            x = Tensor(backend.asarray(x))
        if y.__class__ is np.ndarray:
            y = backend.asarray(y)
        with no_grad():
            y_pred = self(x, training=False)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._track_loss(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _track_loss(self, loss: Any, x: Any) -> None:
        """The epoch's mean loss, weighted by batch size (the `loss` in the logs)."""
        tracker, size = self._loss_tracker, arguments.batch_size_of(x)
        if type(tracker) is metrics_module.Mean:  # hot path: skip update_state's checks
            tracker.total.data += float(loss.data) * size
            tracker.count.data += size
        else:
            tracker.update_state(loss.data, sample_weight=size)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs on one batch `data` = `(x,)`."""
        x, _, _ = da.unpack_x_y_sample_weight(data)
        with no_grad():
            return self(x, training=False)

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Any:
        """The total loss: the compiled loss(es) plus the layers' losses (`self.losses`), a scalar Tensor."""
        total = None
        if self.compiled_loss is not None:
            total = self.compiled_loss(self._targets_list(y), self._outputs_list(y_pred), sample_weight)
        if getattr(self, "_has_regularizers", True):
            for penalty in self.losses:
                total = penalty if total is None else primitives.add(total, penalty)
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`, e.g. "
                             "model.compile(loss='mse', optimizer='sgd'), or override `compute_loss`/`train_step`.")
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> Dict[str, Any]:
        """Update the compiled metrics on one batch; returns every metric's value (`get_metrics_result()`)."""
        if self.compiled_metrics is not None:
            self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> Dict[str, Any]:
        """The values of `self.metrics` as a dict; a metric returning a dict is spread into it."""
        results: Dict[str, Any] = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    @property
    def metrics(self) -> List[Any]:
        """The loss tracker, per-output loss trackers, compiled metrics, then metrics set as attributes."""
        found: List[Any] = []
        if self.compiled and self._loss_tracker is not None:
            found.append(self._loss_tracker)
            if self.compiled_loss is not None:
                found.extend(self.compiled_loss.metrics)
            if self.compiled_metrics is not None and self.compiled_metrics.any:
                found.append(self.compiled_metrics)
        return found + self._attribute_metrics()

    def _attribute_metrics(self) -> List[Any]:
        own = list(self.__dict__.get("_metrics", ()))
        for layer in getattr(self, "_tracked", ()):
            if not isinstance(layer, Steps):  # a nested model lists its own
                own.extend(layer.__dict__.get("_metrics", ()))
        return own

    @property
    def metrics_names(self) -> List[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

