"""The library's "cupy" branches, run on a CPU through a CuPy stand-in (tests/backend/cupy_stand_in.py): NOT a GPU.

The stand-in's arrays refuse the host as CuPy's do, and it offers only the CuPy API the library calls, with CuPy's
signatures, so these tests catch a cupy-only branch that is wrong or calls what CuPy lacks. They cannot catch what
only CUDA shows (kernels, cuBLAS, streams, memory, speed): tests/backend/test_cupy.py does that on a real GPU.
"""
import ast
import contextlib
import pathlib
import sys

import numpy as np
import pytest

import neuronet as keras
from neuronet import autodiff, backend
from neuronet.autodiff import Tensor
from neuronet.compile import compiled_step
from tests.backend import cupy_stand_in, test_cupy

RNG = np.random.default_rng(5)
X_IMG = RNG.random((160, 28, 28), dtype=np.float32)  # Fashion-MNIST-shaped
Y_IMG = RNG.integers(0, 10, 160).astype(np.uint8)  # as the real labels
X_HOUSING = RNG.normal(size=(160, 8)).astype(np.float32)  # California-housing-shaped
Y_HOUSING = (X_HOUSING[:, 0] * 2 + X_HOUSING[:, 1] ** 2 + 1).astype(np.float32)


@pytest.fixture
def cupy(monkeypatch):
    """The stand-in modules for this test (the backend is switched by `_backend`, and always restored)."""
    monkeypatch.setattr(backend.random, "_DEVICE", {})  # no device generator from another test's stand-in
    return cupy_stand_in.install(monkeypatch)


@contextlib.contextmanager
def _backend(name):
    previous = backend.backend()
    backend.set_backend(name)
    try:
        yield
    finally:
        backend.set_backend(previous)


def _calls(monkeypatch, owner, name):
    """Counts the calls of `owner.name` (still calling it)."""
    calls, inner = [], getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return inner(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _classifier(jit="auto", dropout=0.0):
    """The chapter's Fashion-MNIST MLP."""
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(300, activation="relu"), keras.layers.Dropout(dropout),
                              keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  metrics=["accuracy"], jit_compile=jit)
    return model


def _regressor(jit="auto"):
    """The chapter's housing regressor: adapted Normalization, three Dense(50), Adam, RMSE."""
    norm = keras.layers.Normalization()
    norm.adapt(X_HOUSING)  # host data, adapted onto the device
    model = keras.Sequential([keras.Input((8,)), norm, keras.layers.Dense(50, activation="relu"),
                              keras.layers.Dense(50, activation="relu"), keras.layers.Dense(50, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=[keras.metrics.RootMeanSquaredError()], jit_compile=jit)
    return model


TASKS = {"classifier": (_classifier, X_IMG, Y_IMG), "regressor": (_regressor, X_HOUSING, Y_HOUSING)}


def _fit(build, x, y, jit, **kwargs):
    keras.utils.set_random_seed(3)
    model = build(jit, **kwargs)
    history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, validation_split=0.25)
    return model, history.history


@pytest.mark.parametrize("jit", [False, "auto"])
@pytest.mark.parametrize("task", sorted(TASKS))
def test_the_chapters_models_train_on_the_stand_in_as_on_numpy(cupy, monkeypatch, task, jit):
    build, x, y = TASKS[task]
    with _backend("numpy"):
        host_model, host_history = _fit(build, x, y, jit)
        host_predictions = host_model.predict(x[:40], verbose=0)
    steps = _calls(monkeypatch, compiled_step.CompiledStep, "train")
    with _backend("cupy"):
        model, history = _fit(build, x, y, jit)
        assert all(isinstance(w.data, cupy.ndarray) for w in model.weights)  # weights live on the device
        assert isinstance(model.optimizer.iterations.data, cupy.ndarray)
        predictions = model.predict(x[:40], verbose=0)
    assert type(predictions) is np.ndarray  # predict returns host arrays, as Keras does
    assert (len(steps) > 0) == (jit == "auto")  # the compiled step ran (or the eager one did)
    assert history.keys() == host_history.keys()
    for key, values in host_history.items():
        np.testing.assert_allclose(history[key], values, rtol=1e-4, err_msg=key)
    np.testing.assert_allclose(predictions, host_predictions, rtol=1e-4, atol=1e-6)


def test_dropout_draws_its_masks_on_the_device(cupy, monkeypatch):
    """CuPy's dropout masks come from a device generator (XORWOW on a GPU, NumPy's stream in the stand-in) seeded
    from the host one: the same model on NumPy draws other masks, so only eager and compiled are compared."""
    device_generators = _calls(monkeypatch, cupy.random, "default_rng")
    with _backend("numpy"):
        _, host_history = _fit(_classifier, X_IMG, Y_IMG, False, dropout=0.5)
    with _backend("cupy"):
        runs = [_fit(_classifier, X_IMG, Y_IMG, jit, dropout=0.5)[1] for jit in (False, "auto")]
    assert len(device_generators) == 2  # one per host generator, i.e. per run
    np.testing.assert_allclose(runs[1]["loss"], runs[0]["loss"], rtol=1e-4)  # eager and compiled: same draws
    assert not np.allclose(runs[0]["loss"], host_history["loss"], rtol=1e-4)  # other masks than the host's


def test_saving_moves_the_weights_to_the_host_and_loading_back(cupy, tmp_path):
    with _backend("cupy"):
        model, _ = _fit(_classifier, X_IMG, Y_IMG, "auto")
        expected = model.predict(X_IMG[:40], verbose=0)
        model.save(tmp_path / "model.keras")
        model.save_weights(tmp_path / "model.weights.h5")
        on_device = keras.models.load_model(tmp_path / "model.keras")
        assert isinstance(on_device.weights[0].data, cupy.ndarray)
        np.testing.assert_allclose(on_device.predict(X_IMG[:40], verbose=0), expected, rtol=1e-5, atol=1e-7)
    with _backend("numpy"):
        on_host = keras.models.load_model(tmp_path / "model.keras")
        assert type(on_host.weights[0].data) is np.ndarray
        np.testing.assert_allclose(on_host.predict(X_IMG[:40], verbose=0), expected, rtol=1e-5, atol=1e-7)
        fresh = _classifier()
        fresh.load_weights(tmp_path / "model.weights.h5")
        np.testing.assert_allclose(fresh.predict(X_IMG[:40], verbose=0), expected, rtol=1e-5, atol=1e-7)


def test_mixed_float16_on_the_stand_in_as_on_numpy(cupy):
    def build(jit):
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(2), keras.layers.Activation("softmax", dtype="float32")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"],
                      jit_compile=jit)
        return model

    y = (X_HOUSING[:, 0] > 0).astype("int64")
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        with _backend("numpy"):
            _, host_history = _fit(build, X_HOUSING, y, "auto")
        with _backend("cupy"):
            model, history = _fit(build, X_HOUSING, y, "auto")
            assert str(model.layers[0].kernel.dtype) == "float32"  # float32 master weights ...
            assert isinstance(model.layers[0].kernel.data, cupy.ndarray)
            assert str(model.layers[0](X_HOUSING[:4]).dtype) == "float16"  # ... float16 compute
    finally:
        keras.mixed_precision.set_global_policy(None)
    np.testing.assert_allclose(history["loss"], host_history["loss"], rtol=1e-3)


def _gradient(fn, x, on):
    with _backend(on):
        tensor = Tensor(backend.asarray(x), requires_grad=True)
        (g,) = autodiff.grad(fn(tensor), [tensor])
        return backend.to_numpy(g)


def test_gathered_rows_scatter_their_gradient_with_cupyx_scatter_add(cupy, monkeypatch):
    """An embedding lookup with repeated rows: each use adds to its row's gradient (CuPy: `cupyx.scatter_add`)."""
    scatters = _calls(monkeypatch, sys.modules["cupyx"], "scatter_add")
    table = RNG.normal(size=(5, 3)).astype(np.float32)
    weights = np.arange(12, dtype=np.float32).reshape(4, 3)

    def lookup(t):
        rows = t[backend.asarray(np.array([0, 2, 0, 4]))]
        return (rows * backend.asarray(weights)).sum()

    on_device = _gradient(lookup, table, "cupy")
    assert scatters == ["scatter_add"]
    np.testing.assert_allclose(on_device, _gradient(lookup, table, "numpy"))
    np.testing.assert_allclose(on_device[0], weights[0] + weights[2])  # row 0 used twice


def test_exact_gelu_uses_cupyx_erf_and_its_gradient_matches_numpy(cupy, monkeypatch):
    special = sys.modules["cupyx.scipy.special"]
    erfs = _calls(monkeypatch, special, "erf")
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)

    def gelu(t):
        return keras.activations.gelu(t).sum()  # the activation "gelu" is the exact one: erf

    on_device = _gradient(gelu, x, "cupy")
    assert erfs and on_device.dtype == np.float32
    np.testing.assert_allclose(on_device, _gradient(gelu, x, "numpy"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(test_cupy.CASES))
def test_the_gpu_modules_gradient_checks_pass_on_the_stand_in(cupy, name):
    with _backend("cupy"):
        test_cupy.test_gradients_on_the_gpu_match_finite_differences(None, name)


def test_one_hot_encoding_works_without_put_along_axis(cupy):
    """CuPy 13 (the oldest the `gpu` extra allows) has no `put_along_axis`."""
    with _backend("cupy"):
        out = keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([[3], [0], [3]]))
        assert isinstance(out.data, cupy.ndarray)
        np.testing.assert_array_equal(backend.to_numpy(out), np.eye(4, dtype=np.float32)[[3, 0, 3]])
        with pytest.raises(AttributeError, match="put_along_axis"):
            getattr(cupy, "put_along_axis")  # noqa: B009


def test_the_stand_in_keeps_to_cupys_api_and_manners(cupy):
    x = cupy.asarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x)
    assert type(cupy.asnumpy(x)) is np.ndarray and type(x.get()) is np.ndarray
    index, out = cupy.empty(2, dtype="intp"), cupy.empty((2, 2), dtype=np.float32)
    x.argmax(axis=-1, out=index)  # the `out=` arguments CuPy has
    cupy.dot(x, x.T[:, :2], out=out)
    assert index.tolist() == [2, 2] and out.tolist() == [[5.0, 14.0], [14.0, 50.0]]
    with pytest.raises(TypeError, match="initial"):
        x.max(axis=0, initial=0.0)  # NumPy has it, CuPy does not
    with pytest.raises(TypeError, match="where"):
        cupy.add(x, 1.0, where=x > 1)  # CuPy's ufuncs take out, dtype and casting only
    with pytest.raises(TypeError):
        x + np.ones(3)  # no host array in device math
    a = cupy.zeros(6, dtype=np.float32)
    sys.modules["cupyx"].scatter_add(a, cupy.asarray(np.array([1, 0, 1])), cupy.asarray(np.ones(3)))
    assert a.tolist() == [1.0, 2.0, 0.0, 0.0, 0.0, 0.0]  # CuPy's documented example: repeated indices add up
    with pytest.raises(TypeError, match="only supports"):
        sys.modules["cupyx"].scatter_add(cupy.zeros(3, dtype="int8"), cupy.asarray(np.array([0])), 1)
    rng = cupy.random.default_rng(0)
    draws = rng.random((2, 3), dtype=np.float32)
    assert isinstance(draws, cupy.ndarray) and draws.dtype == np.float32 and 0 <= float(draws.min()) < 1
    with pytest.raises(TypeError, match="wrong type"):
        rng.random((2, 3), dtype=np.float32, out=cupy.empty((2, 3), dtype=np.float64))
    erf = sys.modules["cupyx.scipy.special"].erf
    assert erf(x).dtype == np.float32 and erf(x.astype("float16")).dtype == np.float64  # its types: f->f, e->d


def test_operators_with_a_tensor_defer_to_it_as_cupys_do(cupy):
    """CuPy hands `array op Tensor` to the Tensor only for an `__array_priority__` above its 100."""
    x, t = cupy.ones(3, dtype=np.float32), Tensor(cupy.ones(3, dtype=np.float32))
    assert isinstance(x * t, Tensor) and isinstance(x - t, Tensor)

    class Low:
        __array_priority__ = 100

    with pytest.raises(TypeError):
        x * Low()
    with pytest.raises(TypeError):
        x += t  # in place, CuPy runs the ufunc with out=x: no Tensor there
    assert (x == None).tolist() == [False] * 3  # CuPy compares with None elementwise


def _array_module_names():
    """`(file, line, name)` of each attribute the package reads from an array module: `xp.name`, `backend.xp.name`,
    `self.xp.name`, `get_array_module(...).name` (and `xp.random.name`, `xp.add.name`)."""
    def is_module(node):
        if isinstance(node, ast.Call):  # get_array_module(...) or backend.get_array_module(...)
            return getattr(node.func, "id", getattr(node.func, "attr", None)) == "get_array_module"
        return (isinstance(node, ast.Name) and node.id == "xp") or (
            isinstance(node, ast.Attribute) and node.attr == "xp")

    package = pathlib.Path(keras.__file__).parent
    for path in sorted(package.rglob("*.py")):
        if path.name == "strict.py" and path.parent.name == "backend":
            continue  # the strict module itself
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and is_module(node.value):
                yield path.relative_to(package), node.lineno, node.attr
            elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                  and is_module(node.value.value)):
                yield path.relative_to(package), node.lineno, f"{node.value.attr}.{node.attr}"


def test_every_array_module_name_the_package_uses_is_in_cupy():
    """Each name is one the stand-in checked in CuPy 13 and 14 (`cupy_stand_in.FUNCTIONS`), so code that no test
    here runs cannot call what CuPy lacks either."""
    known = set(cupy_stand_in.FUNCTIONS) | {"random", "random.default_rng"} \
        | {f"{name}.{method}" for name, kind in cupy_stand_in.FUNCTIONS.items() if kind == "ufunc"
           for method in cupy_stand_in.UFUNC_METHODS}
    names = list(_array_module_names())
    assert len(names) > 100  # the scan finds the package's uses
    unknown = [f"{path}:{line}: xp.{name}" for path, line, name in names if name not in known]
    assert not unknown, "not in CuPy (or not checked yet: add it to cupy_stand_in.FUNCTIONS):\n" + "\n".join(unknown)


def test_index_arrays_wrap_around_as_on_cupy(cupy):
    x = cupy.arange(3)
    assert x[cupy.asarray(np.array([1, 3]))].tolist() == [1, 0]  # the cupy.ndarray docs' example
    x[np.array([1, 3])] = 10
    assert x.tolist() == [10, 10, 2]
