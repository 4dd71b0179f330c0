"""Record what real Keras Tuner does, for tests that run without it.

Run by hand in an environment with `keras_tuner` installed (CI never runs this script; it runs the tests that read
its output):

    python tools/make_keras_tuner_fixtures.py

It drives Keras Tuner's own `HyperbandOracle` (no model is trained: each trial reports a seeded random score) for a
set of `max_epochs`/`factor`/`hyperband_iterations` and writes, per setting, how many trials it creates and how many
of them each (bracket, round, epochs) gets, to `tests/tuners/fixtures/keras_tuner_hyperband.json`.
"""
import collections
import json
import pathlib
import random
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "tests" / "tuners" / "fixtures" / "keras_tuner_hyperband.json"
SETTINGS = [(10, 3, 1), (10, 3, 2), (9, 3, 1), (3, 3, 1), (2, 3, 1), (1, 3, 1), (27, 3, 1), (81, 3, 1),
            (100, 3, 1), (8, 2, 1), (20, 2, 1), (125, 5, 1), (30, 4, 1)]


def run_oracle(keras_tuner, directory, max_epochs, factor, iterations):
    oracle = keras_tuner.oracles.HyperbandOracle(objective=keras_tuner.Objective("val_accuracy", "max"),
                                                 max_epochs=max_epochs, factor=factor,
                                                 hyperband_iterations=iterations, seed=42)
    oracle.hyperparameters.Float("x", 0.0, 1.0)
    oracle._set_project_dir(directory, f"hb_{max_epochs}_{factor}_{iterations}")
    oracle.verbose = 0
    scores, counts, trials = random.Random(0), collections.Counter(), 0
    while True:
        trial = oracle.create_trial("tuner0")
        if trial.status == "STOPPED":
            break
        values = trial.hyperparameters.values
        counts[(values["tuner/bracket"], values["tuner/round"], values["tuner/epochs"])] += 1
        oracle.update_trial(trial.trial_id, {"val_accuracy": scores.random()}, step=0)
        trial.status = "COMPLETED"
        oracle.end_trial(trial)
        trials += 1
    return {"max_epochs": max_epochs, "factor": factor, "hyperband_iterations": iterations, "trials": trials,
            "rounds": [[b, r, e, n] for (b, r, e), n in sorted(counts.items(), reverse=True)]}


def main():
    import keras_tuner

    with tempfile.TemporaryDirectory() as directory:
        cases = [run_oracle(keras_tuner, directory, *setting) for setting in SETTINGS]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    lines = ",\n  ".join(json.dumps(case) for case in cases)  # one case per line: readable diffs
    OUTPUT.write_text(f'{{"keras_tuner": "{keras_tuner.__version__}",\n "cases": [\n  {lines}\n ]\n}}\n')
    print(f"wrote {OUTPUT}: " + ", ".join(f"{c['max_epochs']}/{c['factor']}/{c['hyperband_iterations']}: "
                                          f"{c['trials']}" for c in cases), file=sys.stderr)


if __name__ == "__main__":
    main()
