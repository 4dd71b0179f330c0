"""Atomic saves: the file at the path is always a whole file, even when the saving process is SIGKILLed."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import neuronet as keras
from neuronet import saving
from neuronet.saving import atomic


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.atomic_write(str(target)) as tmp:
        with open(tmp, "w") as f:
            f.write("half of the new")
        raise RuntimeError("crash")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["notes.txt"]
    with atomic.atomic_write(str(target)) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path)  # beside the target: the rename stays on one file system
        with open(tmp, "w") as f:
            f.write("new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["notes.txt"]


def test_new_files_get_normal_permissions_and_existing_ones_keep_theirs(tmp_path):
    umask = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.txt"
        with atomic.atomic_write(str(fresh)) as tmp:
            open(tmp, "w").close()
        assert fresh.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600
        kept = tmp_path / "kept.txt"
        kept.write_text("x")
        os.chmod(kept, 0o640)
        with atomic.atomic_write(str(kept)) as tmp:
            open(tmp, "w").close()
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(umask)


CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import neuronet as keras
    from neuronet import saving

    path = sys.argv[1]
    model = keras.Sequential([keras.Input((400,)), keras.layers.Dense(400), keras.layers.Dense(400)])
    step = 0
    while True:
        step += 1
        model.set_weights([np.full(w.shape, step, "float32") for w in model.get_weights()])
        saving.save_model(model, path)
        print(step, flush=True)
""")


def _kill_while_writing(script, path, wait_for_temp):
    """Start a child that saves in a loop; SIGKILL it as soon as a temporary file shows it is mid-write."""
    child = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "1", "the child never completed its first save"
        deadline = time.monotonic() + 20
        prefix = f".{path.name}."
        while wait_for_temp and time.monotonic() < deadline:
            if any(name.startswith(prefix) for name in os.listdir(path.parent)):
                break
        if not wait_for_temp:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=20)
        child.stdout.close()
    return any(name.startswith(f".{path.name}.") for name in os.listdir(path.parent))


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_sigkill_during_a_checkpoint_write_leaves_the_previous_checkpoint_loadable(tmp_path, suffix):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    path = tmp_path / f"checkpoint{suffix}"
    killed_mid_write = 0
    for wait_for_temp in (True, True, False):
        killed_mid_write += _kill_while_writing(script, path, wait_for_temp)
        model = saving.load_model(path, compile=False)
        values = np.concatenate([w.ravel() for w in model.get_weights()])
        assert values.size == 2 * (400 * 400 + 400)
        assert values.min() == values.max() >= 1  # one whole save, not a mix of two
        for name in os.listdir(tmp_path):  # the stray temporary file of a killed save
            if name.startswith(f".{path.name}."):
                os.remove(tmp_path / name)
    assert killed_mid_write >= 1, "no kill landed in the middle of a write: the test proved nothing"


def test_checkpoint_overwrites_are_whole(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    path = tmp_path / "model.h5"
    for value in (1.0, 2.0):
        model.set_weights([np.full(w.shape, value, "float32") for w in model.get_weights()])
        saving.save_model(model, path)
        assert all(np.all(w == value) for w in saving.load_model(path, compile=False).get_weights())
    assert os.listdir(tmp_path) == ["model.h5"]
