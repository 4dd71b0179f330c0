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


class _Idle:
    """A load monitor reporting no other process (the tests must not depend on the machine's load)."""

    value = 0.0

    def poll(self):
        return self.value


@pytest.fixture
def two_blas_threads(fresh_controller, monkeypatch):
    """Run with a known default of 2 BLAS threads, so that a limit to 1 is visible on any machine."""
    assert _blas_threads(), "threadpoolctl found no BLAS library behind NumPy"
    monkeypatch.setattr(threads, "_shared_monitor", _Idle())
    monkeypatch.setattr(threads, "_cpu_count", lambda: 2)
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


def test_large_products_get_one_thread_when_a_core_is_busy(two_blas_threads):
    threads._shared_monitor.value = 1.0  # another process keeps one of the two cores busy
    with threads.blas_threads(_mlp(784, 300, 10), batch_size=10_000):
        assert set(_blas_threads()) == {1}
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


class FakeMonitor:
    """Other processes' load, set by the test."""

    def __init__(self, value=None):
        self.value = value

    def poll(self):
        return self.value


@pytest.fixture
def fake_blas(monkeypatch):
    """A fake threadpoolctl controller recording the limits set, a fake clock, and two cores."""
    calls = []

    class FakeLimiter:
        def __init__(self, limits):
            calls.append(limits)

        def restore_original_limits(self):
            calls.append("restore")

    class FakeController:
        def limit(self, limits, user_api):
            return FakeLimiter(limits)

    clock = {"t": 0.0}
    monkeypatch.setattr(threads, "_get_controller", lambda: FakeController())
    monkeypatch.setattr(threads.time, "perf_counter", lambda: clock["t"])
    monkeypatch.setattr(threads, "_cpu_count", lambda: 2)
    return calls, clock


def _run(blas, clock, durations, steps):
    for _ in range(steps):
        current = blas.schedule[min(blas._steps // blas.window, len(blas.schedule) - 1)] if blas.schedule \
            else blas.choice
        clock["t"] += durations[current] / blas.window
        blas.step_done()


def test_adaptive_choice_times_both_settings_then_keeps_the_faster(fake_blas):
    calls, clock = fake_blas
    with threads.AdaptiveBlasThreads([np.zeros((784, 300))], batch_size=32, window=2, monitor=FakeMonitor()) as blas:
        _run(blas, clock, {1: 5.0, None: 1.0}, 20)  # the default setting is faster here
        assert blas.choice is None and blas.schedule == []
        assert len(blas.times[1]) == 2 and len(blas.times[None]) == 2
    assert calls[0] == 1 and calls[-1] == "restore"


def test_adaptive_redecides_when_another_process_takes_a_core(fake_blas):
    calls, clock = fake_blas
    monitor = FakeMonitor(0.0)
    with threads.AdaptiveBlasThreads([np.zeros((784, 300))], batch_size=32, window=2, monitor=monitor) as blas:
        _run(blas, clock, {1: 5.0, None: 1.0}, 12)
        assert blas.choice is None and blas.schedule == []
        monitor.value = 1.0  # one core now busy elsewhere: two threads would share it
        _run(blas, clock, {1: 5.0, None: 1.0}, 2)
        assert blas.choice == 1 and blas.schedule == [] and calls[-1] == 1
        monitor.value = 0.0  # the core is free again: a new trial
        _run(blas, clock, {1: 1.0, None: 5.0}, 2)
        assert blas.schedule
        _run(blas, clock, {1: 1.0, None: 5.0}, 12)
        assert blas.choice == 1 and blas.schedule == []


def test_large_products_keep_the_default_unless_a_core_is_busy(fake_blas):
    calls, clock = fake_blas
    with threads.AdaptiveBlasThreads([np.zeros((784, 300))], batch_size=4096, monitor=FakeMonitor(0.0)) as blas:
        assert blas.schedule == [] and blas.choice is None and calls == []
    with threads.AdaptiveBlasThreads([np.zeros((784, 300))], batch_size=4096, monitor=FakeMonitor(1.2)) as blas:
        assert blas.choice == 1 and calls == [1]


def test_load_monitor_counts_other_processes_only():
    monitor = threads.LoadMonitor(period=0.0)
    value = monitor.poll()
    assert value is None or value >= 0.0
    assert threads.free_cores(1.6, cores=2) == 1 and threads.free_cores(0.2, cores=4) == 4


def test_gradient_tape_loop_gets_the_policy(monkeypatch):
    seen = []
    monkeypatch.setattr(threads, "tape_step_done", lambda variables: seen.append(len(variables)))
    model = _mlp(8, 30, 1)
    x = np.ones((4, 8), dtype="float32")
    for _ in range(3):
        with keras.GradientTape() as tape:
            loss = keras.ops.mean(model(x) ** 2)
        tape.gradient(loss, model.trainable_weights)
    assert seen == [4, 4, 4]


def test_recent_load_never_waits_and_reads_once_the_period_has_passed(monkeypatch):
    import time

    monkeypatch.setattr(threads, "_shared_monitor", None)
    start = time.perf_counter()
    assert threads.recent_load() is None  # no reading yet: the monitor starts here, without the 50 ms wait
    assert time.perf_counter() - start < 0.04
    assert threads._shared_monitor is not None and threads._shared_monitor.period == 0.05
    time.sleep(0.06)
    load = threads.recent_load()
    if threads.LoadMonitor._sample() is None:  # no /proc/stat here
        assert load is None
    else:
        assert load >= 0.0 and threads._shared_monitor.period == 0.5
