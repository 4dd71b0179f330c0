"""verify_file / load_model(isolate=True): a file that crashes the reader ends a child process, not this one;
250 mutated files each load or fail with a ValueError naming the file."""
import json
import os
import random
import stat
import subprocess
import sys

import numpy as np
import pytest

import neuronet as keras
from neuronet import saving
from neuronet.saving import file_check

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(keras.__file__)))


def _saved(path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones(4), verbose=0)
    model.save(path)
    return model


def test_verify_file_summarizes_a_good_file_and_isolate_loads_it(tmp_path):
    for name in ("model.keras", "model.h5"):
        model = _saved(tmp_path / name)
        report = saving.verify_file(tmp_path / name)
        assert report["model"] == "Sequential" and report["datasets"] >= 4 and report["weight_bytes"] > 0
        loaded = saving.load_model(tmp_path / name, isolate=True)
        np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])


def test_a_crash_in_the_checking_process_becomes_a_clear_error(tmp_path, monkeypatch):
    _saved(tmp_path / "model.h5")
    crasher = tmp_path / "crashing-python"
    crasher.write_text("#!/bin/sh\nkill -SEGV $$\n")  # a reader that dies as libhdf5 does on a crafted file
    crasher.chmod(crasher.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(file_check.sys, "executable", str(crasher))
    with pytest.raises(ValueError, match=r"crashed the process reading it \(SIGSEGV\).*not affected") as info:
        saving.load_model(tmp_path / "model.h5", isolate=True)
    assert str(tmp_path / "model.h5") in str(info.value)


def test_verify_file_reports_hostile_content_with_the_loaders_message(tmp_path):
    import h5py

    path = tmp_path / "model.h5"
    _saved(path)
    with h5py.File(path, "r+") as f:
        f["optimizer_weights"].create_dataset("bomb", shape=(2**28,), dtype="float32")
    with pytest.raises(ValueError, match="stores none"):
        saving.verify_file(path)
    with pytest.raises(FileNotFoundError):
        saving.verify_file(tmp_path / "missing.keras")


FUZZ = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from neuronet import saving
for path in sys.argv[1:]:
    print(json.dumps({"path": path, "start": True}), flush=True)
    try:
        saving.load_model(path)
        outcome = {"path": path, "type": "loaded"}
    except BaseException as error:
        outcome = {"path": path, "type": type(error).__name__, "message": str(error)}
    print(json.dumps(outcome), flush=True)
"""


def _mutants(original, directory, count, seed):
    data = original.read_bytes()
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        mutated = bytearray(data)
        for _ in range(8):  # 8 bytes changed, anywhere
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        path = directory / f"mutant_{i:03d}{original.suffix}"
        path.write_bytes(bytes(mutated))
        paths.append(str(path))
    return paths


def test_mutated_files_load_or_fail_with_a_value_error_naming_the_file(tmp_path):
    paths = []
    for name, count in (("model.h5", 150), ("model.keras", 100)):
        _saved(tmp_path / name)
        paths += _mutants(tmp_path / name, tmp_path, count, seed=len(name))
    env = dict(os.environ, PYTHONPATH=ROOT, OPENBLAS_NUM_THREADS="1")
    outcomes, crashed, remaining = {}, [], list(paths)
    while remaining:  # a crash ends the runner: note the file and go on with the next ones
        child = subprocess.run([sys.executable, "-c", FUZZ, *remaining], env=env, capture_output=True, text=True,
                               timeout=600)
        lines = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
        for line in lines:
            if not line.get("start"):
                outcomes[line["path"]] = line
        started = [line["path"] for line in lines if line.get("start")]
        if child.returncode == 0:
            break
        crashed.append(started[-1])
        remaining = remaining[remaining.index(started[-1]) + 1:]
    assert len(outcomes) + len(crashed) == len(paths) == 250
    bad = {p: o for p, o in outcomes.items() if o["type"] not in ("loaded", "ValueError")
           or (o["type"] == "ValueError" and p not in o["message"])}
    assert not bad, list(bad.values())[:3]
    for path in crashed:  # the checked load turns these into errors instead of a dead process
        with pytest.raises(ValueError, match="crashed the process"):
            saving.verify_file(path)
    print(f"mutants: {len(outcomes)} handled in-process, {len(crashed)} crashed libhdf5 and were caught by "
          f"verify_file; loaded: {sum(o['type'] == 'loaded' for o in outcomes.values())}")
