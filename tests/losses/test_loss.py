"""`Loss` base class: reductions, sample weights, masks, `get`, configs and serialization."""
import numpy as np
import pytest

from neuronet import backend, losses, ops
from neuronet.autodiff import Tensor, check_grads, grad

Y_TRUE = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
Y_PRED = np.array([[1.5, 2.0], [2.0, 4.0], [5.0, 8.0]])
PER_SAMPLE = ((Y_TRUE - Y_PRED) ** 2).mean(-1)  # [0.125, 0.5, 2.0]
WEIGHTS = np.array([1.0, 0.5, 0.0])


def _mse(**kwargs):
    return losses.MeanSquaredError(dtype="float64", **kwargs)


def test_sum_over_batch_size_divides_by_number_of_values_not_by_weights():
    assert float(_mse()(Y_TRUE, Y_PRED)) == pytest.approx(PER_SAMPLE.mean())
    # Keras 3: sum(w * loss) / n, so zero weights still count in the denominator.
    assert float(_mse()(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)) == pytest.approx((PER_SAMPLE * WEIGHTS).sum() / 3)
    assert float(_mse(reduction="mean")(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)) == \
        pytest.approx((PER_SAMPLE * WEIGHTS).sum() / 3)


def test_other_reductions():
    assert float(_mse(reduction="sum")(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)) == \
        pytest.approx((PER_SAMPLE * WEIGHTS).sum())
    assert float(_mse(reduction="mean_with_sample_weight")(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)) == \
        pytest.approx((PER_SAMPLE * WEIGHTS).sum() / WEIGHTS.sum())
    for reduction in (None, "none"):
        np.testing.assert_allclose(_mse(reduction=reduction)(Y_TRUE, Y_PRED, sample_weight=WEIGHTS).numpy(),
                                   PER_SAMPLE * WEIGHTS)


def test_invalid_reduction_lists_the_valid_ones():
    with pytest.raises(ValueError, match="sum_over_batch_size"):
        losses.MeanSquaredError(reduction="average")


def test_keras2_auto_reduction_is_accepted():
    assert losses.MeanSquaredError(reduction="auto").reduction == "sum_over_batch_size"


@pytest.mark.parametrize("weights", [WEIGHTS[:, None], Tensor(backend.asarray(WEIGHTS)), list(WEIGHTS)])
def test_sample_weight_shapes_and_types(weights):
    assert float(_mse()(Y_TRUE, Y_PRED, sample_weight=weights)) == pytest.approx((PER_SAMPLE * WEIGHTS).sum() / 3)


def test_scalar_sample_weight():
    assert float(_mse()(Y_TRUE, Y_PRED, sample_weight=2.0)) == pytest.approx(2 * PER_SAMPLE.mean())


def test_per_sample_weights_on_per_timestep_losses_weigh_the_batch_axis():
    y_true, y_pred = np.zeros((3, 2, 4)), np.ones((3, 2, 4)) * np.array([1.0, 2.0, 3.0])[:, None, None]
    value = _mse()(y_true, y_pred, sample_weight=np.array([1.0, 0.0, 1.0]))
    assert float(value) == pytest.approx((1 * 2 + 0 + 9 * 2) / 6)


def test_reduced_loss_is_a_differentiable_scalar():
    y_pred = Tensor(backend.asarray(Y_PRED), requires_grad=True)
    value = _mse()(Y_TRUE, y_pred)
    assert value.shape == ()
    (g,) = grad(value, [y_pred])
    np.testing.assert_allclose(backend.to_numpy(g), 2 * (Y_PRED - Y_TRUE) / Y_TRUE.size)


def test_custom_subclass_call():
    class Cubic(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.power(ops.abs(ops.subtract(y_pred, y_true)), 3.0), axis=-1)

    loss = Cubic(dtype="float64")
    assert loss.name == "cubic"
    assert float(loss(Y_TRUE, Y_PRED)) == pytest.approx((np.abs(Y_PRED - Y_TRUE) ** 3).mean())
    check_grads(lambda y: loss(Y_TRUE, y), Y_PRED + 0.1)


def test_base_call_not_implemented():
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(Y_TRUE, Y_PRED)


def test_loss_function_wrapper_passes_kwargs_and_names_after_fn():
    wrapper = losses.LossFunctionWrapper(losses.huber, delta=0.5)
    assert wrapper.name == "huber"
    np.testing.assert_allclose(float(wrapper(Y_TRUE, Y_PRED)), float(losses.Huber(delta=0.5)(Y_TRUE, Y_PRED)))


@pytest.mark.parametrize("name, expected", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("MAE", losses.mean_absolute_error), ("huber", losses.huber), ("bce", losses.binary_crossentropy),
    ("binary_crossentropy", losses.binary_crossentropy), ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy), ("mape", losses.mape),
    ("msle", losses.msle), ("log_cosh", losses.log_cosh), ("hinge", losses.hinge),
])
def test_get_function_names(name, expected):
    assert losses.get(name) is expected


@pytest.mark.parametrize("name", ["MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy",
                                  "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "LogCosh"])
def test_get_class_names_give_instances(name):
    assert type(losses.get(name)).__name__ == name


def test_get_objects_configs_and_errors():
    loss = losses.Huber()
    assert losses.get(loss) is loss
    assert losses.get(None) is None
    assert isinstance(losses.get(losses.Huber), losses.Huber)
    fn = lambda y_true, y_pred: y_pred  # noqa: E731
    assert losses.get(fn) is fn
    config = {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}
    assert losses.get(config).from_logits is True
    with pytest.raises(ValueError, match=r"'mse'.*mean_squared_error"):
        losses.get("mse_loss")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get(42)


LOSS_CLASSES = [
    losses.MeanSquaredError(), losses.MeanAbsoluteError(name="l1"), losses.MeanAbsolutePercentageError(),
    losses.MeanSquaredLogarithmicError(), losses.LogCosh(), losses.Hinge(), losses.SquaredHinge(),
    losses.KLDivergence(), losses.Poisson(), losses.Huber(delta=2.5, reduction="sum"),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, axis=-1),
    losses.CategoricalCrossentropy(label_smoothing=0.2, reduction=None),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255),
]


@pytest.mark.parametrize("loss", LOSS_CLASSES, ids=lambda loss: type(loss).__name__)
def test_config_round_trip(loss):
    config = loss.get_config()
    assert "fn" not in config
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    again = losses.deserialize(losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == config


def test_keras3_config_values():
    assert losses.MeanSquaredError().get_config() == {"name": "mean_squared_error", "reduction": "sum_over_batch_size"}
    assert losses.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": False,
        "ignore_class": None}
    assert losses.serialize(losses.Huber()) == {"module": "keras.losses", "class_name": "Huber", "config": {
        "name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 1.0}, "registered_name": None}


def test_function_serialization_round_trip():
    config = losses.serialize(losses.mse)
    assert config == {"module": "keras.losses", "class_name": "function", "config": "mean_squared_error",
                      "registered_name": "mean_squared_error"}
    assert losses.deserialize(config) is losses.mean_squared_error
    assert losses.deserialize({"module": "keras.metrics", "class_name": "function", "config": "mse"}) is \
        losses.mean_squared_error
    assert losses.deserialize("mse") is losses.mean_squared_error


def test_tf_keras_configs_deserialize():
    loss = losses.deserialize({"class_name": "BinaryCrossentropy", "config": {
        "reduction": "auto", "name": "binary_crossentropy", "from_logits": True, "label_smoothing": 0.0,
        "axis": -1, "fn": "binary_crossentropy"}})
    assert loss.reduction == "sum_over_batch_size" and loss.from_logits


def test_wrapper_round_trip_and_custom_objects():
    wrapper = losses.LossFunctionWrapper(losses.huber, name="h", delta=0.3)
    clone = losses.LossFunctionWrapper.from_config(wrapper.get_config())
    assert clone.fn is losses.huber and clone._fn_kwargs == {"delta": 0.3} and clone.name == "h"

    class MyLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.abs(y_pred - y_true), axis=-1)

    config = losses.serialize(MyLoss(name="mine"))
    with pytest.raises(ValueError, match="custom_objects"):
        losses.deserialize(config)
    assert losses.deserialize(config, custom_objects={"MyLoss": MyLoss}).name == "mine"
