import numpy as np

import neuronet as keras
from neuronet import layers
from neuronet.testing import run_layer_test


def test_run_layer_test():
    run_layer_test(layers.Identity, input_shape=(2, 3), expected_output_shape=(2, 3))


def test_passes_values_and_shapes_through():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Identity()(inputs))
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
