"""How many BLAS threads a loop over batches should use, chosen by the size of its matrix products.

A training step on a small model is a chain of small matrix products with NumPy element-wise work in
between. With two BLAS threads, the second thread has to be woken up (or spins) for every product; on a
2-core machine where another process keeps one core busy it waits for a time slice each time, and a
step becomes several times slower than with one thread. Large products amortize that and do gain from
more threads. So `fit`/`evaluate`/`predict` limit BLAS to one thread when the largest product of a step
is small, and leave the default otherwise.

Measured on a 2-core AMD EPYC (OpenBLAS 0.3.31, float32), a NumPy loop of the 784-300-100-10 model over
10,000 rows, time with 2 threads / time with 1 thread (< 1: two threads faster):

    largest product (flops)       idle machine          one core busy with another process
    batch   (b, 784) @ (784, 300)  train   predict      train   predict
      32        15 M               0.82    0.64-0.80    5.8-6.8   1.57
     128        60 M               1.18    0.74         2.40      1.50
     256       120 M               1.04    0.57-0.72    2.57      1.42-1.48
     512       241 M               0.80    0.54-0.56    1.50-3.6  1.13-1.22
    1024       482 M               0.76    0.53-0.55    3.90      1.04-1.06
    2048       963 M               0.63    0.53         2.07      1.12
    10000      4.7 G                 -     0.54           -       1.02

The 8-30-1 housing model never gains from a second thread at batch 32 (1.00 and 0.98-0.99). Below
`SMALL_MATMUL_FLOPS` one thread wins by 1.4-6.8x on the busy machine and loses at most ~1.2x on an idle
one; above it two threads win 1.3-1.9x on an idle machine and cost little in `predict` on a busy one.
`predict` also uses the second core for small products, without a second BLAS thread: see
`neuronet.compile.lanes`.
"""
from __future__ import annotations

import contextlib
import math
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

# Largest matrix product of one step (2 * rows * inner * columns flops) below which BLAS uses one thread:
# a (256, 784) @ (784, 300) product (120 M) is "small", a (512, 784) @ (784, 300) one (241 M) is not.
SMALL_MATMUL_FLOPS = 2e8

_UNSET = object()
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_controller: Any = _UNSET  # threadpoolctl.ThreadpoolController, None without threadpoolctl


def _get_controller() -> Any:
    """The process's BLAS libraries, inspected once (a few ms); None when threadpoolctl is missing."""
    global _controller
    if _controller is _UNSET:
        try:
            import threadpoolctl  # a core dependency; still guarded for installs that removed it
        except ImportError:
            _controller = None
        else:
            _controller = threadpoolctl.ThreadpoolController()
    return _controller


def threads_for(flops: float) -> int | None:
    """The BLAS thread count for products of `flops` floating-point operations: 1, or None for the default.

    Example:
    >>> threads_for(2 * 32 * 784 * 300), threads_for(2 * 1024 * 784 * 300)
    (1, None)
    """
    return 1 if flops < SMALL_MATMUL_FLOPS else None


def matmul_flops(weights: Iterable[Any], batch_size: int, input_shape: Any = None) -> float:
    """Flops of the largest matrix product of one step, estimated from the weights' shapes.

    A kernel of rank 2 (Dense: inputs x units) gives `2 * batch_size * inputs * units`, its forward product.
    A kernel of rank k >= 3 (a convolution: window..., in, out) is applied at each of the k - 2 spatial
    positions of the input, counted from `input_shape` (batch, spatial..., channels); without `input_shape`
    its size is unknown, and an unknown size counts as large (`inf`): the default is then kept.

    Example:
    >>> import numpy as np
    >>> matmul_flops([np.zeros((784, 300)), np.zeros(300)], batch_size=32)
    15052800
    >>> matmul_flops([np.zeros((3, 3, 1, 32))], batch_size=32, input_shape=(None, 28, 28, 1))
    14450688
    """
    largest = 0
    for weight in weights:
        shape = tuple(int(dim) for dim in weight.shape)
        if len(shape) < 2:
            continue
        positions = 1
        if len(shape) > 2:
            spatial = tuple(input_shape or ())[1:len(shape) - 1]
            if len(spatial) != len(shape) - 2 or any(dim is None for dim in spatial):
                return math.inf
            positions = math.prod(int(dim) for dim in spatial)
        largest = max(largest, positions * math.prod(shape))
    return 2 * int(batch_size) * largest


def limit_for(flops: float) -> AbstractContextManager[Any]:
    """Context manager: BLAS on one thread while inside it if products of `flops` are small.

    Does nothing for large products, and nothing at all when threadpoolctl is not installed. Enter it
    once around a whole loop (about 10 us; 0.1 ms right after multi-threaded BLAS work), never per step.
    """
    threads = threads_for(flops)
    if threads is None and 0 < flops and not _deterministic() and free_cores(shared_monitor().poll()) < 2:
        threads = 1  # large products, but another process keeps a core busy: never two threads on it
    controller = _get_controller() if threads is not None else None
    if controller is None:
        return contextlib.nullcontext()
    return _limited(controller, threads)


# threadpoolctl's limits are process-wide. Loops running in several threads at once share one limit, set by the
# first to enter and restored by the last to leave: a thread never changes the thread count under another
# thread's running products (which would change that thread's results in the last bits). threadpoolctl lets only
# the first thread that set OpenBLAS's limit change it again (others are silently ignored) until that thread
# releases control: released here, or a later loop in another thread would run with the default count.
_shared_lock = threading.Lock()
_shared: dict = {"count": 0, "limiter": None, "threads": None}


def _acquire(controller: Any, threads: Any) -> None:
    with _shared_lock:
        if _shared["count"] == 0 and threads is not None:
            _shared["limiter"] = controller.limit(limits=threads, user_api="blas")
            _shared["threads"] = threads
        _shared["count"] += 1


def _release() -> None:
    with _shared_lock:
        _shared["count"] -= 1
        if _shared["count"] == 0 and _shared["limiter"] is not None:
            _shared["limiter"].restore_original_limits()
            _shared["limiter"], _shared["threads"] = None, None
            for library in getattr(_get_controller(), "lib_controllers", []):
                release = getattr(library, "clear_controlling_thread", None)
                if release is not None:
                    release()


@contextlib.contextmanager
def _limited(controller: Any, threads: int) -> Iterator[Any]:
    # The limit is set when entered, not when created: a created-but-unused context manager changes nothing.
    _acquire(controller, threads)
    try:
        yield
    finally:
        _release()


def current_limit() -> int | None:
    """The BLAS thread limit a running loop has set (1), or None (the default: no loop, or large products)."""
    return _shared["threads"]


def _deterministic() -> bool:
    from neuronet import config

    return config.is_op_determinism_enabled()


def blas_threads(model_or_weights: Any, batch_size: int, input_shape: Any = None) -> AbstractContextManager[Any]:
    """Context manager choosing BLAS threads for running `model_or_weights` on batches of `batch_size` rows.

    Args:
        model_or_weights: a built model or layer (its `weights` are read), or a list of weights/arrays.
        batch_size: rows per step.
        input_shape: shape of the inputs (batch first), needed to size convolutions (see `matmul_flops`).

    Returns:
        `limit_for(matmul_flops(weights, batch_size, input_shape))`; a no-op when no weight of rank >= 2 is
        known yet (an unbuilt model), so that the default is kept rather than guessed.

    Example:
    >>> import numpy as np
    >>> with blas_threads([np.zeros((8, 30)), np.zeros((30, 1))], batch_size=32):
    ...     pass
    """
    weights = getattr(model_or_weights, "weights", model_or_weights)
    flops = matmul_flops(weights, batch_size, input_shape)
    if flops == 0:
        return contextlib.nullcontext()
    return limit_for(flops)


class LoadMonitor:
    """CPU time other processes used since the last poll, in cores (from /proc/stat; None where unavailable).

    A poll reads one line of /proc/stat (about 20 us) and is made at most every `period` seconds.
    """

    def __init__(self, period: float = 0.5) -> None:
        self.period = period
        self.value: Any = None
        self._last = self._sample()

    @staticmethod
    def _sample() -> Any:
        try:
            with open("/proc/stat") as stat:
                ticks = [int(v) for v in stat.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = (sum(ticks) - ticks[3] - ticks[4]) / _CLOCK_TICKS  # all but idle and iowait
        return busy, _own_cpu_seconds(), time.perf_counter()

    def poll(self) -> Any:
        """Other processes' load over the last period (cores), refreshed when `period` has passed."""
        if self._last is None or time.perf_counter() - self._last[2] < self.period:
            return self.value
        now = self._sample()
        if now is not None:
            (busy0, own0, t0), (busy1, own1, t1) = self._last, now
            self.value = max(0.0, ((busy1 - busy0) - (own1 - own0)) / max(t1 - t0, 1e-9))
            self._last = now
        return self.value


def _own_cpu_seconds() -> float:
    """This process's CPU time: `os.times()` (about 1 us; `time.process_time()` can take milliseconds)."""
    times = os.times()
    return times.user + times.system


_shared_monitor: Any = None


def shared_monitor() -> LoadMonitor:
    """The process's load monitor, shared by every fit, evaluate and predict so that each starts from a
    recent reading. The first call samples twice, 50 ms apart (once per process)."""
    global _shared_monitor
    if _shared_monitor is None:
        _shared_monitor = LoadMonitor(period=0.05)
        time.sleep(0.05)
        _shared_monitor.poll()
        _shared_monitor.period = 0.5
    return _shared_monitor


def recent_load() -> Any:
    """Other processes' load as last read, without waiting: None until the shared monitor has a reading (it
    is started here when no `fit` has started it, and reads at its next poll)."""
    global _shared_monitor
    if _shared_monitor is None:
        _shared_monitor = LoadMonitor(period=0.05)
        return None
    value = _shared_monitor.poll()
    if value is not None:
        _shared_monitor.period = 0.5  # as `shared_monitor` once its first reading is in
    return value


def free_cores(load: Any, cores: int = 0) -> int:
    """Cores not taken by other processes: a core another process keeps over half busy is taken.

    Example:
    >>> free_cores(1.0, cores=2), free_cores(0.3, cores=2), free_cores(None, cores=2)
    (1, 2, 2)
    """
    cores = cores or _cpu_count()
    return cores if load is None else max(1, cores - int(load + 0.5))


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class AdaptiveBlasThreads:
    """Chooses the BLAS thread count during training, and re-decides it when the machine's load changes.

    Never more threads than free cores (`free_cores`): with another process keeping one of two cores busy,
    BLAS runs on one thread, whatever the products' size. With free cores, small products time windows of
    `window` steps with one thread and with the default (after a warm-up window) and keep the faster; large
    products keep the default. The load is polled every few windows (`LoadMonitor`); a change of the free
    core count, or `retrial` seconds since the last trial, starts a new trial. Without threadpoolctl nothing
    happens. Under `keras.config.enable_op_determinism()` nothing is timed or polled: small products use one
    thread and large ones the default, whatever the load, so that runs are bit-identical.
    """

    def __init__(self, model_or_weights: Any, batch_size: int, window: int = 8, retrial: float = 30.0,
                 monitor: Any = None) -> None:
        weights = getattr(model_or_weights, "weights", model_or_weights)
        flops = matmul_flops(weights, batch_size)
        self.small = 0 < flops and threads_for(flops) == 1
        self.controller = _get_controller() if 0 < flops else None
        self.window, self.retrial = window, retrial
        self.monitor = monitor if monitor is not None else shared_monitor()
        self.cores = _cpu_count()
        self.free = free_cores(self.monitor.poll(), self.cores) if self.controller is not None else self.cores
        self.times: dict = {1: [], None: []}
        self.choice: Any = None
        self.schedule: list = []
        self._limiter: Any = None
        self._current: Any = "unset"
        self._steps = 0
        self._start = 0.0
        self._decided_at = 0.0

    def __enter__(self) -> "AdaptiveBlasThreads":
        global _tape_policy
        if _tape_policy is not None and _tape_policy is not self:
            # a GradientTape loop ran before: give its limit back, so that "default" means the default here
            _tape_policy.__exit__()
            _tape_policy = None
        if self.controller is not None:
            self._decide()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._set(None)

    def _decide(self) -> None:
        """Start a trial (small products, free cores), or settle at once (busy machine, large products)."""
        self._decided_at = time.perf_counter()
        self.times = {1: [], None: []}
        if _deterministic():  # a fixed rule, whatever the load: bit-identical runs (keras.config)
            self.schedule, self.choice = [], (1 if self.small else None)
        elif self.free < 2:
            self.schedule, self.choice = [], 1  # never two threads on one busy core
        elif not self.small:
            self.schedule, self.choice = [], None
        else:  # warm-up, then alternate twice so that a change of load midway does not decide alone
            self.schedule = [1, 1, None, 1, None]
            self._steps = 0
        self._set(self.schedule[0] if self.schedule else self.choice)
        self._start = time.perf_counter()

    def step_done(self) -> None:
        """Call after each training step: a counter, and every `window` steps a clock reading."""
        if self.controller is None:
            return
        self._steps += 1
        if self._steps % self.window:
            return
        now = time.perf_counter()
        if self.schedule:
            self._trial_window(now)
            return
        if _deterministic():
            return
        free = free_cores(self.monitor.poll(), self.cores)
        if free != self.free or now - self._decided_at > self.retrial:
            self.free = free
            self._decide()

    def _trial_window(self, now: float) -> None:
        index = self._steps // self.window - 1
        if index > 0:  # window 0 is the warm-up
            self.times[self.schedule[index]].append(now - self._start)
        if index + 1 < len(self.schedule):
            self._set(self.schedule[index + 1])
            self._start = time.perf_counter()
            return
        self.choice = 1 if min(self.times[1]) <= min(self.times[None]) else None
        self._set(self.choice)
        self.schedule = []
        self.free = free_cores(self.monitor.poll(), self.cores)

    def _set(self, threads: Any) -> None:
        if threads == self._current:
            return
        self._current = threads
        if self._limiter is not None:
            _release()
            self._limiter = None
        if threads is not None and self.controller is not None:
            _acquire(self.controller, threads)
            self._limiter = threads


_tape_policy: Any = None


def tape_step_done(variables: Any) -> None:
    """The same policy for hand-written `GradientTape` loops: `GradientTape.gradient` calls this once a step.

    The policy is created on the first call (products sized for batches of 32 from the weights' shapes) and
    keeps its setting between steps, for the rest of the process.
    """
    global _tape_policy
    if _tape_policy is None:
        _tape_policy = AdaptiveBlasThreads([getattr(v, "data", v) for v in variables], batch_size=32)
        _tape_policy.__enter__()
    _tape_policy.step_done()
