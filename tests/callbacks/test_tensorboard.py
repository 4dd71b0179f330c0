"""TensorBoard logs written without TensorFlow, read back by TensorBoard's own reader and by its real server."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import warnings

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import neuronet as keras


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype("int64")


def _model():
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _fit(callbacks, epochs=3, **kwargs):
    x, y = _data()
    x_val, y_val = _data(24, seed=1)
    model = _model()
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_data=(x_val, y_val), verbose=0,
                        callbacks=callbacks, **kwargs)
    return model, history


def _events(directory):
    accumulator = EventAccumulator(str(directory), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def _scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def test_epoch_scalars_in_train_and_validation_runs_equal_the_history(tmp_path):
    log_dir = tmp_path / "run_1"
    _, history = _fit([keras.callbacks.TensorBoard(log_dir)])
    assert sorted(os.listdir(log_dir)) == ["train", "validation"]
    train, validation = _events(log_dir / "train"), _events(log_dir / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
    assert set(validation.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations",
                                                 "evaluation_accuracy_vs_iterations"}
    h = history.history
    for accumulator, tag, expected in [(train, "epoch_loss", h["loss"]), (train, "epoch_accuracy", h["accuracy"]),
                                       (validation, "epoch_loss", h["val_loss"]),
                                       (validation, "epoch_accuracy", h["val_accuracy"]),
                                       (train, "epoch_learning_rate", [0.01] * 3)]:
        steps, values = zip(*_scalars(accumulator, tag))
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, expected, rtol=1e-6)  # event files store float32
    steps, values = zip(*_scalars(validation, "evaluation_loss_vs_iterations"))
    assert steps == (4, 8, 12)  # optimizer iterations: 4 batches per epoch
    np.testing.assert_allclose(values, h["val_loss"], rtol=1e-6)


def test_batch_scalars_every_update_freq_batches(tmp_path):
    batch_losses = []
    record = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batch_losses.append(logs["loss"]))
    _fit([record, keras.callbacks.TensorBoard(tmp_path, update_freq=3)], epochs=2)  # 8 batches in all
    train = _events(tmp_path / "train")
    steps, values = zip(*_scalars(train, "batch_loss"))
    assert steps == (3, 6)
    np.testing.assert_allclose(values, [batch_losses[2], batch_losses[5]], rtol=1e-6)
    assert [s for s, _ in _scalars(train, "batch_accuracy")] == [3, 6]


def test_update_freq_batch_writes_every_batch_and_epoch_writes_none(tmp_path):
    _fit([keras.callbacks.TensorBoard(tmp_path / "a", update_freq="batch")], epochs=1)
    assert [s for s, _ in _scalars(_events(tmp_path / "a" / "train"), "batch_loss")] == [1, 2, 3, 4]
    epoch_only = keras.callbacks.TensorBoard(tmp_path / "b")
    assert epoch_only._skip_batch_hooks  # no per-batch cost when nothing is written per batch
    _fit([epoch_only], epochs=1)
    assert not [t for t in _events(tmp_path / "b" / "train").Tags()["scalars"] if t.startswith("batch_")]


def test_weight_histograms_every_histogram_freq_epochs(tmp_path):
    model, _ = _fit([keras.callbacks.TensorBoard(tmp_path, histogram_freq=2)], epochs=3)
    train = _events(tmp_path / "train")
    assert set(train.Tags()["histograms"]) == {"dense/kernel/histogram", "dense/bias/histogram",
                                               "dense_1/kernel/histogram", "dense_1/bias/histogram"}
    events = train.Histograms("dense/kernel/histogram")
    assert [e.step for e in events] == [0, 2]
    kernel = model.layers[0].kernel.numpy()  # the last histogram is of the final weights (epoch 2 is the last)
    last = events[-1].histogram_value
    assert last.num == kernel.size
    assert last.min == pytest.approx(kernel.min()) and last.max == pytest.approx(kernel.max())
    assert last.sum == pytest.approx(kernel.sum(), rel=1e-5, abs=1e-6)


def test_model_config_is_written_for_the_graphs_dashboard(tmp_path):
    _fit([keras.callbacks.TensorBoard(tmp_path)], epochs=1)
    tensors = _events(tmp_path / "train").Tensors("keras")
    config = json.loads(tensors[0].tensor_proto.string_val[0])
    assert config["class_name"] == "Sequential"
    assert [layer["class_name"] for layer in config["config"]["layers"]][-2:] == ["Dense", "Dense"]
    _fit([keras.callbacks.TensorBoard(tmp_path / "no_graph", write_graph=False)], epochs=1)
    assert _events(tmp_path / "no_graph" / "train").Tags()["tensors"] == []


def test_steps_per_second(tmp_path):
    _fit([keras.callbacks.TensorBoard(tmp_path, write_steps_per_second=True)], epochs=2)
    train = _events(tmp_path / "train")
    assert all(value > 0 for _, value in _scalars(train, "epoch_steps_per_second"))
    assert len(_scalars(train, "batch_steps_per_second")) == 8


def test_book_run_directories(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root_logdir = os.path.join(os.curdir, "my_logs")
    run_logdir = os.path.join(root_logdir, time.strftime("run_%Y_%m_%d-%H_%M_%S"))
    tensorboard_cb = keras.callbacks.TensorBoard(run_logdir)
    _, history = _fit([tensorboard_cb], epochs=2)
    assert os.listdir("my_logs") == [os.path.basename(run_logdir)]
    np.testing.assert_allclose([v for _, v in _scalars(_events(os.path.join(run_logdir, "train")), "epoch_loss")],
                               history.history["loss"], rtol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"write_images": True}, (r"does not support `write_images`.*Expected write_images=False, received "
                              r"write_images=True")),
    ({"profile_batch": -1}, r"profile_batch must be a non-negative integer.*Found: -1"),
    ({"profile_batch": "ten"}, r"profile_batch must be"),
    ({"profile_batch": (20, 10)}, r"profile_batch must be"),
    ({"embeddings_freq": 1}, r"does not support `embeddings_freq`"),
    ({"embeddings_metadata": "meta.tsv"}, r"does not support `embeddings_metadata`"),
    ({"update_freq": "step"}, r"`update_freq` must be 'epoch', 'batch' or a positive integer.*'step'"),
    ({"update_freq": 0}, r"`update_freq` must be"),
    ({"histogram_freq": -1}, r"`histogram_freq` must be a non-negative integer"),
])
def test_unsupported_or_bad_arguments_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.TensorBoard("logs", **kwargs)


@pytest.mark.parametrize("profile_batch", [5, (10, 20), "10,20"])
def test_profile_batch_is_accepted_with_a_warning_that_there_is_no_profiler(profile_batch):
    with pytest.warns(UserWarning, match="no profiler"):
        callback = keras.callbacks.TensorBoard("logs", profile_batch=profile_batch)
    assert callback.profile_batch == profile_batch
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.callbacks.TensorBoard("logs", profile_batch=0)  # the default: no warning


# --- the real TensorBoard server ------------------------------------------------------------------
def _tensorboard_command():
    found = shutil.which("tensorboard")
    if found:
        return [found]
    return [sys.executable, "-m", "tensorboard.main"]


def _free_loopback_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(base, path, **query):
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _wait_for(base, path, ready, process, timeout=60.0, **query):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"tensorboard exited with code {process.returncode}: {process.stdout.read()!r}")
        try:
            last = _get_json(base, path, **query)
            if ready(last):
                return last
        except (OSError, ValueError):
            pass  # not listening yet, or still loading
        time.sleep(0.2)
    raise AssertionError(f"tensorboard did not serve {path} {query} within {timeout} s; last answer: {last!r}")


def test_real_tensorboard_server_serves_the_scalars(tmp_path):
    root = tmp_path / "my_logs"
    _, history = _fit([keras.callbacks.TensorBoard(root / "run_a")])
    port = _free_loopback_port()
    process = subprocess.Popen(_tensorboard_command() + ["--logdir", str(root), "--port", str(port),
                                                         "--host", "127.0.0.1", "--reload_interval", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        runs = _wait_for(base, "/data/runs", lambda r: {"run_a/train", "run_a/validation"} <= set(r), process)
        assert sorted(runs) == ["run_a/train", "run_a/validation"]
        tags = _wait_for(base, "/data/plugin/scalars/tags", lambda t: "run_a/validation" in t, process)
        assert {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} <= set(tags["run_a/train"])
        for run, key in [("run_a/train", "loss"), ("run_a/validation", "val_loss"),
                         ("run_a/validation", "val_accuracy")]:
            tag = "epoch_" + key.replace("val_", "")
            points = _get_json(base, "/data/plugin/scalars/scalars", run=run, tag=tag)  # [wall_time, step, value]
            assert [p[1] for p in points] == [0, 1, 2]
            np.testing.assert_allclose([p[2] for p in points], history.history[key], rtol=1e-6)
        graphs = _get_json(base, "/data/plugin/graphs/info")
        assert graphs["run_a/train"]["tags"]["keras"]["conceptual_graph"] is True
    finally:
        process.kill()
        process.communicate(timeout=30)
