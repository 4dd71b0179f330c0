"""One trial's job: build, train and score its model, wherever the executor runs it.

Everything here may run in another process (or on a Dask worker): it takes the trial's hyperparameters, the
hypermodel and the data, and returns only numbers and NumPy arrays. The best epoch's weights are saved by the
search side as a NumPy `.npz` checkpoint (`save_checkpoint`), read back without pickle (`load_checkpoint`).
"""
import copy
import math
import os

import numpy as np

from neuronet import callbacks as callbacks_module
from neuronet.tuners import errors
from neuronet.tuners import hparams_logger
from neuronet.tuners import hypermodel as hypermodel_module
from neuronet.tuners import hyperparameters as hp_module
from neuronet.tuners import oracle as oracle_module


class _TrialCallback(callbacks_module.Callback):
    """Restores a checkpoint before training (Hyperband), and keeps the best epoch's logs and weights."""

    def __init__(self, objective, best, checkpoint, strict):
        super().__init__()
        self.objective, self.best, self.checkpoint, self.strict = objective, best, checkpoint, strict
        self.best_logs, self.best_value, self.history, self.invalid_loss = None, None, {}, None

    def on_train_begin(self, logs=None):
        if self.checkpoint is None:
            return
        self.model.set_weights(self.checkpoint["weights"])
        optimizer = getattr(self.model, "optimizer", None)
        if self.checkpoint.get("optimizer") and optimizer is not None:
            if not optimizer.built:
                optimizer.build(self.model.trainable_weights)
            optimizer.set_weights(self.checkpoint["optimizer"])

    def on_train_end(self, logs=None):
        stopped = getattr(getattr(self.model, "history", None), "stopped_at", None)  # where fit met the bad loss
        if stopped:
            self.invalid_loss = dict(stopped)

    def on_epoch_end(self, epoch, logs=None):
        logs = _numeric(logs or {})
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss) and self.invalid_loss is None:
            self.invalid_loss = {"epoch": epoch, "loss": loss}  # fit stopped there: no score to trust
            return
        if not self.objective.has_value(logs):
            if self.strict:
                raise errors.FatalValueError(_missing_objective(self.objective, logs))
            return
        value = self.objective.get_value(logs)
        if self.best_value is None or self.objective.better_than(value, self.best_value):
            self.best_value, self.best_logs = value, logs
        if self.best["value"] is None or self.objective.better_than(value, self.best["value"]):
            self.best.update(value=value, epoch=epoch, **_weights_of(self.model))


def _tuned_values(hp):
    return {k: v for k, v in hp.values.items() if not k.startswith("tuner/")}


def _numeric(logs):
    out = {}
    for key, value in logs.items():
        try:
            out[key] = float(value)
        except (TypeError, ValueError):
            continue  # not a metric (a callback's note in the logs)
    return out


def _missing_objective(objective, logs):
    return (f"The objective {objective!r} is not in the training logs. Available keys: {sorted(logs)}. Pass "
            "`validation_data=` (or `validation_split=`) to `search()` for a `val_` objective, add the metric to "
            "`compile(metrics=[...])`, or choose one of the available keys as the objective.")


def _weights_of(model):
    optimizer = getattr(model, "optimizer", None)
    built = optimizer is not None and getattr(optimizer, "built", False)
    return {"weights": list(model.get_weights()), "optimizer": list(optimizer.get_weights()) if built else []}


def build_model(hypermodel, hp, job):
    model = hypermodel.build(hp)
    if not (hasattr(model, "fit") and hasattr(model, "get_weights")):
        raise errors.FatalTypeError(f"The hypermodel must return a keras Model. Received: {model!r}. Make "
                                    "`build_model(hp)` return the compiled model.")
    overrides = {k: v for k, v in job["compile_overrides"].items() if v is not None}
    if overrides:
        config = dict(getattr(model, "_compile_config", None) or {})
        config.update(overrides)
        if hasattr(config.get("optimizer"), "get_config"):  # a fresh optimizer per model, never a shared one
            config["optimizer"] = type(config["optimizer"]).from_config(config["optimizer"].get_config())
        model.compile(**config)
    if not getattr(model, "compiled", True):
        raise errors.FatalValueError("The model returned by the hypermodel is not compiled. Call "
                                     "`model.compile(...)` in `build_model(hp)`, or pass `optimizer=` and `loss=` "
                                     "to the tuner.")
    if job["max_model_size"] and model.count_params() > job["max_model_size"]:
        raise errors.FailedTrialError(f"Oversized model: {model.count_params()} parameters (max_model_size="
                               f"{job['max_model_size']}). Skipped.")
    return model


def _execution_metrics(tracker, results, objective, model):
    """The metrics of one execution: its best epoch's logs, or what a custom `HyperModel.fit` returned."""
    if isinstance(results, dict):
        metrics = _numeric(results)
    elif isinstance(results, (int, float, np.floating, np.integer)):
        metrics = {objective.name: float(results)}
    else:
        metrics = tracker.best_logs or {}
    if not objective.has_value(metrics):
        raise errors.FatalValueError(_missing_objective(objective, {**dict.fromkeys(tracker.history), **metrics}))
    if tracker.best_logs is None:  # no epoch had the objective: keep the final weights
        value = objective.get_value(metrics)
        if tracker.best["value"] is None or objective.better_than(value, tracker.best["value"]):
            tracker.best.update(value=value, epoch=None, **_weights_of(model))
    return metrics


def _separate_tensorboard_runs(callbacks, hp, trial_id, execution):
    """As Keras Tuner: a TensorBoard callback logs each trial's execution to `<log_dir>/<trial_id>/execution<k>`,
    with the trial's values for TensorBoard's HParams dashboard."""
    for callback in list(callbacks):
        if type(callback).__name__ == "TensorBoard" and hasattr(callback, "log_dir"):
            callback.log_dir = os.path.join(str(callback.log_dir), str(trial_id), f"execution{execution}")
            callbacks.append(hparams_logger.HParamsLogger(callback.log_dir, hp, trial_id))


def run_trial_job(job, data):
    """Build, train and score one trial. Runs in any process; returns only numbers and NumPy arrays.

    `job`: the trial's hyperparameters, the hypermodel and the options; `data`: `{"args", "kwargs"}` of `search()`.
    """
    from neuronet.utils import set_random_seed

    hp = hp_module.HyperParameters.from_config(job["hyperparameters"])
    objective = oracle_module.create_objective(job["objective"])
    hypermodel = job["hypermodel"]
    kwargs = {**data["kwargs"], **job["fit_overrides"]}
    user_callbacks = kwargs.pop("callbacks", None) or []
    # With the default fit, the objective must be in the epoch logs; a custom fit may compute it afterwards.
    strict = getattr(type(hypermodel), "fit", hypermodel_module.HyperModel.fit) is hypermodel_module.HyperModel.fit
    best, all_metrics, histories = {"value": None, "epoch": None, "weights": [], "optimizer": []}, [], []
    for execution in range(job["executions_per_trial"]):
        if job["seed"] is not None:
            set_random_seed(job["seed"] + execution)
        model = build_model(hypermodel, hp, job)
        tracker = _TrialCallback(objective, best, job["checkpoint"], strict)
        try:
            callbacks = copy.deepcopy(list(user_callbacks))
        except Exception as error:
            raise errors.FatalValueError(f"Callbacks passed to `search()` must be deep-copyable (each execution gets "
                                         f"its own copy). `copy.deepcopy` failed: {error}") from error
        _separate_tensorboard_runs(callbacks, hp, job["trial_id"], execution)
        fit = getattr(hypermodel, "fit", None) or hypermodel_module.HyperModel.fit.__get__(hypermodel)
        results = fit(hp, model, *data["args"], callbacks=[tracker, *callbacks], **kwargs)
        if tracker.invalid_loss is not None:
            stop = tracker.invalid_loss
            where = f"at batch {stop['batch']} of {stop['steps']} " if "batch" in stop else ""
            raise errors.FailedTrialError(f"The training loss became {stop['loss']} {where}in epoch "
                                          f"{stop['epoch'] + 1} (execution {execution + 1}): `fit` stopped there, "
                                          f"so the trial has no valid score. Usual causes: a learning rate too high "
                                          f"for these values {_tuned_values(hp)}, or unscaled inputs.")
        all_metrics.append(_execution_metrics(tracker, results, objective, model))
        histories.append(tracker.history)
    metrics = {k: float(np.mean([m[k] for m in all_metrics])) for k in all_metrics[0]
               if all(k in m for m in all_metrics)}
    x = data["args"][0] if data["args"] else data["kwargs"].get("x")
    return {"metrics": metrics, "best_step": best["epoch"], "weights": best["weights"], "optimizer": best["optimizer"],
            "history": histories, "hyperparameters": hp.get_config(), "_neuronet_trial_result": True,
            # lets `get_best_models` build a model that gets its input shape only from data
            "input_shape": list(np.shape(x))[1:] if isinstance(x, np.ndarray) else None}


def save_checkpoint(path, result):
    """Best-epoch weights (and optimizer state) as a NumPy .npz: arrays only, loadable without pickle."""
    arrays = {f"weight_{i:04d}": w for i, w in enumerate(result["weights"])}
    arrays.update({f"optimizer_{i:04d}": w for i, w in enumerate(result["optimizer"])})
    if result.get("input_shape") is not None:
        arrays["input_shape"] = np.array(result["input_shape"], dtype="int64")
    with open(f"{path}.tmp", "wb") as f:
        np.savez(f, **arrays)
    os.replace(f"{path}.tmp", path)


def load_checkpoint(path):
    with np.load(path, allow_pickle=False) as data:
        names = sorted(data.files)
        return {"weights": [data[n] for n in names if n.startswith("weight_")],
                "optimizer": [data[n] for n in names if n.startswith("optimizer_")],
                "input_shape": data["input_shape"].tolist() if "input_shape" in names else None}


def results_to_trial_result(results, objective):
    """What a custom `run_trial` returned (History, dict, float, or a list of them) as a trial result."""
    if isinstance(results, dict) and results.get("_neuronet_trial_result"):
        return results
    items = results if isinstance(results, list) else [results]
    metrics = []
    for item in items:
        if hasattr(item, "history"):  # a History: the logs of its best epoch
            epochs = [dict(zip(item.history, values)) for values in zip(*item.history.values())]
            scored = [e for e in epochs if objective.has_value(e)]
            if not scored:
                raise errors.FatalValueError(_missing_objective(objective, item.history))
            sign = -1 if objective.direction == "max" else 1
            item = min(scored, key=lambda e: sign * objective.get_value(e))
        metrics.append({objective.name: float(item)} if np.isscalar(item) else {k: float(v) for k, v in item.items()})
    averaged = {k: float(np.mean([m[k] for m in metrics])) for k in metrics[0] if all(k in m for m in metrics)}
    return {"metrics": averaged, "best_step": None, "weights": [], "optimizer": [], "history": []}
