"""Regression metrics: values over several updates, weights, shapes, and agreement with the losses."""
import math

import numpy as np
import pytest

from neuronet import losses, metrics

Y_TRUE = np.array([[0.0, 1.0], [0.0, 0.0], [2.0, 2.0]])
Y_PRED = np.array([[1.0, 1.0], [0.0, 0.0], [1.0, 4.0]])
SQUARED = ((Y_TRUE - Y_PRED) ** 2).mean(-1)  # [0.5, 0, 2.5]
ABSOLUTE = np.abs(Y_TRUE - Y_PRED).mean(-1)  # [0.5, 0, 1.5]


@pytest.mark.parametrize("metric, per_sample, transform", [
    (metrics.MeanSquaredError, SQUARED, lambda x: x),
    (metrics.MeanAbsoluteError, ABSOLUTE, lambda x: x),
    (metrics.RootMeanSquaredError, SQUARED, math.sqrt),
])
def test_values_over_several_updates_weighted_and_reset(metric, per_sample, transform):
    m = metric()
    m.update_state(Y_TRUE[:2], Y_PRED[:2])
    m.update_state(Y_TRUE[2:], Y_PRED[2:])
    assert m.result() == pytest.approx(transform(per_sample.mean()))
    m.reset_state()
    weights = np.array([2.0, 1.0, 0.0])
    m.update_state(Y_TRUE, Y_PRED, sample_weight=weights)
    assert m.result() == pytest.approx(transform((per_sample * weights).sum() / weights.sum()))


def test_keras_documented_values():
    m = metrics.MeanSquaredError()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert m.result() == 0.25
    m.reset_state()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    assert m.result() == 0.5
    m = metrics.RootMeanSquaredError()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert m.result() == 0.5
    m = metrics.MeanAbsoluteError()
    m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    assert m.result() == 0.5


@pytest.mark.parametrize("metric", [metrics.MeanSquaredError, metrics.MeanAbsoluteError, metrics.RootMeanSquaredError])
def test_flat_targets_against_column_predictions_do_not_broadcast(metric):
    flat, column = metric(), metric()
    flat.update_state(np.array([1.0, 2.0, 3.0]), np.array([[1.5], [2.0], [2.0]]))
    column.update_state(np.array([[1.0], [2.0], [3.0]]), np.array([[1.5], [2.0], [2.0]]))
    assert flat.result() == pytest.approx(column.result())
    both_flat = metric()
    both_flat.update_state(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0]))
    assert both_flat.result() == pytest.approx(column.result())


@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                                  "mean_squared_logarithmic_error"])
def test_numpy_functions_agree_with_the_losses(name):
    y_true, y_pred = np.abs(Y_TRUE) + 0.5, np.abs(Y_PRED) + 0.25
    np.testing.assert_allclose(getattr(metrics, name)(y_true, y_pred), getattr(losses, name)(y_true, y_pred).numpy(),
                               rtol=1e-6)


def test_float32_inputs_keep_float32_values():
    values = metrics.mean_squared_error(Y_TRUE.astype("float32"), Y_PRED.astype("float32"))
    assert values.dtype == np.float32
