"""Saves SIGKILLed mid-write leave a temporary named after their process; the next save or load in the
directory removes it once that process is gone, and never touches a live process's temporary."""
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import neuronet as keras
from neuronet import saving
from neuronet.saving import atomic

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(keras.__file__)))

KILLED_CHECKPOINTS = r"""
import os, signal, sys
import numpy as np
import neuronet as keras
from neuronet.saving import keras_zip

directory, kill_at = sys.argv[1], int(sys.argv[2])
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(64), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
saves = 0
write = keras_zip.write_weights


def write_then_die(model, target):
    global saves
    write(model, target)
    saves += 1
    if saves == kill_at:  # the temporary holds half a checkpoint: die here, as a crash or `kill -9` would
        os.kill(os.getpid(), signal.SIGKILL)


keras_zip.write_weights = write_then_die
checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(directory, "best.keras"), save_freq=1)
model.fit(np.ones((64, 8)), np.ones(64), batch_size=8, epochs=2, callbacks=[checkpoint], verbose=0)
"""


def _kill_during_a_save(directory, kill_at):
    env = dict(os.environ, PYTHONPATH=ROOT)
    child = subprocess.run([sys.executable, "-c", KILLED_CHECKPOINTS, str(directory), str(kill_at)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]


def _temporaries(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


@pytest.mark.parametrize("cleaner", ["save", "load"])
def test_killed_checkpoint_saves_leave_temporaries_that_the_next_save_or_load_removes(tmp_path, cleaner):
    for kill_at in (3, 5, 7):
        _kill_during_a_save(tmp_path, kill_at)
        # each run's first save removed the previous run's temporary: one left, never an accumulation
        stale = _temporaries(tmp_path)
        assert len(stale) == 1 and stale[0].startswith(".best.keras.neuronet-save-")  # says what it is
    model = saving.load_model(tmp_path / "best.keras") if cleaner == "load" else None  # every checkpoint loads
    if cleaner == "save":
        keras.Sequential([keras.Input((8,)), keras.layers.Dense(1)]).save(tmp_path / "other.keras")
    assert _temporaries(tmp_path) == []
    assert model is None or model.layers[0].units == 64
    assert sorted(os.listdir(tmp_path)) == (["best.keras"] + (["other.keras"] if cleaner == "save" else []))


def test_a_live_processs_temporary_is_left_alone(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        mine = tmp_path / f".model.keras.neuronet-save-{os.getpid()}-abc.tmp"
        theirs = tmp_path / f".model.keras.neuronet-save-{live.pid}-def.tmp"
        unrelated = tmp_path / ".model.keras.abcdef.tmp"  # not named by neuronet: never ours to remove
        for path in (mine, theirs, unrelated):
            path.write_bytes(b"partial")
        keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]).save(tmp_path / "model.keras")
        assert mine.exists() and theirs.exists() and unrelated.exists()
        live.kill()
        live.wait()
        assert atomic.remove_stale_temporaries(str(tmp_path)) == [str(theirs)]
    finally:
        live.kill()


def test_backup_and_restore_removes_its_killed_temporaries(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".latest.backup.npz.neuronet-save-{int(dead.stdout)}-xyz.tmp"
    stale.write_bytes(b"half a backup")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2)), np.ones(4), verbose=0,
              callbacks=[keras.callbacks.BackupAndRestore(tmp_path, delete_checkpoint=False)])
    assert not stale.exists() and (tmp_path / "latest.backup.npz").exists()
