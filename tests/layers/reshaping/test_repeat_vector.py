import numpy as np
import pytest

from neuronet import layers
from neuronet.testing import run_layer_test


def test_run_layer_test():
    run_layer_test(layers.RepeatVector, init_kwargs={"n": 3}, input_shape=(2, 4), expected_output_shape=(2, 3, 4))


def test_repeats_each_sample():
    out = layers.RepeatVector(2)(np.array([[1.0, 2.0], [3.0, 4.0]])).numpy()
    np.testing.assert_array_equal(out, [[[1, 2], [1, 2]], [[3, 4], [3, 4]]])


def test_bad_arguments():
    with pytest.raises(TypeError, match="integer"):
        layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match="positive"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match="expected ndim=2"):
        layers.RepeatVector(2)(np.zeros((2, 3, 4)))
