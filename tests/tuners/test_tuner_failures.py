"""Trials whose loss turns NaN/inf, or that raise, are FAILED with the reason, never counted complete."""
import re
import warnings

import numpy as np
import pytest

import neuronet as keras
import neuronet.tuners as kt

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")


def build_model(hp):
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=[3]), keras.layers.Dense(1)])
    # 1e12 makes the loss overflow within the first epoch; 1e-2 trains normally
    learning_rate = hp.Choice("learning_rate", [1e-2, 1e12])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse", metrics=["mae"])
    return model


def _search(tmp_path, verbose=0, **kwargs):
    tuner = kt.RandomSearch(build_model, objective="val_mae", max_trials=2, seed=1, directory=tmp_path,
                            overwrite=True, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # fit's own warning that it stopped on the loss
        tuner.search(X, Y, epochs=3, batch_size=16, validation_data=(X, Y), verbose=verbose)
    return tuner


def test_a_nan_loss_fails_the_trial_with_the_reason(tmp_path):
    tuner = _search(tmp_path)
    by_lr = {t.hyperparameters.get("learning_rate"): t for t in tuner.oracle.trials.values()}
    bad, good = by_lr[1e12], by_lr[1e-2]
    assert bad.status == kt.TrialStatus.FAILED and bad.score is None
    assert re.search(r"The training loss became (nan|inf) at batch \d of 4 in epoch 1 \(execution 1\)", bad.message)
    assert "{'learning_rate': 1000000000000.0}" in bad.message
    assert good.status == kt.TrialStatus.COMPLETED and np.isfinite(good.score)
    assert tuner.oracle.get_best_trials(2)[0] is good  # the failed trial is never ranked as a result
    assert tuner.get_best_hyperparameters()[0].get("learning_rate") == 1e-2


def test_the_search_log_says_a_trial_failed_and_why(tmp_path, capsys):
    _search(tmp_path, verbose=1)
    out = capsys.readouterr().out
    assert out.count(" Complete [") == 1 and out.count(" Failed [") == 1
    failed_line = out[out.index(" Failed ["):].splitlines()[1]
    assert failed_line.startswith("neuronet.tuners.errors.FailedTrialError: The training loss became")


def test_a_trial_that_raises_is_failed_with_its_error_and_retried_when_asked(tmp_path, capsys):
    failures_left = [0]

    def flaky(hp):
        hp.Int("units", 1, 4)
        if failures_left[0]:
            failures_left[0] -= 1
            raise ValueError("the GPU fell off the bus")
        return build_model(hp)

    tuner = kt.RandomSearch(flaky, objective="val_mae", max_trials=1, seed=1, directory=tmp_path,
                            max_retries_per_trial=1, hyperparameters=_fixed_learning_rate())
    failures_left[0] = 1
    tuner.search(X, Y, epochs=1, validation_data=(X, Y), verbose=1)
    assert "Trial 1 failed 1 times. 1 retries left.\nValueError: the GPU fell off the bus" in capsys.readouterr().out
    assert tuner.oracle.trials["0"].status == kt.TrialStatus.COMPLETED  # the retry succeeded

    tuner = kt.RandomSearch(flaky, objective="val_mae", max_trials=1, seed=1, directory=tmp_path,
                            project_name="no_retry", hyperparameters=_fixed_learning_rate())
    failures_left[0] = 1
    tuner.search(X, Y, epochs=1, validation_data=(X, Y), verbose=1)
    trial = tuner.oracle.trials["0"]
    assert trial.status == kt.TrialStatus.FAILED and "ValueError: the GPU fell off the bus" in trial.message
    assert "Trial 1 Failed [" in capsys.readouterr().out
    with pytest.raises(ValueError, match="no saved weights"):
        tuner.get_best_models()


def _fixed_learning_rate():
    hp = kt.HyperParameters()
    hp.Fixed("learning_rate", 1e-2)
    return hp
