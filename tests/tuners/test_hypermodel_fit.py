"""The chapter's HyperModel with a `fit()` override, searched by Hyperband exactly as the issue writes it."""
import warnings

import numpy as np
import pytest

import neuronet as keras
import neuronet.tuners as kt

RNG = np.random.default_rng(0)
X_TRAIN = RNG.random((64, 4, 4)).astype("float32")
Y_TRAIN = (X_TRAIN.mean(axis=(1, 2)) > 0.5).astype("int64")
X_VALID, Y_VALID = X_TRAIN[:32], Y_TRAIN[:32]
FIT_CALLS = []


def build_model(hp):
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=2, default=1)
    n_neurons = hp.Int("n_neurons", min_value=4, max_value=16)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    model = keras.Sequential()
    model.add(keras.layers.Flatten())
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(2, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate),
                  metrics=["accuracy"])
    return model


class MyClassificationHyperModel(kt.HyperModel):
    def build(self, hp):
        return build_model(hp)

    def fit(self, hp, model, X, y, **kwargs):
        FIT_CALLS.append(sorted(kwargs))
        if hp.Boolean("normalize"):
            norm_layer = keras.layers.Normalization()
            X = norm_layer(X)
        return model.fit(X, y, **kwargs)


def test_the_chapters_hyperband_search_runs_as_written(tmp_path, capsys):
    hyperband_tuner = kt.Hyperband(MyClassificationHyperModel(), objective="val_accuracy", seed=42,
                                   max_epochs=10, factor=3, hyperband_iterations=2,
                                   overwrite=True, directory=str(tmp_path / "my_fashion_mnist"),
                                   project_name="hyperband")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the never-adapted Normalization says it is an identity
        hyperband_tuner.search(X_TRAIN, Y_TRAIN, epochs=10, validation_data=(X_VALID, Y_VALID), batch_size=32,
                               verbose=0)
    trials = list(hyperband_tuner.oracle.trials.values())
    assert len(trials) == 60 and all(t.status == kt.TrialStatus.COMPLETED for t in trials)  # Keras Tuner's 2 x 30
    assert {t.hyperparameters.get("normalize") for t in trials} == {True, False}  # asked for in fit(), tuned
    # the tuner calls hypermodel.fit(hp, model, X, y, **kwargs) with its callbacks and the trial's epochs
    assert all({"callbacks", "epochs", "initial_epoch", "validation_data"} <= set(call) for call in FIT_CALLS)

    best_trial = hyperband_tuner.oracle.get_best_trials(num_trials=1)[0]
    capsys.readouterr()
    best_trial.summary()
    printed = capsys.readouterr().out
    assert printed.startswith(f"Trial {best_trial.trial_id} summary\nHyperparameters:\n")
    assert f"normalize: {best_trial.hyperparameters.get('normalize')}" in printed
    assert printed.endswith(f"Score: {best_trial.score}\n")
    assert best_trial.metrics.get_last_value("val_accuracy") == best_trial.score == max(t.score for t in trials)
    best_model = hyperband_tuner.get_best_models()[0]
    _, accuracy = best_model.evaluate(X_VALID, Y_VALID, verbose=0)
    assert accuracy == pytest.approx(best_trial.score, abs=1e-6)
