import io
import contextlib

import numpy as np
import pytest

import neuronet as keras


def _book_model():
    model = keras.models.Sequential()
    model.add(keras.layers.Flatten(input_shape=[28, 28]))
    model.add(keras.layers.Dense(300, activation="relu"))
    model.add(keras.layers.Dense(100, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    return model


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


def test_summary_matches_keras_counts():
    text = _summary(_book_model())
    assert 'Model: "sequential"' in text
    assert "flatten (Flatten)" in text and "(None, 784)" in text
    assert "dense (Dense)" in text and "235500" in text
    assert "dense_1 (Dense)" in text and "30100" in text
    assert "dense_2 (Dense)" in text and "1010" in text
    assert "Total params: 266,610" in text and "Trainable params: 266,610" in text
    assert "Non-trainable params: 0" in text


def test_layers_and_weights():
    model = _book_model()
    assert [layer.name for layer in model.layers] == ["flatten", "dense", "dense_1", "dense_2"]
    hidden1 = model.layers[1]
    w, b = hidden1.get_weights()
    assert w.shape == (784, 300) and b.shape == (300,)
    assert model.get_layer("dense") is hidden1
    assert model.count_params() == 266610
    assert len(model.trainable_weights) == 6
    assert model.output_shape == (None, 10)


def test_list_form_equals_add_form():
    model = keras.models.Sequential([keras.layers.Dense(30, activation="relu", input_shape=[8]),
                                     keras.layers.Dense(1)])
    assert model.built and model.count_params() == 8 * 30 + 30 + 31


def test_deferred_build_summary_error_then_build():
    model = keras.models.Sequential([keras.layers.Flatten(), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="build"):
        model.summary()
    model.build(input_shape=(None, 4, 2))
    assert "Total params: 27" in _summary(model)


def test_builds_on_first_data():
    model = keras.models.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    model.fit(np.ones((10, 5)), np.ones(10), epochs=1, verbose=0)
    assert model.layers[0].kernel.shape == (5, 3)


def test_input_layer_first():
    model = keras.models.Sequential([keras.layers.InputLayer(input_shape=[8]), keras.layers.Dense(2)])
    assert model.built and len(model.layers) == 1
    model2 = keras.models.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(2)])
    assert model2.output_shape == (None, 2)


def test_pop_and_errors():
    model = _book_model()
    popped = model.pop()
    assert popped.name == "dense_2" and model.output_shape == (None, 100)
    with pytest.raises(TypeError, match="Only instances of `keras.Layer`"):
        model.add("dense")
    with pytest.raises(ValueError, match="unique names"):
        model.add(keras.layers.Dense(3, name="dense"))


def test_predict_shape_and_probabilities():
    model = _book_model()
    proba = model.predict(np.random.rand(70, 28, 28), verbose=0)
    assert proba.shape == (70, 10) and proba.dtype == np.float32
    assert np.allclose(proba.sum(axis=1), 1, atol=1e-5)


def test_predict_classes_warns_and_matches_argmax():
    model = _book_model()
    x = np.random.rand(5, 28, 28)
    with pytest.warns(DeprecationWarning, match="np.argmax"):
        classes = model.predict_classes(x)
    assert np.array_equal(classes, np.argmax(model.predict(x, verbose=0), axis=-1))


def test_get_config_round_trip():
    model = _book_model()
    clone = keras.models.Sequential.from_config(model.get_config())
    assert [type(layer).__name__ for layer in clone.layers] == ["Flatten", "Dense", "Dense", "Dense"]
    clone.set_weights(model.get_weights())
    x = np.random.rand(3, 28, 28)
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_wrong_input_width_for_built_model():
    model = keras.models.Sequential([keras.layers.Dense(2, input_shape=[3], name="first")])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match=r"'first'.*value 3.*\(None, 4\)"):  # Keras 3 shows the batch axis as None
        model.fit(np.ones((10, 4)), np.ones((10, 2)), verbose=0)


def test_pop_then_add_uses_the_new_layer():
    model = keras.models.Sequential([keras.layers.Dense(2, input_shape=[3]), keras.layers.Dense(1)])
    model.predict(np.ones((1, 3)), verbose=0)  # fills any cache of the layer stack
    model.pop()
    model.add(keras.layers.Dense(4, name="replacement"))
    assert model.predict(np.ones((1, 3)), verbose=0).shape == (1, 4)


def test_one_dimensional_array_gets_the_missing_axis_as_in_keras_3():
    x = np.arange(10.0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, kernel_initializer="ones")])
    assert model.predict(x, verbose=0).shape == (10, 1)  # TensorFlow's regression tutorial does this
    assert model(x).shape == (10, 1)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, 2 * x, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.evaluate(x, 2 * x, verbose=0) == pytest.approx(
        float(np.mean((model.predict(x[:, None], verbose=0)[:, 0] - 2 * x) ** 2)), rel=1e-5)
    declared = keras.Sequential([keras.layers.Dense(2, input_shape=[1])])
    assert declared.predict(x, verbose=0).shape == (10, 2)


def test_tuple_of_inputs_for_a_one_input_model():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    x = np.ones((4, 3))
    np.testing.assert_allclose(model.predict((x,), verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="has one input, but it received a tuple of 2 inputs"):
        model.predict((x, x), verbose=0)
    assert model([[1.0, 2.0, 3.0]]).shape == (1, 1)  # nested number lists are one array


def test_summary_of_a_sequential_built_by_calling_it_on_data():
    model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(3), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.summary()
    model(np.ones((2, 4, 2)))
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 8)" in text and "(None, 3)" in text and "Total params: 31" in text


def test_output_names():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, name="price")])
    assert model.output_names == ["price"]  # as tf.keras 2 (the chapter's notebooks) reports it
