"""register_keras_serializable, custom_object_scope and get_registered_*: custom objects found when loading."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import saving


@pytest.fixture
def registered():
    names = []

    def register(obj, package="test_registration", name=None):
        saving.register_keras_serializable(package=package, name=name)(obj)
        names.append(f"{package}>{name or obj.__name__}")
        return obj

    yield register
    for name in names:
        saving.get_custom_objects().pop(name, None)


def test_registered_loss_metric_activation_and_optimizer_load_without_custom_objects(tmp_path, registered):
    def doubled_mse(y_true, y_pred):
        return 2.0 * keras.losses.mean_squared_error(y_true, y_pred)

    def clipped_relu(x):
        return keras.ops.clip(keras.ops.relu(x), 0.0, 5.0)

    class MaxError(keras.metrics.Mean):
        def update_state(self, y_true, y_pred, sample_weight=None):
            host = keras.ops.convert_to_numpy  # both arrive on the device, as in Keras
            super().update_state(np.max(np.abs(host(y_true) - host(y_pred)), axis=-1))

    class HalfSGD(keras.optimizers.SGD):
        def update_step(self, gradient, variable, learning_rate):
            super().update_step(gradient, variable, learning_rate / 2)

    registered(doubled_mse)
    registered(clipped_relu, name="clipped")
    registered(MaxError)
    registered(HalfSGD)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation=clipped_relu)])
    model.compile(optimizer=HalfSGD(0.1), loss=doubled_mse, metrics=[MaxError(name="max_error")])
    x, y = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    model.fit(x, y, verbose=0)
    model.save(tmp_path / "custom.keras")
    restored = saving.load_model(tmp_path / "custom.keras")
    assert restored.layers[0].activation is clipped_relu
    assert type(restored.optimizer) is HalfSGD
    assert restored.loss is doubled_mse
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    logs = restored.evaluate(x, y, verbose=0, return_dict=True)
    assert logs == pytest.approx(model.evaluate(x, y, verbose=0, return_dict=True), rel=1e-6)


def test_names_and_lookup(registered):
    def my_fn(y_true, y_pred):
        return y_pred

    registered(my_fn, package="pkg")
    assert saving.get_registered_name(my_fn) == "pkg>my_fn"
    assert saving.get_registered_object("pkg>my_fn") is my_fn
    assert keras.losses.get("pkg>my_fn") is my_fn
    assert keras.losses.deserialize(keras.losses.serialize(my_fn)) is my_fn
    with pytest.raises(ValueError, match="get_config"):
        saving.register_keras_serializable()(type("NoConfig", (), {}))


def test_custom_object_scope_reaches_losses_and_optimizers():
    def my_loss(y_true, y_pred):
        return y_pred

    class MyOptimizer(keras.optimizers.SGD):
        pass

    with pytest.raises(ValueError, match="my_loss"):
        keras.losses.get("my_loss")
    with keras.utils.custom_object_scope({"my_loss": my_loss, "MyOptimizer": MyOptimizer}):
        assert keras.losses.get("my_loss") is my_loss
        config = keras.optimizers.serialize(MyOptimizer(0.5))
        assert type(keras.optimizers.deserialize(config)) is MyOptimizer
    assert keras.utils.custom_object_scope is saving.custom_object_scope
    assert keras.utils.get_custom_objects() is saving.get_custom_objects()
