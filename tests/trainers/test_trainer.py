import numpy as np
import pytest

import neuronet as keras


def _data(n=256, d=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = (x[:, 0] + 2 * x[:, 1] > 0).astype(int)
    return x, y


def _classifier(d=4, classes=2):
    model = keras.models.Sequential([keras.layers.Dense(16, activation="relu", input_shape=[d]),
                                     keras.layers.Dense(classes, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


def test_fit_returns_history_with_keras_keys():
    x, y = _data()
    model = _classifier()
    history = model.fit(x, y, epochs=3, validation_data=(x[:50], y[:50]), verbose=0)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert history.epoch == [0, 1, 2]
    assert history.params["epochs"] == 3 and history.params["steps"] == 8
    assert model.history is history


def test_training_learns_and_fit_resumes():
    x, y = _data(2048)
    model = _classifier()
    first = model.fit(x, y, epochs=5, verbose=0).history["loss"]
    second = model.fit(x, y, epochs=5, verbose=0).history["loss"]
    assert first[-1] < first[0] and second[0] < first[0] and second[-1] < first[-1]
    assert model.evaluate(x, y, verbose=0)[1] > 0.9


def test_training_accuracy_is_running_mean_over_the_epoch():
    x, y = _data()
    model = _classifier()
    model.optimizer.learning_rate = 0.0  # weights frozen: the running mean equals a full evaluation
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-5)
    assert history.history["accuracy"][0] == pytest.approx(accuracy)


def test_evaluate_forms():
    x, y = _data()
    model = _classifier()
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 2
    as_dict = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(as_dict) == ["loss", "accuracy"] and as_dict["loss"] == pytest.approx(result[0])
    reg = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    reg.compile(loss="mse", optimizer="sgd")
    assert isinstance(reg.evaluate(x, y, verbose=0), float)


def test_validation_split_uses_last_samples():
    x, y = _data(100)
    model = _classifier()
    history = model.fit(x, y, epochs=1, validation_split=0.2, verbose=0)
    assert "val_loss" in history.history
    val_loss = model.evaluate(x[80:], y[80:], verbose=0)[0]
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-5)


def test_sample_weight_zero_ignores_samples():
    x, y = _data()
    model = _classifier()
    w = np.zeros(len(x))
    before = model.get_weights()
    model.fit(x, y, sample_weight=w, epochs=1, verbose=0)
    for b, a in zip(before, model.get_weights()):
        np.testing.assert_allclose(a, b)


def test_class_weight_changes_training():
    x, y = _data()
    keras.utils.set_random_seed(0)
    a = _classifier()
    keras.utils.set_random_seed(0)
    b = _classifier()
    a.fit(x, y, epochs=1, shuffle=False, verbose=0)
    b.fit(x, y, epochs=1, shuffle=False, class_weight={0: 1.0, 1: 5.0}, verbose=0)
    assert not np.allclose(a.get_weights()[0], b.get_weights()[0])
    with pytest.raises(ValueError, match="class_weight"):
        b.fit(x, y, class_weight={0: 1.0}, verbose=0)


def test_train_test_predict_on_batch():
    x, y = _data(32)
    model = _classifier()
    loss, acc = model.train_on_batch(x, y)
    assert np.isfinite(loss) and 0 <= acc <= 1
    assert len(model.test_on_batch(x, y)) == 2
    assert model.predict_on_batch(x).shape == (32, 2)


def test_steps_per_epoch_and_initial_epoch():
    x, y = _data()
    model = _classifier()
    history = model.fit(x, y, epochs=4, initial_epoch=2, steps_per_epoch=3, verbose=0)
    assert history.epoch == [2, 3] and history.params["steps"] == 3


def test_progress_output_verbose_2(capsys):
    x, y = _data(64)
    model = _classifier()
    model.fit(x, y, epochs=2, verbose=2, validation_data=(x, y))
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2 - " in out and "val_accuracy" in out and "\r" not in out


def test_integer_and_float64_inputs_are_cast():
    x, y = _data()
    model = _classifier()
    model.fit((x * 10).astype(np.int64), y, epochs=1, verbose=0)
    assert model.layers[0].kernel.dtype == np.float32
    assert model.predict(x.astype(np.float64), verbose=0).dtype == np.float32


# --- bad input -----------------------------------------------------------------------------------
def test_fit_before_compile():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[2])])
    with pytest.raises(ValueError, match=r"must call `compile\(\)` before calling `fit\(\)`"):
        model.fit(np.ones((4, 2)), np.ones(4))


def test_labels_out_of_range():
    x, y = _data()
    model = _classifier()
    with pytest.raises(ValueError, match=r"label value of 2.*\[0, 2\)"):
        model.fit(x, y + 1, verbose=0)
    with pytest.raises(ValueError, match=r"label value of -1"):
        model.fit(x, y - 1, verbose=0)


def test_length_mismatch():
    x, y = _data()
    with pytest.raises(ValueError, match="x sizes: 256.*y sizes: 255"):
        _classifier().fit(x, y[:-1], verbose=0)


def test_nan_inputs_rejected():
    x, y = _data()
    x[5, 2] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite.*sample 5"):
        _classifier().fit(x, y, verbose=0)


@pytest.mark.parametrize("jit", [False, "auto"])
def test_nan_inputs_rejected_by_predict_through_its_outputs(jit):
    x, y = _data()
    model = _classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", jit_compile=jit)
    assert np.isfinite(model.predict(x, verbose=0)).all()
    x[7, 1] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite.*sample 7"):
        model.predict(x, verbose=0)


def test_predict_probes_the_model_once_per_input_signature(monkeypatch):
    x, _ = _data()
    model = _classifier()
    calls = []
    probe = type(model)._probe
    monkeypatch.setattr(type(model), "_probe", lambda self, *a: (calls.append(1), probe(self, *a)))
    model.predict(x, verbose=0)
    model.predict(x[:10], verbose=0)
    assert len(calls) == 1
    with pytest.raises(ValueError, match=r"\(None, 3\)"):  # another width: probed again, and refused
        model.predict(x[:, :3], verbose=0)
    assert len(calls) == 2


@pytest.mark.parametrize("kind, value", [("loss", "mse2"), ("optimizer", "sgdd"), ("metrics", ["acuracy"])])
def test_unknown_names(kind, value):
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[2])])
    kwargs = {"loss": "mse", "optimizer": "sgd", kind: value}
    with pytest.raises(ValueError):
        model.compile(**kwargs)
        model.fit(np.ones((4, 2)), np.ones(4), verbose=0)


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5])
def test_validation_split_range(split):
    x, y = _data()
    with pytest.raises(ValueError, match="validation_split"):
        _classifier().fit(x, y, validation_split=split, verbose=0)


@pytest.mark.parametrize("batch_size", [0, -3, 2.5])
def test_batch_size_validated(batch_size):
    x, y = _data()
    with pytest.raises(ValueError, match="batch_size"):
        _classifier().fit(x, y, batch_size=batch_size, verbose=0)


def test_nan_loss_stops_training_with_message():
    x, y = _data()
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e3))
    with pytest.warns(RuntimeWarning, match="learning rate"):
        history = model.fit(x, y * 1e3, epochs=50, verbose=0)
    assert len(history.epoch) < 50


def test_regularization_loss_is_added():
    x, y = _data()
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4], kernel_initializer="ones",
                                                        kernel_regularizer=keras.regularizers.l2(1.0))])
    model.compile(loss="mse", optimizer="sgd")
    plain = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4], kernel_initializer="ones")])
    plain.compile(loss="mse", optimizer="sgd")
    assert model.evaluate(x, y, verbose=0) == pytest.approx(plain.evaluate(x, y, verbose=0) + 4.0, rel=1e-5)


def test_custom_training_loop_with_gradient_tape():
    x, y = _data()
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    loss_fn = keras.losses.MeanSquaredError()
    optimizer = keras.optimizers.SGD(learning_rate=0.05)
    losses = []
    for _ in range(20):
        with keras.GradientTape() as tape:
            loss = loss_fn(y.reshape(-1, 1).astype("float32"), model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss.data))
    assert losses[-1] < losses[0] / 2
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(loss, model.trainable_variables)


def test_history_params_record_verbose_as_given():
    x, y = _data(64)
    model = _classifier()
    assert model.fit(x, y, verbose=0).params == {"verbose": 0, "epochs": 1, "steps": 2}
    assert model.fit(x, y, verbose="auto").params["verbose"] == "auto"  # Keras 3 records "auto", not 1 or 2
    assert model.fit(x, y, verbose=2, epochs=2).params == {"verbose": 2, "epochs": 2, "steps": 2}
    with pytest.raises(ValueError, match="verbose"):
        model.fit(x, y, verbose="loud")


def test_steps_per_execution_runs_batch_hooks_once_per_execution():
    x, y = _data(256)  # 8 batches of 32
    model = keras.models.Sequential([keras.layers.Dense(2, activation="softmax", input_shape=[4])])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", steps_per_execution=3)
    assert model.steps_per_execution == 3
    calls = []
    record = keras.callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: calls.append(("begin", b)),
                                            on_train_batch_end=lambda b, logs: calls.append(("end", b)))
    before = model.optimizer.iterations.numpy()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[record])
    assert calls == [("begin", 0), ("end", 2), ("begin", 3), ("end", 5), ("begin", 6), ("end", 7)]
    assert model.optimizer.iterations.numpy() - before == 8  # every batch still trains
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(loss="mse", steps_per_execution=0)


def test_run_eagerly_and_jit_compile_are_stored():
    model = _classifier()
    assert model.run_eagerly is False and model.jit_compile == "auto"
    model.compile(loss="mse", run_eagerly=True)
    assert model.run_eagerly is True and model.jit_compile is False
    with pytest.warns(UserWarning, match="jit_compile"):
        model.compile(loss="mse", run_eagerly=True, jit_compile=True)
    assert model.jit_compile is False
    model.compile(loss="mse", jit_compile=False)
    assert model.run_eagerly is False and model.jit_compile is False
    with pytest.raises(ValueError, match="jit_compile"):
        model.compile(loss="mse", jit_compile="xla")


def test_compile_with_too_many_losses_names_both_counts_and_changes_nothing():
    x, y = _data(64)
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer="sgd", metrics=["mae"])
    optimizer = model.optimizer
    with pytest.raises(ValueError, match=r"`loss` has 2 entries but the model has 1 output"):
        model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="adam")
    assert model.optimizer is optimizer and model.loss == "mse"
    history = model.fit(x, y, verbose=0)  # still compiled as before
    assert list(history.history) == ["loss", "mae"]
    unbuilt = keras.models.Sequential([keras.layers.Dense(1)])
    with pytest.raises(ValueError, match=r"`loss_weights` has 2 entries but the model has 1 output"):
        unbuilt.compile(loss="mse", loss_weights=[0.9, 0.1])
    assert not unbuilt.compiled
    model.compile(loss=["mse"], loss_weights=[0.5])  # one per output is fine
    assert model.evaluate(x, y, verbose=0) == pytest.approx(0.5 * np.mean((model.predict(x, verbose=0)[:, 0] - y) ** 2),
                                                            rel=1e-5)


def test_invalid_loss_stop_says_where_it_stopped(capsys):
    x, y = _data(320)  # 10 batches
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=[4])])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e6))
    with pytest.warns(RuntimeWarning, match=r"batch \d+ of 10"):
        history = model.fit(x, y * 1e6, epochs=3, verbose=2)
    stop = history.stopped_at
    assert stop["epoch"] == 0 and 1 <= stop["batch"] < 10 and stop["steps"] == 10
    assert not np.isfinite(stop["loss"])
    out = capsys.readouterr().out
    assert f"{stop['batch']}/10" in out and f"Stopped at batch {stop['batch']} of 10" in out
    assert _classifier().fit(*_data(64), verbose=0).stopped_at is None
