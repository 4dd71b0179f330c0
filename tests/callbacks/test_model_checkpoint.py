"""ModelCheckpoint on real training runs. `model.save`/`model.save_weights` are replaced by recorders here, so
these tests check what the callback decides (when, which path, what weights); the file formats are tested with
the saving code."""
import os

import numpy as np
import pytest

import neuronet as keras


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.1 * rng.normal(size=n)).astype("float32")
    return x, y


def _model(learning_rate=0.01):
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", metrics=["mae"])
    return model


def _recording(model):
    """Replaces the model's save methods by recorders of (method, filepath, weights at that moment)."""
    saved = []
    model.save = lambda filepath, overwrite=True: saved.append(("save", filepath, model.get_weights()))
    model.save_weights = lambda filepath, overwrite=True: saved.append(("save_weights", filepath, model.get_weights()))
    return saved


def _inject(values, name="val_loss"):
    return keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update({name: values[epoch]}))


def _fit(model, callbacks, epochs, **kwargs):
    x, y = _data()
    kwargs.setdefault("batch_size", 16)
    return model.fit(x, y, epochs=epochs, callbacks=callbacks, verbose=0, **kwargs)


def test_save_best_only_saves_improving_epochs_with_templated_names(tmp_path):
    model = _model()
    saved = _recording(model)
    path = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    checkpoint = keras.callbacks.ModelCheckpoint(path, save_best_only=True)
    _fit(model, [_inject([0.5, 0.7, 0.4, 0.4, 0.1]), checkpoint], epochs=5)
    assert [(m, os.path.basename(p)) for m, p, _ in saved] == [
        ("save", "ckpt-01-0.50.keras"), ("save", "ckpt-03-0.40.keras"), ("save", "ckpt-05-0.10.keras")]
    assert checkpoint.best == 0.1


def test_saves_every_epoch_by_default_with_the_weights_of_that_epoch(tmp_path):
    model = _model()
    saved = _recording(model)
    snapshots = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    _fit(model, [record, keras.callbacks.ModelCheckpoint(str(tmp_path / "m.{epoch}.h5"))], epochs=3)
    assert [os.path.basename(p) for _, p, _ in saved] == ["m.1.h5", "m.2.h5", "m.3.h5"]
    for (_, _, weights), expected in zip(saved, snapshots):
        for w, e in zip(weights, expected):
            np.testing.assert_array_equal(w, e)


def test_save_freq_counts_batches_across_epochs(tmp_path):
    model = _model()
    saved = _recording(model)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "e{epoch}-b{batch}.keras"), save_freq=3)
    x, y = _data(10)
    model.fit(x, y, epochs=2, batch_size=2, callbacks=[checkpoint], verbose=0)  # 5 batches per epoch
    assert [os.path.basename(p) for _, p, _ in saved] == ["e1-b3.keras", "e2-b1.keras", "e2-b4.keras"]


def test_save_weights_only_calls_save_weights(tmp_path):
    model = _model()
    saved = _recording(model)
    _fit(model, [keras.callbacks.ModelCheckpoint(str(tmp_path / "best.weights.h5"), save_weights_only=True)],
         epochs=2)
    assert [(m, os.path.basename(p)) for m, p, _ in saved] == [("save_weights", "best.weights.h5")] * 2


def test_initial_value_threshold_must_be_beaten_first(tmp_path):
    model = _model()
    saved = _recording(model)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "{epoch}.keras"), save_best_only=True,
                                                 initial_value_threshold=0.3)
    _fit(model, [_inject([0.5, 0.4, 0.2, 0.25]), checkpoint], epochs=4)
    assert [os.path.basename(p) for _, p, _ in saved] == ["3.keras"]


def test_max_mode_for_accuracy_and_explicit_min(tmp_path):
    model = _model()
    saved = _recording(model)
    accuracy = keras.callbacks.ModelCheckpoint(str(tmp_path / "acc{epoch}.keras"), monitor="val_accuracy",
                                               save_best_only=True)
    score = keras.callbacks.ModelCheckpoint(str(tmp_path / "s{epoch}.keras"), monitor="score", mode="min",
                                            save_best_only=True)
    _fit(model, [_inject([0.5, 0.7, 0.6], "val_accuracy"), _inject([3.0, 2.0, 2.5], "score"), accuracy, score],
         epochs=3)
    assert sorted(os.path.basename(p) for _, p, _ in saved) == ["acc1.keras", "acc2.keras", "s1.keras", "s2.keras"]


def test_book_checkpoint_and_early_stopping_agree_on_the_best_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = _data(96)
    x_valid, y_valid = _data(32, seed=1)
    model = _model(learning_rate=0.3)
    saved = _recording(model)
    checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    history = model.fit(x, y, epochs=100, validation_data=(x_valid, y_valid),
                        callbacks=[checkpoint_cb, early_stopping_cb], verbose=0)
    val_loss = history.history["val_loss"]
    assert len(val_loss) < 100
    improving = [i for i, v in enumerate(val_loss) if v < min(val_loss[:i], default=np.inf)]
    assert len(saved) == len(improving) and {p for _, p, _ in saved} == {"my_keras_model.h5"}
    for w, best in zip(saved[-1][2], model.get_weights()):  # last file written == weights EarlyStopping restored
        np.testing.assert_array_equal(w, best)


def test_missing_monitor_with_save_best_only_warns_and_saves(tmp_path):
    model = _model()
    saved = _recording(model)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True)
    with pytest.warns(UserWarning, match=r"Can save best model only with val_loss available.*Available metrics "
                                         r"are: loss,mae"):
        _fit(model, [checkpoint], epochs=2)
    assert len(saved) == 2


def test_auto_mode_on_unknown_metric_raises_only_with_save_best_only(tmp_path):
    model = _model()
    saved = _recording(model)
    best_only = keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), monitor="score", save_best_only=True)
    with pytest.raises(ValueError, match=r"monitor=score.*Pass `mode='max'`"):
        _fit(model, [_inject([1.0], "score"), best_only], epochs=1)
    assert saved == []
    every_epoch = keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), monitor="score")
    _fit(model, [_inject([1.0], "score"), every_epoch], epochs=1)
    assert len(saved) == 1


def test_template_field_missing_from_logs_names_the_available_fields(tmp_path):
    model = _model()
    _recording(model)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "{epoch}-{val_mae:.2f}.keras"))
    with pytest.raises(KeyError, match=r"Failed to format this callback filepath.*no value for the field `val_mae`. "
                                       r"Available fields: epoch, loss, mae"):
        _fit(model, [checkpoint], epochs=1)


def test_creates_missing_directories_and_rejects_a_directory_path(tmp_path):
    model = _model()
    saved = _recording(model)
    _fit(model, [keras.callbacks.ModelCheckpoint(str(tmp_path / "a" / "b" / "m.keras"))], epochs=1)
    assert (tmp_path / "a" / "b").is_dir() and len(saved) == 1
    (tmp_path / "dir.keras").mkdir()
    with pytest.raises(IsADirectoryError, match="non-directory filepath"):
        _fit(model, [keras.callbacks.ModelCheckpoint(str(tmp_path / "dir.keras"))], epochs=1)


@pytest.mark.parametrize("kwargs, message", [
    ({"filepath": "model.txt"}, r"must end in `.keras`.*Received: filepath=model.txt"),
    ({"filepath": "model.keras", "save_weights_only": True}, r"must end in `.weights.h5`"),
    ({"filepath": "model.keras", "save_freq": "batch"}, r"Unrecognized save_freq: 'batch'"),
    ({"filepath": "model.keras", "save_freq": 0}, r"Unrecognized save_freq: 0"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        keras.callbacks.ModelCheckpoint(**kwargs)


def test_verbose_messages(tmp_path, capsys):
    model = _model()
    _recording(model)
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_best_only=True, verbose=1)
    _fit(model, [_inject([0.5, 0.6]), checkpoint], epochs=2)
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from inf to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


def test_epoch_hooks_only_unless_saving_per_batch():
    assert keras.callbacks.ModelCheckpoint("m.keras")._skip_batch_hooks
    assert not keras.callbacks.ModelCheckpoint("m.keras", save_freq=10)._skip_batch_hooks
