import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.testing import run_layer_test


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "softmax", "elu", "selu", "gelu", None])
def test_dense_basics(activation):
    run_layer_test(layers.Dense, init_kwargs={"units": 4, "activation": activation}, input_shape=(2, 3),
                   expected_output_shape=(2, 4), expected_num_trainable_weights=2)


def test_dense_without_bias_and_3d_input():
    run_layer_test(layers.Dense, init_kwargs={"units": 5, "use_bias": False}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 5), expected_num_trainable_weights=1)


def test_weights_shapes_and_names():
    dense = layers.Dense(300, activation="relu")
    dense(np.zeros((1, 784)))
    w, b = dense.get_weights()
    assert w.shape == (784, 300) and b.shape == (300,)
    assert w.dtype == np.float32 and np.all(b == 0)
    assert [v.path for v in dense.weights] == ["dense/kernel", "dense/bias"]
    limit = np.sqrt(6 / (784 + 300))  # glorot_uniform
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.9 * limit


def test_unique_auto_names_and_clear_session():
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"


def test_wrong_input_width_names_layer_and_shapes():
    dense = layers.Dense(2, name="hidden")
    dense(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"'hidden'.*value 3.*\(4, 5\)"):
        dense(np.zeros((4, 5)))


@pytest.mark.parametrize("units", [0, -1, 2.5, "3"])
def test_invalid_units(units):
    with pytest.raises(ValueError, match="units"):
        layers.Dense(units)


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="relu"):
        layers.Dense(3, activation="relux")


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError, match="unitz"):
        layers.Dense(3, unitz=4)


def test_kernel_regularizer_adds_penalty():
    dense = layers.Dense(2, kernel_regularizer=keras.regularizers.l2(0.1), kernel_initializer="ones")
    dense(np.zeros((1, 3)))
    (penalty,) = dense.losses
    assert float(penalty.data) == pytest.approx(0.1 * 6)


def test_set_weights_checks_shapes():
    dense = layers.Dense(2)
    dense(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 2\)"):
        dense.set_weights([np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="expects 2 weights"):
        dense.set_weights([np.zeros((3, 2))])


def test_initializers_by_name():
    for name in ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal", "lecun_uniform",
                 "random_normal", "random_uniform", "zeros", "ones"]:
        dense = layers.Dense(50, kernel_initializer=name)
        dense(np.zeros((1, 40)))
        assert dense.kernel.shape == (40, 50)
    he = layers.Dense(400, kernel_initializer="he_normal")
    he(np.zeros((1, 400)))
    assert np.std(he.kernel.numpy()) == pytest.approx(np.sqrt(2 / 400), rel=0.05)


def test_activity_regularizer_enters_losses_and_training_loss():
    rng = np.random.default_rng(0)
    x, y = rng.random((16, 4)).astype("float32"), rng.random((16, 3)).astype("float32")
    dense = layers.Dense(3, activity_regularizer=keras.regularizers.L2(0.1), kernel_initializer="ones")
    model = keras.Sequential([keras.Input(shape=(4,)), dense])
    model.compile(optimizer="sgd", loss="mse")
    out = x @ np.ones((4, 3))
    # Keras 3.15 gives 3.5110974 here: the penalty is divided by the batch size.
    expected = np.mean((out - y) ** 2) + 0.1 * np.sum(out ** 2) / 16
    assert model.evaluate(x, y, batch_size=16, verbose=0) == pytest.approx(expected, rel=1e-6)
    model(x[:4])
    assert len(model.losses) == 1  # the latest forward pass only
    assert float(model.losses[0].data) == pytest.approx(0.1 * np.sum(out[:4] ** 2) / 4, rel=1e-6)
    assert dense.get_config()["activity_regularizer"]["config"] == {"l2": 0.1}
    assert "activity_regularizer" not in layers.Flatten().get_config()  # Keras 3 writes it only when set
    before = model.get_weights()[0].copy()
    model.fit(x, np.zeros_like(y), epochs=1, batch_size=16, verbose=0)
    plain = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, kernel_initializer="ones")])
    plain.compile(optimizer="sgd", loss="mse")
    plain.fit(x, np.zeros_like(y), epochs=1, batch_size=16, verbose=0)
    assert not np.allclose(model.get_weights()[0], plain.get_weights()[0])  # the penalty changed the step
    assert not np.allclose(model.get_weights()[0], before)


def test_activity_regularizer_on_any_layer():
    flatten = layers.Flatten(activity_regularizer="l1")
    flatten(-np.ones((2, 3, 1)))
    assert float(flatten.losses[0].data) == pytest.approx(0.01 * 6 / 2)


def test_weights_argument_sets_initial_weights():
    kernel, bias = np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])
    model = keras.Sequential([layers.Dense(2, weights=[kernel, bias], input_shape=[3])])
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), kernel)
    dense = layers.Dense(2, weights=[kernel, bias])
    np.testing.assert_allclose(dense(np.ones((1, 3))).numpy(), [[7.0, 8.0]])
    inputs = keras.Input(shape=(3,))
    functional = keras.Model(inputs, layers.Dense(2, weights=[kernel, bias])(inputs))
    np.testing.assert_array_equal(functional.layers[1].bias.numpy(), bias)
    with pytest.raises(ValueError, match="expects 2 weights"):
        layers.Dense(2, weights=[kernel])(np.ones((1, 3)))


def test_autocast_false_keeps_the_input_dtype():
    x = np.ones((2, 3), dtype="float64")
    assert layers.Dense(2)(x).dtype == np.float32  # autocast (the default) casts to the layer's dtype
    assert layers.Activation("relu", autocast=False)(x).dtype == np.float64
