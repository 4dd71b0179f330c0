import os

import numpy as np
import pytest

import neuronet as keras
from neuronet.callbacks import backup_and_restore


class Interrupt(Exception):
    pass


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5, 3.0])).astype("float32")


def _model(seed):
    keras.utils.set_random_seed(seed)  # a "new process": same architecture, its own initial weights
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def _fit(model, callbacks, epochs=6):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, batch_size=8, shuffle=False, verbose=0, callbacks=callbacks)


def _crash_at_epoch(k):
    def on_epoch_begin(epoch, logs):
        if epoch == k:
            raise Interrupt(f"killed at epoch {k}")
    return keras.callbacks.LambdaCallback(on_epoch_begin=on_epoch_begin)


def _assert_same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_resumes_at_the_interrupted_epoch_with_the_same_state(tmp_path):
    uninterrupted = _model(seed=1)
    _fit(uninterrupted, [])

    backup_dir = tmp_path / "backup"
    first = _model(seed=1)
    at_crash = {}
    keep = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: at_crash.update(
        weights=first.get_weights(), optimizer=first.optimizer.get_weights()))
    with pytest.raises(Interrupt):
        _fit(first, [keras.callbacks.BackupAndRestore(backup_dir), keep, _crash_at_epoch(3)])
    assert os.path.exists(backup_dir / "latest.backup.npz")

    resumed = _model(seed=2)  # different initial weights: everything must come from the backup
    seen = {}
    probe = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.setdefault(
        "start", (epoch, resumed.get_weights(), resumed.optimizer.get_weights())))
    history = _fit(resumed, [keras.callbacks.BackupAndRestore(backup_dir), probe])
    assert history.epoch == [3, 4, 5]
    epoch, weights, optimizer_state = seen["start"]
    assert epoch == 3
    _assert_same(weights, at_crash["weights"])
    _assert_same(optimizer_state, at_crash["optimizer"])  # Adam moments, iterations, learning rate
    np.testing.assert_allclose(np.concatenate([w.ravel() for w in resumed.get_weights()]),
                               np.concatenate([w.ravel() for w in uninterrupted.get_weights()]), rtol=1e-6)
    assert not backup_dir.exists()  # a finished run deletes its backup


def test_delete_checkpoint_false_keeps_the_backup_and_a_finished_run_is_not_repeated(tmp_path):
    model = _model(seed=1)
    _fit(model, [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=2)
    assert (tmp_path / "latest.backup.npz").exists()
    again = _model(seed=3)
    history = _fit(again, [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=2)
    assert history.epoch == []
    _assert_same(again.get_weights(), model.get_weights())
    assert _fit(again, [], epochs=1).epoch == [0]  # without the callback, `fit` starts at 0 again


def test_save_freq_in_batches_restarts_the_interrupted_epoch_from_the_last_backup(tmp_path):
    model = _model(seed=1)
    weights_after_step = {}

    def on_train_batch_end(batch, logs):
        weights_after_step[int(model.optimizer.iterations.numpy())] = model.get_weights()

    def on_train_batch_begin(batch, logs):
        if int(model.optimizer.iterations.numpy()) == 10:  # epoch 1, batch 4 (6 batches per epoch)
            raise Interrupt("killed mid-epoch")

    spy = keras.callbacks.LambdaCallback(on_train_batch_end=on_train_batch_end,
                                         on_train_batch_begin=on_train_batch_begin)
    with pytest.raises(Interrupt):
        _fit(model, [keras.callbacks.BackupAndRestore(tmp_path, save_freq=4), spy], epochs=3)
    resumed = _model(seed=2)
    starts = []
    probe = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: starts.append(
        (epoch, resumed.get_weights(), int(resumed.optimizer.iterations.numpy()))))
    history = _fit(resumed, [keras.callbacks.BackupAndRestore(tmp_path, save_freq=4), probe], epochs=3)
    # backups after steps 4 and 8 (every 4 batches, counted across epochs); the crash came before step 11
    assert history.epoch == [1, 2]
    assert starts[0][2] == 8
    _assert_same(starts[0][1], weights_after_step[8])


def test_a_failed_write_keeps_the_previous_backup(tmp_path, monkeypatch):
    model = _model(seed=1)
    calls = []
    real_replace = os.replace

    def failing_replace(src, dst):
        calls.append(src)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(backup_and_restore.os, "replace", failing_replace)
    snapshots = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    with pytest.raises(OSError, match="disk full"):
        _fit(model, [record, keras.callbacks.BackupAndRestore(tmp_path)], epochs=3)
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["latest.backup.npz"]  # no temporary file left behind
    resumed = _model(seed=2)
    starts = []
    probe = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: starts.append(
        (epoch, resumed.get_weights())))
    _fit(resumed, [keras.callbacks.BackupAndRestore(tmp_path), probe], epochs=3)
    assert starts[0][0] == 1
    _assert_same(starts[0][1], snapshots[0])


def test_backup_holds_no_pickled_objects(tmp_path):
    _fit(_model(seed=1), [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=1)
    with np.load(tmp_path / "latest.backup.npz", allow_pickle=False) as data:
        assert int(data["epoch"]) == 1
        assert all(data[name].dtype != object for name in data.files)


def test_a_damaged_or_foreign_backup_gives_a_clear_error(tmp_path):
    path = tmp_path / "latest.backup.npz"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match=r"cannot be read.*Delete it to start training from scratch"):
        _fit(_model(seed=1), [keras.callbacks.BackupAndRestore(tmp_path)])
    np.savez(path, format=np.array([{"evil": 1}], dtype=object))  # an object array needs pickle: refused
    with pytest.raises(ValueError, match="cannot be read"):
        _fit(_model(seed=1), [keras.callbacks.BackupAndRestore(tmp_path)])


def test_a_backup_of_another_model_is_refused(tmp_path):
    _fit(_model(seed=1), [keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)], epochs=1)
    other = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1)])
    other.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match=r"written by a different model.*Delete .*latest.backup.npz"):
        _fit(other, [keras.callbacks.BackupAndRestore(tmp_path)])


def test_deleting_the_backup_leaves_other_files_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    _fit(_model(seed=1), [keras.callbacks.BackupAndRestore(tmp_path)], epochs=1)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


@pytest.mark.parametrize("kwargs, message", [
    ({"backup_dir": ""}, "Empty `backup_dir` argument passed"),
    ({"backup_dir": "b", "save_freq": "batch"}, r"Received: save_freq='batch'"),
    ({"backup_dir": "b", "save_freq": 0}, r"Received: save_freq=0"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.BackupAndRestore(**kwargs)
