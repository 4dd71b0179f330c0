"""Every program in examples/ runs in fast mode (NEURONET_FAST=1) and prints and writes what it promises.

Each example runs as a user would run it: `python examples/<name>.py`, in a subprocess, from an empty working
directory, with NEURONET_OUTPUT_DIR pointing elsewhere; so a file written to the working directory (or the repository)
instead of the output directory fails the test.
"""
import glob
import math
import os
import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES_DIR = pathlib.Path(__file__).resolve().parents[2] / "examples"
NUMBER = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def _run(name, tmp_path):
    cwd, out = tmp_path / "cwd", tmp_path / "out"
    cwd.mkdir()
    out.mkdir()
    env = dict(os.environ, NEURONET_FAST="1", NEURONET_OUTPUT_DIR=str(out), MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(EXAMPLES_DIR / name)], cwd=cwd, env=env, capture_output=True, check=False,
                          text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{name} exited with {proc.returncode}:\n{output[-4000:]}"
    assert not list(cwd.iterdir()), f"{name} wrote {sorted(os.listdir(cwd))} to the working directory, not to " \
                                     "NEURONET_OUTPUT_DIR"
    return output, out


def _number(output, label):
    """The number printed after `label` (on its last occurrence)."""
    found = re.findall(re.escape(label) + r"\s*" + NUMBER, output)
    assert found, f"expected a line with {label!r} and a number, got:\n{output[-3000:]}"
    value = float(found[-1])
    assert math.isfinite(value), f"{label} {value} is not finite"
    return value


def _files(out, pattern):
    return sorted(glob.glob(str(out / pattern)))


def check_perceptron_iris(output, out):
    assert "Iris setosa? [ True False]" in output
    assert _number(output, "Training accuracy:") == 100
    assert _number(output, "Perceptron on XOR: accuracy") <= 75  # no line separates XOR
    assert "MLP on XOR: accuracy 100%, predictions [0 1 1 0]" in output


def check_fashion_mnist(output, out):
    assert 0.3 < _number(output, "test accuracy:") <= 1  # 10 classes: chance is 0.1
    assert 0 <= _number(output, "best validation accuracy:") <= 1
    assert re.search(r"predicted: \[('[^']+', ){2}'[^']+'\] actual: \['Ankle boot', 'Pullover', 'Trouser'\]", output)
    model_file, = _files(out, "my_keras_model.h5")
    run_dir, = _files(out, "my_logs/run_*")
    picture, = _files(out, "my_fashion_mnist_learning_curves.png")
    assert _files(out, "my_logs/run_*/train/events.out.tfevents.*")
    assert _files(out, "my_logs/run_*/validation/events.out.tfevents.*")
    assert pathlib.Path(picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for label, path in [("model file:", model_file), ("TensorBoard run:", run_dir), ("learning curves:", picture)]:
        assert f"{label} {os.path.abspath(path)}" in output
    assert f"tensorboard --logdir={out / 'my_logs'} --port=6006" in output

    import numpy as np

    import neuronet as keras

    model = keras.models.load_model(model_file)  # the file is a whole model: it predicts 10 probabilities
    proba = model.predict(np.zeros((2, 28, 28)), verbose=0)
    assert proba.shape == (2, 10) and np.allclose(proba.sum(axis=1), 1, atol=1e-5)


def _check_mse(output):
    assert 0 < _number(output, "test MSE:") < 50


def check_california_housing(output, out):
    _check_mse(output)
    assert re.search(r"predictions: \[.*\] actual: \[0\.48 0\.46 5\.\s*\]", output)


def check_wide_and_deep(output, out):
    _check_mse(output)
    assert "concatenate (Concatenate)" in output  # the summary shows the merge of the two paths


def check_wide_and_deep_two_inputs(output, out):
    _check_mse(output)
    assert "same predictions from a dict of named inputs: True" in output


def _check_total_loss(output):
    total = _number(output, "test total loss:")
    main, aux = _number(output, "main MSE:"), _number(output, "auxiliary MSE:")
    assert total == pytest.approx(0.9 * main + 0.1 * aux, rel=1e-3, abs=1e-3)  # loss_weights=[0.9, 0.1]


def check_wide_and_deep_aux_output(output, out):
    _check_total_loss(output)
    assert "'val_aux_output_loss', 'val_loss', 'val_main_output_loss'" in output


def check_subclassed_wide_and_deep(output, out):
    _check_total_loss(output)
    assert "restored model predicts the same: True" in output
    assert _files(out, "my_wide_and_deep.weights.h5")


def check_saving_and_restoring(output, out):
    _check_mse(output)
    output = "\n".join(line for line in output.splitlines() if not line.startswith("summary: "))
    assert output.count("restored predictions identical: True") == 2
    assert re.search(r"my_keras_model\.h5` [\d,]+ bytes: .*optimizer state restored \(63 steps\): True", output)
    assert re.search(r"my_keras_model\.keras` [\d,]+ bytes: .*optimizer state restored \(63 steps\): True", output)
    assert "predictions identical: True" in output.split("weights only")[1]
    for name in ["my_keras_model.h5", "my_keras_model.keras", "my_keras.weights.h5"]:
        assert _files(out, name), name


def check_checkpoints_and_early_stopping(output, out):
    _check_mse(output)
    assert _files(out, "my_keras_model.h5")
    trained = int(_number(output, "early stopping: trained"))
    assert 2 <= trained <= 3, "patience=1 stops after 2 epochs at the earliest, and epochs=3"
    assert "test MSE of the restored model" in output


def check_custom_callback(output, out):
    _check_mse(output)
    assert len(re.findall(r"^val/train: \d+\.\d\d$", output, flags=re.MULTILINE)) == 2  # once per epoch
    assert "trained on 126 batches at learning rate 0.001" in output  # 2 epochs x ceil(2000 / 32)


def check_tensorboard_runs(output, out):
    runs = _files(out, "my_logs/run_*")
    assert len(runs) == 2, runs
    for run in runs:
        assert _files(out, f"my_logs/{os.path.basename(run)}/train/events.out.tfevents.*")
    assert len(re.findall(r"run run_\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\S* \(learning rate", output)) == 2
    assert f"tensorboard --logdir={out / 'my_logs'} --port=6006" in output


def check_randomized_search(output, out):
    _check_mse(output)
    assert output.count("[CV] END") == 4  # 2 candidates x 2 folds
    assert _number(output, "best cross-validation score (negative MSE):") < 0
    assert re.search(r"best parameters: \{'learning_rate': [\d.]+, 'n_hidden': [0-3], 'n_neurons': \d+\}", output)


def check_learning_rate_finder(output, out):
    assert 1e-5 < _number(output, "suggested learning rate:") < 10
    assert 0.3 < _number(output, "test accuracy:") <= 1
    picture, = _files(out, "my_mnist_learning_rate_finder.png")
    assert pathlib.Path(picture).read_bytes()[:4] == b"\x89PNG"


def check_hyperband_tuner(output, out):
    assert 0.3 < _number(output, "test accuracy:") <= 1
    assert _number(output, "trials run:") >= 4
    assert 0 <= _number(output, "best val_accuracy:") <= 1
    assert _files(out, "my_fashion_mnist/hyperband/oracle.json")
    assert "Results summary" in output


def check_keras_tuner_random_search(output, out):
    assert _number(output, "trials run:") == 3  # max_trials in fast mode
    assert 0 <= _number(output, "best trial val_accuracy:") <= 1
    assert 0.3 < _number(output, "test accuracy:") <= 1
    assert re.search(r"Trial \d summary\nHyperparameters:\nn_hidden: \d\nn_neurons: \d+\nlearning_rate: [\d.e-]+\n"
                     r"optimizer: (sgd|adam)\nScore: [\d.]+", output)
    assert _files(out, "my_fashion_mnist/my_rnd_search/oracle.json")
    assert output.rstrip().splitlines()[-1].startswith("summary: 3 trials; best {'n_hidden'")


def check_keras_tuner_hypermodel(output, out):
    assert _number(output, "hyperband trials run:") == 2  # Keras Tuner's schedule for max_epochs=2, factor=3
    assert _number(output, "bayesian trials run:") == 2
    assert 0 <= _number(output, "hyperband best val_accuracy:") <= 1
    assert 0 <= _number(output, "bayesian best val_accuracy:") <= 1
    assert 0.2 < _number(output, "test accuracy:") <= 1
    assert "normalize: " in output  # asked for in HyperModel.fit, recorded with the trial
    assert len(_files(out, "my_fashion_mnist/hyperband/tensorboard/*/execution0/train/events.*")) == 2
    assert output.rstrip().splitlines()[-1].startswith("summary: Hyperband: 2 trials")


def check_tensorboard_custom_summaries(output, out):
    for tag, plugin in (("my_scalar", "scalars"), ("my_hist", "histograms"), ("my_images", "images"),
                        ("my_text", "text"), ("my_audio", "audio")):
        assert f"{tag}: 20 steps for TensorBoard's '{plugin}' dashboard" in output
    assert _number(output, "last my_scalar:") == pytest.approx(math.sin(2), abs=1e-4)
    run_dir, = _files(out, "my_logs/run_*")
    assert len(os.listdir(run_dir)) == 1
    assert output.rstrip().splitlines()[-1].startswith("summary: 20 steps")


def _check_rmse(output, label="test RMSE:"):
    rmse = _number(output, label)
    assert 0 < rmse < 3, rmse  # fast mode: 2 epochs on 2,000 rows; predicting the mean gives about 1.15
    return rmse


def check_normalization_regression_mlp(output, out):
    rmse = _check_rmse(output)
    assert _number(output, "test MSE:") == pytest.approx(rmse**2, rel=1e-3)
    assert "Non-trainable params: 17" in output  # 8 means, 8 variances and the count, as Keras counts them
    assert re.search(r"adapted means: 3\.\d\d, 2\d\.\d\d, ", output)  # raw features: median income, house age...
    assert re.search(r"summary: Normalization .*test RMSE \d\.\d{4}", output)


def check_wide_and_deep_normalization_two_inputs(output, out):
    _check_rmse(output)
    assert "restored model predicts the same: True" in output
    assert _files(out, "my_keras_model.keras")


def check_wide_and_deep_normalization_aux_output(output, out):
    _check_total_loss(output)
    _check_rmse(output, "test main RMSE:")
    assert _number(output, "test main RMSE:") == pytest.approx(_number(output, "main MSE:") ** 0.5, rel=1e-3)
    assert "outputs: ['dense_2', 'dense_3']" in output and "reloaded model predicts the same: True" in output


def check_subclassed_wide_and_deep_normalization(output, out):
    _check_total_loss(output)
    _check_rmse(output, "test main RMSE:")
    assert "Non-trainable params: 24" in output  # (5 + 5) + (6 + 6) statistics and two counts


CHECKS = {name[len("check_"):] + ".py": check for name, check in globals().items() if name.startswith("check_")}


def test_every_example_is_checked():
    examples = {path.name for path in EXAMPLES_DIR.glob("*.py") if not path.name.startswith("_")}
    assert examples == set(CHECKS), f"untested: {examples - set(CHECKS)}; missing: {set(CHECKS) - examples}"


def _datasets_used(name):
    """The real data sets an example reads, from its source (for `requires_data`)."""
    source = (EXAMPLES_DIR / name).read_text()
    used = []
    if re.search(r"load_housing|california_housing", source):
        used.append("california_housing")
    if re.search(r"load_images\(\s*\"mnist\"|datasets\.mnist", source):
        used.append("mnist")
    if re.search(r"load_images\(\s*(\"fashion_mnist\")?\s*\)|fashion_mnist", source):
        used.append("fashion-mnist")
    return used


@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.requires_data(*_datasets_used(name)))
                                  for name in sorted(CHECKS)])
def test_example_runs_in_fast_mode(name, tmp_path):
    output, out = _run(name, tmp_path)
    CHECKS[name](output, out)
    summaries = [line for line in output.splitlines() if line.startswith("summary: ")]
    assert len(summaries) == 1 and output.rstrip().endswith(summaries[0]), \
        f"{name} must end with one `summary(...)` line (tools/example_results.py reads it)"


def test_run_logdirs_are_unique_within_one_second(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES_DIR))
    import _common

    first, second = _common.get_run_logdir(str(tmp_path)), _common.get_run_logdir(str(tmp_path))
    assert first != second and os.path.isdir(first) and os.path.isdir(second)
    assert re.fullmatch(r"run_\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d(_\d+)?", os.path.basename(first))
