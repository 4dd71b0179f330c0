"""Runs one differential case against a Keras-like module: real Keras 3 (by the generator) or neuronet (by the tests).

A case is plain JSON (`kind`, `module`, `name`, `kwargs`, ...) plus named NumPy arrays. The same code runs it on
both sides, so a difference in the outputs is a difference between the libraries, not between two test harnesses.
`tools/make_keras_reference.py` writes the cases and Keras's outputs; `test_differential.py` replays them.
Each runner returns a dict of outputs: NumPy arrays, or JSON values (configs, dtypes, shapes, history keys).
"""
from __future__ import annotations

import numpy as np


class Side:
    """What differs between the two libraries beyond the Keras API: gradients and tensor -> NumPy."""

    def __init__(self, keras, value_and_grad, is_reference=False):
        self.keras = keras
        self.is_reference = is_reference
        self.value_and_grad = value_and_grad  # (fn, x, cotangent) -> (fn(x), d sum(fn(x) * cotangent) / dx)

    def numpy(self, x):
        if hasattr(x, "numpy"):
            x = x.numpy()
        return np.asarray(x)


def _attr(side, case):
    obj = side.keras
    # `keras_module`: where Keras keeps a name that is public here only (tf.keras 2's `metrics.accuracy`)
    module = case.get("keras_module", case["module"]) if side.is_reference else case["module"]
    for part in module.split("."):
        obj = getattr(obj, part) if part else obj
    return getattr(obj, case["name"])


def run_loss_fn(side, case, a):
    out = _attr(side, case)(a["y_true"], a["y_pred"], **case["kwargs"])
    return {"value": side.numpy(out).astype("float64")}


def run_loss_obj(side, case, a):
    loss = _attr(side, case)(**case["kwargs"])
    out = loss(a["y_true"], a["y_pred"], sample_weight=a.get("sample_weight"))
    return {"value": side.numpy(out).astype("float64")}


def run_metric_fn(side, case, a):
    out = side.numpy(_attr(side, case)(a["y_true"], a["y_pred"], **case["kwargs"]))
    return {"value": out.astype("float64"), "shape": list(out.shape)}


def run_metric_obj(side, case, a):
    metric = _attr(side, case)(**case["kwargs"])
    results = []
    for b in range(case["batches"]):
        args = [a[f"y_true_{b}"]] + ([a[f"y_pred_{b}"]] if f"y_pred_{b}" in a else [])  # Mean, Sum: one tensor
        sw = a.get(f"sample_weight_{b}")
        metric.update_state(*args, **({} if sw is None else {"sample_weight": sw}))
        results.append(side.numpy(metric.result()).astype("float64"))
    result = metric.result()
    out = {"results": np.stack(results), "dtype": str(side.numpy(result).dtype),
           "shape": list(side.numpy(result).shape)}
    metric.reset_state()
    out["after_reset"] = side.numpy(metric.result()).astype("float64")
    return out


def run_activation(side, case, a):
    fn = _attr(side, case)
    kwargs = case["kwargs"]
    value, grad = side.value_and_grad(lambda x: fn(x, **kwargs), a["x"], a["cotangent"])
    return {"value": side.numpy(value).astype("float64"), "grad": side.numpy(grad).astype("float64")}


def run_optimizer(side, case, a):
    keras = side.keras
    kwargs = dict(case["kwargs"])
    if "schedule" in case:
        sched = case["schedule"]
        kwargs["learning_rate"] = getattr(keras.optimizers.schedules, sched["name"])(**sched["kwargs"])
    opt = _attr(side, case)(**kwargs)
    names = case["variables"]
    variables = [keras.Variable(a[f"init_{n}"].copy(), name=n) for n in names]
    trajectory = {n: [] for n in names}
    for step in range(case["steps"]):
        opt.apply_gradients([(a[f"grad_{n}_{step}"], v) for n, v in zip(names, variables)])
        for n, v in zip(names, variables):
            trajectory[n].append(side.numpy(v).astype("float64"))
    out = {f"trajectory_{n}": np.stack(t) for n, t in trajectory.items()}
    out["iterations"] = int(side.numpy(opt.iterations))
    return out


def run_schedule(side, case, a):
    schedule = _attr(side, case)(**case["kwargs"])
    return {"value": np.array([float(side.numpy(schedule(s))) for s in case["steps"]])}


def run_initializer(side, case, a):
    kwargs = dict(case["kwargs"])
    if case.get("seeded", True):
        kwargs["seed"] = case.get("seed", 7)
    values = side.numpy(_attr(side, case)(**kwargs)(tuple(case["shape"]))).astype("float64")
    return {"samples": values.reshape(-1), "dtype": str(side.numpy(values).dtype), "shape": list(values.shape)}


def run_config(side, case, a):
    obj = _attr(side, case)(**case["kwargs"])
    return {"config": obj.get_config()}


def run_model(side, case, a):
    keras = side.keras
    spec = case["model"]
    model = keras.Sequential([keras.Input(shape=tuple(spec["input_shape"]))] + [
        keras.layers.Dense(units, activation=activation) for units, activation in spec["dense"]])
    model.set_weights([a[f"weight_{i}"] for i in range(2 * len(spec["dense"]))])
    optimizer = getattr(keras.optimizers, spec["optimizer"])(**spec.get("optimizer_kwargs", {}))
    model.compile(optimizer=optimizer, **case["compile"])
    out = {}
    fit = case.get("fit")
    if fit is not None:
        kwargs = dict(fit)
        if "sample_weight" in a:
            kwargs["sample_weight"] = a["sample_weight"]
        if "class_weight" in kwargs:
            kwargs["class_weight"] = {int(k): v for k, v in kwargs["class_weight"].items()}
        history = model.fit(a["x"], a["y"], shuffle=False, verbose=0, **kwargs)
        out["history_keys"] = sorted(history.history)
        for key, values in history.history.items():
            out[f"history_{key}"] = np.asarray(values, dtype="float64")
        weights = model.get_weights()
        out["final_weights_norms"] = np.array([np.linalg.norm(np.asarray(w, "float64")) for w in weights])
        out["final_last_kernel"] = np.asarray(weights[-2], "float64")
    evaluation = model.evaluate(a["x"], a["y"], verbose=0, return_dict=True)
    out["evaluate_keys"] = sorted(evaluation)
    out["evaluate"] = np.array([float(evaluation[k]) for k in sorted(evaluation)])
    out["predict"] = np.asarray(model.predict(a["x"][:8], verbose=0), "float64")
    return out


RUNNERS = {name[4:]: fn for name, fn in globals().items() if name.startswith("run_")}


def run(side, case, arrays):
    """The outputs of `case` (a dict from the fixture's JSON) on `side`, given its input arrays."""
    return RUNNERS[case["kind"]](side, case, arrays)
