"""ModelCheckpoint writing real files through `model.save` / `model.save_weights` (needs h5py)."""
import numpy as np
import pytest

import neuronet as keras


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5, 3.0])).astype("float32")


def _model():
    model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.3), loss="mse")
    return model


def test_book_h5_checkpoint_holds_the_best_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = _data(96)
    x_valid, y_valid = _data(32, seed=1)
    model = _model()
    checkpoint_cb = keras.callbacks.ModelCheckpoint("my_keras_model.h5", save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
    history = model.fit(x, y, epochs=100, validation_data=(x_valid, y_valid),
                        callbacks=[checkpoint_cb, early_stopping_cb], verbose=0)
    best = keras.models.load_model("my_keras_model.h5")
    assert best.evaluate(x_valid, y_valid, verbose=0) == pytest.approx(min(history.history["val_loss"]), rel=1e-6)
    np.testing.assert_array_equal(best.predict(x_valid, verbose=0), model.predict(x_valid, verbose=0))


def test_templated_keras_and_weights_files(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[
        keras.callbacks.ModelCheckpoint(str(tmp_path / "m-{epoch:02d}-{loss:.2f}.keras"), monitor="loss"),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "w-{epoch:02d}.weights.h5"), save_weights_only=True)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in names if n.startswith("w-")] == ["w-01.weights.h5", "w-02.weights.h5", "w-03.weights.h5"]
    assert len([n for n in names if n.startswith("m-") and n.endswith(".keras")]) == 3
    restored = _model()
    restored.load_weights(str(tmp_path / "w-03.weights.h5"))
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
