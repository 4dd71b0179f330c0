"""The state a training run needs to continue exactly where it stopped, beyond weights and optimizer.

`BackupAndRestore` stores it with each backup: the random generator's state (which drives shuffling and
Dropout), the epoch's shuffle order and how many of its batches were done, and the state of the epoch's
running loss and metrics. Restoring all of it makes "killed and resumed" bit-identical to "never killed" (with
`keras.config.enable_op_determinism()`, which also fixes the BLAS thread count).
"""
from __future__ import annotations

from typing import Any, Dict

import numpy as np

from neuronet.utils import random as nn_random


def get_state(model: Any, in_epoch: bool) -> Dict[str, np.ndarray]:
    """Arrays describing where `fit` is now; `in_epoch=False` at an epoch's end (the next epoch starts afresh)."""
    import json  # `import neuronet` stays free of json (see tests/test_lazy_imports.py)

    state = {"rng": np.array(json.dumps(nn_random.generator().bit_generator.state))}
    adapter = getattr(model, "_fit_adapter", None)
    step = int(getattr(model, "_steps_done", 0)) if in_epoch else 0
    state["step"] = np.array(step, dtype="int64")
    if step:
        order = getattr(adapter, "order", None)
        state["has_order"] = np.array(order is not None)
        state["order"] = np.asarray(order if order is not None else [], dtype="int64")
        for i, variable in enumerate(_metric_variables(model)):
            state[f"metric_{i:04d}"] = variable.numpy()
    return state


def set_state(model: Any, state: Dict[str, np.ndarray], epoch: int) -> None:
    """Restore the generator now; ask `fit` to continue `epoch` at the saved step (read by `resume_epoch`)."""
    import json

    if "rng" in state:
        nn_random.generator().bit_generator.state = json.loads(str(state["rng"]))
    step = int(state.get("step", 0))
    model._resume_state = None
    if step:
        model._resume_state = {"epoch": epoch, "step": step, "order": state["order"] if bool(state["has_order"])
                               else None, "metrics": [state[k] for k in sorted(state) if k.startswith("metric_")]}


def resume_epoch(model: Any, epoch: int, adapter: Any) -> None:
    """At the start of `epoch`: continue it from the saved step if it is the interrupted one."""
    resume = getattr(model, "_resume_state", None)
    if not resume or resume["epoch"] != epoch:
        return
    model._resume_state = None
    adapter.resume(resume["order"], resume["step"])
    variables = _metric_variables(model)
    if len(variables) == len(resume["metrics"]):
        for variable, value in zip(variables, resume["metrics"]):
            variable.assign(value)


def _metric_variables(model: Any) -> list:
    """The state of every metric `fit` reports (the loss tracker first), in a fixed order."""
    found, stack = [], list(getattr(model, "metrics", []))
    while stack:
        metric = stack.pop(0)
        if hasattr(metric, "variables") and getattr(metric, "variables"):
            found.extend(metric.variables)
        else:
            stack[:0] = list(getattr(metric, "all", []) or getattr(metric, "metrics", []) or [])
    return found
