import csv

import numpy as np
import pytest

import neuronet as keras


def _fit(callback, epochs=2, validation=True):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([1.0, -1.0, 0.5])).astype("float32")
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    kwargs = {"validation_split": 0.25} if validation else {}
    return model.fit(x, y, epochs=epochs, verbose=0, callbacks=[callback], **kwargs)


def _rows(path, separator=","):
    with open(path, newline="") as f:
        return list(csv.reader(f, delimiter=separator))


def test_one_row_per_epoch_with_the_history_values(tmp_path):
    path = tmp_path / "training.log"
    history = _fit(keras.callbacks.CSVLogger(path), epochs=3)
    rows = _rows(path)
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    for column, key in enumerate(rows[0][1:], start=1):
        np.testing.assert_allclose([float(r[column]) for r in rows[1:]], history.history[key], rtol=1e-12)


def test_append_continues_the_file_without_a_second_header(tmp_path):
    path = tmp_path / "log.csv"
    _fit(keras.callbacks.CSVLogger(path, append=True), epochs=2)
    _fit(keras.callbacks.CSVLogger(path, append=True), epochs=3)
    rows = _rows(path)
    assert [r[0] for r in rows] == ["epoch", "0", "1", "0", "1", "2"]


def test_without_append_the_file_is_overwritten(tmp_path):
    path = tmp_path / "log.csv"
    _fit(keras.callbacks.CSVLogger(path), epochs=3)
    _fit(keras.callbacks.CSVLogger(path), epochs=1)
    assert [r[0] for r in _rows(path)] == ["epoch", "0"]


def test_append_to_an_empty_file_writes_the_header(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("")
    _fit(keras.callbacks.CSVLogger(path, append=True), epochs=1, validation=False)
    assert _rows(path)[0] == ["epoch", "loss", "mae"]


def test_separator_and_list_values(tmp_path):
    path = tmp_path / "log.tsv"
    logger = keras.callbacks.CSVLogger(path, separator="\t")
    extra = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(sizes=np.array([1, 2])))
    rng = np.random.default_rng(0)
    model = keras.Sequential([keras.layers.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rng.normal(size=(8, 2)), rng.normal(size=8), epochs=1, verbose=0, callbacks=[extra, logger])
    rows = _rows(path, "\t")
    assert rows[0] == ["epoch", "loss", "sizes"]
    assert rows[1][2] == '"[1, 2]"'


def test_a_missing_directory_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="directory does not exist"):
        _fit(keras.callbacks.CSVLogger(tmp_path / "nope" / "log.csv"), epochs=1)
