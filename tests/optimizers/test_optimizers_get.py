"""`keras.optimizers.get`, `serialize` and `deserialize`."""
import numpy as np
import pytest

from neuronet import optimizers


@pytest.mark.parametrize("name, cls, learning_rate", [
    ("sgd", optimizers.SGD, 0.01), ("adam", optimizers.Adam, 0.001), ("rmsprop", optimizers.RMSprop, 0.001),
    ("adagrad", optimizers.Adagrad, 0.001), ("nadam", optimizers.Nadam, 0.001), ("Adam", optimizers.Adam, 0.001),
    ("SGD", optimizers.SGD, 0.01), ("RMSProp", optimizers.RMSprop, 0.001)])
def test_get_from_string_uses_keras_default_learning_rate(name, cls, learning_rate):
    first, second = optimizers.get(name), optimizers.get(name)
    assert type(first) is cls and first is not second
    assert first.learning_rate == pytest.approx(learning_rate)
    assert first.learning_rate.numpy() == np.float32(learning_rate)


def test_get_returns_instances_as_is_and_reads_configs():
    opt = optimizers.Adam(learning_rate=0.5)
    assert optimizers.get(opt) is opt
    clone = optimizers.get(optimizers.serialize(opt))
    assert type(clone) is optimizers.Adam and clone.learning_rate == 0.5


def test_bad_identifier_lists_valid_names():
    with pytest.raises(ValueError, match=r"'adabelief'.*\['adagrad', 'adam', 'adamax', 'adamw', 'ftrl', 'lion', "
                                         r"'nadam', 'rmsprop', 'sgd'\]"):
        optimizers.get("adabelief")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(42)


def test_serialize_shape_and_deserialize_variants():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    serialized = optimizers.serialize(opt)
    assert serialized == {"class_name": "SGD", "config": opt.get_config()}
    keras3 = {"module": "keras.optimizers", "class_name": "SGD", "config": serialized["config"],
              "registered_name": None}
    assert optimizers.deserialize(keras3).get_config() == serialized["config"]
    assert type(optimizers.deserialize({"class_name": "Custom>Adam", "config": {}})) is optimizers.Adam

    class MyAdam(optimizers.Adam):
        pass

    custom = optimizers.deserialize({"class_name": "MyAdam", "config": {}}, custom_objects={"MyAdam": MyAdam})
    assert type(custom) is MyAdam
    with pytest.raises(ValueError, match="must be a dict"):
        optimizers.deserialize("adam")
