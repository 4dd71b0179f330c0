"""No silent results: a non-finite step leaves the weights as they were; threads get exact results or an error;
`enable_op_determinism` makes runs bit-identical."""
import threading

import numpy as np
import pytest

import neuronet as keras


def _model(seed=0, lr=0.01, units=16, dropout=True):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(units, activation="relu")]
                             + ([keras.layers.Dropout(0.2)] if dropout else []) + [keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    return model


def _data(n=256):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 8)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("dropout", [True, False])  # the eager step, and the compiled step (Dense only)
@pytest.mark.parametrize("lr", [float("inf"), float("nan")])
def test_a_non_finite_update_is_not_applied_and_training_stops(lr, dropout):
    x, y = _data()
    model = _model(lr=lr, dropout=dropout)
    before = model.get_weights()
    with pytest.warns(RuntimeWarning, match="stopping training.*not applied"):
        history = model.fit(x, y, epochs=3, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert len(history.history["loss"]) == 1 and model.optimizer.iterations.numpy() == 0


@pytest.mark.parametrize("dropout", [True, False])
def test_a_nan_loss_is_caught_before_its_update(dropout):
    x, y = _data()
    x[40] = 1e30  # finite input whose squared error overflows float32: batch 1's loss is inf
    model = _model(dropout=dropout)
    with pytest.warns(RuntimeWarning, match="stopping training"):
        model.fit(x, y, batch_size=32, shuffle=False, epochs=2, verbose=0)
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert model.optimizer.iterations.numpy() == 1  # batch 0 applied, batch 1 refused


def test_concurrent_predicts_return_the_sequential_result():
    # products large enough for OpenBLAS to split them: 1 and 2 threads differ in the last bits here, so a
    # thread running with another count than the sequential call would show
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(300, activation="relu"),
                              keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10)])
    x = np.random.default_rng(0).normal(size=(2048, 784)).astype("float32")
    expected = model.predict(x, batch_size=256, verbose=0)
    results, errors = {}, []

    def work(i):
        try:
            for _ in range(3):
                results.setdefault(i, []).append(model.predict(x, batch_size=256, verbose=0))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for outputs in results.values():
        for out in outputs:
            np.testing.assert_array_equal(out, expected)


def test_predict_while_fit_runs_in_another_thread_is_refused_clearly():
    x, y = _data()
    model = _model()
    started, release, seen = threading.Event(), threading.Event(), []

    class Pause(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                started.set()
                release.wait(10)

    def train():
        model.fit(x, y, epochs=1, callbacks=[Pause()], verbose=0)

    trainer = threading.Thread(target=train)
    trainer.start()
    started.wait(10)
    for call in (lambda: model.predict(x, verbose=0), lambda: model.evaluate(x, y, verbose=0),
                 lambda: model.fit(x, y, verbose=0)):
        with pytest.raises(RuntimeError, match="`fit\\(\\)` is running on it in another thread"):
            call()
        seen.append(True)
    release.set()
    trainer.join()
    assert len(seen) == 3
    model.predict(x, verbose=0)  # free again afterwards


def test_a_callback_may_predict_inside_fit_in_the_same_thread():
    x, y = _data()
    model = _model()
    shapes = []
    callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: shapes.append(
        model.predict(x[:5], verbose=0).shape))
    model.fit(x, y, epochs=2, callbacks=[callback], verbose=0)
    assert shapes == [(5, 1), (5, 1)]


def _train_once(x, y):
    model = _model()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model.get_weights()


def test_op_determinism_gives_bit_identical_runs_and_fixes_the_thread_choice():
    from neuronet.trainers import threads

    x, y = _data(512)
    keras.config.enable_op_determinism()
    try:
        first, second = _train_once(x, y), _train_once(x, y)
        model = _model()
        blas = threads.AdaptiveBlasThreads(model, 16)
        with blas:
            assert blas.schedule == []  # nothing timed: a fixed rule, whatever the load
    finally:
        keras.config.disable_op_determinism()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not keras.config.is_op_determinism_enabled()


def test_op_determinism_ignores_the_load_for_predict_and_evaluate(monkeypatch):
    import contextlib

    from neuronet.trainers import threads

    busy = threads.LoadMonitor()
    monkeypatch.setattr(busy, "poll", lambda: 8.0)  # other processes keep every core busy
    monkeypatch.setattr(threads, "shared_monitor", lambda: busy)
    large = 2 * 4096 * 784 * 300
    assert not isinstance(threads.limit_for(large), contextlib.nullcontext)  # default: one thread when busy
    keras.config.enable_op_determinism()
    try:
        assert isinstance(threads.limit_for(large), contextlib.nullcontext)  # fixed rule: the default count
    finally:
        keras.config.disable_op_determinism()
