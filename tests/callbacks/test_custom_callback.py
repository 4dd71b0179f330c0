"""The book's custom callback (Hands-On ML, chapter 10) runs unchanged."""
import re

import numpy as np

import neuronet as keras


class PrintValTrainRatioCallback(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs):
        print("\nval/train: {:.2f}".format(logs["val_loss"] / logs["loss"]))


def test_print_val_train_ratio_callback(capsys):
    rng = np.random.default_rng(0)
    X_train, X_valid = rng.normal(size=(80, 8)), rng.normal(size=(20, 8))
    y_train, y_valid = X_train[:, 0] * 2 + 1, X_valid[:, 0] * 2 + 1
    model = keras.models.Sequential([keras.layers.Dense(30, activation="relu", input_shape=X_train.shape[1:]),
                                     keras.layers.Dense(1)])
    model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid), verbose=0,
                        callbacks=[PrintValTrainRatioCallback()])
    printed = [float(v) for v in re.findall(r"^val/train: (\d+\.\d\d)$", capsys.readouterr().out, re.MULTILINE)]
    expected = [round(v / t, 2) for v, t in zip(history.history["val_loss"], history.history["loss"])]
    assert printed == expected and len(printed) == 3
