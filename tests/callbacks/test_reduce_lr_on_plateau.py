import numpy as np
import pytest

import neuronet as keras


def _fit(scores, callback, monitor="val_loss"):
    rng = np.random.default_rng(0)
    x = 0.01 * rng.normal(size=(16, 3)).astype("float32")  # small inputs: a learning rate of 1 stays stable
    y = x.sum(axis=1)
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    inject = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update({monitor: scores[epoch]}))
    history = model.fit(x, y, epochs=len(scores), verbose=0, callbacks=[inject, callback])
    assert np.isfinite(history.history["loss"]).all()
    return model, history


def test_reduces_after_patience_then_cools_down():
    scores = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5]
    callback = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2)
    model, history = _fit(scores, callback)
    # logged rate = the rate in effect during the epoch (logged before a reduction, as in Keras 3)
    # epoch 0 best; 1 wait 1; 2 wait 2 -> 0.5; 3 cooldown; 4 cooldown ends, wait 1; 5 wait 2 -> 0.25; 6 cooldown;
    # 7 cooldown ends, new best; 8 wait 1; 9 wait 2 -> 0.125
    np.testing.assert_allclose(history.history["learning_rate"],
                               [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25])
    assert float(model.optimizer.learning_rate) == pytest.approx(0.125)


def test_min_lr_bounds_the_rate():
    callback = keras.callbacks.ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.05)
    model, history = _fit([1.0] * 5, callback)
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 1.0, 0.1, 0.05, 0.05], rtol=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)


def test_min_delta_and_max_mode_for_accuracy():
    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1, min_delta=0.05)
    _, history = _fit([0.5, 0.52, 0.9, 0.91], callback, monitor="val_accuracy")
    # 0.52 is not 0.05 better than 0.5 -> reduce; 0.9 is; 0.91 is not -> reduce
    np.testing.assert_allclose(history.history["learning_rate"], [1.0, 1.0, 0.5, 0.5])
    assert float(callback.best) == pytest.approx(0.9)


def test_missing_monitor_warns_with_the_available_keys():
    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_mae", patience=0)
    with pytest.warns(UserWarning, match=r"`val_mae` which is not available. Available metrics are: loss,val_loss,"
                                         r"learning_rate"):
        model, _ = _fit([1.0, 1.0], callback)
    assert float(model.optimizer.learning_rate) == 1.0


def test_factor_must_be_below_one():
    with pytest.raises(ValueError, match=r"does not support a factor >= 1.0. Received factor=1.5"):
        keras.callbacks.ReduceLROnPlateau(factor=1.5)


def test_unknown_keyword_is_rejected_and_epsilon_is_min_delta():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['patients'\]"):
        keras.callbacks.ReduceLROnPlateau(patients=3)
    with pytest.warns(DeprecationWarning, match="use `min_delta`"):
        assert keras.callbacks.ReduceLROnPlateau(epsilon=0.01).min_delta == 0.01
