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


def _inject(values, name="score"):
    """A callback (listed before the one under test) that puts `values[epoch]` in the epoch logs."""
    return keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update({name: values[epoch]}))


def _fit(model, callbacks, epochs, **kwargs):
    x, y = _data()
    return model.fit(x, y, epochs=epochs, batch_size=16, callbacks=callbacks, verbose=0, **kwargs)


def test_stops_patience_epochs_after_the_best_and_restores_its_weights():
    scores = [5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 1.0, 0.5]
    snapshots = []
    model = _model()
    stopper = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=2, restore_best_weights=True)
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    history = _fit(model, [_inject(scores), record, stopper], epochs=len(scores))
    assert history.epoch == [0, 1, 2, 3, 4]  # best at epoch 2, no improvement at 3 and 4 -> stop
    assert stopper.stopped_epoch == 4 and stopper.best_epoch == 2 and stopper.best == 3.0
    assert model.stop_training
    for restored, best in zip(model.get_weights(), snapshots[2]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(snapshots[4][0], snapshots[2][0])  # training did move past the best epoch


def test_real_val_loss_stops_and_restored_model_scores_the_best_val_loss():
    x, y = _data(96)
    x_val, y_val = _data(32, seed=1)
    model = _model(learning_rate=0.3)  # too high on purpose: the validation loss soon stops improving
    stopper = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=100, batch_size=16, validation_data=(x_val, y_val), callbacks=[stopper],
                        verbose=0)
    val_loss = history.history["val_loss"]
    assert len(val_loss) < 100
    assert stopper.stopped_epoch == len(val_loss) - 1
    assert stopper.stopped_epoch - stopper.best_epoch == 2
    assert int(np.argmin(val_loss)) == stopper.best_epoch
    restored = model.evaluate(x_val, y_val, verbose=0)[0]
    assert restored == pytest.approx(min(val_loss), rel=1e-5)


def test_min_delta_counts_small_improvements_as_none():
    scores = [1.0, 0.99, 0.985, 0.98, 0.5]
    stopper = keras.callbacks.EarlyStopping(monitor="score", min_delta=0.05, patience=2, mode="min")
    history = _fit(_model(), [_inject(scores), stopper], epochs=len(scores))
    assert history.epoch == [0, 1, 2]


def test_improvements_that_do_not_beat_the_baseline_do_not_reset_patience():
    scores = [0.9, 0.8, 0.85, 0.7, 0.75, 0.6]  # never below the baseline 0.3
    stopper = keras.callbacks.EarlyStopping(monitor="score", mode="min", baseline=0.3, patience=3)
    history = _fit(_model(), [_inject(scores), stopper], epochs=len(scores))
    assert history.epoch == [0, 1, 2]
    without_baseline = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=3)
    assert _fit(_model(), [_inject(scores), without_baseline], epochs=len(scores)).epoch == list(range(6))


def test_start_from_epoch_ignores_warm_up_epochs():
    scores = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    stopper = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=1, start_from_epoch=3)
    history = _fit(_model(), [_inject(scores), stopper], epochs=len(scores))
    assert history.epoch == [0, 1, 2, 3, 4]  # monitoring starts at 3; 4 is worse -> stop


def test_max_mode_inferred_for_accuracy():
    scores = [0.5, 0.6, 0.7, 0.65, 0.66]
    stopper = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    history = _fit(_model(), [_inject(scores, "val_accuracy"), stopper], epochs=len(scores))
    assert stopper.monitor_op is np.greater
    assert history.epoch == [0, 1, 2, 3]


def test_missing_monitor_warns_with_the_available_keys():
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(UserWarning, match=r"`val_loss` which is not available. Available metrics are: loss,mae"):
        history = _fit(_model(), [stopper], epochs=2)
    assert history.epoch == [0, 1]  # nothing to monitor: training is not stopped


def test_auto_mode_on_an_unknown_metric_raises_before_training():
    stopper = keras.callbacks.EarlyStopping(monitor="score")
    with pytest.raises(ValueError, match=r"monitor=score.*mode='max'.*mode='min'"):
        _fit(_model(), [_inject([1.0]), stopper], epochs=1)


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode 'up' is unknown, fallback to auto mode"):
        stopper = keras.callbacks.EarlyStopping(mode="up")
    assert stopper.mode == "auto"


def test_instance_can_be_reused_across_fits():
    stopper = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=1)
    model = _model()
    first = _fit(model, [_inject([3.0, 4.0, 5.0]), stopper], epochs=3)
    second = _fit(model, [_inject([9.0, 8.0, 9.5, 9.6]), stopper], epochs=4)
    assert first.epoch == [0, 1] and second.epoch == [0, 1, 2]  # the best of the first fit is forgotten


def test_verbose_messages(capsys):
    stopper = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=0, verbose=1,
                                            restore_best_weights=True)
    _fit(_model(), [_inject([1.0, 2.0, 3.0]), stopper], epochs=3)
    out = capsys.readouterr().out
    assert "Epoch 2: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 1." in out


def test_bad_patience_is_rejected():
    with pytest.raises(ValueError, match="`patience` must be a non-negative integer. Received: patience=-1"):
        keras.callbacks.EarlyStopping(patience=-1)
