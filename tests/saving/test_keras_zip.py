"""The Keras 3 native format: `.keras` zips and `.weights.h5` files, with Keras 3's group layout."""
import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import saving


def regression_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype("float32")
    return x, (x @ rng.normal(size=(5, 1)) - 0.2).astype("float32")


def regressor(units=8, optimizer="adam"):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(units, activation="relu"), keras.layers.Dense(1)],
                             name="regressor")
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


def trained(model):
    x, y = regression_data()
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    return model


def weights_h5(path):
    with zipfile.ZipFile(path) as archive:
        return h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")


class Block(keras.layers.Layer):
    """A layer holding sublayers in attributes, saved under the attribute names as Keras 3 does."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.layers.Dense(4, activation="tanh")
        self.second = keras.layers.Dense(2)

    def call(self, inputs):
        return self.second(self.first(inputs))


def test_keras_file_has_the_keras3_layout(tmp_path):
    model = trained(regressor())
    path = tmp_path / "model.keras"
    saving.save_model(model, path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        assert "keras_version" in json.loads(archive.read("metadata.json"))
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras", "Sequential", None)
    assert config["build_config"] == {"input_shape": [None, 5]}
    compile_config = config["compile_config"]
    assert compile_config["optimizer"]["class_name"] == "Adam" and compile_config["loss"] == "mse"
    assert compile_config["metrics"] == ["mae"]
    with weights_h5(path) as f:
        assert f["vars"].attrs["name"] == "regressor" and len(f["vars"]) == 0
        assert sorted(f["layers"]) == ["dense", "dense_1"]
        assert f["layers/dense/vars"].attrs["name"] == model.layers[0].name
        np.testing.assert_array_equal(f["layers/dense/vars/0"][()], model.layers[0].kernel.numpy())
        np.testing.assert_array_equal(f["layers/dense_1/vars/1"][()], model.layers[1].bias.numpy())
        assert len(f["optimizer/vars"]) == len(model.optimizer.variables) == 10
        assert int(f["optimizer/vars/0"][()]) == int(model.optimizer.iterations.numpy())


def test_groups_are_named_by_class_not_by_layer_name(tmp_path):
    inputs = keras.Input((5,), name="features")
    hidden = keras.layers.Dense(3, name="hidden")(inputs)
    merged = keras.layers.Concatenate(name="wide")([inputs, hidden])
    model = keras.Model(inputs, Block(name="head")(merged))
    saving.save_model(model, tmp_path / "functional.keras")
    with weights_h5(tmp_path / "functional.keras") as f:
        assert sorted(f["layers"]) == ["block", "concatenate", "dense", "input_layer"]
        assert f["layers/dense/vars"].attrs["name"] == "hidden"
        assert f["layers/block/first/vars/0"].shape == (8, 4) and f["layers/block/second/vars/0"].shape == (4, 2)
    with pytest.raises(ValueError, match="Unknown layer: 'Block'.*custom_objects"):
        saving.load_model(tmp_path / "functional.keras")
    restored = saving.load_model(tmp_path / "functional.keras", custom_objects={"Block": Block})
    x, _ = regression_data()
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("optimizer", ["adam", "nadam", "rmsprop"])
def test_training_resumes_exactly_after_a_keras_round_trip(tmp_path, optimizer):
    x, y = regression_data()
    model = trained(regressor(optimizer=optimizer))
    saving.save_model(model, tmp_path / "model.keras")
    restored = saving.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert int(restored.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    model.train_on_batch(x[:16], y[:16])
    restored.train_on_batch(x[:16], y[:16])
    history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    assert restored.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history == history
    for expected, got in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(got, expected)


def test_weights_h5_keeps_the_optimizer_state(tmp_path):
    x, y = regression_data()
    model = trained(regressor())
    saving.save_weights(model, tmp_path / "model.weights.h5")
    saved_predictions = model.predict(x, verbose=0)
    with h5py.File(tmp_path / "model.weights.h5", "r") as f:
        assert "layers/dense/vars/0" in f and "optimizer/vars/9" in f and "layer_names" not in f.attrs
    other = regressor()  # compiled, never trained: its optimizer is built while loading
    saving.load_weights(other, tmp_path / "model.weights.h5")
    assert int(other.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    model.train_on_batch(x, y)
    other.train_on_batch(x, y)
    for expected, got in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(got, expected)
    bare = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    saving.load_weights(bare, tmp_path / "model.weights.h5")  # an uncompiled model takes the weights only
    np.testing.assert_array_equal(bare.predict(x, verbose=0), saved_predictions)


def test_load_weights_from_a_keras_file(tmp_path):
    x, _ = regression_data()
    model = trained(regressor())
    saving.save_model(model, tmp_path / "model.keras")
    other = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    saving.load_weights(other, tmp_path / "model.keras")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="by_name=True.*legacy"):
        saving.load_weights(other, tmp_path / "model.keras", by_name=True)


def test_config_and_weights_that_disagree_give_a_clear_error(tmp_path):
    saving.save_model(regressor(units=8), tmp_path / "eight.keras")
    saving.save_model(regressor(units=9), tmp_path / "nine.keras")
    mixed = tmp_path / "mixed.keras"
    with zipfile.ZipFile(tmp_path / "eight.keras") as eight, zipfile.ZipFile(tmp_path / "nine.keras") as nine, \
            zipfile.ZipFile(mixed, "w") as out:
        out.writestr("metadata.json", eight.read("metadata.json"))
        out.writestr("config.json", eight.read("config.json"))
        out.writestr("model.weights.h5", nine.read("model.weights.h5"))
    with pytest.raises(ValueError, match=r"(?s)does not match the model's architecture.*dense.*\(5, 8\).*\(5, 9\)"):
        saving.load_model(mixed)


def test_skip_mismatch_loads_what_fits(tmp_path):
    source = trained(regressor(units=8))
    saving.save_weights(source, tmp_path / "eight.weights.h5")
    target = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(2)])
    before = target.layers[1].kernel.numpy()
    with pytest.raises(ValueError, match="dense_1"):
        saving.load_weights(target, tmp_path / "eight.weights.h5")
    np.testing.assert_array_equal(target.layers[1].kernel.numpy(), before)
    assert not np.array_equal(target.layers[0].kernel.numpy(), source.layers[0].kernel.numpy())
    with pytest.warns(UserWarning, match="skipped"):
        saving.load_weights(target, tmp_path / "eight.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(target.layers[0].kernel.numpy(), source.layers[0].kernel.numpy())
    np.testing.assert_array_equal(target.layers[1].kernel.numpy(), before)


@pytest.mark.parametrize("missing", ["config.json", "model.weights.h5"])
def test_a_zip_without_the_keras_members_is_refused(tmp_path, missing):
    saving.save_model(regressor(), tmp_path / "model.keras")
    stripped = tmp_path / "stripped.keras"
    with zipfile.ZipFile(tmp_path / "model.keras") as archive, zipfile.ZipFile(stripped, "w") as out:
        for name in archive.namelist():
            if name != missing:
                out.writestr(name, archive.read(name))
    with pytest.raises(ValueError, match=f"not a `.keras` model file.*{missing}"):
        saving.load_model(stripped)


def test_uncompiled_keras_model_loads_uncompiled(tmp_path):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    saving.save_model(model, tmp_path / "plain.keras")
    with zipfile.ZipFile(tmp_path / "plain.keras") as archive:
        assert "compile_config" not in json.loads(archive.read("config.json"))
    restored = saving.load_model(tmp_path / "plain.keras")
    assert not restored.compiled and restored.layers[0].units == 2
    compiled = trained(regressor())
    saving.save_model(compiled, tmp_path / "compiled.keras")
    assert not saving.load_model(tmp_path / "compiled.keras", compile=False).compiled


class WideAndDeep(keras.Model):
    """The same attributes as a Keras 3 model whose weights file was inspected: `main_output` sorts after
    `layers`, so Keras 3 reaches it through the `layers` property and stores it at `layers/dense_2`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(3)
        self.hidden2 = keras.layers.Dense(3)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)
        self.blocks = [keras.layers.Dense(2), keras.layers.Dense(2)]

    def call(self, inputs):
        hidden = self.hidden2(self.hidden1(inputs))
        for block in self.blocks:
            hidden = block(hidden)
        return self.main_output(hidden) + self.aux_output(hidden)


def test_subclassed_model_uses_keras3_paths_and_round_trips(tmp_path):
    x, y = regression_data()
    x = x[:, :3]
    model = WideAndDeep(name="w")
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    saving.save_weights(model, tmp_path / "sub.weights.h5")
    with h5py.File(tmp_path / "sub.weights.h5", "r") as f:
        groups = set()
        f.visit(lambda name: groups.add(name) if name.endswith("/vars") else None)
    assert groups == {"aux_output/vars", "blocks/dense/vars", "blocks/dense_1/vars", "hidden1/vars", "hidden2/vars",
                      "layers/dense_2/vars", "optimizer/vars"}
    saving.save_model(model, tmp_path / "sub.keras")
    restored = saving.load_model(tmp_path / "sub.keras", custom_objects={"WideAndDeep": WideAndDeep})
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    model.train_on_batch(x, y)
    restored.train_on_batch(x, y)
    for expected, got in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(got, expected)
    unbuilt = WideAndDeep()
    unbuilt.built = True  # claims to be built, but its sublayers have no weights yet
    with pytest.raises(ValueError, match="holds 2 variables but the object has none"):
        saving.load_weights(unbuilt, tmp_path / "sub.weights.h5")


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_model_nested_in_a_functional_model_round_trips(tmp_path, suffix):
    x, y = regression_data()
    inner = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)], name="inner")
    inputs = keras.Input((5,))
    outputs = keras.layers.Dense(1, name="head")(inner(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    saving.save_model(model, tmp_path / f"nested{suffix}")
    restored = saving.load_model(tmp_path / f"nested{suffix}")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    if suffix == ".keras":
        with weights_h5(tmp_path / "nested.keras") as f:
            assert "layers/sequential/layers/dense_1/vars/0" in f
