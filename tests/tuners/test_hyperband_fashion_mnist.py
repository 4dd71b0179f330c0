"""Done-when test of issue 5: a small Hyperband search on real Fashion-MNIST runs the published (paper) schedule."""
import collections

import numpy as np
import pytest

import neuronet as keras
from neuronet.tuners import Hyperband, hyperband_schedule


def build_model(hp):
    model = keras.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(hp.Int("units", 16, 64, step=16), activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.Adam(learning_rate=hp.Float("learning_rate", 3e-4, 3e-2, sampling="log")))
    return model


@pytest.mark.slow
@pytest.mark.requires_data("fashion-mnist")
def test_hyperband_on_fashion_mnist_follows_the_schedule_and_learns(tmp_path):
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    x_train, y_train = (x_train[:5000] / 255.0).astype("float32"), y_train[:5000]
    x_valid, y_valid = (x_test[:1000] / 255.0).astype("float32"), y_test[:1000]
    tuner = Hyperband(build_model, objective="val_accuracy", max_epochs=9, factor=3, seed=42, directory=tmp_path,
                      project_name="fashion", schedule="paper")
    tuner.search(x_train, y_train, batch_size=64, validation_data=(x_valid, y_valid), verbose=0)

    trials = list(tuner.oracle.trials.values())
    assert all(t.status == "COMPLETED" for t in trials)
    counts = collections.Counter((t.hyperparameters.values["tuner/bracket"], t.hyperparameters.values["tuner/round"],
                                  t.hyperparameters.values["tuner/epochs"]) for t in trials)
    expected = {(len(bracket) - 1, i, epochs): n
                for bracket in hyperband_schedule(9, 3, schedule="paper") for i, (n, epochs) in enumerate(bracket)}
    assert counts == expected  # 9x1, 3x3, 1x9 | 5x3, 1x9 | 3x9 epochs
    assert len(trials) == 22
    promoted = [t for t in trials if "tuner/trial_id" in t.hyperparameters.values]
    for trial in promoted:  # trained only the extra epochs
        values = trial.hyperparameters.values
        assert len(trial.history[0]["loss"]) == values["tuner/epochs"] - values["tuner/initial_epoch"]

    best = tuner.oracle.get_best_trials()[0]
    assert best.score > 0.75
    model = tuner.get_best_models()[0]
    _, accuracy = model.evaluate(x_valid, y_valid, verbose=0)
    assert accuracy == pytest.approx(best.score, abs=1e-6)
    assert np.mean(np.argmax(model.predict(x_valid, verbose=0), axis=1) == y_valid) == pytest.approx(accuracy)
