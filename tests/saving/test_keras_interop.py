"""Files exchanged with real Keras: fixtures written by TensorFlow's Keras load here, and ours load there.

The fixtures in `fixtures/` were made by `tools/make_keras_fixtures.py` (see its docstring): model files are stored
gzip-compressed and are byte-identical once decompressed. CI has no TensorFlow, so the reverse direction is
proven by a record: real Keras loaded the files in `fixtures/neuronet_written/` (identified by their SHA-256) and
reproduced their predictions; the test here checks that neuronet still writes files of exactly that structure.
"""
import gzip
import hashlib
import importlib.util
import io
import json
import pathlib
import shutil
import zipfile

import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import saving

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
WRITTEN = FIXTURES / "neuronet_written"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())["files"]
MODEL_FILES = sorted(name for name in MANIFEST if "weights" not in name)
WEIGHT_FILES = sorted(name for name in MANIFEST if "weights" in name)


def gunzip(name, directory, root=FIXTURES):
    target = directory / name
    with gzip.open(root / f"{name}.gz", "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    return target


def arrays(name):
    return np.load(FIXTURES / MANIFEST[name]["arrays"], allow_pickle=False)


def test_fixtures_cover_keras3_and_tf_keras2_and_stay_small():
    writers = {info["writer"].split()[0] for info in MANIFEST.values()}
    assert writers == {"keras", "tf_keras"}
    suffixes = {name.split(".", 1)[1] for name in MANIFEST}
    assert {"h5", "keras", "weights.h5"} <= suffixes
    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file())
    assert total < 200_000


@pytest.mark.parametrize("name", MODEL_FILES)
def test_real_keras_model_files_load_and_predict_the_same(tmp_path, name):
    data = arrays(name)
    model = saving.load_model(gunzip(name, tmp_path))
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y_pred"], rtol=1e-5, atol=1e-6)
    assert type(model.optimizer).__name__ == MANIFEST[name]["optimizer"]
    assert int(model.optimizer.iterations.numpy()) == 6  # 2 epochs of 3 batches, restored with the slots


@pytest.mark.parametrize("name", MODEL_FILES)
def test_real_keras_model_files_continue_training_like_real_keras(tmp_path, name):
    """One more `train_on_batch` from the restored optimizer state lands where real Keras's next step did."""
    data = arrays(name)
    model = saving.load_model(gunzip(name, tmp_path))
    model.train_on_batch(data["train_x"], data["train_y"])
    for i, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, data[f"next_weight_{i}"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", WEIGHT_FILES)
def test_real_keras_weight_files_load(tmp_path, name):
    data = arrays(name)
    architecture = name.replace(".weights.h5", ".h5").replace("_weights.h5", ".h5")
    model = saving.load_model(gunzip(architecture, tmp_path), compile=False)
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    saving.load_weights(model, gunzip(name, tmp_path))
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y_pred"], rtol=1e-5, atol=1e-6)


# --- the reverse direction -------------------------------------------------------------------------------------
CHECK = json.loads((WRITTEN / "real_keras_check.json").read_text())
WRITTEN_FILES = sorted(p.name[:-3] for p in WRITTEN.glob("*.gz"))


def test_real_keras_loaded_every_file_neuronet_wrote():
    assert sorted(CHECK["files"]) == WRITTEN_FILES and CHECK["keras"].startswith("3.")
    for name, record in CHECK["files"].items():
        with gzip.open(WRITTEN / f"{name}.gz", "rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == record["sha256"], f"{name} changed since Keras checked it"
        result = record["keras"]
        assert result["loaded"] and result["predictions_match"], (name, result)
        if not name.endswith(".weights.h5"):
            assert result["compiled"] and result["optimizer_iterations"] == 3, (name, result)
        if name.endswith(".keras"):
            assert result["next_step_matches"], (name, result)  # Keras continued exactly from our state
        if "tf_keras" in record:  # tf.keras 2 reads our .h5 architecture and weights (its compile needs Keras 2
            assert record["tf_keras"]["loaded"] and record["tf_keras"]["predictions_match"]  # optimizer configs)


def _tool():
    path = pathlib.Path(__file__).resolve().parents[2] / "tools" / "make_keras_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_keras_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def h5_structure(f):
    """Every group and dataset (name, shape, dtype) and every attribute, JSON attributes parsed."""
    found = {}

    def attributes(obj):
        out = {}
        for key, value in obj.attrs.items():
            if key in ("keras_version", "date_saved"):
                out[key] = "<version>"
            elif key in ("model_config", "training_config"):
                out[key] = json.loads(value)
            elif isinstance(value, np.ndarray):
                out[key] = [str(v) for v in value]
            else:
                out[key] = value.decode() if isinstance(value, bytes) else str(value)
        return out

    found["/"] = attributes(f)
    f.visititems(lambda name, obj: found.__setitem__(
        name, (getattr(obj, "shape", None), str(getattr(obj, "dtype", "")), attributes(obj))))
    return found


def zip_structure(path):
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
        metadata = sorted(json.loads(archive.read("metadata.json")))
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as f:
            return archive.namelist(), config, metadata, h5_structure(f)


@pytest.mark.parametrize("name", WRITTEN_FILES)
def test_neuronet_still_writes_the_files_real_keras_accepted(tmp_path, name):
    stem, suffix = name.split(".", 1)
    model, *_ = _tool().build_neuronet_models(keras)[stem]
    fresh = tmp_path / name
    (saving.save_weights if suffix == "weights.h5" else saving.save_model)(model, fresh)
    accepted = gunzip(name, _subdir(tmp_path), WRITTEN)
    if suffix == "keras":
        assert zip_structure(fresh) == zip_structure(accepted)
    else:
        with h5py.File(fresh, "r") as new, h5py.File(accepted, "r") as old:
            assert h5_structure(new) == h5_structure(old)


def _subdir(tmp_path):
    directory = tmp_path / "accepted"
    directory.mkdir(exist_ok=True)
    return directory


def test_live_round_trip_with_real_keras(tmp_path):
    """Runs only where TensorFlow's Keras 3 is importable; CI has no TensorFlow, so there it is skipped.

    This is the one test allowed to skip for a missing package: it needs TensorFlow, which is not a neuronet extra.
    The committed fixtures and `real_keras_check.json` cover the same ground everywhere else.
    """
    real = pytest.importorskip("keras")
    if not real.__version__.startswith("3."):
        pytest.skip(f"needs Keras 3, found keras {real.__version__}")
    tool = _tool()
    for stem, (model, x, _, _) in tool.build_neuronet_models(keras).items():
        for suffix in (".keras", ".h5"):
            path = tmp_path / f"{stem}{suffix}"
            saving.save_model(model, path)
            loaded = real.models.load_model(path)
            np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5)
            back = tmp_path / f"{stem}_from_keras{suffix}"
            loaded.save(back)
            np.testing.assert_allclose(saving.load_model(back).predict(x, verbose=0), model.predict(x, verbose=0),
                                       atol=1e-5)
