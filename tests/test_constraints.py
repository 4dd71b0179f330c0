import json

import numpy as np
import pytest

import neuronet as keras
from neuronet import constraints

W = np.array([[3.0, -0.1, 0.5], [4.0, 0.2, -0.5]], dtype="float32")

# Recorded from Keras 3.15 (TensorFlow 2.21) on W above.
KERAS_OUTPUTS = [
    (constraints.MaxNorm(), [[1.2, -0.1, 0.5], [1.6, 0.2, -0.5]]),
    (constraints.MaxNorm(1.0, axis=1), [[0.985861, -0.032862, 0.16431], [0.991059, 0.049553, -0.123882]]),
    (constraints.NonNeg(), [[3.0, 0.0, 0.5], [4.0, 0.2, 0.0]]),
    (constraints.UnitNorm(), [[0.6, -0.447213, 0.707107], [0.8, 0.894427, -0.707107]]),
    (constraints.UnitNorm(axis=1), [[0.985861, -0.032862, 0.16431], [0.991059, 0.049553, -0.123882]]),
    (constraints.MinMaxNorm(), [[0.6, -0.1, 0.5], [0.8, 0.2, -0.5]]),
    (constraints.MinMaxNorm(0.5, 2.0, rate=0.5, axis=1),
     [[2.485861, -0.082862, 0.41431], [2.991059, 0.149553, -0.373882]]),
]


@pytest.mark.parametrize("constraint, expected", KERAS_OUTPUTS, ids=lambda c: type(c).__name__)
def test_constraints_match_keras(constraint, expected):
    np.testing.assert_allclose(constraint(W).numpy(), expected, atol=2e-6)


def test_keras_defaults_aliases_and_serialization():
    assert constraints.max_norm is constraints.MaxNorm and constraints.non_neg is constraints.NonNeg
    assert constraints.unit_norm is constraints.UnitNorm and constraints.min_max_norm is constraints.MinMaxNorm
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    for name in ["max_norm", "MaxNorm", "non_neg", "NonNeg", "unit_norm", "UnitNorm", "min_max_norm", "MinMaxNorm"]:
        constraint = constraints.get(name)
        config = json.loads(json.dumps(constraints.serialize(constraint)))
        assert config["module"] == "keras.constraints" and config["class_name"] == type(constraint).__name__
        again = constraints.deserialize(config)
        assert type(again) is type(constraint) and again.get_config() == constraint.get_config()
    with pytest.raises(ValueError, match="max_nrom"):
        constraints.get("max_nrom")


def test_dense_constraints_are_applied_after_each_step_and_saved(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)), 10 * rng.normal(size=(64, 3))
    dense = keras.layers.Dense(3, kernel_constraint=keras.constraints.max_norm(0.5), bias_constraint="non_neg")
    model = keras.Sequential([keras.Input(shape=(4,)), dense])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    seen = []
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append((np.linalg.norm(dense.kernel.numpy(), axis=0).max(),
                                                            dense.bias.numpy().min())))])
    assert len(seen) == 4
    for norm, bias_min in seen:
        assert norm <= 0.5 + 1e-5 and bias_min >= 0.0
    config = dense.get_config()
    assert config["kernel_constraint"]["config"] == {"max_value": 0.5, "axis": 0}
    assert config["bias_constraint"]["class_name"] == "NonNeg"
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[0].kernel_constraint, constraints.MaxNorm)
    assert loaded.layers[0].kernel.constraint is loaded.layers[0].kernel_constraint


def test_add_weight_constraint():
    class Positive(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", constraint="non_neg")

        def call(self, inputs):
            return inputs * self.w

    model = keras.Sequential([keras.Input(shape=(2,)), Positive()])
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    model.fit(np.ones((8, 2)), -5 * np.ones((8, 2)), epochs=3, verbose=0)  # pushes w below zero
    np.testing.assert_array_equal(model.layers[0].w.numpy(), [0.0, 0.0])
