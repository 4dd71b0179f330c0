import numpy as np
import pytest

from neuronet import layers
from neuronet.testing import run_layer_test


def test_run_layer_test():
    run_layer_test(layers.Discretization, init_kwargs={"bin_boundaries": [-0.5, 0.0, 0.5]}, input_shape=(2, 3),
                   expected_output_shape=(2, 3))


def test_buckets_follow_keras_boundaries():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = layer(np.array([[-1.5, 1.0, 2.0, -1.0], [0.0, 1.0, 3.0, 0.5]])).numpy()
    np.testing.assert_array_equal(out, [[0, 2, 3, 0], [1, 2, 3, 1]])  # Keras docstring example
    assert out.dtype == np.int32


def test_adapt_learns_quantiles_as_keras_does():
    layer = layers.Discretization(num_bins=4)
    layer.adapt(np.arange(8.0))
    assert layer.bin_boundaries == [1.0, 3.0, 5.0]  # what real Keras 3.15 computes
    layer = layers.Discretization(num_bins=3)
    layer.adapt([np.arange(6.0), np.arange(6.0, 11.0)])
    np.testing.assert_allclose(layer.bin_boundaries, [2.6666667, 6.3333333], rtol=1e-6)  # Keras: same
    clone = layers.Discretization.from_config(layer.get_config())
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 3


def test_one_hot_and_count_outputs():
    x = np.array([[-1.0], [0.5], [3.0]])
    onehot = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(x).numpy()
    np.testing.assert_array_equal(onehot, np.eye(3))
    count = layers.Discretization(bin_boundaries=[0.0], output_mode="count")(np.array([[-1.0, 1.0, 2.0]])).numpy()
    np.testing.assert_array_equal(count, [[1.0, 2.0]])


def test_bad_arguments():
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match="Both `num_bins` and `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match="increasing"):
        layers.Discretization(bin_boundaries=[1.0, 0.0])
    with pytest.raises(ValueError, match="Cannot adapt a Discretization layer"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.ones(3))
    with pytest.raises(ValueError, match="no bin boundaries yet"):
        layers.Discretization(num_bins=3)(np.ones((1, 2)))
    with pytest.raises(ValueError, match="NaN"):
        layers.Discretization(num_bins=3).adapt(np.array([1.0, np.nan]))
