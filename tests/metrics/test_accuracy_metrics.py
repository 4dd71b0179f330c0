"""Accuracy metrics (values from the Keras 3 docstrings) and `resolve_accuracy`."""
import numpy as np
import pytest

from neuronet import backend, losses, metrics
from neuronet.autodiff import Tensor


@pytest.mark.parametrize("metric, y_true, y_pred, weights, plain, weighted", [
    (metrics.Accuracy, [[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0], 0.75, 0.5),
    (metrics.BinaryAccuracy, [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1], 0.75, 0.5),
    (metrics.CategoricalAccuracy, [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (metrics.SparseCategoricalAccuracy, [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], [0.7, 0.3], 0.5, 0.3),
    (lambda: metrics.TopKCategoricalAccuracy(k=1), [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     [0.7, 0.3], 0.5, 0.3),
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=1), [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], [0.7, 0.3],
     0.5, 0.3),
])
def test_keras_documented_values(metric, y_true, y_pred, weights, plain, weighted):
    m = metric()
    m.update_state(y_true, y_pred)
    assert m.result() == pytest.approx(plain)
    m.reset_state()
    m.update_state(y_true, y_pred, sample_weight=weights)
    assert m.result() == pytest.approx(weighted)


def test_several_updates_weight_batches_by_their_size():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(np.array([0, 1, 2]), np.eye(3))  # 3 right
    m.update_state(np.array([1.0]), np.array([[0.9, 0.1, 0.0]]))  # 1 wrong; float labels are fine
    assert m.result() == 0.75


def test_flat_binary_predictions_count_one_sample_each():
    m = metrics.BinaryAccuracy()
    m.update_state(np.array([1, 0, 1]), np.array([0.9, 0.1, 0.2]))  # 2 of 3
    m.update_state(np.array([1]), np.array([0.8]))  # 1 of 1
    assert m.result() == 0.75
    m.update_state(np.array([0, 0]), np.array([0.7, 0.7]), sample_weight=[1.0, 1.0])
    assert m.result() == 0.5


def test_binary_accuracy_threshold_and_column_vs_flat_labels():
    m = metrics.BinaryAccuracy(threshold=0.8)
    m.update_state(np.array([1, 1, 0]), np.array([[0.9], [0.7], [0.1]]))
    assert m.result() == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="threshold"):
        metrics.BinaryAccuracy(threshold=1.5)


def test_accepts_tensors_and_float32():
    m = metrics.CategoricalAccuracy()
    y_pred = Tensor(backend.asarray([[0.2, 0.8], [0.6, 0.4]], "float32"), requires_grad=True)
    m.update_state(Tensor(backend.asarray([[0.0, 1.0], [0.0, 1.0]], "float32")), y_pred)
    assert m.result() == 0.5


def test_functions_match_keras():
    np.testing.assert_array_equal(metrics.binary_accuracy([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]),
                                  [[1], [1], [1], [0]])
    # Keras 3.15: one value per element, not averaged over the last axis (was 0.75 for this rank-1 input)
    np.testing.assert_array_equal(metrics.binary_accuracy([1, 1, 0, 0], [0.98, 1, 0, 0.6]), [1, 1, 1, 0])
    np.testing.assert_array_equal(metrics.binary_accuracy([[1, 0]], [[0.9, 0.9]]), [[1, 0]])
    np.testing.assert_array_equal(metrics.accuracy([[1], [2]], [[1], [3]]), [[1], [0]])
    np.testing.assert_array_equal(metrics.sparse_categorical_accuracy([2, 1], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]),
                                  [0, 1])
    assert metrics.categorical_accuracy([[0, 1]], [[0.3, 0.7]]).dtype == np.float32


@pytest.mark.parametrize("y_true_shape, y_pred_shape, expected", [
    ((32,), (32, 10), metrics.SparseCategoricalAccuracy),
    ((32, 1), (32, 10), metrics.SparseCategoricalAccuracy),
    ((32, 10), (32, 10), metrics.CategoricalAccuracy),
    ((32, 3), (32, 3), metrics.CategoricalAccuracy),  # binary cross-entropy on 3 sigmoid units too, as in Keras
    ((32, 1), (32, 1), metrics.BinaryAccuracy),
    ((32,), (32, 1), metrics.BinaryAccuracy),
    ((8, 5, 1), (8, 5, 4), metrics.SparseCategoricalAccuracy),
])
@pytest.mark.parametrize("name", ["accuracy", "acc"])
def test_resolve_accuracy_from_shapes_as_keras(y_true_shape, y_pred_shape, expected, name):
    m = metrics.resolve_accuracy(name, y_true_shape, y_pred_shape)
    assert type(m) is expected and m.name == name
