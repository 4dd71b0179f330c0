"""neuronet against real Keras 3, case by case, from the outputs `tools/make_keras_reference.py` recorded.

Every case runs through `differential.py`, the same code that ran it on Keras. Float32 tolerances; initializers
are compared as distributions (moments, bounds, a two-sample Kolmogorov-Smirnov statistic), since the random
streams differ. A public name of losses, metrics, activations, optimizers or initializers without a case fails
`test_every_public_name_has_a_differential_case`.
"""
import inspect
import json
import math
import pathlib

import numpy as np
import pytest

import neuronet
from neuronet.autodiff import Tensor, graph, primitives
from neuronet.layers import layer as layer_module

from tests.keras_compat import differential

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
META = json.loads((FIXTURES / "keras_reference.json").read_text())
CASES = META["cases"]
with np.load(FIXTURES / "keras_reference.npz", allow_pickle=False) as _npz:
    ARRAYS = {key: _npz[key] for key in _npz.files}

# Where Keras's TensorFlow and JAX backends disagree with each other, or Keras refuses an input its own docs allow,
# neuronet keeps its behaviour: each is asserted to differ here, and explained by a test in test_divergences.py.
DIVERGENCES = {
    "metrics.CosineSimilarity[config,{}]": "Keras's CosineSimilarity.get_config() drops `axis`; neuronet keeps it",
    "losses.sparse_categorical_crossentropy[sparse_unnormalised_wide]":
        "TF clips unnormalised probability rows before renormalising them, JAX after; neuronet renormalises first",
    "activations.selu[{}]": "the derivative at 0: TF's is scale, JAX's (and neuronet's) scale * alpha",
    "ops.selu[{}]": "the derivative at 0: TF's is scale, JAX's (and neuronet's) scale * alpha",
    "losses.Huber[config,{}]": "Keras's Huber.get_config() drops `delta`; neuronet keeps it",
    "losses.Huber[config,{'delta': 0.3}]": "Keras's Huber.get_config() drops `delta`; neuronet keeps it",
    "keras.Sequential[resolve accuracy,crossentropy, 3 sigmoid units]":
        "categorical cross-entropy of sigmoid outputs: TF uses the sigmoid's logits as softmax logits, JAX (and "
        "neuronet) the renormalised probabilities",
    "losses.CategoricalCrossentropy[rank-3 loss, per-sample weights (n,)]":
        "Keras refuses (n,) weights on a rank-3 loss its docs allow; neuronet weighs along the batch axis",
}
# Keys Keras 3 writes for features neuronet does not have, at the values that leave them unused (LayerNormalization
# leaves out `rms_scaling: False` because tf.keras 2 refuses the key in .h5 files).
INERT_KERAS_KEYS = {**layer_module.INERT_KERAS_KEYS, "rms_scaling": False}


def value_and_grad(fn, x, cotangent):
    tensor = Tensor(neuronet.backend.asarray(np.array(x)), requires_grad=True)  # on the device, as a layer's input
    out = fn(tensor)
    total = primitives.sum(primitives.multiply(out, neuronet.backend.asarray(cotangent)))
    (grad,) = graph.grad(total, [tensor])
    return out, np.zeros_like(x) if grad is None else grad


class NeuronetSide(differential.Side):
    def numpy(self, x):
        return np.asarray(neuronet.backend.to_numpy(x))  # the explicit device -> host copy (CuPy, strict)


SIDE = NeuronetSide(neuronet, value_and_grad)


def inputs(case):
    return {key: ARRAYS[ref] for key, ref in case["arrays"].items()}


def expected(case, key):
    value = case["outputs"][key]
    return ARRAYS[value["array"]] if isinstance(value, dict) and "array" in value else value


def assert_config_equal(ours, theirs, path="config"):
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), f"{path}: expected a dict {theirs!r}, received {ours!r}"
        theirs = {k: v for k, v in theirs.items() if not (k in INERT_KERAS_KEYS and k not in ours
                                                          and v == INERT_KERAS_KEYS[k])}
        assert sorted(ours) == sorted(theirs), f"{path}: keys {sorted(ours)} != Keras's {sorted(theirs)}"
        for key in theirs:
            assert_config_equal(ours[key], theirs[key], f"{path}[{key!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), f"{path}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_config_equal(a, b, f"{path}[{i}]")
    elif isinstance(theirs, float) and not isinstance(ours, bool) and isinstance(ours, (int, float)):
        assert math.isclose(ours, theirs, rel_tol=1e-6), f"{path}: {ours!r} != Keras's {theirs!r}"
    else:
        assert ours == theirs and type(ours) is type(theirs), f"{path}: {ours!r} != Keras's {theirs!r}"


def ks_statistic(a, b):
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical CDFs."""
    grid = np.sort(np.concatenate([a, b]))
    cdf_a = np.searchsorted(np.sort(a), grid, side="right") / a.size
    cdf_b = np.searchsorted(np.sort(b), grid, side="right") / b.size
    return float(np.max(np.abs(cdf_a - cdf_b)))


def compare_initializer(case, ours):
    theirs = expected(case, "samples").astype("float64")
    assert ours["shape"] == case["outputs"]["shape"] and ours["dtype"] == case["outputs"]["dtype"]
    samples = ours["samples"]
    if not case.get("seeded", True) or np.ptp(theirs) == 0:
        np.testing.assert_array_equal(samples, theirs)
        return
    spread = theirs.std()
    assert abs(samples.mean() - theirs.mean()) < 0.1 * spread, "mean differs from Keras's"
    assert abs(samples.std() - spread) < 0.05 * spread, "standard deviation differs from Keras's"
    # bounded draws (uniform, truncated normal) stay inside Keras's limits
    assert np.abs(samples - theirs.mean()).max() <= max(np.abs(theirs - theirs.mean()).max() * 1.02, 6 * spread)
    # n = m = 2400: the 0.1% critical value of the two-sample KS statistic is 1.95 * sqrt(2 / 2400) = 0.056
    assert ks_statistic(samples, theirs) < 0.056, "distribution differs from Keras's (KS test)"


def compare(case, ours):
    if case["kind"] == "initializer":
        return compare_initializer(case, ours)
    assert sorted(ours) == sorted(case["outputs"]), f"outputs {sorted(ours)} != Keras's {sorted(case['outputs'])}"
    for key in case["outputs"]:
        theirs = expected(case, key)
        if key == "config":
            assert_config_equal(ours[key], theirs)
            cls = differential._attr(SIDE, case)
            assert_config_equal(cls.from_config(dict(theirs)).get_config(), theirs, "from_config(Keras's config)")
        elif isinstance(theirs, np.ndarray):
            assert np.shape(ours[key]) == theirs.shape, f"{key}: shape {np.shape(ours[key])} != Keras's {theirs.shape}"
            np.testing.assert_allclose(ours[key], theirs, rtol=case["rtol"], atol=case["atol"], err_msg=key)
        else:
            assert ours[key] == theirs, f"{key}: {ours[key]!r} != Keras's {theirs!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_agrees_with_keras(case):
    if "keras_error" in case:
        assert case["id"] in DIVERGENCES, f"Keras refused this case ({case['keras_error']}): fix the case"
        differential.run(SIDE, case, inputs(case))  # neuronet computes it (see test_divergences.py)
        return
    ours = differential.run(SIDE, case, inputs(case))
    if case["id"] in DIVERGENCES:
        with pytest.raises(AssertionError):
            compare(case, ours)
        return
    compare(case, ours)


# Infrastructure, not computations: base classes and the get/serialize functions are exercised by every case.
NOT_COMPUTATIONS = {"Loss", "LossFunctionWrapper", "Metric", "MeanMetricWrapper", "Optimizer", "Initializer",
                    "LearningRateSchedule", "get", "serialize", "deserialize", "deserialize_object", "register",
                    "reduce_weighted_values", "squeeze_or_expand_to_same_rank", "resolve_accuracy"}
# neuronet-only names with no Keras 3 counterpart to differ from.
NEURONET_ONLY = {("activations", "heaviside"): "the TLU step of the book's perceptron; Keras has no step function",
                 ("activations", "step"): "alias of heaviside"}


def public_names(module_name):
    module = neuronet
    for part in module_name.split("."):
        module = getattr(module, part)
    for name in dir(module):  # the public names, those a package loads on first use included
        obj = getattr(module, name)
        if name.startswith("_") or name in NOT_COMPUTATIONS or (module_name, name) in NEURONET_ONLY:
            continue
        home = getattr(obj, "__module__", None) or ""
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and home.startswith(f"neuronet.{module_name}"):
            yield name, obj


@pytest.mark.parametrize("module_name", ["losses", "metrics", "activations", "optimizers", "optimizers.schedules",
                                         "initializers"])
def test_every_public_name_has_a_differential_case(module_name):
    covered = {id(differential._attr(SIDE, c)) for c in CASES if c["module"] == module_name and c["kind"] != "config"}
    missing = sorted(name for name, obj in public_names(module_name) if id(obj) not in covered)
    assert not missing, (f"neuronet.{module_name} names without a differential case: {missing}. Add them to "
                         "tools/make_keras_reference.py and run it with real Keras.")


# Layers without a config of Keras's kind: base classes, and Lambda (its config holds code, never loaded here).
LAYERS_WITHOUT_CONFIG_CASE = {"Layer", "PreprocessingLayer", "Lambda"}


def test_every_public_layer_has_a_config_case():
    covered = {c["name"] for c in CASES if c["module"] == "layers" and c["kind"] == "config"}
    # dir() and getattr(): keras.layers loads most layer modules on first use
    public = {name for name in dir(neuronet.layers) if inspect.isclass(getattr(neuronet.layers, name))}
    assert {"Dense", "BatchNormalization", "Normalization"} <= public
    missing = sorted(public - covered - LAYERS_WITHOUT_CONFIG_CASE)
    assert not missing, f"neuronet.layers classes without a get_config() case: {missing}"


def test_the_suite_is_large_and_agrees():
    """The number the issue asks for: how many cases there are, and that all but the documented ones agree."""
    assert len(CASES) > 400
    assert META["keras_version"].startswith("3.")
