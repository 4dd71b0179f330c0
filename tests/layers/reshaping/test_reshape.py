import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.testing import run_layer_test


def test_run_layer_test():
    run_layer_test(layers.Reshape, init_kwargs={"target_shape": (3, 2)}, input_shape=(2, 6),
                   expected_output_shape=(2, 3, 2))
    run_layer_test(layers.Reshape, init_kwargs={"target_shape": (-1, 4)}, input_shape=(2, 2, 6),
                   expected_output_shape=(2, 3, 4))


def test_symbolic_shapes_and_values():
    inputs = keras.Input((2, 6))
    outputs = layers.Reshape((-1,))(inputs)
    assert outputs.shape == (None, 12)
    x = np.arange(24.0).reshape(2, 2, 6)
    np.testing.assert_array_equal(keras.Model(inputs, outputs).predict(x, verbose=0), x.reshape(2, 12))


def test_bad_target_shapes():
    with pytest.raises(ValueError, match="at most one -1"):
        layers.Reshape((-1, -1))
    with pytest.raises(ValueError, match="positive integers"):
        layers.Reshape((0, 3))
    with pytest.raises(ValueError, match="does not match target_shape"):
        layers.Reshape((5,))(np.zeros((2, 6)))
    with pytest.raises(ValueError, match="not divisible"):
        layers.Reshape((-1, 4))(np.zeros((2, 6)))
