"""CompiledStep: the trainer's steps replayed from plans instead of the eager tape.

`for_model(model)` traces the model once (`graph.trace`); each batch shape then gets a `Plan` (the
last, smaller batch its own). A training step runs the forward kernels, the loss heads, the backward
kernels and the in-place optimizer update on the plan's buffers, and updates the loss totals and
metrics the trainer reports, with no Tensor or graph node built. What cannot be traced returns None
from `for_model` (or sets `train_ok = False`) and says why in the "neuronet" debug log.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any, Dict, List, Optional

from neuronet import backend
from neuronet.compile import graph as graph_module, heads, lanes, updates
from neuronet.compile.plan import Plan
from neuronet.metrics.metric import Mean

logger = logging.getLogger("neuronet")


def for_model(model: Any, training: bool = True) -> Optional["CompiledStep"]:
    """A `CompiledStep` for `model`, or None (logged) when `jit_compile` is off or the model is untraceable."""
    if getattr(model, "jit_compile", "auto") is False or getattr(model, "run_eagerly", False):
        logger.debug("neuronet: model %r runs eagerly: jit_compile=False or run_eagerly=True", model.name)
        return None
    if not model.built:
        return None  # built by its first eager call; the next fit/evaluate/predict compiles
    try:
        traced = graph_module.trace(model)
    except graph_module.Untraceable as reason:
        _fallback(model, str(reason))
        return None
    return CompiledStep(model, traced)


def _on_device(targets: List[Any]) -> List[Any]:
    return [None if t is None else backend.asarray(t) for t in targets]


def _fallback(model: Any, reason: str) -> None:
    level = logging.WARNING if getattr(model, "jit_compile", "auto") is True else logging.DEBUG
    logger.log(level, "neuronet: model %r falls back to the eager step: %s", model.name, reason)


class CompiledStep:
    """Plans for one model, keyed by batch shapes; `train`, `test` and `predict` run one batch each."""

    def __init__(self, model: Any, traced: Any) -> None:
        self.model, self.graph = model, traced
        self.train_ok = self._check_steps(model, ("train_step", "compute_loss", "compute_metrics"))
        self.test_ok = self._check_steps(model, ("test_step", "compute_loss", "compute_metrics"))
        self.predict_ok = self._check_steps(model, ("predict_step",))
        self.single_input, self.single_output = len(traced.inputs) == 1, len(traced.outputs) == 1
        self.plans: Dict[Any, Plan] = {}
        self.predict_plans: Dict[Any, Plan] = {}  # by input shape: the lookup of every predict batch
        self.frozen_plans: Dict[Any, Plan] = {}  # `predict_all`'s, by input shapes: biases tiled once
        self.scratch: Dict[str, Any] = {}
        self.updater: Optional[updates.Updater] = None
        kernels = [op.layer.kernel for op in traced.ops if op.kind == "dense"]
        self.dtype = kernels[0].dtype if kernels else backend.floatx()
        self.xp = backend.get_array_module(kernels[0].data) if kernels else backend.xp

    def _check_steps(self, model: Any, names: tuple) -> bool:
        """Whether the model runs the trainer's own steps: each method is its first definition in the class's
        hierarchy (the Trainer's; found there, since the trainer is above this module and calls it)."""
        mro = type(model).__mro__
        for name in names:
            first = next(vars(cls)[name] for cls in reversed(mro) if name in vars(cls))
            if getattr(type(model), name) is not first:
                _fallback(model, f"the model overrides `{name}`")
                return False
        return True

    # --- plans ---------------------------------------------------------------------------------
    def _inputs(self, x: Any) -> List[Any]:
        if self.single_input and x.__class__ is self.xp.ndarray and x.dtype == self.dtype:
            return [x]  # the per-step case: one input array
        flat = self.model._flatten_inputs(x) if hasattr(self.model, "_flatten_inputs") else [x]
        return [backend.asarray(a, dtype=self.dtype) for a in flat]  # the batch moves to the device

    def _targets(self, y: Any) -> list:
        return [y] if self.single_output else self.model._targets_list(y)

    def _plan(self, inputs: List[Any], train: bool, y: Any = None, sample_weight: Any = None) -> Plan:
        shapes = inputs[0].shape if len(inputs) == 1 else tuple(a.shape for a in inputs)
        key = (train, y is None, shapes, sample_weight is None)
        plan = self.plans.get(key)
        if plan is None:
            trainable = {id(v) for v in self.model._trainable_cache} if train else set()
            plan = Plan(self.graph, [a.shape for a in inputs], self.dtype, self.xp, train, trainable)
            if train or y is not None:
                self._attach_heads(plan, train, self.model._targets_list(y))
            self.plans[key] = plan
        return plan

    def _attach_heads(self, plan: Plan, train: bool, targets: list) -> None:
        compiled_loss = self.model.compiled_loss
        if compiled_loss._pending:  # "crossentropy"/"ce": chosen from the shapes of targets and outputs
            compiled_loss.resolve(targets, self.model._output_shapes())
        plan.heads = []
        for fn, weight, slot, target in zip(compiled_loss.losses, compiled_loss.weights, self.graph.outputs, targets):
            if fn is None or target is None:
                raise graph_module.Untraceable("an output has no loss or no targets")
            head = heads.head_for(fn, weight, slot, plan, self.dtype)
            head.check(target)
            plan.heads.append(head)
        if len(self.model.losses) != sum(len(k.regularized) for k in plan.regularized):
            raise graph_module.Untraceable("the model has losses other than weight regularizers")
        if train:
            variables = self.model._trainable_cache
            missing = [v.path for v in variables if id(v) not in plan.variable_grads]
            if missing:
                raise graph_module.Untraceable(f"trainable variables {missing} are outside the traced layers")
            optimizer = self.model.optimizer
            if not optimizer.built:
                optimizer.build(variables)
            updater = self.updater
            if updater is None or updater.optimizer is not optimizer or len(updater.variables) != len(variables) \
                    or any(a is not b for a, b in zip(updater.variables, variables)):
                self.updater = updates.updater_for(optimizer, variables, self.xp)  # one for all plans: flat weights
            plan.flatten_grads(variables)
            plan.plan_checks(variables)
            plan.variables = variables
            plan.grads_list = [plan.variable_grads[id(v)] for v in variables]
            plan.optimizer = optimizer
            plan.update = self.updater

    # --- steps ---------------------------------------------------------------------------------
    def train(self, x: Any, y: Any, sample_weight: Any) -> Optional[dict]:
        """One compiled training step; returns the logs, or None (nothing done) when it cannot be compiled."""
        model = self.model
        inputs = self._inputs(x)
        try:
            plan = self._plan(inputs, True, y, sample_weight)
        except graph_module.Untraceable as reason:
            _fallback(model, str(reason))
            self.train_ok = False
            return None
        outputs = plan.forward(inputs, training=True)
        targets = [y] if self.single_output and y.__class__ is self.xp.ndarray else _on_device(self._targets(y))
        weights = self._weights(sample_weight)
        total = self._losses(plan, targets, weights, outputs[0].shape[0], model)
        if not math.isfinite(total):  # before the update, as the eager step: NaN would reach every weight
            return model.get_metrics_result()
        fast = plan.update is not None and model.optimizer is plan.optimizer
        # SGD wants `learning_rate * gradient`: the loss heads multiply the outputs' gradients by it, and the
        # backward pass, linear in them, carries it into every weight gradient without another pass.
        scale = model.optimizer._current_learning_rate() if fast and plan.update.prescaled else None
        for head, grad, target in zip(plan.heads, plan.output_grads(), targets):
            if grad is not None:
                head.grad(target, weights, grad, scale)
        plan.backward(scale)
        # A NaN/inf update is not applied (as the eager step): the sum of the gradients as a few products, with the
        # large kernels' gradients bounded instead of read (`Plan.gradients_total`).
        if not model._finite_update(None, plan.gradients_total()):
            return model.get_metrics_result()
        if fast:
            plan.update(plan.flat_grads, scale)
        else:
            model.optimizer.apply_engine_gradients(plan.grads_list, plan.variables)
        self._metrics(targets, outputs, sample_weight)
        return StepLogs(model)

    def _weights(self, sample_weight: Any) -> Any:
        if sample_weight is None:
            return None
        return backend.asarray(sample_weight, dtype=self.dtype)

    def _losses(self, plan: Plan, targets: list, weights: Any, batch: int, model: Any) -> float:
        compiled_loss = model.compiled_loss
        if len(targets) == 1:
            parts = [plan.heads[0].loss(targets[0], weights)]
            total = parts[0] * compiled_loss.weights[0]
        else:
            parts = [head.loss(yt, weights) for head, yt in zip(plan.heads, targets)]
            total = 0.0
            for part, weight in zip(parts, compiled_loss.weights):
                total += part * weight
        if plan.regularized:
            total += plan.penalty()
        tracker = model._loss_tracker
        if type(tracker) is Mean:  # as `Trainer._track_loss`
            tracker.total.data += total * batch
            tracker.count.data += batch
        else:
            tracker.update_state(total, sample_weight=batch)
        for metric, part in zip(compiled_loss.metrics, parts):  # `<output>_loss` with several outputs
            metric.update_state(part, sample_weight=batch)
        return total

    def _metrics(self, targets: list, outputs: list, sample_weight: Any) -> None:
        compiled = self.model.compiled_metrics
        if compiled is None or not compiled.any:
            return
        if compiled._pending:  # "accuracy": chosen from the shapes of the first targets and outputs
            compiled.resolve(targets, [yp.shape for yp in outputs])
        for i, (yt, yp) in enumerate(zip(targets, outputs)):
            for metric in compiled.metrics[i]:
                if not heads.fast_metric_update(self.xp, metric, yt, yp, None, self.scratch):
                    metric.update_state(yt, yp)
            for metric in compiled.weighted[i]:
                if not heads.fast_metric_update(self.xp, metric, yt, yp, sample_weight, self.scratch):
                    metric.update_state(yt, yp, sample_weight=sample_weight)

    def test(self, x: Any, y: Any, sample_weight: Any) -> Optional[dict]:
        """One compiled evaluation step (forward, loss, metrics); the logs, or None when it cannot be compiled."""
        inputs = self._inputs(x)
        try:
            plan = self._plan(inputs, False, y, sample_weight)
        except graph_module.Untraceable as reason:
            _fallback(self.model, str(reason))
            self.test_ok = False
            return None
        outputs = plan.forward(inputs, training=False)
        targets = _on_device(self._targets(y))
        self._losses(plan, targets, self._weights(sample_weight), outputs[0].shape[0], self.model)
        self._metrics(targets, outputs, sample_weight)
        return StepLogs(self.model)

    def _predict_plan(self, inputs: List[Any]) -> Plan:
        plan = self.predict_plans.get(inputs[0].shape) if self.single_input else None
        if plan is None:
            plan = self._plan(inputs, False)
            if self.single_input:
                self.predict_plans[inputs[0].shape] = plan
        return plan

    def predict(self, x: Any) -> List[Any]:
        """The outputs for one batch, as new arrays."""
        inputs = self._inputs(x)
        plan = self._predict_plan(inputs)
        return [backend.to_numpy(out).copy() for out in plan.forward(inputs, training=False)]  # to the host

    def predict_all(self, adapter: Any) -> Optional[List[Any]]:
        """Every batch of `adapter` predicted into one array per output, returned on the host; None (nothing
        read) when the adapter cannot say its row count in advance, or yields no batch.

        The last op of each output writes straight into its rows of the result: no copy per batch, and no
        concatenation at the end (one transfer to the host, where the device is a GPU). With large enough
        products and a second free core, two lanes share the batches (see `lanes.lane_count`).
        """
        rows = adapter.rows()
        if not rows:
            return None
        batches = iter(adapter)
        first = next(batches, None)
        if first is None:
            return None
        inputs = self._inputs(first[1])
        plan = self._lane_plan(self.frozen_plans, inputs)
        results = [self.xp.empty((rows,) + tuple(plan.shapes[slot][1:]), dtype=self.dtype)
                   for slot in self.graph.outputs]
        self._predict_into(plan, inputs, results, 0)
        stop = inputs[0].shape[0]
        count = lanes.lane_count(self.xp, plan, rows - stop)
        if count > 1:
            workers = [self._lane_worker(results, self.frozen_plans if i == 0 else {}) for i in range(count)]
            return [backend.to_numpy(result[:lanes.run(workers, batches, self._inputs, stop)]) for result in results]
        shape = inputs[0].shape
        for _, x, _, _ in batches:
            inputs = self._inputs(x)
            if len(inputs) > 1 or inputs[0].shape != shape:  # the last, smaller batch (or several inputs)
                plan, shape = self._lane_plan(self.frozen_plans, inputs), inputs[0].shape
            stop = self._predict_into(plan, inputs, results, stop)
        return [backend.to_numpy(result[:stop]) for result in results]  # to the host

    def _lane_plan(self, cache: dict, inputs: List[Any]) -> Plan:
        """The predict plan for these inputs' shapes from `cache` (one per lane: each lane has its own buffers)."""
        key = tuple(a.shape for a in inputs)
        plan = cache.get(key)
        if plan is None:
            plan = Plan(self.graph, [a.shape for a in inputs], self.dtype, self.xp, False, set())
            plan.freeze_biases()  # no callback runs between batches here: the weights stay as they are
            cache[key] = plan
        return plan

    def _lane_worker(self, results: List[Any], cache: dict) -> Any:
        """`work(inputs, start)` for one lane: predicts a batch into rows `start:` of `results`, with the plans
        (and so the buffers) of `cache`, which no other lane uses."""
        def work(inputs: List[Any], start: int) -> int:
            return self._predict_into(self._lane_plan(cache, inputs), inputs, results, start)
        return work

    def _predict_into(self, plan: Plan, inputs: List[Any], results: List[Any], start: int) -> int:
        """Runs `plan` with each output's last op writing into rows `start:` of `results`; returns the end row."""
        stop = start + inputs[0].shape[0]
        if len(results) == 1:  # the per-batch case: one output
            target = results[0][start:stop]
            plan.vals[self.graph.outputs[0]] = target
            out = plan.forward(inputs, training=False)[0]
            if out is not target:  # an output that is a view of another value (Flatten, inference Dropout)
                target[...] = out
            return stop
        targets = [result[start:stop] for result in results]
        for slot, target in zip(self.graph.outputs, targets):
            plan.vals[slot] = target
        for out, target in zip(plan.forward(inputs, training=False), targets):
            if out is not target:
                target[...] = out
        return stop


class StepLogs(Mapping):
    """A step's logs, read lazily: `fit` asks every step only for the loss (the NaN check); the full dict
    (`model.get_metrics_result()`, every metric's `result()`) is built when a callback or the epoch's end reads it."""

    __slots__ = ("model", "_logs")

    def __init__(self, model: Any) -> None:
        self.model, self._logs = model, None

    def _all(self) -> dict:
        if self._logs is None:
            self._logs = self.model.get_metrics_result()
        return self._logs

    def get(self, key: Any, default: Any = None) -> Any:
        tracker = self.model._loss_tracker
        if key == "loss" and self._logs is None and type(tracker) is Mean:
            count = float(tracker.count.data)
            return float(tracker.total.data) / count if count else 0.0
        return self._all().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        return self._all()[key]

    def __iter__(self) -> Any:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
