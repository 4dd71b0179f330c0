"""Where trials run: here one by one, in local worker processes, or on any executor with `submit()` (Dask too)."""
import concurrent.futures
import os
import time

from neuronet.tuners import trial_job


class _DoneFuture:
    """The result of a job run right here, shaped like a `concurrent.futures.Future`."""

    def __init__(self, fn):
        self._result = self._error = None
        try:
            self._result = fn()
        except Exception as error:  # the trial failed; the tuner decides what that means
            self._error = error

    def done(self):
        return True

    def cancel(self):
        return False

    def result(self):
        if self._error is not None:
            raise self._error
        return self._result


def _one_blas_thread():
    """Worker processes share the cores: one BLAS thread each, not one per core each."""
    try:
        import threadpoolctl
    except ImportError:
        return
    threadpoolctl.threadpool_limits(1)


def _is_processes(executor):
    return isinstance(executor, str) and executor == "processes"


def is_dask_client(executor):
    return callable(getattr(executor, "scatter", None)) and callable(getattr(executor, "nthreads", None))


def check_executor(executor, max_concurrent_trials):
    if max_concurrent_trials is not None and (not isinstance(max_concurrent_trials, int) or max_concurrent_trials < 1):
        raise ValueError(f"`max_concurrent_trials` must be a positive integer or None. Received: "
                         f"{max_concurrent_trials!r}")
    if executor is None or _is_processes(executor) or callable(getattr(executor, "submit", None)):
        return executor
    raise TypeError(f"`executor` must be None (trials run one after the other here), 'processes' (local worker "
                    f"processes), or an object with `submit(fn, *args)` returning futures (a "
                    f"`concurrent.futures.ProcessPoolExecutor`, a Dask `distributed.Client`). Received: {executor!r}")


class TrialRunner:
    """Keeps up to `capacity` trials running on the executor and hands back each one as it finishes."""

    def __init__(self, executor, max_concurrent_trials, data):
        self.owned = self.executor = None
        self.dask = is_dask_client(executor)
        if _is_processes(executor):
            self.owned = self.executor = concurrent.futures.ProcessPoolExecutor(
                max_concurrent_trials or os.cpu_count(), initializer=_one_blas_thread)
        elif executor is not None:
            self.executor = executor
        self.capacity = max_concurrent_trials or self._capacity()
        # Dask: send the data to the cluster once, not with every trial.
        self.data = executor.scatter([data])[0] if self.dask else data
        self.pending = {}

    def _capacity(self):
        if self.executor is None:
            return 1
        if self.dask:
            return max(1, sum(self.executor.nthreads().values()))
        return getattr(self.executor, "_max_workers", None) or os.cpu_count() or 1

    def submit(self, trial, job, run_here):
        if self.executor is None:
            future = _DoneFuture(run_here)
        elif self.dask:  # pure=False: a retried trial must run again, not reuse the failed result
            future = self.executor.submit(trial_job.run_trial_job, job, self.data, pure=False)
        else:
            future = self.executor.submit(trial_job.run_trial_job, job, self.data)
        self.pending[future] = trial

    def next_done(self):
        """(trial, result, error) of the next trial to finish."""
        while True:
            done = next((f for f in self.pending if f.done()), None)
            if done is not None:
                trial = self.pending.pop(done)
                try:
                    return trial, done.result(), None
                except Exception as error:  # reported to the oracle, or raised if fatal
                    return trial, None, error
            local = [f for f in self.pending if isinstance(f, concurrent.futures.Future)]
            if len(local) == len(self.pending):
                concurrent.futures.wait(local, timeout=1.0, return_when=concurrent.futures.FIRST_COMPLETED)
            else:
                time.sleep(0.05)

    def close(self):
        for future in self.pending:
            future.cancel()
        if self.owned is not None:
            self.owned.shutdown(wait=True, cancel_futures=True)
