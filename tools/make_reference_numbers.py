"""Record real Keras 3 numbers that neuronet's tests compare against (optimizer steps, metric results).

Run by hand with TensorFlow / Keras 3 installed (CI never runs it; the tests read its JSON output):

    python tools/make_reference_numbers.py optimizers   # -> tests/optimizers/fixtures/keras_optimizer_steps.json
    python tools/make_reference_numbers.py metrics      # -> tests/metrics/fixtures/keras_metrics.json
    python tools/make_reference_numbers.py layers       # -> tests/layers/activations/fixtures/keras_layers.json

Inputs are drawn here with a fixed seed and stored beside the outputs, so the tests need no random generator to
agree with this script. Plain JSON: nothing is pickled.
"""
from __future__ import annotations

import argparse
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHAPES = [(3, 2), (2,)]
STEPS = 5
OPTIMIZER_CASES = {
    "AdamW": [{"learning_rate": 0.01}, {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True}],
    "Adamax": [{"learning_rate": 0.01}, {"learning_rate": 0.1, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3}],
    "Lion": [{"learning_rate": 0.01}, {"learning_rate": 0.1, "beta_1": 0.5, "beta_2": 0.9, "weight_decay": 0.1}],
    "Ftrl": [{"learning_rate": 0.1},
             {"learning_rate": 0.2, "learning_rate_power": -0.3, "initial_accumulator_value": 0.5,
              "l1_regularization_strength": 0.05, "l2_regularization_strength": 0.1,
              "l2_shrinkage_regularization_strength": 0.02, "beta": 0.3}],
}


def optimizers() -> dict:
    import keras

    rng = np.random.default_rng(11)
    initial = [rng.normal(size=s).astype("float32") for s in SHAPES]
    grads = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)]
    cases = []
    for name, configs in OPTIMIZER_CASES.items():
        for config in configs:
            variables = [keras.Variable(w.copy(), name=f"w{i}") for i, w in enumerate(initial)]
            optimizer = getattr(keras.optimizers, name)(**config)
            for step in grads:
                optimizer.apply(step, variables)
            cases.append({"class_name": name, "config": config,
                          "keras_config": optimizer.get_config(),
                          "weights": [np.asarray(v).tolist() for v in variables],
                          "optimizer_variables": {v.name: np.asarray(v).tolist() for v in optimizer.variables}})
    return {"keras_version": keras.__version__, "initial": [w.tolist() for w in initial],
            "grads": [[g.tolist() for g in step] for step in grads], "cases": cases}


LAYER_CASES = [
    ("ReLU", {}, None), ("ReLU", {"max_value": 1.0}, None), ("ReLU", {"negative_slope": 0.1}, None),
    ("ReLU", {"threshold": 0.5}, None), ("ReLU", {"max_value": 6.0}, None),
    ("ReLU", {"max_value": 0.8, "negative_slope": 0.2, "threshold": 0.3}, None),
    ("LeakyReLU", {}, None), ("LeakyReLU", {"negative_slope": 0.05}, None),
    ("PReLU", {"alpha_initializer": "ones"}, None),
    ("PReLU", {"alpha_initializer": {"class_name": "Constant", "config": {"value": 0.3}}, "shared_axes": [1]}, None),
    ("Softmax", {}, None), ("Softmax", {"axis": 1}, None), ("Softmax", {"axis": [1, 2]}, None),
    ("Softmax", {}, "last"), ("Softmax", {"axis": 1}, "full"),
]


def layers() -> dict:
    import keras

    rng = np.random.default_rng(12)
    x = (rng.normal(size=(2, 3, 4)) * 2).astype("float32")
    masks = {"last": (rng.uniform(size=(2, 1, 4)) > 0.4), "full": rng.uniform(size=(2, 3, 4)) > 0.5}
    masks["full"][0, :, 0] = False  # one slice along axis 1 fully masked
    cases = []
    for name, config, mask in LAYER_CASES:
        layer = getattr(keras.layers, name)(**config)
        out = layer(x) if mask is None else layer(x, mask=masks[mask])
        cases.append({"class_name": name, "config": config, "mask": mask, "output": np.asarray(out).tolist(),
                      "keras_config": {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}})
    return {"keras_version": keras.__version__, "inputs": x.tolist(),
            "masks": {k: v.tolist() for k, v in masks.items()}, "cases": cases}


BATCH_SIZES = (4, 5, 3)
METRIC_CASES = [  # (class name, config, data kind)
    ("BinaryCrossentropy", {}, "binary"), ("BinaryCrossentropy", {}, "binary_flat"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "onehot"), ("CategoricalCrossentropy", {"label_smoothing": 0.2}, "onehot"),
    ("CategoricalCrossentropy", {"from_logits": True}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"), ("SparseCategoricalCrossentropy", {"from_logits": True},
                                                      "sparse_logits"),
    ("KLDivergence", {}, "onehot"), ("Poisson", {}, "positive"), ("LogCoshError", {}, "regression"),
    ("MeanSquaredLogarithmicError", {}, "positive"), ("MeanAbsolutePercentageError", {}, "positive"),
    ("CosineSimilarity", {}, "regression"), ("CosineSimilarity", {"axis": 0}, "regression"),
    ("Hinge", {}, "binary"), ("SquaredHinge", {}, "regression_pm"),
    ("Precision", {}, "binary"), ("Precision", {"thresholds": [0.3, 0.6]}, "binary_flat"),
    ("Precision", {"top_k": 2}, "multilabel"), ("Precision", {"class_id": 1}, "multilabel"),
    ("Precision", {"top_k": 1, "class_id": 2}, "onehot"),
    ("Recall", {}, "binary"), ("Recall", {"thresholds": [0.0, 0.5, 1.0]}, "binary_flat"),
    ("Recall", {"top_k": 2}, "multilabel"), ("Recall", {"class_id": 0, "thresholds": 0.4}, "multilabel"),
    ("AUC", {}, "binary"), ("AUC", {"curve": "PR"}, "binary"), ("AUC", {"curve": "PR"}, "multilabel"),
    ("AUC", {"num_thresholds": 7, "summation_method": "minoring"}, "binary_flat"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "binary"),
    ("AUC", {"thresholds": [0.2, 0.5, 0.7]}, "binary"), ("AUC", {"multi_label": True}, "multilabel"),
    ("AUC", {"multi_label": True, "label_weights": [1.0, 2.0, 0.5], "curve": "PR"}, "multilabel"),
    ("AUC", {"label_weights": [1.0, 2.0, 0.5]}, "multilabel"), ("AUC", {"from_logits": True}, "binary_logits"),
    ("AUC", {"curve": "PRGAIN", "num_thresholds": 11}, "binary"),
    ("F1Score", {}, "onehot"), ("F1Score", {"average": "micro", "threshold": 0.5}, "multilabel"),
    ("F1Score", {"average": "macro"}, "onehot"), ("F1Score", {"average": "weighted", "threshold": 0.4}, "multilabel"),
    ("FBetaScore", {"beta": 2.0, "average": "macro", "threshold": 0.3}, "multilabel"),
]


def metric_data(rng: np.random.Generator, n: int) -> dict:
    probs = rng.dirichlet(np.ones(3), size=n).astype("float32")
    labels = rng.integers(0, 3, size=n)
    binary = rng.integers(0, 2, size=(n, 1)).astype("float32")
    return {
        "binary": (binary, rng.uniform(size=(n, 1)).astype("float32")),
        "binary_flat": (binary[:, 0], rng.uniform(size=n).astype("float32")),
        "binary_logits": (binary, rng.normal(scale=2.0, size=(n, 1)).astype("float32")),
        "onehot": (np.eye(3, dtype="float32")[labels], probs),
        "onehot_logits": (np.eye(3, dtype="float32")[labels], rng.normal(size=(n, 3)).astype("float32")),
        "sparse": (labels.astype("float32"), probs),
        "sparse_logits": (labels.astype("float32"), rng.normal(size=(n, 3)).astype("float32")),
        "multilabel": (rng.integers(0, 2, size=(n, 3)).astype("float32"), rng.uniform(size=(n, 3)).astype("float32")),
        "regression": (rng.normal(size=(n, 3)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")),
        "regression_pm": (rng.choice([-1.0, 1.0], size=(n, 3)).astype("float32"),
                          rng.normal(size=(n, 3)).astype("float32")),
        "positive": (rng.uniform(0.1, 3, size=(n, 3)).astype("float32"),
                     rng.uniform(0.1, 3, size=(n, 3)).astype("float32")),
    }


def metrics() -> dict:
    import keras

    rng = np.random.default_rng(13)
    batches = [metric_data(rng, n) for n in BATCH_SIZES]
    weights = [None] + [rng.uniform(0, 2, size=n).round(2).astype("float32") for n in BATCH_SIZES[1:]]
    cases = []
    for name, config, kind in METRIC_CASES:
        metric = getattr(keras.metrics, name)(**config)
        results = []
        try:
            for batch, weight in zip(batches, weights):
                metric.update_state(*batch[kind], sample_weight=weight)
                results.append(np.asarray(metric.result(), dtype="float64").tolist())
        except Exception as error:  # noqa: BLE001  (recorded: the test expects neuronet to refuse it too)
            print(f"{name} {config} {kind}: {type(error).__name__}")
            results.append({"error": type(error).__name__})
        cases.append({"class_name": name, "config": config, "data": kind, "results": results,
                      "keras_config": {k: v for k, v in metric.get_config().items() if k != "dtype"}})
    return {"keras_version": keras.__version__,
            "batches": [{kind: [y.tolist() for y in pair] for kind, pair in batch.items()} for batch in batches],
            "sample_weights": [None if w is None else w.tolist() for w in weights], "cases": cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["optimizers", "metrics", "layers"])
    args = parser.parse_args()
    if args.what == "optimizers":
        out = ROOT / "tests" / "optimizers" / "fixtures" / "keras_optimizer_steps.json"
        data = optimizers()
    elif args.what == "layers":
        out = ROOT / "tests" / "layers" / "activations" / "fixtures" / "keras_layers.json"
        data = layers()
    else:
        out = ROOT / "tests" / "metrics" / "fixtures" / "keras_metrics.json"
        data = metrics()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, separators=(",", ":"), default=lambda o: np.asarray(o).tolist()) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
