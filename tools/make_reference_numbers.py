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
        from make_reference_metrics import metrics  # noqa: PLC0415  (kept apart: the metric cases are long)

        out = ROOT / "tests" / "metrics" / "fixtures" / "keras_metrics.json"
        data = metrics()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
