"""What `compile()` resolves: names as Keras 3 logs them, and identifiers chosen from shapes."""
import numpy as np
import pytest

import neuronet as keras


def _fit_logs(y, units, activation, **compile_kwargs):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation)])
    model.compile(optimizer="sgd", **compile_kwargs)
    x = np.random.default_rng(0).normal(size=(12, 4)).astype("float32")
    history = model.fit(x, y, sample_weight=np.linspace(0.5, 1.5, 12), epochs=1, verbose=0)
    return model, history.history


def test_a_weighted_metric_is_logged_under_its_own_name_and_weighted_only_on_a_clash():
    y = np.ones((12, 1), "float32")
    _, logs = _fit_logs(y, 1, None, loss="mse", weighted_metrics=["mse"])
    assert sorted(logs) == ["loss", "mse"]  # was "weighted_mse"
    _, logs = _fit_logs(y, 1, None, loss="mse", metrics=["mse"], weighted_metrics=["mse"])
    assert sorted(logs) == ["loss", "mse", "weighted_mse"]  # Keras 3: the same keys
    _, logs = _fit_logs(y, 1, None, loss="mse", metrics=["mae", "mae"])
    assert sorted(logs) == ["loss", "mae", "mae_1"]


@pytest.mark.parametrize("y, units, activation, expected", [
    (np.arange(12) % 3, 3, "softmax", "sparse_categorical_crossentropy"),
    ((np.arange(12) % 3)[:, None], 3, "softmax", "sparse_categorical_crossentropy"),
    (np.eye(3, dtype="float32")[np.arange(12) % 3], 3, "softmax", "categorical_crossentropy"),
    ((np.arange(12) % 2)[:, None].astype("float32"), 1, "sigmoid", "binary_crossentropy"),
])
@pytest.mark.parametrize("name", ["crossentropy", "ce"])
def test_crossentropy_is_chosen_from_target_and_output_shapes(y, units, activation, expected, name):
    model, logs = _fit_logs(y, units, activation, loss=name, metrics=["accuracy"])  # raised ValueError before
    assert model.compiled_loss.losses[0].fn.__name__ == expected and np.isfinite(logs["loss"][0])
