import sys

import numpy as np
import pytest
import threadpoolctl  # the `fast` extra, also in the `test` extra

import neuronet as keras
from neuronet.trainers import threads


def _blas_threads():
    info = threadpoolctl.threadpool_info()
    return [lib["num_threads"] for lib in info if lib["user_api"] == "blas"]


@pytest.fixture
def fresh_controller(monkeypatch):
    """Forget the cached ThreadpoolController so that each test sees its own import outcome."""
    monkeypatch.setattr(threads, "_controller", threads._UNSET)


@pytest.fixture
def two_blas_threads(fresh_controller):
    """Run with a known default of 2 BLAS threads, so that a limit to 1 is visible on any machine."""
    assert _blas_threads(), "threadpoolctl found no BLAS library behind NumPy"
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        yield


def _mlp(inputs, hidden, outputs):
    model = keras.models.Sequential([keras.layers.Dense(hidden, activation="relu", input_shape=[inputs]),
                                     keras.layers.Dense(outputs)])
    model.compile(loss="mse", optimizer="sgd")
    return model


def test_threads_for_threshold():
    assert threads.threads_for(0) == 1
    assert threads.threads_for(threads.SMALL_MATMUL_FLOPS - 1) == 1
    assert threads.threads_for(threads.SMALL_MATMUL_FLOPS) is None


def test_matmul_flops_uses_the_largest_kernel():
    weights = [np.zeros((784, 300)), np.zeros(300), np.zeros((300, 100)), np.zeros(100)]
    assert threads.matmul_flops(weights, 32) == 2 * 32 * 784 * 300
    assert threads.matmul_flops([np.zeros(5)], 32) == 0


def test_convolutions_are_sized_by_the_input_or_count_as_large(two_blas_threads):
    conv = [np.zeros((3, 3, 2, 8)), np.zeros(8), np.zeros((8, 10))]
    assert threads.matmul_flops(conv, 4, input_shape=(None, 28, 28, 2)) == 2 * 4 * 28 * 28 * 3 * 3 * 2 * 8
    assert threads.matmul_flops(conv, 4) == float("inf")
    assert threads.matmul_flops(conv, 4, input_shape=(None, None, None, 2)) == float("inf")
    with threads.blas_threads(conv, batch_size=4):
        assert set(_blas_threads()) == {2}
    with threads.blas_threads(conv, batch_size=4, input_shape=(4, 28, 28, 2)):
        assert set(_blas_threads()) == {1}


def test_small_model_runs_on_one_thread_and_restores(two_blas_threads):
    model = _mlp(8, 30, 1)
    with threads.blas_threads(model, batch_size=32):
        assert set(_blas_threads()) == {1}
    assert set(_blas_threads()) == {2}


def test_large_products_keep_the_default(two_blas_threads):
    model = _mlp(784, 300, 10)
    with threads.blas_threads(model, batch_size=10_000):
        assert set(_blas_threads()) == {2}
    with threads.limit_for(threads.SMALL_MATMUL_FLOPS * 10):
        assert set(_blas_threads()) == {2}


def test_limit_applies_on_enter_not_on_creation(two_blas_threads):
    context = threads.blas_threads([np.zeros((8, 30))], batch_size=32)
    assert set(_blas_threads()) == {2}
    with context:
        assert set(_blas_threads()) == {1}
    assert set(_blas_threads()) == {2}


def test_restores_after_an_exception(two_blas_threads):
    with pytest.raises(RuntimeError), threads.blas_threads([np.zeros((8, 30))], batch_size=32):
        raise RuntimeError("boom")
    assert set(_blas_threads()) == {2}


def test_unbuilt_model_keeps_the_default(two_blas_threads):
    model = keras.models.Sequential([keras.layers.Dense(3)])
    with threads.blas_threads(model, batch_size=32):
        assert set(_blas_threads()) == {2}


def test_no_op_without_threadpoolctl(monkeypatch, two_blas_threads):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # `import threadpoolctl` now raises ImportError
    with threads.blas_threads([np.zeros((8, 30))], batch_size=32) as value:
        assert value is None
        assert set(_blas_threads()) == {2}
    assert threads._controller is None


def test_small_model_trains_inside_the_limit(two_blas_threads):
    x = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
    model = _mlp(8, 30, 1)
    with threads.blas_threads(model, batch_size=32):
        history = model.fit(x, x[:, :1], epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert set(_blas_threads()) == {2}


def test_adaptive_choice_times_both_settings_then_keeps_the_faster(monkeypatch):
    import numpy as np

    from neuronet.trainers import threads

    calls = []

    class FakeLimiter:
        def __init__(self, limits):
            calls.append(limits)

        def restore_original_limits(self):
            calls.append("restore")

    class FakeController:
        def limit(self, limits, user_api):
            return FakeLimiter(limits)

    monkeypatch.setattr(threads, "_get_controller", lambda: FakeController())
    durations = {1: 5.0, None: 1.0}  # the default setting is faster here
    state = {"t": 0.0}

    def fake_perf_counter():
        return state["t"]

    monkeypatch.setattr(threads.time, "perf_counter", fake_perf_counter)
    with threads.AdaptiveBlasThreads([np.zeros((784, 300))], batch_size=32, window=2) as blas:
        for step in range(20):
            current = blas.schedule[min(step // 2, len(blas.schedule) - 1)] if blas.schedule else blas.choice
            state["t"] += durations[current] / 2
            blas.step_done()
    assert blas.choice is None and blas.schedule == []
    assert len(blas.times[1]) == 2 and len(blas.times[None]) == 2
    assert calls[0] == 1 and calls[-1] == "restore"


def test_adaptive_is_a_no_op_for_large_products(monkeypatch):
    import numpy as np

    from neuronet.trainers import threads

    blas = threads.AdaptiveBlasThreads([np.zeros((784, 300))], batch_size=4096)
    assert blas.schedule == [] and blas.controller is None
    with blas:
        blas.step_done()
