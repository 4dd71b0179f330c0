"""`Metric`, `Mean`, `Sum`, `MeanMetricWrapper`, and `keras.metrics.get`/`serialize`/`deserialize`."""
import numpy as np
import pytest

from neuronet import backend, losses, metrics, ops
from neuronet.autodiff import Tensor


def test_mean_over_several_updates_and_weights():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    m.update_state([10])
    assert m.result() == pytest.approx(26 / 5)
    m.reset_state()
    assert m.result() == 0.0  # divide_no_nan
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0
    m.update_state(np.array([[4.0, 6.0]]), sample_weight=[3.0])  # per-sample mean over the last axis
    assert m.result() == pytest.approx((1 + 3 + 3 * 5) / 5)


def test_sum_and_call():
    m = metrics.Sum()
    assert m([1, 3, 5, 7], sample_weight=[1, 1, 0, 0]) == 4.0
    assert m([1.5]) == 5.5
    assert m.result().dtype == np.float32 and m.result().shape == ()


def test_result_is_a_float32_scalar_with_numpy_as_in_keras_and_state_is_variables():
    m = metrics.Mean(name="loss")
    m.update_state(np.float32(0.5))
    result = m.result()
    assert result == 0.5 and float(result) == 0.5 and f"{result:.2f}" == "0.50" and round(result, 1) == 0.5
    assert result.numpy() == 0.5 and isinstance(result.numpy(), np.float32)  # raised AttributeError before
    assert repr(result) == "0.5"
    assert [v.name for v in m.variables] == ["total", "count"]
    assert all(not v.trainable for v in m.variables)


def test_mean_metric_wrapper_with_a_loss_function_records_no_graph():
    m = metrics.MeanMetricWrapper(losses.binary_crossentropy, name="bce")
    y_pred = Tensor(backend.asarray([[0.9], [0.2]], "float32"), requires_grad=True)
    m.update_state(np.array([[1.0], [0.0]]), y_pred)
    expected = float(losses.BinaryCrossentropy()(np.array([[1.0], [0.0]]), y_pred))
    assert m.result() == pytest.approx(expected, rel=1e-6)
    assert m.name == "bce"


def test_mean_metric_wrapper_custom_function_and_kwargs():
    def within(y_true, y_pred, tolerance):
        return ops.mean(ops.cast(ops.abs(ops.subtract(y_pred, y_true)) <= tolerance, "float32"), axis=-1)

    m = metrics.MeanMetricWrapper(within, tolerance=0.5)
    assert m.name == "within"
    m.update_state(np.array([[1.0], [2.0]]), np.array([[1.2], [3.0]]))
    assert m.result() == 0.5
    assert m.get_config()["tolerance"] == 0.5


def test_custom_metric_subclass():
    class TruePositives(metrics.Metric):
        def __init__(self, name="true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), initializer="zeros", name="true_positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            values = np.logical_and(np.asarray(y_true, bool), np.asarray(y_pred) > 0.5)
            self.true_positives.assign(self.true_positives.numpy() + values.sum())

        def result(self):
            return self.true_positives

    m = TruePositives()
    m.update_state([1, 1, 0], [0.9, 0.1, 0.8])
    m.update_state([1], [0.7])
    assert float(m.result().numpy()) == 2.0
    m.reset_state()
    assert float(m.result().numpy()) == 0.0
    assert m.get_config() == {"name": "true_positives", "dtype": "float32"}


def test_forgetting_super_init_is_explained():
    class Broken(metrics.Metric):
        def __init__(self):
            self.v = self.add_variable(shape=(), initializer="zeros")

    with pytest.raises(RuntimeError, match="super"):
        Broken()


@pytest.mark.parametrize("name, cls", [
    ("accuracy", metrics.Accuracy), ("acc", metrics.Accuracy), ("mse", metrics.MeanSquaredError),
    ("MSE", metrics.MeanSquaredError), ("mean_squared_error", metrics.MeanSquaredError),
    ("mae", metrics.MeanAbsoluteError), ("mean_absolute_error", metrics.MeanAbsoluteError),
    ("RootMeanSquaredError", metrics.RootMeanSquaredError), ("root_mean_squared_error", metrics.RootMeanSquaredError),
    ("binary_accuracy", metrics.BinaryAccuracy), ("SparseCategoricalAccuracy", metrics.SparseCategoricalAccuracy),
    ("categorical_accuracy", metrics.CategoricalAccuracy), ("mape", metrics.MeanAbsolutePercentageError),
    ("binary_crossentropy", metrics.MeanMetricWrapper), ("sparse_categorical_crossentropy", metrics.MeanMetricWrapper),
])
def test_get_names_give_metrics_named_as_typed(name, cls):
    m = metrics.get(name)
    assert type(m) is cls and m.name == name


def test_get_other_identifiers():
    m = metrics.BinaryAccuracy()
    assert metrics.get(m) is m and metrics.get(None) is None
    assert isinstance(metrics.get(metrics.RootMeanSquaredError), metrics.RootMeanSquaredError)
    wrapped = metrics.get(losses.mean_absolute_error)
    assert isinstance(wrapped, metrics.MeanMetricWrapper) and wrapped.name == "mean_absolute_error"
    assert metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.7}}).threshold == 0.7


def test_get_unknown_lists_valid_names():
    with pytest.raises(ValueError, match=r"'accuracy'.*mean_squared_error"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get(3.5)


METRICS = [
    metrics.Mean(name="m"), metrics.Sum(), metrics.Accuracy(), metrics.BinaryAccuracy(threshold=0.3),
    metrics.CategoricalAccuracy(name="cat"), metrics.SparseCategoricalAccuracy(), metrics.TopKCategoricalAccuracy(k=2),
    metrics.SparseTopKCategoricalAccuracy(k=3), metrics.MeanSquaredError(), metrics.MeanAbsoluteError(),
    metrics.MeanAbsolutePercentageError(), metrics.MeanSquaredLogarithmicError(), metrics.RootMeanSquaredError(),
]


@pytest.mark.parametrize("metric", METRICS, ids=lambda m: type(m).__name__)
def test_config_round_trip(metric):
    config = metric.get_config()
    assert type(metric).from_config(config).get_config() == config
    again = metrics.deserialize(metrics.serialize(metric))
    assert type(again) is type(metric) and again.get_config() == config


def test_wrapper_serialization_round_trip():
    m = metrics.MeanMetricWrapper(losses.binary_crossentropy, name="bce", from_logits=True)
    config = metrics.serialize(m)
    assert config["config"]["fn"]["config"] == "binary_crossentropy"
    again = metrics.deserialize(config)
    assert again._fn is losses.binary_crossentropy and again._fn_kwargs == {"from_logits": True}


def test_function_configs_keras_fails_on_deserialize():
    # Keras 3.15 cannot read this back from a tf.keras .h5 ("Could not deserialize 'keras.metrics.mse'").
    fn = metrics.deserialize({"module": "keras.metrics", "class_name": "function", "config": "mse",
                              "registered_name": "mse"})
    assert fn is metrics.mean_squared_error
    assert metrics.deserialize("mse").name == "mean_squared_error"
