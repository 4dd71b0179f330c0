"""ReLU, LeakyReLU, PReLU and Softmax: run_layer_test, and outputs/configs recorded from real Keras 3."""
import json
import pathlib
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.testing import run_layer_test

FIXTURE = json.loads((pathlib.Path(__file__).parent / "fixtures" / "keras_layers.json").read_text())
X = np.array(FIXTURE["inputs"], dtype="float32")


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: f"{c['class_name']}-{c['config']}-{c['mask']}")
def test_output_and_config_match_real_keras(case):
    layer = getattr(layers, case["class_name"])(**case["config"])
    mask = None if case["mask"] is None else np.array(FIXTURE["masks"][case["mask"]])
    out = layer(X) if mask is None else layer(X, mask=mask)
    np.testing.assert_allclose(out.numpy(), case["output"], rtol=1e-6, atol=1e-7)
    config = layer.get_config()
    for key, want in case["keras_config"].items():
        if key == "alpha_initializer":
            assert config[key]["class_name"] == want["class_name"] and config[key]["config"] == want["config"]
        else:
            assert config[key] == want, key


@pytest.mark.parametrize("cls, kwargs", [
    (layers.ReLU, {}), (layers.ReLU, {"max_value": 0.5, "negative_slope": 0.1, "threshold": 0.2}),
    (layers.LeakyReLU, {}), (layers.LeakyReLU, {"negative_slope": 0.1}), (layers.Softmax, {}),
    (layers.Softmax, {"axis": [1, 2]}),
])
def test_weightless_layers_pass_run_layer_test(cls, kwargs):
    run_layer_test(cls, init_kwargs=kwargs, input_shape=(2, 3, 4), expected_output_shape=(2, 3, 4))


def test_prelu_passes_run_layer_test():
    run_layer_test(layers.PReLU, init_kwargs={"alpha_initializer": "ones"}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=1)
    run_layer_test(layers.PReLU, init_kwargs={"shared_axes": [1], "alpha_regularizer": "l2"}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=1)


def test_prelu_alpha_shape_and_training():
    layer = layers.PReLU(shared_axes=[1, 2])
    layer(np.zeros((1, 5, 5, 3), "float32"))
    assert layer.alpha.shape == (1, 1, 3) and layer.alpha.path == f"{layer.name}/alpha"
    model = keras.Sequential([keras.Input((4,)), layers.Dense(4), layers.PReLU()])
    model.compile("sgd", "mse")
    before = model.layers[-1].alpha.numpy().copy()
    model.fit(np.random.default_rng(0).normal(size=(16, 4)), np.full((16, 4), -1.0), epochs=1, verbose=0)
    assert not np.allclose(model.layers[-1].alpha.numpy(), before)


def test_prelu_refuses_other_input_shapes_and_honours_its_constraint():
    layer = layers.PReLU()
    layer(np.zeros((2, 3), "float32"))
    with pytest.raises(ValueError, match=r"alpha.*\(3,\).*\(2, 4\)"):
        layer(np.zeros((2, 4), "float32"))
    model = keras.Sequential([keras.Input((3,)), layers.PReLU(alpha_constraint="non_neg")])
    model.compile(keras.optimizers.SGD(1.0), "mse")
    model.fit(-np.ones((4, 3)), np.full((4, 3), 5.0), verbose=0)  # the gradient pushes alpha negative
    assert np.all(model.layers[0].alpha.numpy() == 0.0)
    assert layers.PReLU.from_config(model.layers[0].get_config()).alpha_constraint is not None
    with pytest.raises(ValueError, match="shared_axes"):
        layers.PReLU(shared_axes=[3])(np.zeros((2, 3), "float32"))


@pytest.mark.parametrize("cls, kwargs, match", [
    (layers.ReLU, {"max_value": -1.0}, "max_value=-1.0"),
    (layers.ReLU, {"negative_slope": -0.1}, "negative_slope=-0.1"),
    (layers.ReLU, {"threshold": None}, "threshold=None"),
    (layers.LeakyReLU, {"negative_slope": -1}, "negative_slope=-1"),
])
def test_invalid_arguments_are_refused(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_leaky_relu_keras2_alpha_warns_and_is_used():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = layers.LeakyReLU(alpha=0.5)
    assert layer.negative_slope == 0.5 and "deprecated" in str(caught[0].message)


def test_softmax_mask_must_broadcast_and_works_in_functional_model():
    with pytest.raises(ValueError, match=r"inputs.shape=\(2, 3\), mask.shape=\(2, 2\)"):
        layers.Softmax()(np.zeros((2, 3), "float32"), mask=np.ones((2, 2), bool))
    inputs = keras.Input((5,))
    model = keras.Model(inputs, layers.Softmax()(layers.Dense(5)(inputs)))
    out = model.predict(np.ones((3, 5)), verbose=0)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-6)


def test_softmax_output_trains_with_crossentropy():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Softmax()])
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(1).normal(size=(64, 4)).astype("float32")
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.8
