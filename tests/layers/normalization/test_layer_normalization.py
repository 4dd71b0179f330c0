import numpy as np
import pytest

from neuronet import layers
from neuronet.testing import run_layer_test

X = np.random.default_rng(0).normal(loc=1.0, scale=2.0, size=(5, 3, 4)).astype("float32")


def test_run_layer_test():
    run_layer_test(layers.LayerNormalization, input_shape=(2, 5), expected_output_shape=(2, 5),
                   expected_num_trainable_weights=2)
    run_layer_test(layers.LayerNormalization, init_kwargs={"axis": [1, 2], "scale": False}, input_shape=(2, 3, 4),
                   expected_output_shape=(2, 3, 4), expected_num_trainable_weights=1)


def test_normalizes_each_sample_over_the_given_axes():
    layer = layers.LayerNormalization(axis=[-2, -1], epsilon=1e-5)
    out = layer(X).numpy()
    mean, var = X.mean(axis=(1, 2), keepdims=True), X.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out, (X - mean) / np.sqrt(var + 1e-5), rtol=1e-4, atol=1e-5)
    assert layer.gamma.shape == (3, 4)
    np.testing.assert_allclose(layer(X, training=True).numpy(), out)  # no training/inference difference


def test_gamma_and_beta_apply_per_feature():
    layer = layers.LayerNormalization()
    layer.build((None, 3, 4))
    layer.set_weights([np.arange(4.0), np.ones(4)])
    x = X[:, 0, :]
    base = (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(layer(X).numpy()[:, 0, :], base * np.arange(4.0) + 1, rtol=1e-4, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="rms_scaling"):
        layers.LayerNormalization(rms_scaling=True)
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=3)(np.ones((2, 3)))
