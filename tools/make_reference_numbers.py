"""Record real Keras 3 numbers that neuronet's tests compare against (optimizer steps, metric results).

Run by hand with TensorFlow / Keras 3 installed (CI never runs it; the tests read its JSON output):

    python tools/make_reference_numbers.py optimizers   # -> tests/optimizers/fixtures/keras_optimizer_steps.json
    python tools/make_reference_numbers.py metrics      # -> tests/metrics/fixtures/keras_metrics.json

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["optimizers", "metrics"])
    args = parser.parse_args()
    if args.what == "optimizers":
        out = ROOT / "tests" / "optimizers" / "fixtures" / "keras_optimizer_steps.json"
        data = optimizers()
    else:
        from make_reference_metrics import metrics  # noqa: PLC0415  (kept apart: the metric cases are long)

        out = ROOT / "tests" / "metrics" / "fixtures" / "keras_metrics.json"
        data = metrics()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
