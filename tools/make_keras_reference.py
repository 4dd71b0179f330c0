"""Record real Keras 3's outputs for the differential suite (tests/keras_compat/test_differential.py).

Run by hand in an environment with TensorFlow and Keras 3 (CI never runs it; the tests read what it writes):

    KERAS_BACKEND=tensorflow python tools/make_keras_reference.py

Every case is a small JSON record (`kind`, `module`, `name`, `kwargs`, tolerances) plus seeded NumPy inputs
(identical arrays are stored once, under a hash of their bytes).
`tests/keras_compat/differential.py` runs a case against any Keras-like module; here against Keras, in the test
against neuronet. Output: `tests/keras_compat/fixtures/keras_reference.json` (cases, JSON outputs) and
`keras_reference.npz` (inputs and array outputs, plain `.npy` members, read with `allow_pickle=False`).

To cover a new public name, add one line to the table of its kind below (LOSS_FUNCTIONS, METRIC_CLASSES,
ACTIVATIONS, OPTIMIZERS, INITIALIZERS, SCHEDULES, CONFIGS...) and run this script again. A test fails while a
public name of neuronet.losses/metrics/activations/optimizers/initializers has no case.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "keras_compat" / "fixtures"
RNG = np.random.default_rng(20240514)
F32 = "float32"


def _uniform(lo, hi, shape):
    return RNG.uniform(lo, hi, size=shape).astype(F32)


def _probs(shape, exact=False):
    p = RNG.uniform(0.05, 1.0, size=shape)
    p = p / p.sum(axis=-1, keepdims=True)
    if exact:  # probabilities exactly 0 and 1: the clipping at epsilon is what is compared
        p[0] = 0.0
        p[0, 0] = 1.0
        p[1, :] = 1.0 / shape[-1]
        p[1, 1] = 0.0
        p[1] /= p[1].sum()
    return p.astype(F32)


def _binary(shape):
    return RNG.integers(0, 2, size=shape).astype(F32)


def _one_hot(n, k):
    return np.eye(k, dtype=F32)[RNG.integers(0, k, size=n)]


SPARSE_OF = {"sparse": "categorical", "sparse_exact": "categorical_exact",
             "sparse_unnormalised": "categorical_unnormalised",
             "sparse_unnormalised_wide": "categorical_unnormalised_wide", "sparse_logits": "categorical_logits",
             "sparse_extreme": "categorical_extreme", "sparse_column": "categorical"}


# --- inputs by kind of target ----------------------------------------------------------------------------------
def inputs_for(kind, n=6, k=4, t=None):
    lead = (n,) if t is None else (n, t)
    if kind == "regression":
        return {"y_true": _uniform(0.1, 2.0, lead + (k,)), "y_pred": _uniform(0.1, 2.0, lead + (k,))}
    if kind == "signed":
        return {"y_true": _uniform(-2.0, 2.0, lead + (k,)), "y_pred": _uniform(-2.0, 2.0, lead + (k,))}
    if kind == "hinge":  # {0, 1} labels, converted to {-1, 1} by the loss
        return {"y_true": _binary(lead + (k,)), "y_pred": _uniform(-2.0, 2.0, lead + (k,))}
    if kind == "hinge_pm":
        return {"y_true": 2 * _binary(lead + (k,)) - 1, "y_pred": _uniform(-2.0, 2.0, lead + (k,))}
    if kind == "probabilities":
        return {"y_true": _probs(lead + (k,)), "y_pred": _probs(lead + (k,))}
    if kind == "binary":
        return {"y_true": _binary(lead + (k,)), "y_pred": _uniform(0.02, 0.98, lead + (k,))}
    if kind == "binary_exact":
        y_pred = _uniform(0.02, 0.98, lead + (k,))
        y_pred[0, :2], y_pred[1, :2] = [0.0, 1.0], [1.0, 0.0]
        y_true = _binary(lead + (k,))
        y_true[0, :2], y_true[1, :2] = [1.0, 0.0], [1.0, 0.0]
        return {"y_true": y_true, "y_pred": y_pred}
    if kind == "binary_logits":
        return {"y_true": _binary(lead + (k,)), "y_pred": _uniform(-4.0, 4.0, lead + (k,))}
    if kind == "binary_extreme":
        return {"y_true": _binary(lead + (k,)), "y_pred": np.where(_binary(lead + (k,)) > 0, 1e3, -1e3).astype(F32)}
    if kind == "binary_column":
        return {"y_true": _binary((n, 1)), "y_pred": _uniform(0.02, 0.98, (n, 1))}
    if kind == "categorical":
        return {"y_true": _one_hot(n, k), "y_pred": _probs((n, k))}
    if kind == "categorical_exact":
        return {"y_true": _one_hot(n, k), "y_pred": _probs((n, k), exact=True)}
    if kind == "categorical_unnormalised":
        return {"y_true": _one_hot(n, k), "y_pred": _uniform(0.05, 1.0, (n, k))}
    if kind == "categorical_unnormalised_wide":  # rows with zeros and values above 1: clipping order shows
        y_pred = RNG.choice([0.0, 0.5, 2.0, 3.0], size=(n, k)) + np.eye(k)[np.arange(n) % k]  # no all-zero row
        return {"y_true": _one_hot(n, k), "y_pred": y_pred.astype(F32)}
    if kind == "categorical_logits":
        return {"y_true": _one_hot(n, k), "y_pred": _uniform(-4.0, 4.0, (n, k))}
    if kind == "categorical_extreme":
        return {"y_true": _one_hot(n, k), "y_pred": (1e3 * (2 * _binary((n, k)) - 1)).astype(F32)}
    if kind == "categorical_timesteps":
        labels = RNG.integers(0, k, size=(n, 3))
        return {"y_true": np.eye(k, dtype=F32)[labels], "y_pred": _probs((n, 3, k))}
    if kind.startswith("sparse") and kind in SPARSE_OF:
        arrays = inputs_for(SPARSE_OF[kind], n, k)
        labels = np.argmax(arrays["y_true"], axis=-1).astype("int32")
        arrays["y_true"] = labels[:, None] if kind == "sparse_column" else labels
        return arrays
    if kind == "sparse_timesteps":
        return {"y_true": RNG.integers(0, k, size=(n, 3)).astype("int32"), "y_pred": _probs((n, 3, k))}
    if kind == "top_k":
        arrays = inputs_for("categorical", n, 6)
        return arrays
    if kind == "sparse_top_k":
        arrays = inputs_for("categorical", n, 6)
        arrays["y_true"] = np.argmax(arrays["y_true"], axis=-1).astype("int32")
        return arrays
    if kind == "labels":  # keras.metrics.Accuracy compares values for equality
        y = RNG.integers(0, 3, size=(n, 1)).astype(F32)
        return {"y_true": y, "y_pred": np.where(RNG.uniform(size=(n, 1)) < 0.6, y, (y + 1) % 3).astype(F32)}
    if kind == "values":  # Mean and Sum take one tensor
        return {"y_true": _uniform(-2.0, 2.0, (n,)), "y_pred": None}
    raise ValueError(kind)


CASES: list = []
ARRAYS: dict = {}


def _store(value):
    """Key of `value` in the npz: identical arrays (a model's initial weights, its data) are stored once."""
    value = np.array(value, order="C")  # (ascontiguousarray would turn a scalar into shape (1,))
    key = "a" + hashlib.sha1(value.tobytes() + str((value.dtype, value.shape)).encode()).hexdigest()[:16]
    ARRAYS[key] = value
    return key


def add(kind, module, name, kwargs=None, arrays=None, rtol=1e-5, atol=1e-6, tag="", **extra):
    """Register a case; its arrays go to the npz under `c<index>_<key>`."""
    index = len(CASES)
    case = {"id": f"{module or 'keras'}.{name}{'[' + tag + ']' if tag else ''}", "index": index, "kind": kind,
            "module": module, "name": name, "kwargs": kwargs or {}, "rtol": rtol, "atol": atol, **extra}
    case["arrays"] = {key: _store(value) for key, value in sorted((arrays or {}).items()) if value is not None}
    CASES.append(case)
    return case


# --- losses ----------------------------------------------------------------------------------------------------
# name -> (kinds of inputs, extra kwargs variants)
LOSS_FUNCTIONS = {
    "mean_squared_error": ["signed"], "mean_absolute_error": ["signed"],
    "mean_absolute_percentage_error": ["regression"], "mean_squared_logarithmic_error": ["regression"],
    "log_cosh": ["signed"], "huber": ["signed"], "hinge": ["hinge", "hinge_pm"], "squared_hinge": ["hinge", "hinge_pm"],
    "kl_divergence": ["probabilities", "categorical_exact"], "poisson": ["regression"],
    "binary_crossentropy": ["binary", "binary_exact", "binary_column"],
    "categorical_crossentropy": ["categorical", "categorical_exact", "categorical_unnormalised",
                                 "categorical_unnormalised_wide", "categorical_timesteps"],
    "sparse_categorical_crossentropy": ["sparse", "sparse_exact", "sparse_column", "sparse_timesteps", "sparse_unnormalised",
                                        "sparse_unnormalised_wide"],
}
LOSS_FUNCTION_KWARGS = {
    "huber": [{"delta": 0.5}],
    "binary_crossentropy": [{"from_logits": True, "@kind": "binary_logits"}, {"from_logits": True, "@kind": "binary_extreme"},
                            {"label_smoothing": 0.1}, {"from_logits": True, "label_smoothing": 0.2, "@kind": "binary_logits"}],
    "categorical_crossentropy": [{"from_logits": True, "@kind": "categorical_logits"},
                                 {"from_logits": True, "@kind": "categorical_extreme"}, {"label_smoothing": 0.1},
                                 {"from_logits": True, "label_smoothing": 0.1, "@kind": "categorical_logits"}],
    "sparse_categorical_crossentropy": [{"from_logits": True, "@kind": "sparse_logits"},
                                        {"from_logits": True, "@kind": "sparse_extreme"}],
}
# class name -> (its function's input kind, constructor kwargs variants)
LOSS_CLASSES = {
    "MeanSquaredError": ("signed", [{}]), "MeanAbsoluteError": ("signed", [{}]),
    "MeanAbsolutePercentageError": ("regression", [{}]), "MeanSquaredLogarithmicError": ("regression", [{}]),
    "LogCosh": ("signed", [{}]), "Huber": ("signed", [{}, {"delta": 0.3}]), "Hinge": ("hinge", [{}]),
    "SquaredHinge": ("hinge", [{}]), "KLDivergence": ("probabilities", [{}]), "Poisson": ("regression", [{}]),
    "BinaryCrossentropy": ("binary", [{}, {"label_smoothing": 0.1}]),
    "CategoricalCrossentropy": ("categorical", [{}, {"label_smoothing": 0.1}]),
    "SparseCategoricalCrossentropy": ("sparse", [{}]),
}
LOGITS_KIND = {"BinaryCrossentropy": "binary_logits", "CategoricalCrossentropy": "categorical_logits",
               "SparseCategoricalCrossentropy": "sparse_logits"}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def loss_cases():
    for name, kinds in LOSS_FUNCTIONS.items():
        for kind in kinds:
            add("loss_fn", "losses", name, {}, inputs_for(kind), tag=kind)
        for kwargs in LOSS_FUNCTION_KWARGS.get(name, []):
            kwargs = dict(kwargs)
            kind = kwargs.pop("@kind", kinds[0])
            add("loss_fn", "losses", name, kwargs, inputs_for(kind), tag=f"{kind},{kwargs}", rtol=1e-4)
    for name, (kind, variants) in LOSS_CLASSES.items():
        for kwargs in variants:
            for reduction in REDUCTIONS:
                for weights in (None, "n", "n1"):
                    arrays = inputs_for(kind)
                    n = arrays["y_pred"].shape[0]
                    if weights:
                        w = RNG.uniform(0.0, 2.0, size=(n,)).astype(F32)
                        arrays["sample_weight"] = w if weights == "n" else w[:, None]
                    add("loss_obj", "losses", name, {**kwargs, "reduction": reduction}, arrays,
                        tag=f"{kwargs},{reduction},sw={weights}")
            add("config", "losses", name, {**kwargs, "name": "my_loss"}, tag=f"config,{kwargs}")
        if name in LOGITS_KIND:
            add("loss_obj", "losses", name, {"from_logits": True}, inputs_for(LOGITS_KIND[name]), tag="from_logits")
    # per-sample weights (n,) on a rank-3 loss: the docs allow them, Keras 3 refuses them (a documented divergence)
    arrays = inputs_for("signed", t=3)
    arrays["sample_weight"] = RNG.uniform(0.0, 2.0, size=(arrays["y_pred"].shape[0],)).astype(F32)
    add("loss_obj", "losses", "CategoricalCrossentropy", {}, {**inputs_for("categorical_timesteps"),
        "sample_weight": arrays["sample_weight"]}, tag="rank-3 loss, per-sample weights (n,)")
    # per-timestep sample weights (n, t) on rank-3 losses
    for name, kind in (("CategoricalCrossentropy", "categorical_timesteps"),
                       ("SparseCategoricalCrossentropy", "sparse_timesteps"), ("MeanSquaredError", "signed")):
        for reduction in ("sum_over_batch_size", "sum", "none"):
            arrays = inputs_for(kind) if kind != "signed" else inputs_for("signed", t=3)
            arrays["sample_weight"] = RNG.uniform(0.0, 2.0, size=arrays["y_pred"].shape[:2]).astype(F32)
            add("loss_obj", "losses", name, {"reduction": reduction}, arrays, tag=f"timestep_weights,{reduction}")


# --- metrics ---------------------------------------------------------------------------------------------------
METRIC_FUNCTIONS = {
    "accuracy": "labels", "binary_accuracy": "binary", "categorical_accuracy": "categorical",
    "sparse_categorical_accuracy": "sparse", "top_k_categorical_accuracy": "top_k",
    "sparse_top_k_categorical_accuracy": "sparse_top_k", "mean_squared_error": "signed",
    "mean_absolute_error": "signed", "mean_absolute_percentage_error": "regression",
    "mean_squared_logarithmic_error": "regression",
}
KERAS_MODULE = {"accuracy": "src.metrics.accuracy_metrics"}  # tf.keras 2's public name; Keras 3 keeps it inside
METRIC_FUNCTION_KWARGS = {"binary_accuracy": [{"threshold": 0.7}], "top_k_categorical_accuracy": [{"k": 2}],
                          "sparse_top_k_categorical_accuracy": [{"k": 2}]}
METRIC_CLASSES = {
    "Mean": ("values", [{}]), "Sum": ("values", [{}]), "Accuracy": ("labels", [{}]),
    "BinaryAccuracy": ("binary", [{}, {"threshold": 0.3}]), "CategoricalAccuracy": ("categorical", [{}]),
    "SparseCategoricalAccuracy": ("sparse", [{}]), "TopKCategoricalAccuracy": ("top_k", [{}, {"k": 2}]),
    "SparseTopKCategoricalAccuracy": ("sparse_top_k", [{}, {"k": 2}]),
    "MeanSquaredError": ("signed", [{}]), "MeanAbsoluteError": ("signed", [{}]),
    "MeanAbsolutePercentageError": ("regression", [{}]), "MeanSquaredLogarithmicError": ("regression", [{}]),
    "RootMeanSquaredError": ("signed", [{}]),
    "BinaryCrossentropy": ("binary", [{}, {"label_smoothing": 0.1}]),
    "CategoricalCrossentropy": ("categorical", [{}, {"label_smoothing": 0.2}]),
    "SparseCategoricalCrossentropy": ("sparse", [{}]), "KLDivergence": ("probabilities", [{}]),
    "Poisson": ("regression", [{}]), "LogCoshError": ("signed", [{}]), "CosineSimilarity": ("signed", [{}]),
    "Hinge": ("hinge", [{}]), "SquaredHinge": ("hinge", [{}]),
    "Precision": ("binary", [{}, {"thresholds": [0.3, 0.6]}, {"top_k": 2}]),
    "Recall": ("binary", [{}, {"class_id": 1}]),
    "AUC": ("binary", [{}, {"curve": "PR"}, {"num_thresholds": 11, "summation_method": "minoring"}]),
    "F1Score": ("binary", [{}, {"average": "macro", "threshold": 0.5}]),
    "FBetaScore": ("binary", [{"beta": 2.0, "average": "micro", "threshold": 0.4}]),
}


def metric_cases():
    for name, kind in METRIC_FUNCTIONS.items():
        where = {"keras_module": KERAS_MODULE[name]} if name in KERAS_MODULE else {}
        add("metric_fn", "metrics", name, {}, inputs_for(kind), tag=kind, **where)
        for kwargs in METRIC_FUNCTION_KWARGS.get(name, []):
            add("metric_fn", "metrics", name, kwargs, inputs_for(kind), tag=str(kwargs))
    for name, (kind, variants) in METRIC_CLASSES.items():
        for kwargs in variants:
            for weighted in (False, True):
                arrays = {}
                for b in range(3):
                    batch = inputs_for(kind, n=5 + b)
                    arrays[f"y_true_{b}"], arrays[f"y_pred_{b}"] = batch["y_true"], batch["y_pred"]
                    if weighted:
                        arrays[f"sample_weight_{b}"] = RNG.uniform(0.0, 2.0, size=(5 + b,)).astype(F32)
                add("metric_obj", "metrics", name, kwargs, arrays, batches=3, tag=f"{kwargs},weighted={weighted}")
            add("config", "metrics", name, {**kwargs, "name": "my_metric"}, tag=f"config,{kwargs}")


# --- activations (value and gradient on a grid with the kinks) -------------------------------------------------
GRID = np.array([-1e3, -7.0, -6.0, -5.0, -3.5, -3.0, -2.5, -2.0, -1.0, -0.5, -0.1, -1e-3, 0.0, 1e-3, 0.1, 0.5,
                 1.0, 2.0, 2.5, 3.0, 3.5, 5.0, 6.0, 7.0, 30.0], dtype=F32)
ACTIVATIONS = {
    "linear": [{}], "sigmoid": [{}], "tanh": [{}], "softplus": [{}], "softsign": [{}], "selu": [{}],
    "silu": [{}], "swish": [{}], "exponential": [{}], "hard_sigmoid": [{}], "relu6": [{}],
    "elu": [{}, {"alpha": 0.5}], "leaky_relu": [{}, {"negative_slope": 0.1}], "gelu": [{}, {"approximate": True}],
    "softmax": [{}], "relu": [{}, {"negative_slope": 0.1}, {"max_value": 6.0}, {"max_value": 2.5},
                              {"threshold": 0.5}, {"threshold": -1.0}, {"threshold": -1.0, "max_value": 2.5},
                              {"negative_slope": 0.1, "threshold": 0.5},
                              {"negative_slope": 0.1, "max_value": 2.5, "threshold": -1.0}],
}
# keras.ops functions of the same names whose defaults differ from the activation's (gelu: approximate=True)
OPS = {"relu": [{}], "relu6": [{}], "sigmoid": [{}], "tanh": [{}], "softplus": [{}], "softsign": [{}],
       "elu": [{}], "selu": [{}], "leaky_relu": [{}], "silu": [{}], "gelu": [{}, {"approximate": False}],
       "hard_sigmoid": [{}], "softmax": [{}], "log_softmax": [{}]}
# The grid without -1e3 where the function overflows in float32 on both sides (exponential).
OVERFLOWING = {"exponential"}


def activation_cases():
    for module, table in (("activations", ACTIVATIONS), ("ops", OPS)):
        for name, variants in table.items():
            for kwargs in variants:
                x = GRID[GRID < 80] if name not in OVERFLOWING else GRID[(GRID > -100) & (GRID < 20)]
                if name == "softmax" or name == "log_softmax":
                    x = x[1:-1].reshape(-1, 1)[: 20].reshape(4, 5)
                cotangent = RNG.uniform(0.5, 1.5, size=x.shape).astype(F32)
                add("activation", module, name, kwargs, {"x": x, "cotangent": cotangent}, tag=str(kwargs),
                    rtol=1e-5, atol=1e-5)  # float32 gradients of order 1: 1e-5 absolute is a few ulps


# --- optimizers ------------------------------------------------------------------------------------------------
COMMON_OPTIONS = [{}, {"clipnorm": 0.5}, {"clipvalue": 0.2}, {"global_clipnorm": 0.5}, {"weight_decay": 0.05},
                  {"gradient_accumulation_steps": 2}, {"clipnorm": 0.5, "weight_decay": 0.05}]
OPTIMIZERS = {
    "SGD": [{"learning_rate": 0.1}, {"learning_rate": 0.1, "momentum": 0.9},
            {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}],
    "Adam": [{"learning_rate": 0.01}, {"learning_rate": 0.01, "amsgrad": True}, {"beta_1": 0.5, "epsilon": 1e-3}],
    "RMSprop": [{"learning_rate": 0.01}, {"learning_rate": 0.01, "centered": True},
                {"learning_rate": 0.01, "momentum": 0.5}, {"rho": 0.5, "centered": True, "momentum": 0.3}],
    "Adagrad": [{"learning_rate": 0.1}, {"initial_accumulator_value": 0.5, "epsilon": 1e-3}],
    "Nadam": [{"learning_rate": 0.01}, {"beta_2": 0.9}],
    "AdamW": [{"learning_rate": 0.01}, {"learning_rate": 0.01, "amsgrad": True, "weight_decay": 0.1}],
    "Adamax": [{"learning_rate": 0.01}, {"beta_2": 0.9, "epsilon": 1e-3}],
    "Lion": [{"learning_rate": 0.01}, {"beta_1": 0.5, "beta_2": 0.9}],
    "Ftrl": [{"learning_rate": 0.1}, {"learning_rate": 0.2, "learning_rate_power": -0.3, "beta": 0.3,
                                      "l1_regularization_strength": 0.05, "l2_regularization_strength": 0.1,
                                      "l2_shrinkage_regularization_strength": 0.02}],
}
SCHEDULES = {
    "ExponentialDecay": [{"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5},
                         {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.5, "staircase": True}],
    "PiecewiseConstantDecay": [{"boundaries": [2, 5], "values": [0.1, 0.05, 0.01]}],
    "PolynomialDecay": [{"initial_learning_rate": 0.1, "decay_steps": 6, "end_learning_rate": 0.01, "power": 2.0},
                        {"initial_learning_rate": 0.1, "decay_steps": 4, "cycle": True}],
    "InverseTimeDecay": [{"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
                         {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5, "staircase": True}],
    "CosineDecay": [{"initial_learning_rate": 0.1, "decay_steps": 8}, {"initial_learning_rate": 0.1,
                    "decay_steps": 8, "alpha": 0.1, "warmup_target": 0.2, "warmup_steps": 3}],
    "CosineDecayRestarts": [{"initial_learning_rate": 0.1, "first_decay_steps": 3},
                            {"initial_learning_rate": 0.1, "first_decay_steps": 3, "t_mul": 1.0, "m_mul": 0.5}],
}


def _optimizer_arrays(steps):
    arrays = {"init_kernel": _uniform(-1, 1, (3, 2)), "init_bias": _uniform(-1, 1, (2,))}
    for s in range(steps):
        arrays[f"grad_kernel_{s}"] = _uniform(-2, 2, (3, 2))
        arrays[f"grad_bias_{s}"] = _uniform(-2, 2, (2,))
    return arrays


def optimizer_cases(steps=5):
    for name, variants in OPTIMIZERS.items():
        for kwargs in variants:
            for option in COMMON_OPTIONS if kwargs is variants[0] else [{}]:
                add("optimizer", "optimizers", name, {**kwargs, **option}, _optimizer_arrays(steps),
                    variables=["kernel", "bias"], steps=steps, tag=str({**kwargs, **option}), rtol=1e-4, atol=1e-6)
        add("optimizer", "optimizers", name, {"learning_rate": None}, _optimizer_arrays(steps), variables=["kernel",
            "bias"], steps=steps, tag="ExponentialDecay schedule", rtol=1e-4, atol=1e-6,
            schedule={"name": "ExponentialDecay", "kwargs": {"initial_learning_rate": 0.05, "decay_steps": 2,
                                                             "decay_rate": 0.5}})
        add("config", "optimizers", name, {**variants[-1], "name": "my_optimizer"}, tag="config")
    for name, variants in SCHEDULES.items():
        for kwargs in variants:
            add("schedule", "optimizers.schedules", name, kwargs, steps=list(range(0, 14)), tag=str(kwargs))
            add("config", "optimizers.schedules", name, kwargs, tag=f"config,{kwargs}")


# --- initializers (distributions: RNG streams differ between libraries) -----------------------------------------
INITIALIZERS = {
    "Zeros": [{}], "Ones": [{}], "Constant": [{"value": 0.3}], "RandomNormal": [{}, {"mean": 1.0, "stddev": 0.5}],
    "RandomUniform": [{}, {"minval": -2.0, "maxval": 1.0}],
    "VarianceScaling": [{}, {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"},
                        {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal"}],
    "GlorotUniform": [{}], "GlorotNormal": [{}], "HeNormal": [{}], "HeUniform": [{}], "LecunNormal": [{}],
    "LecunUniform": [{}],
}
UNSEEDED = {"Zeros", "Ones", "Constant"}


def initializer_cases():
    for name, variants in INITIALIZERS.items():
        for kwargs in variants:
            add("initializer", "initializers", name, kwargs, shape=[60, 40], seeded=name not in UNSEEDED,
                tag=str(kwargs))
            add("config", "initializers", name, kwargs, tag=f"config,{kwargs}")


# --- layers' configs -------------------------------------------------------------------------------------------
LAYER_CONFIGS = {
    "Dense": [{"units": 3, "name": "d"}, {"units": 4, "activation": "relu", "use_bias": False, "name": "d2",
                                          "kernel_initializer": "he_normal", "kernel_regularizer": "l2"}],
    "Dropout": [{"rate": 0.3, "name": "drop", "seed": 3}], "Flatten": [{"name": "flat"}],
    "Activation": [{"activation": "tanh", "name": "act"}], "Concatenate": [{"axis": -1, "name": "cat"}],
    "Add": [{"name": "add"}], "Average": [{"name": "avg"}], "Maximum": [{"name": "max"}],
    "Minimum": [{"name": "min"}], "Multiply": [{"name": "mul"}], "Subtract": [{"name": "sub"}],
    "BatchNormalization": [{"name": "bn"}, {"name": "bn2", "momentum": 0.9, "epsilon": 1e-3, "center": False,
                                            "scale": False, "axis": 1}],
    "LayerNormalization": [{"name": "ln"}, {"name": "ln2", "epsilon": 1e-5, "axis": [1, 2], "center": False}],
    "Normalization": [{"name": "norm"}, {"name": "norm2", "axis": None}],
    "Rescaling": [{"scale": 1 / 255, "offset": -0.5, "name": "rescale"}],
    "Reshape": [{"target_shape": [2, -1], "name": "reshape"}], "RepeatVector": [{"n": 3, "name": "repeat"}],
    "Identity": [{"name": "ident"}], "Discretization": [{"bin_boundaries": [0.0, 1.0], "name": "disc"}],
    "CategoryEncoding": [{"num_tokens": 4, "output_mode": "one_hot", "name": "enc"}],
    "InputLayer": [{"shape": [3], "name": "in"}],
    "ReLU": [{"name": "relu"}, {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5, "name": "relu2"}],
    "LeakyReLU": [{"name": "leaky"}, {"negative_slope": 0.1, "name": "leaky2"}],
    "PReLU": [{"name": "prelu"}, {"alpha_initializer": "ones", "shared_axes": [1], "alpha_regularizer": "l2",
                                  "alpha_constraint": "non_neg", "name": "prelu2"}],
    "Softmax": [{"name": "softmax"}, {"axis": [1, 2], "name": "softmax2"}],
}


def config_cases():
    for name, variants in LAYER_CONFIGS.items():
        for kwargs in variants:
            add("config", "layers", name, kwargs, tag=str(kwargs))


# --- whole models from identical weights -----------------------------------------------------------------------
def _glorot(fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return ((RNG.integers(0, 256, size=(fan_in, fan_out)).astype("float64") - 127.5) / 127.5 * limit).astype(F32)


def _weights(sizes):
    arrays = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        arrays[f"weight_{2 * i}"] = _glorot(fan_in, fan_out)
        arrays[f"weight_{2 * i + 1}"] = np.zeros(fan_out, F32)
    return arrays


def model_cases():
    n = 48
    pixels = (RNG.integers(0, 256, size=(n, 784)) / 255.0).astype(F32)  # Fashion-MNIST-like images
    labels = RNG.integers(0, 10, size=(n,)).astype("int64")
    mnist = {"input_shape": [784], "dense": [[300, "relu"], [100, "relu"], [10, "softmax"]], "optimizer": "SGD",
             "optimizer_kwargs": {"learning_rate": 0.05}}
    weights = _weights([784, 300, 100, 10])
    compile_kwargs = {"loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    sw = RNG.uniform(0.2, 2.0, size=(n,)).astype(F32)
    for tag, fit, extra in (
        ("plain", {"epochs": 2, "batch_size": 16}, {}),
        ("validation_split", {"epochs": 2, "batch_size": 16, "validation_split": 0.25}, {}),
        ("class_weight", {"epochs": 2, "batch_size": 16, "class_weight": {str(c): 1.0 + 0.2 * c for c in range(10)}}, {}),
        ("sample_weight", {"epochs": 2, "batch_size": 16}, {"sample_weight": sw}),
    ):
        add("model", "", "Sequential", {}, {"x": pixels, "y": labels, **weights, **extra}, model=mnist,
            compile=compile_kwargs, fit=fit, tag=f"mnist 784-300-100-10,{tag}", rtol=2e-4, atol=2e-5)
    x = RNG.normal(size=(n, 8)).astype(F32)  # standardised California-housing-like features
    y = (x @ RNG.normal(size=(8, 1)) * 0.5 + 2.0).astype(F32)
    housing = {"input_shape": [8], "dense": [[30, "relu"], [1, None]], "optimizer": "SGD",
               "optimizer_kwargs": {"learning_rate": 0.01}}
    weights = _weights([8, 30, 1])
    for tag, fit, extra, compile_kwargs in (
        ("plain", {"epochs": 3, "batch_size": 8}, {}, {"loss": "mse"}),
        ("validation_split", {"epochs": 3, "batch_size": 8, "validation_split": 0.25}, {}, {"loss": "mse",
                                                                                           "metrics": ["mae"]}),
        ("sample_weight", {"epochs": 3, "batch_size": 8}, {"sample_weight": sw},
         {"loss": "mse", "metrics": ["mae"], "weighted_metrics": ["mse"]}),
    ):
        add("model", "", "Sequential", {}, {"x": x, "y": y, **weights, **extra}, model=housing,
            compile=compile_kwargs, fit=fit, tag=f"housing 8-30-1,{tag}", rtol=2e-4, atol=2e-5)
    # metrics=["accuracy"] and loss="crossentropy" are resolved from the shapes of targets and outputs
    y3 = _binary((n, 3))
    small = {"input_shape": [8], "dense": [[3, "sigmoid"]], "optimizer": "SGD"}
    for compile_kwargs in ({"loss": "binary_crossentropy", "metrics": ["accuracy"]},
                           {"loss": "crossentropy", "metrics": ["accuracy"]}):
        add("model", "", "Sequential", {}, {"x": x, "y": y3, **_weights([8, 3])}, model=small,
            compile=compile_kwargs, tag=f"resolve accuracy,{compile_kwargs['loss']}, 3 sigmoid units")
    softmax = {"input_shape": [8], "dense": [[4, "softmax"]], "optimizer": "SGD"}
    for loss, target in (("ce", labels[:, None] % 4), ("crossentropy", np.eye(4, dtype=F32)[labels % 4])):
        add("model", "", "Sequential", {}, {"x": x, "y": target, **_weights([8, 4])}, model=softmax,
            compile={"loss": loss, "metrics": ["accuracy"]}, tag=f"resolve {loss} from shape {target.shape}")


def value_and_grad_tf(fn, x, cotangent):
    import tensorflow as tf

    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
        total = tf.reduce_sum(y * cotangent)
    return y, tape.gradient(total, x)


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def main():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import keras

    spec = importlib.util.spec_from_file_location("differential", ROOT / "tests" / "keras_compat" / "differential.py")
    differential = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(differential)
    for make in (loss_cases, metric_cases, activation_cases, optimizer_cases, initializer_cases, config_cases,
                 model_cases):
        make()
    side = differential.Side(keras, value_and_grad_tf, is_reference=True)
    for case in CASES:
        keras.utils.set_random_seed(1)
        arrays = {k: ARRAYS[key] for k, key in case["arrays"].items()}
        try:
            outputs = differential.run(side, case, arrays)
        except Exception as error:  # Keras refusing an input is recorded: neuronet must then be shown to differ
            case["keras_error"] = f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"
            continue
        case["outputs"] = {}
        for key, value in outputs.items():
            if isinstance(value, np.ndarray):
                case["outputs"][key] = {"array": _store(value.astype(F32) if key == "samples" else value)}
            else:
                case["outputs"][key] = _jsonable(value)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURES / "keras_reference.npz", **ARRAYS)
    meta = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": CASES}
    (FIXTURES / "keras_reference.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    errors = sum("keras_error" in c for c in CASES)
    print(f"{len(CASES)} cases ({errors} refused by Keras) -> {FIXTURES}", file=sys.stderr)


if __name__ == "__main__":
    main()
