import json

import numpy as np
import pytest

import neuronet as keras


def _wide_deep():
    input_A = keras.layers.Input(shape=[5], name="wide_input")
    input_B = keras.layers.Input(shape=[6], name="deep_input")
    hidden1 = keras.layers.Dense(30, activation="relu")(input_B)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.concatenate([input_A, hidden2])
    output = keras.layers.Dense(1, name="main_output")(concat)
    aux_output = keras.layers.Dense(1, name="aux_output")(hidden2)
    return keras.Model(inputs=[input_A, input_B], outputs=[output, aux_output])


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 8))
    y = x[:, 0] - 0.5 * x[:, 3] + 0.1 * rng.normal(size=n)
    return x[:, :5], x[:, 2:], y


def test_single_input_wide_and_deep():
    input_ = keras.layers.Input(shape=[8])
    hidden1 = keras.layers.Dense(30, activation="relu")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.Concatenate()([input_, hidden2])
    output = keras.layers.Dense(1)(concat)
    model = keras.Model(inputs=[input_], outputs=[output])
    assert model.output_shape == (None, 1) and model.input_shape == (None, 8)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense", "Concatenate",
                                                                  "Dense"]
    model.compile(loss="mse", optimizer="sgd")
    xa, xb, y = _data()
    x = np.concatenate([xa, xb[:, 3:]], axis=1)
    history = model.fit(x, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x[:3], verbose=0).shape == (3, 1)


def test_two_inputs_two_outputs_keras_names_and_order():
    model = _wide_deep()
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="sgd")
    xa, xb, y = _data()
    history = model.fit((xa, xb), (y, y), epochs=2, validation_data=((xa, xb), (y, y)), verbose=0)
    assert list(history.history) == ["loss", "main_output_loss", "aux_output_loss", "val_loss",
                                     "val_main_output_loss", "val_aux_output_loss"]
    total_loss, main_loss, aux_loss = model.evaluate((xa, xb), (y, y), verbose=0)
    assert total_loss == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-5)
    y_pred_main, y_pred_aux = model.predict((xa[:3], xb[:3]), verbose=0)
    assert y_pred_main.shape == (3, 1) and y_pred_aux.shape == (3, 1)


def test_dict_inputs_and_dict_losses():
    model = _wide_deep()
    model.compile(loss={"main_output": "mse", "aux_output": "mae"},
                  loss_weights={"main_output": 0.9, "aux_output": 0.1}, optimizer="sgd",
                  metrics={"main_output": ["mae"]})
    xa, xb, y = _data()
    logs = model.evaluate({"wide_input": xa, "deep_input": xb}, {"main_output": y, "aux_output": y},
                          verbose=0, return_dict=True)
    assert list(logs) == ["loss", "main_output_loss", "aux_output_loss", "main_output_mae"]
    assert logs["main_output_mae"] == pytest.approx(np.mean(np.abs(
        model.predict((xa, xb), verbose=0)[0].ravel() - y)), rel=1e-5)


def test_shared_layer_and_nested_model():
    shared = keras.layers.Dense(4, name="shared")
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
    merged = keras.layers.Add()([shared(a), shared(b)])
    inner = keras.models.Sequential([keras.layers.Dense(2, input_shape=[4])], name="inner")
    model = keras.Model(inputs=[a, b], outputs=inner(merged))
    assert len(model.trainable_weights) == 4  # shared kernel+bias once, inner kernel+bias
    x1, x2 = np.random.rand(5, 3), np.random.rand(5, 3)
    expected = inner.predict((x1 @ shared.kernel.numpy() + shared.bias.numpy()) +
                             (x2 @ shared.kernel.numpy() + shared.bias.numpy()), verbose=0)
    np.testing.assert_allclose(model.predict((x1, x2), verbose=0), expected, rtol=1e-5)
    text = []
    model.summary(print_fn=text.append)
    assert any("shared[0][0]" in line for line in text) and any("shared[1][0]" in line for line in text)
    assert model.get_layer("inner") is inner


def test_config_and_json_round_trip():
    model = _wide_deep()
    clone = keras.models.model_from_json(model.to_json())
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    clone.set_weights(model.get_weights())
    xa, xb, _ = _data(10)
    for got, want in zip(clone.predict((xa, xb), verbose=0), model.predict((xa, xb), verbose=0)):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    fresh = keras.models.clone_model(model)
    assert not np.allclose(fresh.get_weights()[0], model.get_weights()[0])
    config = json.loads(model.to_json())
    assert config["class_name"] == "Functional" and config["config"]["output_layers"][0][0] == "main_output"


# --- bad input ------------------------------------------------------------------------------------
def test_wrong_number_of_inputs():
    model = _wide_deep()
    with pytest.raises(ValueError, match=r"expects 2 input\(s\).*received 1"):
        model.predict(np.ones((2, 5)), verbose=0)


def test_dict_input_with_unknown_or_missing_key():
    model = _wide_deep()
    with pytest.raises(ValueError, match="missing: \\['deep_input'\\].*unknown: \\['deep'\\]"):
        model.predict({"wide_input": np.ones((2, 5)), "deep": np.ones((2, 6))}, verbose=0)


def test_loss_list_of_wrong_length():
    model = _wide_deep()
    with pytest.raises(ValueError, match="3 entries but the model has 2 outputs"):
        model.compile(loss=["mse", "mse", "mse"], optimizer="sgd")


def test_loss_weights_for_unknown_output():
    model = _wide_deep()
    with pytest.raises(ValueError, match="not output names.*main_output"):
        model.compile(loss="mse", loss_weights={"main": 1.0}, optimizer="sgd")


def test_incompatible_reuse_fails_at_construction():
    dense = keras.layers.Dense(3, name="reused")
    dense(keras.Input(shape=(5,)))
    with pytest.raises(ValueError, match=r"'reused'.*value 5"):
        dense(keras.Input(shape=(6,), name="other"))


def test_subclassed_call_returning_non_tensor():
    class Bad(keras.Model):
        def call(self, inputs):
            return "not a tensor"

    model = Bad()
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(TypeError, match="call.*returned.*str"):
        model.fit(np.ones((4, 2)), np.ones(4), verbose=0)


def test_disconnected_graph():
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(2,), name="b")
    out = keras.layers.Dense(1)(b)
    with pytest.raises(ValueError, match="Graph disconnected.*'b'"):
        keras.Model(inputs=a, outputs=out)


def test_unknown_keyword_is_refused_naming_it():
    inputs = keras.Input(shape=(3,))
    outputs = keras.layers.Dense(1)(inputs)
    with pytest.raises(TypeError, match=r"\['nmae'\].*Accepted arguments: inputs, outputs, name, trainable"):
        keras.Model(inputs, outputs, nmae="x")
    with pytest.raises(TypeError, match="nmae='x'.*Accepted keyword arguments: name, trainable, dtype"):
        keras.Model(nmae="x")


def test_subclass_called_with_inputs_and_outputs_is_functional_with_its_methods():
    class Custom(keras.Model):
        def predict_step(self, data):
            return super().predict_step(data) + 1.0

    inputs = keras.Input(shape=(3,))
    model = Custom(inputs, keras.layers.Dense(2, name="out")(inputs))
    assert isinstance(model, Custom) and isinstance(model, keras.Model) and model.output_names == ["out"]
    x = np.ones((4, 3), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x).numpy() + 1.0, rtol=1e-6)


def test_flat_metric_names_apply_to_every_output_and_output_names():
    """tf.keras 2 (the book's current edition): metrics=["RootMeanSquaredError"] gives each output its RMSE."""
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(1, name="main")(hidden), keras.layers.Dense(1, name="aux")(hidden)])
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer="adam", metrics=["RootMeanSquaredError"])
    x, y = np.random.default_rng(0).normal(size=(8, 3)), np.ones((8, 1))
    total, main_loss, aux_loss, main_rmse, aux_rmse = model.evaluate(x, (y, y), verbose=0)
    assert main_rmse == pytest.approx(main_loss**0.5, rel=1e-5) and aux_rmse == pytest.approx(aux_loss**0.5, rel=1e-5)
    assert model.output_names == ["main", "aux"]


def test_functional_adds_the_missing_axis_and_unwraps_a_one_tuple():
    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    x = np.arange(10.0)
    assert model.predict(x, verbose=0).shape == (10, 2) and model(x).shape == (10, 2)
    np.testing.assert_allclose(model.predict((x,), verbose=0), model.predict(x[:, None], verbose=0))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.zeros((10, 2)), verbose=0)
    assert np.isfinite(model.evaluate(x, np.zeros((10, 2)), verbose=0))
    with pytest.raises(ValueError, match="expects 1 input"):
        model.predict((x, x), verbose=0)
