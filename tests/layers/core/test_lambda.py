"""Lambda: runs in memory; saved as Keras saves it; loading never runs code from the file."""
import json
import zipfile

import numpy as np
import pytest

import neuronet as keras
from neuronet import layers, ops, saving
from neuronet.testing import run_layer_test


@saving.register_keras_serializable(package="test_lambda")
def cube(x):
    return x * x * x


def test_run_layer_test_with_a_registered_function():
    run_layer_test(layers.Lambda, init_kwargs={"function": cube}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_arguments_training_flag_and_output_shape():
    def scaled(x, factor, training=None):
        return x * (factor if training else 1.0)

    layer = layers.Lambda(scaled, arguments={"factor": 3.0})
    np.testing.assert_allclose(layer(np.ones((1, 2)), training=True).numpy(), [[3.0, 3.0]])
    np.testing.assert_allclose(layer(np.ones((1, 2))).numpy(), [[1.0, 1.0]])
    pair = layers.Lambda(lambda xs: ops.concatenate(xs, axis=-1), output_shape=(5,))
    assert pair.compute_output_shape([(None, 2), (None, 3)]) == (None, 5)


def test_gradients_flow_through_the_function():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(2), layers.Lambda(lambda x: ops.square(x))])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    model.train_on_batch(np.ones((4, 2)), np.zeros((4, 2)))
    assert not np.allclose(before[0], model.get_weights()[0])


def _lambda_model():
    inputs = keras.Input((2,))
    return keras.Model(inputs, layers.Lambda(lambda x: x * 2.0, name="doubler")(inputs))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_python_lambda_is_refused_in_safe_mode_and_taken_from_custom_objects_otherwise(tmp_path, suffix):
    path = tmp_path / f"m{suffix}"
    _lambda_model().save(path)
    with pytest.raises(ValueError, match="safe_mode=True.*Lambda.*bytecode"):
        keras.models.load_model(path)
    with pytest.raises(ValueError, match="safe_mode=False.*Lambda layer 'doubler'.*bytecode.*never runs code"):
        keras.models.load_model(path, safe_mode=False)
    model = keras.models.load_model(path, safe_mode=False, custom_objects={"doubler": lambda x: x * 2.0})
    np.testing.assert_allclose(model.predict(np.ones((1, 2)), verbose=0), [[2.0, 2.0]])


def test_the_file_holds_keras_encoding_of_the_function(tmp_path):
    _lambda_model().save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        layer = json.loads(archive.read("config.json"))["config"]["layers"][1]
    assert layer["class_name"] == "Lambda" and layer["config"]["function"]["class_name"] == "__lambda__"
    assert set(layer["config"]["function"]["config"]) == {"code", "defaults", "closure"}


def test_named_function_loads_by_name_only(tmp_path):
    inputs = keras.Input((2,))
    keras.Model(inputs, layers.Lambda(cube)(inputs)).save(tmp_path / "cube.keras")
    model = keras.models.load_model(tmp_path / "cube.keras")  # registered: found in safe mode, nothing imported
    np.testing.assert_allclose(model.predict(np.full((1, 2), 2.0), verbose=0), [[8.0, 8.0]])

    def square(x):
        return x * x

    keras.Model(inputs, layers.Lambda(square)(inputs)).save(tmp_path / "square.keras")
    with pytest.raises(ValueError, match="Unknown function 'square'.*does not import modules"):
        keras.models.load_model(tmp_path / "square.keras")
    model = keras.models.load_model(tmp_path / "square.keras", custom_objects={"square": square})
    np.testing.assert_allclose(model.predict(np.full((1, 2), 3.0), verbose=0), [[9.0, 9.0]])


def test_bad_arguments():
    with pytest.raises(TypeError, match="callable"):
        layers.Lambda(3)
    with pytest.raises(ValueError, match="mask"):
        layers.Lambda(cube, mask=True)
