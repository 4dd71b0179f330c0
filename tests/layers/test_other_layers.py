import numpy as np
import pytest

from neuronet import layers
from neuronet.testing import run_layer_test


def test_flatten():
    run_layer_test(layers.Flatten, input_shape=(2, 3, 4), expected_output_shape=(2, 12))


def test_activation_layer():
    run_layer_test(layers.Activation, init_kwargs={"activation": "tanh"}, input_shape=(2, 3),
                   expected_output_shape=(2, 3))


def test_dropout_scales_kept_units_and_is_identity_at_inference():
    layer = layers.Dropout(0.5, seed=3)
    x = np.ones((1000, 10))
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, 2.0}
    assert 0.45 < (out == 0).mean() < 0.55
    assert np.array_equal(layer(x, training=False).numpy(), x)
    run_layer_test(layers.Dropout, init_kwargs={"rate": 0.3}, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_dropout_rate_validated():
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_input_layer_and_input():
    assert layers.InputLayer(shape=(8,)).batch_shape == (None, 8)
    assert layers.InputLayer(input_shape=[28, 28]).batch_shape == (None, 28, 28)
    assert layers.Input(shape=(5,), name="wide").shape == (None, 5)


def test_custom_layer_gradient_flows():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, inputs):
            return inputs * self.w

    run_layer_test(Scale, input_shape=(2, 3), expected_output_shape=(2, 3), expected_num_trainable_weights=1)
