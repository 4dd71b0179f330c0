"""BackupAndRestore after a real SIGKILL: the resumed run ends bit-identical to one never interrupted."""
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import neuronet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(neuronet.__file__)))

SCRIPT = r"""
import os, signal, sys, json
import numpy as np
import neuronet as keras

backup_dir, out, save_freq, kill_at, data_kind = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
save_freq = save_freq if save_freq == "epoch" else int(save_freq)
keras.config.enable_op_determinism()
keras.utils.set_random_seed(7)
rng = np.random.default_rng(0)
x = rng.normal(size=(90, 6)).astype("float32")
y = (x[:, :1] - x[:, 1:2]) * 2
model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dropout(0.3),
                          keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])


class Batches(keras.utils.PyDataset):
    def __len__(self):
        return 9

    def __getitem__(self, i):
        return x[i * 10:(i + 1) * 10], y[i * 10:(i + 1) * 10]


class Kill(keras.callbacks.Callback):
    seen = 0

    def on_train_batch_end(self, batch, logs=None):
        Kill.seen += 1
        if Kill.seen == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)


data = (Batches(),) if data_kind == "pydataset" else (x, y)
callbacks = [keras.callbacks.BackupAndRestore(backup_dir, save_freq=save_freq)] + ([Kill()] if kill_at else [])
history = model.fit(*data, batch_size=10, epochs=5, shuffle=True, callbacks=callbacks, verbose=0)
np.savez(out, *model.get_weights(), iterations=model.optimizer.iterations.numpy())
with open(out + ".json", "w") as f:
    json.dump(history.history, f)
"""


def _run(tmp_path, name, save_freq, kill_at, data_kind, backup):
    out = str(tmp_path / f"{name}.npz")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(backup), out, str(save_freq), str(kill_at), data_kind],
                            env=env, capture_output=True, text=True, timeout=120)
    return result, out


@pytest.fixture(scope="module")
def never_killed(tmp_path_factory):
    """The uninterrupted run per data kind (its result does not depend on `save_freq`), computed once."""
    runs = {}

    def get(data_kind):
        if data_kind not in runs:
            directory = tmp_path_factory.mktemp(f"clean_{data_kind}")
            clean, out = _run(directory, "clean", "epoch", 0, data_kind, directory / "backup")
            assert clean.returncode == 0, clean.stderr[-2000:]
            runs[data_kind] = out
        return runs[data_kind]

    return get


@pytest.mark.parametrize("save_freq, kill_at, data_kind", [
    ("epoch", 22, "arrays"),   # killed in epoch 2 (batch 4): resumes at the start of epoch 2
    (4, 22, "arrays"),         # last backup after batch 20 (epoch 2, batch 2): resumes at epoch 2, batch 3
    (4, 30, "pydataset"),      # last backup after batch 28 (epoch 3, batch 1), shuffled PyDataset
])
def test_killed_and_resumed_equals_never_killed(tmp_path, never_killed, save_freq, kill_at, data_kind):
    backup = tmp_path / "backup"
    killed, _ = _run(tmp_path, "killed", save_freq, kill_at, data_kind, backup)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert os.path.exists(backup / "latest.backup.npz")
    resumed, resumed_out = _run(tmp_path, "resumed", save_freq, 0, data_kind, backup)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    clean_out = never_killed(data_kind)
    with np.load(resumed_out) as a, np.load(clean_out) as b:
        assert int(a["iterations"]) == int(b["iterations"]) == 45  # 5 epochs x 9 batches, none run twice
        for key in b.files:
            np.testing.assert_array_equal(a[key], b[key])
    with open(resumed_out + ".json") as f, open(clean_out + ".json") as g:
        resumed_history, clean_history = json.load(f), json.load(g)
    # the resumed run reports the epochs it ran; the interrupted epoch's numbers include its earlier batches
    epochs = len(resumed_history["loss"])
    assert epochs in (3, 2) and resumed_history["loss"] == clean_history["loss"][-epochs:]
    assert resumed_history["mae"] == clean_history["mae"][-epochs:]
    assert not os.path.exists(backup)  # deleted after the successful run
