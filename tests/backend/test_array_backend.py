"""`neuronet.backend`: choosing the array module, moving arrays between host and device, seeded draws."""
import subprocess
import sys

import numpy as np
import pytest

import neuronet as keras
from neuronet import backend


@pytest.fixture
def strict():
    previous = backend.backend()
    backend.set_backend("strict")
    yield
    backend.set_backend(previous)


def test_default_backend_and_unknown_names():
    code = "import neuronet as keras, numpy as np; print(keras.backend.backend(), keras.backend.xp is np)"
    env = {k: v for k, v in __import__("os").environ.items() if k != "NEURONET_BACKEND"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["numpy", "True"]
    with pytest.raises(ValueError, match="Unknown backend 'torch'"):
        backend.set_backend("torch")


def test_cupy_backend_without_cupy_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # as if CuPy were not installed
    before = backend.backend()
    with pytest.raises(ImportError, match=r"neuronet\[gpu\]"):
        backend.set_backend("cupy")
    assert backend.backend() == before  # unchanged


def test_environment_variable_selects_the_backend():
    code = "import neuronet as keras; print(keras.backend.backend(), type(keras.Variable([1.0]).data).__module__)"
    out = subprocess.run([sys.executable, "-c", code], env={**__import__("os").environ, "NEURONET_BACKEND": "strict"},
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["strict", "neuronet.backend.strict"]


def test_host_device_round_trip(strict):
    host = np.arange(6, dtype="float32").reshape(2, 3)
    device = backend.asarray(host)
    assert backend.is_device_array(device) and not isinstance(device, np.ndarray)
    back = backend.to_numpy(device)
    assert isinstance(back, np.ndarray) and back is not host
    np.testing.assert_array_equal(back, host)
    assert backend.asarray(device) is device and backend.asarray(device, dtype="float64").dtype == np.float64
    assert backend.to_numpy(keras.ops.convert_to_tensor(host)).dtype == np.float32


def test_variables_weights_and_predictions_cross_to_the_host_explicitly(strict):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert all(backend.is_device_array(w.data) for w in model.weights)
    assert all(type(w) is np.ndarray for w in model.get_weights())
    assert type(model.predict(np.ones((4, 3)), verbose=0)) is np.ndarray


def test_same_seed_same_draws_on_numpy_and_strict():
    draws = {}
    previous = backend.backend()
    for name in ("numpy", "strict"):
        backend.set_backend(name)
        try:
            keras.utils.set_random_seed(7)
            layer = keras.layers.Dense(3)
            layer.build((None, 4))
            mask = backend.random.random((5,), rng=backend.random.generator(3))
            draws[name] = (layer.kernel.numpy(), backend.to_numpy(mask))
        finally:
            backend.set_backend(previous)
    for a, b in zip(draws["numpy"], draws["strict"]):
        np.testing.assert_array_equal(a, b)


def test_clear_session_resets_names_and_the_dtype_policy():
    keras.mixed_precision.set_global_policy("mixed_float16")
    first = keras.layers.Dense(1).name
    keras.backend.clear_session()
    assert keras.layers.Dense(1).name == first
    assert keras.mixed_precision.global_policy().name == "float32"


def test_scatter_add_accumulates_repeated_indices(strict):
    out = backend.xp.zeros(3)
    backend.scatter_add(out, backend.asarray(np.array([0, 0, 2])), backend.asarray(np.ones(3)))
    np.testing.assert_array_equal(backend.to_numpy(out), [2.0, 0.0, 1.0])


def test_fit_moves_data_to_the_device_one_batch_at_a_time(strict, monkeypatch):
    moved = []
    to_device = backend.asarray

    def recording(x, dtype=None):
        if isinstance(x, np.ndarray) and x.ndim:
            moved.append(len(x))
        return to_device(x, dtype)

    monkeypatch.setattr(backend, "asarray", recording)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    x, y = np.random.default_rng(0).normal(size=(100, 3)), np.arange(100) % 2
    model.fit(x, y, batch_size=32, epochs=2, verbose=0, validation_split=0.2)
    assert moved and max(moved) <= 32  # never the whole data set


def test_the_gpu_benchmark_without_a_gpu_says_so_and_exits_0():
    import pathlib

    script = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "bench_gpu.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    if '"gpu": null' not in done.stdout:
        pytest.skip("a GPU is here: the benchmark ran for real")
    assert done.returncode == 0 and "no GPU benchmark here" in done.stdout


def test_objects_with_a_get_method_are_not_taken_for_device_arrays(strict):
    class Frame:  # e.g. a pandas DataFrame: `.get` and `.shape`, and converts through __array__
        shape = (2, 2)

        def get(self, key):
            raise AssertionError("not a device array")

        def __array__(self, dtype=None, copy=None):
            return np.ones(self.shape)

    assert backend.to_numpy(Frame()).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert backend.to_numpy(backend.asarray(Frame())).sum() == 4.0
