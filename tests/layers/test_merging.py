import numpy as np
import pytest

import neuronet as keras
from neuronet import layers
from neuronet.testing import run_layer_test


@pytest.mark.parametrize("cls, expected", [
    (layers.Add, lambda a, b: a + b), (layers.Subtract, lambda a, b: a - b), (layers.Multiply, lambda a, b: a * b),
    (layers.Average, lambda a, b: (a + b) / 2), (layers.Maximum, np.maximum), (layers.Minimum, np.minimum),
])
def test_elementwise_merges(cls, expected):
    run_layer_test(cls, input_shape=[(2, 3), (2, 3)], expected_output_shape=(2, 3))
    a, b = np.random.rand(4, 3), np.random.rand(4, 3)
    np.testing.assert_allclose(cls()([a, b]).numpy(), expected(a, b).astype("float32"), rtol=1e-6)


def test_concatenate():
    run_layer_test(layers.Concatenate, input_shape=[(2, 3), (2, 4)], expected_output_shape=(2, 7))
    run_layer_test(layers.Concatenate, init_kwargs={"axis": 1}, input_shape=[(2, 3, 4), (2, 1, 4)],
                   expected_output_shape=(2, 4, 4))


def test_lowercase_functions():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    for fn in (layers.add, layers.subtract, layers.multiply, layers.average, layers.maximum, layers.minimum):
        assert fn([a, b]).shape == (None, 3)
    assert layers.concatenate([a, b]).shape == (None, 6)


def test_merge_shape_errors_at_construction():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(4,), name="b")
    with pytest.raises(ValueError, match=r"matching shapes.*\(2, 3\), \(2, 4\)|a: \(None, 3\), b: \(None, 4\)"):
        layers.Add()([a, b])
    with pytest.raises(ValueError, match="at least 2"):
        layers.Concatenate()([a])
    with pytest.raises(ValueError, match="concatenation axis"):
        layers.concatenate([keras.Input(shape=(2, 3)), keras.Input(shape=(4, 5))])
