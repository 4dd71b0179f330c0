"""BatchNormalization: training vs inference, moving statistics, gradients, arguments and bad input."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import backend, layers
from neuronet.autodiff import Tensor, grad
from neuronet.testing import run_layer_test

X = np.random.default_rng(0).normal(loc=2.0, scale=3.0, size=(16, 4)).astype("float32")


def test_run_layer_test():
    run_layer_test(layers.BatchNormalization, input_shape=(4, 3), expected_output_shape=(4, 3),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=2)
    run_layer_test(layers.BatchNormalization, init_kwargs={"axis": 1, "center": False}, input_shape=(2, 3, 5),
                   expected_output_shape=(2, 3, 5), expected_num_trainable_weights=1,
                   expected_num_non_trainable_weights=2)


def test_training_uses_batch_statistics_and_updates_moving_ones():
    layer = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    out = layer(X, training=True).numpy()
    expected = (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + 1e-3)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.1 * X.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.9 + 0.1 * X.var(axis=0), rtol=1e-5)


def test_inference_uses_moving_statistics_gamma_and_beta():
    layer = layers.BatchNormalization(epsilon=0.01)
    layer.build((None, 4))
    gamma, beta, mean, var = [np.array(v, "float32") for v in ([1, 2, 3, 4], [0, 1, 0, -1], [1, 2, 3, 4], [1, 4, 9, 16])]
    layer.set_weights([gamma, beta, mean, var])
    for training in (None, False):
        out = layer(X, training=training).numpy()
        np.testing.assert_allclose(out, gamma * (X - mean) / np.sqrt(var + 0.01) + beta, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), mean)  # inference leaves them alone


def test_frozen_layer_runs_in_inference_mode():
    layer = layers.BatchNormalization()
    layer(X, training=True)
    layer.trainable = False
    before = layer.moving_mean.numpy()
    out = layer(X, training=True).numpy()
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)
    np.testing.assert_allclose(out, layer(X, training=False).numpy())
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_training_mode_gradients_match_finite_differences():
    """Through the batch statistics: the mean and variance depend on every input of the batch."""
    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        rng = np.random.default_rng(3)
        layer = layers.BatchNormalization(momentum=0.5)
        x = Tensor(backend.asarray(rng.normal(size=(6, 3))), requires_grad=True)
        layer(x.data, training=True)
        layer.set_weights([rng.uniform(0.5, 2, 3), rng.normal(size=3), np.zeros(3), np.ones(3)])
        u = rng.normal(size=(6, 3))
        params = [x, layer.gamma, layer.beta]
        analytic = grad(layer(x, training=True), params, output_gradient=backend.asarray(u))
        for param, g in zip(params, analytic):  # finite differences on the host, the layer on the device
            v = rng.normal(size=param.shape)
            original = backend.to_numpy(param.data).copy()
            values = []
            for sign in (1, -1):
                param.data = backend.asarray(original + sign * 1e-6 * v)
                values.append(np.sum(u * layer(x.data, training=True).numpy()))
            param.data = backend.asarray(original)
            assert np.isclose(np.sum(backend.to_numpy(g) * v), (values[0] - values[1]) / 2e-6, rtol=1e-5)
    finally:
        backend.set_floatx(previous)


def test_one_fused_node_per_training_step():
    layer = layers.BatchNormalization()
    x = Tensor(backend.asarray(X), requires_grad=True)
    out = layer(x, training=True)
    assert out.parents[0] is x and out.parents[1] is layer.gamma and out.parents[2] is layer.beta


def test_fit_learns_and_moves_the_statistics():
    model = keras.Sequential([keras.Input((4,)), layers.BatchNormalization(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X[:, :1], epochs=2, batch_size=8, verbose=0)
    bn = model.layers[0]
    assert not np.allclose(bn.moving_mean.numpy(), 0) and not np.allclose(bn.gamma.numpy(), 1)
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 13" in lines and "Non-trainable params: 8" in lines  # 4 gamma/beta each + 5; 4+4 moving


def test_config_matches_keras_keys():
    config = layers.BatchNormalization(momentum=0.9).get_config()
    for key in ("axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
                "moving_mean_initializer", "moving_variance_initializer", "synchronized", "renorm"):
        assert key in config
    assert config["momentum"] == 0.9 and config["epsilon"] == 1e-3


def test_batch_of_one_in_training_gives_beta_as_keras_does():
    layer = layers.BatchNormalization(name="bn", beta_initializer="ones", momentum=0.5)
    out = layer(X[:1], training=True)
    # Real Keras 3.15 gives [[1, 1, 1, 1]], moving variance 0.5 and moving mean 0.5 * x here.
    np.testing.assert_allclose(np.asarray(out), np.ones((1, 4)), atol=1e-6)  # (x - mean) is 0: beta remains
    np.testing.assert_allclose(layer.moving_variance.numpy(), np.full(4, 0.5), atol=1e-6)  # 1 * 0.5 + 0 * 0.5
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.5 * X[0], atol=1e-6)
    assert layer(X[:1], training=False).shape == (1, 4)  # inference on one sample is fine


def test_fit_with_a_last_batch_of_one_sample_trains():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    history = model.fit(np.tile(X, (3, 1))[:33], np.ones(33), batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_unsupported_arguments_and_bad_values_are_refused():
    for kwargs in ({"renorm": True}, {"synchronized": True}, {"gamma_constraint": "non_neg"}):
        with pytest.raises(ValueError, match="not supported"):
            layers.BatchNormalization(**kwargs)
    with pytest.raises(ValueError, match="momentum"):
        layers.BatchNormalization(momentum=1.5)
    with pytest.raises(ValueError, match="out of bounds"):
        layers.BatchNormalization(axis=2).build((None, 4))
    layer = layers.BatchNormalization()
    layer(X)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        layer(np.ones((2, 3)))


def test_matches_real_keras_for_the_same_weights_and_moving_statistics():
    """Fixture recorded by tools/make_keras_fixtures.py with real Keras 3: one layer on a (4, 3, 5) input."""
    import pathlib

    data = np.load(pathlib.Path(__file__).parents[2] / "saving" / "fixtures" / "keras3_batch_normalization.npz",
                   allow_pickle=False)
    layer = layers.BatchNormalization(momentum=0.8, epsilon=0.01)
    layer.build((None, 3, 5))
    layer.set_weights([data[f"weight_{i}"] for i in range(4)])
    np.testing.assert_allclose(layer(data["x"], training=False).numpy(), data["inference"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer(data["x"], training=True).numpy(), data["training"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), data["moving_mean"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), data["moving_variance"], rtol=1e-5, atol=1e-6)
