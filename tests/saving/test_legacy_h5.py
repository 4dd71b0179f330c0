"""The legacy `.h5` format: tf.keras layout, attribute chunking, order-based reading, exact resumption."""
import json

import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import saving
from neuronet.saving import legacy_h5


def regression_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    return x, (x @ rng.normal(size=(5, 1)) + 0.3).astype("float32")


def regressor(optimizer="adam", loss="mse", metrics=("mae",)):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics))
    return model


def trained_regressor(**kwargs):
    x, y = regression_data()
    model = regressor(**kwargs)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model


class Counted(keras.layers.Layer):
    """A layer whose non-trainable weight is created before its trainable one."""

    def build(self, input_shape):
        self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale


def test_h5_file_has_the_tf_keras_layout(tmp_path):
    model = trained_regressor()
    path = tmp_path / "model.h5"
    saving.save_model(model, path)
    with h5py.File(path, "r") as f:
        assert {"keras_version", "backend", "model_config", "training_config"} <= set(f.attrs)
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        assert [layer["class_name"] for layer in config["config"]["layers"]] == ["InputLayer", "Dense", "Dense"]
        training = json.loads(f.attrs["training_config"])
        assert training["loss"] == "mse" and training["metrics"] == ["mae"] and training["loss_weights"] is None
        assert training["optimizer_config"]["class_name"] == "Adam"
        weights = f["model_weights"]
        assert legacy_h5.load_attributes(weights, "layer_names") == ["dense", "dense_1"]
        assert {"backend", "keras_version"} <= set(weights.attrs)
        assert legacy_h5.load_attributes(weights["dense"], "weight_names") == ["dense/kernel:0", "dense/bias:0"]
        np.testing.assert_array_equal(weights["dense"]["dense/kernel:0"][()], model.layers[0].kernel.numpy())
        assert legacy_h5.load_attributes(weights["top_level_model_weights"], "weight_names") == []
        names = legacy_h5.load_attributes(f["optimizer_weights"], "weight_names")
        assert names[:2] == ["adam/iteration:0", "adam/learning_rate:0"]
        assert len(names) == len(model.optimizer.variables) == 2 + 2 * 4
        assert int(f["optimizer_weights"]["adam/iteration:0"][()]) == int(model.optimizer.iterations.numpy()) == 8


def test_weight_names_list_trainable_then_non_trainable(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Counted(name="counted")])
    path = tmp_path / "counted.h5"
    saving.save_model(model, path)
    with h5py.File(path, "r") as f:
        assert legacy_h5.load_attributes(f["model_weights/counted"], "weight_names") == \
            ["counted/scale:0", "counted/count:0"]
    model.layers[0].scale.assign([1.0, 2.0, 3.0])
    model.layers[0].count.assign(7.0)
    saving.save_model(model, path)
    loaded = saving.load_model(path, custom_objects={"Counted": Counted}, compile=False)
    np.testing.assert_array_equal(loaded.layers[0].scale.numpy(), [1.0, 2.0, 3.0])
    assert float(loaded.layers[0].count.numpy()) == 7.0


def test_large_attributes_are_chunked_like_keras(tmp_path):
    names = [f"layer_with_a_rather_long_name_number_{i:05d}".encode() for i in range(3000)]
    with h5py.File(tmp_path / "attrs.h5", "w") as f:
        legacy_h5.save_attributes(f, "layer_names", names)
        chunks = sorted(k for k in f.attrs if k.startswith("layer_names"))
        assert "layer_names" not in f.attrs and chunks[:2] == ["layer_names0", "layer_names1"]
        assert all(f.attrs[k].nbytes <= legacy_h5.HDF5_OBJECT_HEADER_LIMIT for k in chunks)
        assert legacy_h5.load_attributes(f, "layer_names") == [n.decode() for n in names]
        legacy_h5.save_attributes(f, "few", [b"a", b"bb"])
        assert "few" in f.attrs and legacy_h5.load_attributes(f, "few") == ["a", "bb"]


class ManyWeights(keras.layers.Layer):
    def build(self, input_shape):
        self.many = [self.add_weight(name=f"weight_{i:04d}_with_a_long_descriptive_name", shape=(1,),
                                     initializer="zeros") for i in range(1600)]

    def call(self, inputs):
        return inputs + self.many[0]


def test_a_layer_whose_weight_names_overflow_the_header_round_trips(tmp_path):
    model = keras.Sequential([keras.Input((1,)), ManyWeights(name="many")])
    values = [np.array([i], dtype="float32") for i in range(1600)]
    model.set_weights(values)
    path = tmp_path / "many.h5"
    saving.save_model(model, path)
    with h5py.File(path, "r") as f:
        assert "weight_names" not in f["model_weights/many"].attrs
        assert "weight_names1" in f["model_weights/many"].attrs
    loaded = saving.load_model(path, custom_objects={"ManyWeights": ManyWeights}, compile=False)
    assert [float(w[0]) for w in loaded.get_weights()] == list(range(1600))


def test_chunked_layer_names_are_written_and_read_through_a_model(tmp_path, monkeypatch):
    """With a tiny header limit every name list is chunked: the whole file must still load."""
    x, y = regression_data()
    model = keras.Sequential([keras.Input((5,))] + [keras.layers.Dense(3) for _ in range(5)])
    model.compile(optimizer=keras.optimizers.SGD(), loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    monkeypatch.setattr(legacy_h5, "HDF5_OBJECT_HEADER_LIMIT", 20)
    saving.save_model(model, tmp_path / "chunked.h5")
    with h5py.File(tmp_path / "chunked.h5", "r") as f:
        assert "layer_names" not in f["model_weights"].attrs and "layer_names2" in f["model_weights"].attrs
        assert "weight_names1" in f["model_weights/dense"].attrs and "weight_names1" in f["optimizer_weights"].attrs
    monkeypatch.undo()
    restored = saving.load_model(tmp_path / "chunked.h5")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert int(restored.optimizer.iterations.numpy()) == 2


def test_reader_follows_weight_names_not_dataset_order(tmp_path):
    """Keras 3 names (no `:0`), stored so that alphabetical order differs from the `weight_names` order."""
    model = trained_regressor()
    path = tmp_path / "renamed.h5"
    saving.save_model(model, path)
    with h5py.File(path, "r+") as f:
        for layer in ("dense", "dense_1"):
            group = f["model_weights"][layer]
            kernel, bias = group[f"{layer}/kernel:0"][()], group[f"{layer}/bias:0"][()]
            del group[layer]
            group[f"sequential/{layer}/z_kernel"] = kernel
            group[f"sequential/{layer}/a_bias"] = bias
            group.attrs["weight_names"] = [f"sequential/{layer}/z_kernel".encode(),
                                           f"sequential/{layer}/a_bias".encode()]
    x, _ = regression_data()
    np.testing.assert_array_equal(saving.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop", "adagrad", "nadam"])
def test_training_resumes_exactly_after_a_round_trip(tmp_path, optimizer):
    x, y = regression_data()
    model = trained_regressor(optimizer=keras.optimizers.get(optimizer) if optimizer != "sgd"
                              else keras.optimizers.SGD(momentum=0.9))
    path = tmp_path / "model.h5"
    saving.save_model(model, path)
    restored = saving.load_model(path)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert type(restored.optimizer) is type(model.optimizer)
    model.train_on_batch(x[:16], y[:16])
    restored.train_on_batch(x[:16], y[:16])
    for expected, got in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(got, expected)  # bitwise: the optimizer state came back whole
    history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    restored_history = restored.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    assert restored_history == history
    for expected, got in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(got, expected)


def test_mse_string_loss_reloads_and_keeps_training(tmp_path):
    """Keras 3.15 fails on this file ("Could not deserialize 'keras.metrics.mse'"); neuronet must not."""
    x, y = regression_data()
    model = trained_regressor(loss="mse", metrics=("mse", "mae"))
    saving.save_model(model, tmp_path / "mse.h5")
    restored = saving.load_model(tmp_path / "mse.h5")
    assert restored.loss == "mse"
    history = restored.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    assert set(history) == {"loss", "mse", "mae"} and history["loss"][1] < history["loss"][0]


def test_learning_rate_schedule_and_compile_arguments_come_back(tmp_path):
    x, y = regression_data()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)
    model = trained_regressor(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="huber",
                              metrics=("mae", keras.metrics.RootMeanSquaredError(name="rmse")))
    saving.save_model(model, tmp_path / "schedule.h5")
    restored = saving.load_model(tmp_path / "schedule.h5")
    assert isinstance(restored.optimizer._learning_rate, keras.optimizers.schedules.ExponentialDecay)
    assert restored.optimizer.learning_rate == pytest.approx(model.optimizer.learning_rate)
    assert restored.evaluate(x, y, verbose=0, return_dict=True) == model.evaluate(x, y, verbose=0, return_dict=True)
    model.train_on_batch(x, y)
    restored.train_on_batch(x, y)
    for expected, got in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(got, expected)


def test_compiled_but_untrained_model_resumes_like_a_fresh_one(tmp_path):
    x, y = regression_data()
    model = regressor()
    model.build((None, 5))
    saving.save_model(model, tmp_path / "fresh.h5")
    restored = saving.load_model(tmp_path / "fresh.h5")
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    restored.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for expected, got in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(got, expected)


def test_without_optimizer_the_model_loads_uncompiled_with_a_warning(tmp_path):
    model = trained_regressor()
    saving.save_model(model, tmp_path / "no_opt.h5", include_optimizer=False)
    with h5py.File(tmp_path / "no_opt.h5", "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f
    with pytest.warns(UserWarning, match="not\\* compiled"):
        restored = saving.load_model(tmp_path / "no_opt.h5")
    assert not restored.compiled
    assert not saving.load_model(tmp_path / "no_opt.h5", compile=False).compiled


def test_functional_model_round_trip_keeps_input_layers(tmp_path):
    inputs = keras.Input((4,), name="features")
    hidden = keras.layers.Dense(6, activation="tanh", name="hidden")(inputs)
    merged = keras.layers.Concatenate(name="merged")([inputs, hidden])
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(merged)
    model = keras.Model(inputs, outputs, name="classifier")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(1).normal(size=(32, 4)).astype("float32")
    y = np.argmax(x[:, :3], axis=1)
    model.fit(x, y, epochs=1, verbose=0)
    saving.save_model(model, tmp_path / "functional.h5")
    with h5py.File(tmp_path / "functional.h5", "r") as f:
        assert legacy_h5.load_attributes(f["model_weights"], "layer_names") == ["features", "hidden", "merged", "out"]
        config = json.loads(f.attrs["model_config"])["config"]["layers"][0]["config"]
        assert config["batch_input_shape"] == [None, 4]  # the spelling tf.keras 2 and Keras 3 both read
    restored = saving.load_model(tmp_path / "functional.h5")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert restored.evaluate(x, y, verbose=0, return_dict=True) == model.evaluate(x, y, verbose=0, return_dict=True)
    assert "accuracy" in restored.fit(x, y, epochs=1, verbose=0).history


def test_save_weights_h5_round_trip_and_whole_model_files(tmp_path):
    x, _ = regression_data()
    model = trained_regressor()
    saving.save_weights(model, tmp_path / "weights.h5")
    with h5py.File(tmp_path / "weights.h5", "r") as f:
        assert legacy_h5.load_attributes(f, "layer_names") == ["dense", "dense_1"] and "model_weights" not in f
    saving.save_model(model, tmp_path / "whole.h5")
    for name in ("weights.h5", "whole.h5"):
        other = regressor()
        saving.load_weights(other, tmp_path / name)
        np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_load_weights_checks_everything_before_assigning(tmp_path):
    saving.save_weights(trained_regressor(), tmp_path / "weights.h5")
    other = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8), keras.layers.Dense(2)])
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"Shape mismatch .*dense_1.*\(8, 2\).*\(8, 1\)"):
        saving.load_weights(other, tmp_path / "weights.h5")
    for old, now in zip(before, other.get_weights()):
        np.testing.assert_array_equal(now, old)  # the first layer, which did fit, was not assigned either
    with pytest.warns(UserWarning, match="Skipping loading"):
        saving.load_weights(other, tmp_path / "weights.h5", skip_mismatch=True)
    assert not np.array_equal(other.layers[0].kernel.numpy(), before[0])
    np.testing.assert_array_equal(other.layers[1].kernel.numpy(), before[2])
    deeper = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8), keras.layers.Dense(8), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Layer count mismatch.*3 layers with weights.*the file has 2"):
        saving.load_weights(deeper, tmp_path / "weights.h5")


def test_load_weights_by_name(tmp_path):
    source = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, name="shared"), keras.layers.Dense(1,
                               name="head")])
    saving.save_weights(source, tmp_path / "weights.h5")
    target = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, name="other"),
                               keras.layers.Dense(4, name="shared_copy"), keras.layers.Dense(1, name="head")])
    head_before = target.get_layer("head").kernel.numpy()
    saving.load_weights(target, tmp_path / "weights.h5", by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(target.get_layer("head").kernel.numpy(), source.get_layer("head").kernel.numpy())
    assert not np.array_equal(head_before, source.get_layer("head").kernel.numpy())


def test_optimizer_state_that_does_not_fit_is_dropped_with_a_warning(tmp_path):
    x, y = regression_data()
    path = tmp_path / "sgd.h5"
    saving.save_model(trained_regressor(optimizer=keras.optimizers.SGD(momentum=0.9)), path)
    with h5py.File(path, "r+") as f:
        training = json.loads(f.attrs["training_config"])
        training["optimizer_config"] = {"class_name": "Adam", "config": {"learning_rate": 0.01}}
        f.attrs["training_config"] = json.dumps(training).encode()
    with pytest.warns(UserWarning, match="Could not restore the optimizer state.*10 variables, the file 6.*freshly initialized"):
        restored = saving.load_model(path)
    assert type(restored.optimizer).__name__ == "Adam" and int(restored.optimizer.iterations.numpy()) == 0
    assert np.isfinite(restored.fit(x, y, epochs=1, verbose=0).history["loss"][0])
