import numpy as np
import pytest

from neuronet import layers


def test_config_round_trip_and_output_shapes():
    """(run_layer_test feeds random floats; this layer takes integer indices, so its checks are spelled out.)"""
    layer = layers.CategoryEncoding(num_tokens=4, output_mode="count")
    clone = layers.CategoryEncoding.from_config(layer.get_config())
    assert clone.get_config() == {**layer.get_config(), "name": clone.name}
    x = np.array([[1], [3]])
    np.testing.assert_array_equal(clone(x).numpy(), layer(x).numpy())
    assert layers.CategoryEncoding(4, "one_hot").compute_output_shape((None, 1)) == (None, 4)
    assert layers.CategoryEncoding(4, "one_hot")(x).shape == (2, 4)
    assert layers.CategoryEncoding(4, "multi_hot").compute_output_shape((None, 3)) == (None, 4)


def test_modes_match_keras():
    np.testing.assert_array_equal(layers.CategoryEncoding(4, "one_hot")(np.array([3, 2, 0, 1])).numpy(),
                                  np.eye(4)[[3, 2, 0, 1]])
    np.testing.assert_array_equal(layers.CategoryEncoding(3, "multi_hot")(np.array([0, 2])).numpy(), [1, 0, 1])
    np.testing.assert_array_equal(layers.CategoryEncoding(3, "count")(np.array([[0, 2, 2], [1, 1, 0]])).numpy(),
                                  [[1, 0, 2], [1, 2, 0]])  # real Keras 3.15 gives these
    weighted = layers.CategoryEncoding(3, "count")(np.array([[0, 0]]), count_weights=np.array([[0.5, 0.25]]))
    np.testing.assert_allclose(weighted.numpy(), [[0.75, 0, 0]])


def test_bad_input():
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="Unknown arg for output_mode"):
        layers.CategoryEncoding(3, "tf_idf")
    with pytest.raises(ValueError, match="sparse"):
        layers.CategoryEncoding(3, sparse=True)
    with pytest.raises(ValueError, match=r"0 <= values < num_tokens with num_tokens=3. Received: values in \[0, 3\]"):
        layers.CategoryEncoding(3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(3, "multi_hot")(np.array([[0]]), count_weights=np.ones((1, 1)))
