"""Bad input and safety: missing, foreign, truncated and garbled files; unknown classes; Lambda; bad targets."""
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import saving
from neuronet.saving import legacy_h5


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    return model, x


class Doubler(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def doubler_model():
    return keras.Sequential([keras.Input((3,)), Doubler(name="doubler"), keras.layers.Dense(1)])


@pytest.mark.parametrize("load", [saving.load_model, lambda p: saving.load_weights(small_model()[0], p)])
def test_missing_file_names_the_path(tmp_path, load):
    path = tmp_path / "nowhere" / "model.h5"
    with pytest.raises(FileNotFoundError, match="nowhere/model.h5"):
        load(path)


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n", b"\x00" * 4096, b"GIF89a" + b"\x01" * 100])
def test_a_file_of_another_kind_is_refused(tmp_path, content):
    path = tmp_path / "model.h5"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="neither an HDF5 file nor a zip archive"):
        saving.load_model(path)


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="SavedModel"):
        saving.load_model(tmp_path)


@pytest.mark.parametrize("suffix", [".h5", ".keras", ".weights.h5"])
@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.97])
def test_a_truncated_file_gives_a_clear_error(tmp_path, suffix, fraction):
    model, _ = small_model()
    path = tmp_path / f"model{suffix}"
    (saving.save_weights if suffix == ".weights.h5" else saving.save_model)(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    load = (lambda: saving.load_weights(small_model()[0], path)) if suffix == ".weights.h5" else \
        (lambda: saving.load_model(path))
    with pytest.raises(ValueError, match="truncated|damaged"):
        load()


def test_a_corrupted_zip_member_fails_its_checksum(tmp_path):
    model, _ = small_model()
    path = tmp_path / "model.keras"
    saving.save_model(model, path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("model.weights.h5")
    data[info.header_offset + 30 + len(info.filename) + 3000] ^= 0xFF  # inside the stored weights file
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged"):
        saving.load_model(path)


GARBLE_SCRIPT = textwrap.dedent("""
    import json, sys, warnings
    import numpy as np
    from neuronet import saving
    warnings.simplefilter("ignore")
    data = open(sys.argv[1], "rb").read()
    rng = np.random.default_rng(int(sys.argv[2]))
    outcomes = {"loaded": 0, "ValueError": 0}
    for trial in range(60):
        garbled = bytearray(data)
        start = int(rng.integers(0, len(garbled)))
        for i in range(start, min(len(garbled), start + int(rng.integers(1, 16)))):
            garbled[i] = int(rng.integers(0, 256))
        open(sys.argv[3], "wb").write(bytes(garbled))
        try:
            saving.load_model(sys.argv[3])
            outcomes["loaded"] += 1
        except ValueError:
            outcomes["ValueError"] += 1
    print(json.dumps(outcomes))
""")


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_garbled_files_never_crash_the_process(tmp_path, suffix):
    """Random bytes overwritten anywhere: a clear ValueError or a load, never a crash or another exception."""
    model, _ = small_model()
    path = tmp_path / f"model{suffix}"
    saving.save_model(model, path)
    script = tmp_path / "garble.py"
    script.write_text(GARBLE_SCRIPT)
    result = subprocess.run([sys.executable, str(script), str(path), "7", str(tmp_path / f"garbled{suffix}")],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcomes["ValueError"] > 0 and sum(outcomes.values()) == 60


def test_unknown_layer_class_names_the_class_and_custom_objects(tmp_path):
    path = tmp_path / "doubler.h5"
    saving.save_model(doubler_model(), path)
    with pytest.raises(ValueError, match="Unknown layer: 'Doubler'.*custom_objects"):
        saving.load_model(path)
    assert isinstance(saving.load_model(path, custom_objects={"Doubler": Doubler}, compile=False).layers[0], Doubler)
    with saving.custom_object_scope({"Doubler": Doubler}):
        assert isinstance(saving.load_model(path, compile=False).layers[0], Doubler)


def test_registered_classes_load_without_custom_objects(tmp_path):
    @saving.register_keras_serializable(package="test_saving_api")
    class Tripler(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 3.0

    try:
        model = keras.Sequential([keras.Input((2,)), Tripler(name="tripler")])
        saving.save_model(model, tmp_path / "tripler.keras")
        config = json.loads(zipfile.ZipFile(tmp_path / "tripler.keras").read("config.json"))
        assert config["config"]["layers"][1]["registered_name"] == "test_saving_api>Tripler"
        restored = saving.load_model(tmp_path / "tripler.keras")
        np.testing.assert_array_equal(restored.predict(np.ones((1, 2)), verbose=0), [[3.0, 3.0]])
    finally:
        saving.get_custom_objects().pop("test_saving_api>Tripler")


@pytest.mark.parametrize("safe_mode", [True, False])
def test_lambda_layers_are_never_deserialized(tmp_path, safe_mode):
    path = tmp_path / "lambda.h5"
    saving.save_model(doubler_model(), path)
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        code = {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None}}
        config["config"]["layers"][1] = {"class_name": "Lambda", "config": {"name": "doubler", "function": code}}
        f.attrs["model_config"] = json.dumps(config).encode()
    with pytest.raises(ValueError, match=f"safe_mode={safe_mode}.*Lambda.*bytecode"):
        saving.load_model(path, safe_mode=safe_mode)


def test_saving_needs_a_known_extension(tmp_path):
    model, _ = small_model()
    with pytest.raises(ValueError, match="`.keras` extension.*`.h5`"):
        saving.save_model(model, tmp_path / "model.pkl")
    with pytest.raises(ValueError, match="SavedModel"):
        saving.save_model(model, tmp_path / "model", save_format="tf")
    with pytest.raises(ValueError, match=".weights.h5"):
        saving.save_weights(model, tmp_path / "model.keras")
    with pytest.raises(ValueError, match="zipped=False"):
        saving.save_model(model, tmp_path / "model.keras", zipped=False)
    with pytest.raises(TypeError, match="unexpected keyword argument.*'save_traces'"):
        saving.save_model(model, tmp_path / "model.keras", save_traces=True)
    saving.save_model(model, tmp_path / "model.bin", save_format="h5")
    assert h5py.is_hdf5(tmp_path / "model.bin")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bin"]


def test_saving_into_a_missing_directory_creates_nothing(tmp_path):
    model, _ = small_model()
    with pytest.raises(FileNotFoundError, match="does not exist.*makedirs"):
        saving.save_model(model, tmp_path / "missing" / "model.h5")
    assert not (tmp_path / "missing").exists()
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(NotADirectoryError):
        saving.save_model(model, tmp_path / "a_file" / "model.h5")
    with pytest.raises(IsADirectoryError):
        saving.save_model(model, tmp_path)


def test_an_unwritable_directory_gives_a_clear_error_and_keeps_the_old_file(tmp_path, monkeypatch):
    model, _ = small_model()
    path = tmp_path / "model.h5"
    saving.save_model(model, path)
    before = path.read_bytes()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(PermissionError, match="not writable"):
        saving.save_model(model, path)
    assert path.read_bytes() == before


def test_a_failure_in_the_middle_of_a_save_keeps_the_previous_file(tmp_path, monkeypatch):
    model, x = small_model()
    path = tmp_path / "model.h5"
    saving.save_model(model, path)
    expected = saving.load_model(path).predict(x, verbose=0)

    def crash(group, model):
        group.create_dataset("partial", data=np.zeros(100))
        raise RuntimeError("disk full")

    monkeypatch.setattr(legacy_h5, "save_weights_to_group", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        saving.save_model(model, path)
    np.testing.assert_array_equal(saving.load_model(path).predict(x, verbose=0), expected)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.h5"]  # no temporary file left behind


def test_overwrite_false_refuses_without_a_terminal(tmp_path):
    model, _ = small_model()
    path = tmp_path / "model.keras"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        saving.save_model(model, path, overwrite=False)
    with pytest.raises(FileExistsError):
        saving.save_weights(model, tmp_path / "model.keras", overwrite=False)
    assert path.read_bytes() == b"precious"


def test_unbuilt_models_are_refused_by_weight_functions(tmp_path):
    model, _ = small_model()
    saving.save_weights(model, tmp_path / "w.weights.h5")
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="not yet been built"):
        saving.save_weights(unbuilt, tmp_path / "u.weights.h5")
    with pytest.raises(ValueError, match="not yet been built"):
        saving.load_weights(unbuilt, tmp_path / "w.weights.h5")


def test_missing_h5py_says_how_to_install_it(tmp_path, monkeypatch):
    model, _ = small_model()
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r'pip install "neuronet\[h5\]".*pip install h5py'):
        saving.save_model(model, tmp_path / "model.h5")
    with pytest.raises(ImportError, match="h5py"):
        saving.save_model(model, tmp_path / "model.keras")
    assert os.listdir(tmp_path) == []


def test_a_weights_only_file_is_not_a_model(tmp_path):
    model, _ = small_model()
    saving.save_weights(model, tmp_path / "weights.h5")
    with pytest.raises(ValueError, match="No model config.*load_weights"):
        saving.load_model(tmp_path / "weights.h5")


def test_a_shape_bomb_dataset_is_refused_before_it_is_read(tmp_path):
    """A dataset declaring 16 GiB while storing nothing (chunked, never written) must not be allocated."""
    model, _ = small_model()
    path = tmp_path / "bomb.h5"
    saving.save_model(model, path)
    with h5py.File(path, "r+") as f:
        group = f["optimizer_weights"]
        name = legacy_h5.load_attributes(group, "weight_names")[-1]
        del group[name]
        group.create_dataset(name, shape=(1 << 20, 1 << 12), dtype="float32", chunks=(256, 256), compression="gzip")
    with pytest.raises(ValueError, match="bomb"):
        saving.load_model(path)


def test_links_out_of_the_file_are_refused(tmp_path):
    model, _ = small_model()
    with h5py.File(tmp_path / "other.h5", "w") as other:
        other["kernel"] = np.ones((3, 4), dtype="float32")
    path = tmp_path / "linked.h5"
    saving.save_model(model, path)
    with h5py.File(path, "r+") as f:
        group = f["model_weights/dense/dense"]
        del group["kernel:0"]
        group["kernel:0"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "kernel")
    with pytest.raises(ValueError, match="Refusing to follow .*ExternalLink"):
        saving.load_model(path)


def test_keras3_layer_configs_are_normalized():
    from neuronet.saving import serialization

    config = {"module": "keras.layers", "class_name": "Dense", "registered_name": None, "config": {
        "name": "d", "units": 2, "trainable": True, "quantization_config": None, "lora_rank": None,
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}},
        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                               "config": {"seed": 3, "input_axes": None, "output_axes": None}}}}
    layer = serialization.deserialize_layer(config)
    assert (layer.name, layer.units, layer.dtype, layer.kernel_initializer.seed) == ("d", 2, "float32", 3)
    config["config"]["lora_rank"] = 4  # not inert: the layer must refuse it, naming the layer and class
    with pytest.raises(TypeError, match="layer 'd' of class 'Dense'.*lora_rank"):
        serialization.deserialize_layer(config)
