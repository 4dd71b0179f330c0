import warnings

import numpy as np
import pytest

import neuronet as keras


def _diverging_fit(callback):
    rng = np.random.default_rng(0)
    x = 1e3 * rng.normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1)
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=10.0), loss="mse")
    batches = []
    count = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow, and the trainer's own invalid-loss warning
        history = model.fit(x, y, epochs=5, batch_size=8, verbose=0, callbacks=[count, callback])
    return model, history, batches


def test_stops_at_the_first_invalid_batch_loss(capsys):
    model, history, batches = _diverging_fit(keras.callbacks.TerminateOnNaN())
    out = capsys.readouterr().out
    assert f"Batch {batches[-1]}: Invalid loss, terminating training" in out
    assert model.stop_training and len(history.epoch) == 1 and len(batches) < 8
    assert not np.isfinite(history.history["loss"][-1])


def test_raise_error_raises_at_once():
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch \d+"):
        _diverging_fit(keras.callbacks.TerminateOnNaN(raise_error=True))


def test_finite_loss_does_nothing():
    class Model:
        stop_training = False

    callback = keras.callbacks.TerminateOnNaN()
    callback.set_model(Model())
    callback.on_batch_end(0, {"loss": 1.5})
    callback.on_batch_end(1, {})
    assert callback.model.stop_training is False
    callback.on_batch_end(2, {"loss": float("inf")})
    assert callback.model.stop_training is True
