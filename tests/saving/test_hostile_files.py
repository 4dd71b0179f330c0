"""Hostile files, generated here: loading never allocates more than the file justifies, and every problem is a
ValueError naming the file. Memory is checked with a resource limit in a subprocess."""
import json
import os
import subprocess
import sys
import zipfile
import zlib

import h5py
import numpy as np
import pytest

import neuronet as keras
from neuronet import saving

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(keras.__file__)))


def _model(units=4, inputs=100):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((inputs,)), keras.layers.Dense(units), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _first_dense(config):
    return next(layer["config"] for layer in config["config"]["layers"] if layer["class_name"] == "Dense")


def _h5_with_units(path, units):
    _model().save(path)
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        _first_dense(config)["units"] = units
        f.attrs["model_config"] = json.dumps(config)
    return path


def _rewrite_zip(path, replacements, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members.update(replacements)
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _keras_with_units(path, units):
    _model().save(path)
    with zipfile.ZipFile(path) as archive:
        config = json.loads(archive.read("config.json"))
    _first_dense(config)["units"] = units
    _rewrite_zip(path, {"config.json": json.dumps(config)})
    return path


LIMITED = r"""
import resource, sys, json
import neuronet as keras
from neuronet import saving
def vm():
    return int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
limit = vm() + int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    saving.load_model(sys.argv[1])
    print(json.dumps({"type": "loaded"}))
except BaseException as error:
    print(json.dumps({"type": type(error).__name__, "message": str(error)}))
"""


def _load_limited(path, headroom=768 * 2**20):
    """Load in a child whose address space may grow by `headroom` only; returns the outcome."""
    env = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1")
    child = subprocess.run([sys.executable, "-c", LIMITED, str(path), str(headroom)], env=env, capture_output=True,
                           text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    return json.loads(child.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm for the memory baseline")
@pytest.mark.parametrize("make, units", [(_h5_with_units, 2**23), (_keras_with_units, 2**23),
                                         (_h5_with_units, 10**12), (_keras_with_units, 10**12)])
def test_a_config_declaring_huge_layers_is_refused_before_allocating(tmp_path, make, units):
    path = make(tmp_path / ("model.h5" if make is _h5_with_units else "model.keras"), units)
    assert os.path.getsize(path) < 100_000
    outcome = _load_limited(path)
    assert outcome["type"] == "ValueError", outcome
    assert "Refusing to create variable" in outcome["message"] and str(path) in outcome["message"]


def _h5_with_linked_fill_values(path, stored):
    _model().save(path)
    with h5py.File(path, "r+") as f:
        group = f["optimizer_weights"]
        if stored:
            dataset = group.create_dataset("bomb", data=np.zeros(16, "float32"))
        else:  # 2 GiB declared, nothing stored: only the fill value
            dataset = group.create_dataset("bomb", shape=(2**29,), dtype="float32", fillvalue=1.0)
        for i in range(10):
            group[f"bomb_link_{i}"] = dataset
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        group.attrs["weight_names"] = [n.encode() for n in names + ["bomb"] + [f"bomb_link_{i}" for i in range(10)]]
    return path


@pytest.mark.parametrize("stored, message", [(False, "stores none"), (True, "linked under several names")])
def test_fill_value_and_multiply_linked_datasets_are_refused(tmp_path, stored, message):
    path = _h5_with_linked_fill_values(tmp_path / "model.h5", stored)
    assert os.path.getsize(path) < 100_000
    with pytest.raises(ValueError, match=message) as info:
        saving.load_model(path)
    assert str(path) in str(info.value)
    with pytest.raises(ValueError, match=message):
        _model().load_weights(path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm for the memory baseline")
def test_fill_value_bomb_stays_within_a_memory_limit(tmp_path):
    outcome = _load_limited(_h5_with_linked_fill_values(tmp_path / "model.h5", stored=False), 512 * 2**20)
    assert outcome["type"] == "ValueError" and "stores none" in outcome["message"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm for the memory baseline")
def test_a_deflated_gigabyte_of_spaces_as_config_json_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "model.keras"
    _model().save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist() if name != "config.json"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        with archive.open("config.json", "w", force_zip64=True) as member:
            chunk = b" " * 2**24
            for _ in range(64):  # 1 GiB of spaces
                member.write(chunk)
    assert os.path.getsize(path) < 8 * 2**20
    outcome = _load_limited(path, 512 * 2**20)
    assert outcome["type"] == "ValueError", outcome
    assert "config.json" in outcome["message"] and "over the limit" in outcome["message"]
    # a zip header that lies about the size is caught while reading, not trusted
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("config.json").file_size == 2**30


def test_a_member_whose_header_understates_its_size_is_cut_off(tmp_path):
    from neuronet.saving import keras_zip, limits

    path = tmp_path / "model.keras"
    _model().save(path)
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(ValueError, match="over the limit"):
            keras_zip.read_member(archive, "config.json", "the file", limit=10)
    assert limits.read_capped(__import__("io").BytesIO(b"x" * 5), 5, "f", "m") == b"xxxxx"


def _nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("kind", ["h5", "keras"])
def test_a_config_nested_100000_deep_is_a_clear_error(tmp_path, kind):
    path = tmp_path / f"model.{kind}"
    _model().save(path)
    deep = json.dumps({"class_name": "Sequential", "config": {"layers": "@"}}).replace('"@"', _nested(100_000))
    if kind == "h5":
        with h5py.File(path, "r+") as f:
            f.attrs["model_config"] = deep
    else:
        _rewrite_zip(path, {"config.json": deep})
    with pytest.raises(ValueError, match="nested") as info:
        saving.load_model(path)
    assert str(path) in str(info.value)


def test_a_config_nested_just_past_the_limit_is_refused_and_a_normal_one_loads(tmp_path):
    from neuronet.saving import limits

    path = tmp_path / "model.keras"
    _model().save(path)
    assert saving.load_model(path).layers[0].units == 4
    deep = json.dumps({"class_name": "Sequential", "config": {"layers": "@"}}).replace(
        '"@"', _nested(limits.MAX_CONFIG_DEPTH))
    _rewrite_zip(path, {"config.json": deep})
    with pytest.raises(ValueError, match=f"nested {limits.MAX_CONFIG_DEPTH + 1} levels"):
        saving.load_model(path)


def test_max_bytes_bounds_honest_files_and_lets_the_rare_giant_through(tmp_path):
    path = tmp_path / "model.keras"
    model = _model(units=64)
    model.save(path)
    with pytest.raises(ValueError, match="over the limit.*max_bytes"):
        saving.load_model(path, max_bytes=1000)
    with pytest.raises(ValueError, match="over the limit"):
        _model(units=64).load_weights(path, max_bytes=1000)
    loaded = saving.load_model(path, max_bytes=10 * 2**20)
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])
    with pytest.raises(ValueError, match="max_bytes"):
        saving.load_model(path, max_bytes=-1)


def test_an_invalid_utf8_name_is_the_loaders_error_not_a_unicode_error(tmp_path):
    path = tmp_path / "model.h5"
    _model().save(path)
    with h5py.File(path, "r+") as f:
        f["model_weights"].attrs["layer_names"] = np.array([b"\xff\xfe\xfd"], dtype="S3")
    with pytest.raises(ValueError, match=str(path)):
        saving.load_model(path)


@pytest.mark.parametrize("damage", ["truncate", "crc", "not_json", "bad_deflate"])
def test_zip_and_json_damage_is_a_value_error_naming_the_file(tmp_path, damage):
    path = tmp_path / "model.keras"
    _model().save(path)
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "not_json":
        _rewrite_zip(path, {"config.json": b"{not json"})
        data = bytearray(path.read_bytes())
    elif damage == "crc":
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start + 5] ^= 0x01
    else:
        _rewrite_zip(path, {}, compression=zipfile.ZIP_DEFLATED)
        data = bytearray(path.read_bytes())
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("config.json")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        data[start:start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=str(path)):
        saving.load_model(path)
    assert zlib  # the deflate case exercises zlib's errors through zipfile
