"""The CuPy backend on a real GPU: gradients, the chapter's model, mixed precision, saving. Skipped without one."""
import numpy as np
import pytest

import neuronet as keras
from neuronet import autodiff, backend
from neuronet.autodiff import primitives as p

pytestmark = pytest.mark.cuda


@pytest.fixture
def cupy_backend():
    previous = backend.backend()
    backend.set_backend("cupy")
    yield
    backend.set_backend(previous)


CASES = {  # the primitives whose CuPy code differs from NumPy's, plus the hot path
    "matmul": (lambda a, b: p.matmul(a, b), [(4, 3), (3, 5)]),
    "dense": (lambda x, k, b: p.dense(x, k, b, activation="relu"), [(4, 3), (3, 5), (5,)]),
    "log_softmax": (lambda x: p.log_softmax(x, axis=-1), [(4, 6)]),
    "getitem": (lambda x: p.getitem(x, index=(slice(None), [0, 0, 2])), [(3, 4)]),
    "take_along_axis": (lambda x: p.take_along_axis(x, np.array([[0, 0], [1, 2]]), axis=1), [(2, 3)]),
    "concatenate": (lambda a, b: p.concatenate([a, b], axis=1), [(2, 3), (2, 2)]),
    "transpose": (lambda x: p.transpose(x, axes=(1, 2, 0)), [(2, 3, 4)]),
    "erf": (lambda x: p.erf(x), [(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_on_the_gpu_match_finite_differences(cupy_backend, name):
    fn, shapes = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(0.5, 2.0, size=s) for s in shapes]
    if name == "take_along_axis":
        def fn(x, _f=fn):  # the index array goes to the device too
            return p.take_along_axis(x, backend.asarray(np.array([[0, 0], [1, 2]])), axis=1)
    autodiff.check_grads(fn, *arrays)


def _chapter_model():
    keras.utils.set_random_seed(42)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(300, activation="relu"), keras.layers.Dense(100, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  metrics=["accuracy"])
    return model


def test_the_chapter_model_trains_on_cupy_as_on_numpy(tmp_path):
    (x, y), _ = keras.datasets.fashion_mnist.load_data()
    x, y = x[:10000] / 255.0, y[:10000]
    results = {}
    previous = backend.backend()
    for name in ("numpy", "cupy"):
        backend.set_backend(name)
        try:
            model = _chapter_model()
            history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, validation_split=0.1)
            results[name] = history.history["val_accuracy"][-1]
            if name == "cupy":
                assert type(model.weights[0].data).__module__.startswith("cupy")
                assert type(model.optimizer.iterations.data).__module__.startswith("cupy")
                predictions = model.predict(x[:64], verbose=0)
                assert type(predictions) is np.ndarray
                model.save(tmp_path / "gpu.keras")
        finally:
            backend.set_backend(previous)
    assert abs(results["cupy"] - results["numpy"]) < 0.02, results
    reloaded = keras.models.load_model(tmp_path / "gpu.keras")  # on the host
    np.testing.assert_allclose(reloaded.predict(x[:64], verbose=0), predictions, atol=1e-4)


def test_mixed_float16_on_the_gpu(cupy_backend):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(2),
                                  keras.layers.Activation("softmax", dtype="float32")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        x = np.random.default_rng(0).normal(size=(2048, 20)).astype("float32")
        y = (x[:, :10].sum(axis=1) > 0).astype("int64")
        history = model.fit(x, y, epochs=5, batch_size=64, verbose=0)
        assert history.history["accuracy"][-1] > 0.9
        assert str(model.layers[0].kernel.dtype) == "float32"
        assert str(model.layers[0](x[:4]).dtype) == "float16"
    finally:
        keras.mixed_precision.set_global_policy(None)
