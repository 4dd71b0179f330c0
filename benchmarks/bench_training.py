"""Epoch time of neuronet against a hand-written NumPy loop of the same model (and, on request, against
TensorFlow/Keras and PyTorch), `predict` on 10,000 rows, and `import neuronet` beside `import numpy`.

    python benchmarks/bench_training.py            # the full run
    python benchmarks/bench_training.py --quick    # fewer repeats and rows: a smoke test
    python benchmarks/bench_training.py --peers    # also TensorFlow/Keras and PyTorch, in their own venv
    python benchmarks/bench_training.py --profile  # where neuronet's time goes (cProfile, one epoch each)
    python benchmarks/bench_training.py --crossover [--load]   # the BLAS thread-count measurements

The NumPy loop is the honest floor: float32, glorot_uniform/zeros init, a permutation per epoch and
fancy-indexed batches, forward, loss and its gradient, backward through the relu layers, SGD in place,
and the running loss (and accuracy) that `fit` also reports. Both run under the BLAS thread setting
neuronet chooses (`neuronet.trainers.threads`); the NumPy loop also runs under the other setting, and
the faster is the floor. Runs alternate (numpy, numpy at the other setting, neuronet, peers, numpy, ...).
Each ratio is the median over rounds of the ratio within a round (robust when the machine's load
changes); the ratio of the minimums is printed beside it. The last line printed is a JSON object.
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import neuronet as keras
from neuronet.trainers import threads

HERE = Path(__file__).resolve().parent
BATCH_SIZE = 32
LEARNING_RATE = 0.01
TARGETS = {"fashion_mnist": 0.8, "housing": 1.0, "predict": 1.0}  # issue 15: at most these ratios to the floor
PEER_PACKAGES = {"tensorflow": ["tensorflow-cpu"], "torch": ["torch==2.13.0"]}  # torch: its CPU-only build
CLASSIFY = "sparse_categorical_crossentropy"
# After multi-threaded work OpenBLAS keeps its worker threads spinning for a while (its thread timeout, about
# 0.1 s): a run timed right after a two-thread run would share its core with that spinner on a busy machine (and
# be charged its CPU time). Every timed run starts after this pause, whichever run came before it.
SETTLE_SECONDS = 0.25


# --- data ------------------------------------------------------------------------------------------
def load_fashion_mnist(rows: int | None = None) -> tuple:
    (x_full, y_full), (x_test, _) = keras.datasets.fashion_mnist.load_data()
    x_train, y_train = (x_full[5000:] / 255.0).astype("float32"), y_full[5000:]
    return x_train[:rows], y_train[:rows], (x_test / 255.0).astype("float32")


def load_housing() -> tuple:
    """The book's split: train_test_split twice with random_state=42, then StandardScaler."""
    try:
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler
    except ImportError as error:
        raise SystemExit("The housing benchmark splits the data as the book does, with scikit-learn: "
                         "pip install scikit-learn") from error
    housing = keras.datasets.california_housing.load_sklearn_version()
    x_full, x_test, y_full, _ = train_test_split(housing.data, housing.target, random_state=42)
    x_train, _, y_train, _ = train_test_split(x_full, y_full, random_state=42)
    scaler = StandardScaler().fit(x_train)
    return (scaler.transform(x_train).astype("float32"), y_train.astype("float32"),
            scaler.transform(x_test).astype("float32"))


# --- the NumPy floor -------------------------------------------------------------------------------
class NumpyMLP:
    """A relu MLP trained by hand: the same arithmetic as the neuronet model, without the framework."""

    def __init__(self, sizes: list, loss: str, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.loss = loss
        self.kernels, self.biases = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            limit = np.sqrt(6.0 / (fan_in + fan_out))  # glorot_uniform
            self.kernels.append(self.rng.uniform(-limit, limit, (fan_in, fan_out)).astype("float32"))
            self.biases.append(np.zeros(fan_out, "float32"))

    def forward(self, x: np.ndarray) -> list:
        activations = [x.reshape(len(x), -1)]
        last = len(self.kernels) - 1
        for i, (kernel, bias) in enumerate(zip(self.kernels, self.biases)):
            h = activations[-1] @ kernel
            h += bias
            if i < last:
                np.maximum(h, 0.0, out=h)
            activations.append(h)
        return activations

    def train_epoch(self, x: np.ndarray, y: np.ndarray, batch_size: int = BATCH_SIZE,
                    learning_rate: float = LEARNING_RATE) -> dict:
        n = len(x)
        order = self.rng.permutation(n)
        loss_sum, correct = 0.0, 0
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            xb, yb = x[index], y[index]
            m = len(index)
            activations = self.forward(xb)
            out = activations[-1]
            if self.loss == CLASSIFY:
                rows = np.arange(m)
                shifted = out - out.max(axis=1, keepdims=True)
                exp = np.exp(shifted)
                total = exp.sum(axis=1, keepdims=True)
                loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, yb]))
                correct += int(np.count_nonzero(out.argmax(axis=1) == yb))
                grad = exp / total  # d(loss)/d(logits) = (softmax - one_hot) / m
                grad[rows, yb] -= 1.0
                grad /= m
            else:  # mean squared error
                error = out - yb.reshape(m, 1)
                loss = float(np.mean(error * error))
                grad = error * (2.0 / m)
            loss_sum += loss * m
            self._backward(activations, grad, learning_rate)
        return {"loss": loss_sum / n, **({"accuracy": correct / n} if self.loss == CLASSIFY else {})}

    def _backward(self, activations: list, grad: np.ndarray, learning_rate: float) -> None:
        for i in range(len(self.kernels) - 1, -1, -1):
            a = activations[i]
            kernel_grad = a.T @ grad
            bias_grad = grad.sum(axis=0)
            if i > 0:
                grad = grad @ self.kernels[i].T
                grad *= a > 0  # relu'
            self.kernels[i] -= learning_rate * kernel_grad
            self.biases[i] -= learning_rate * bias_grad

    def predict(self, x: np.ndarray, batch_size: int = BATCH_SIZE) -> np.ndarray:
        outputs = []
        for start in range(0, len(x), batch_size):
            out = self.forward(x[start:start + batch_size])[-1]
            if self.loss == CLASSIFY:
                out = np.exp(out - out.max(axis=1, keepdims=True))
                out /= out.sum(axis=1, keepdims=True)
            outputs.append(out)
        return np.concatenate(outputs)


def neuronet_model(sizes: list, loss: str, input_shape: tuple) -> keras.models.Sequential:
    """The book's model: Flatten (for images), relu Dense layers, softmax (or linear) output; SGD(0.01)."""
    layers = [keras.layers.Flatten(input_shape=list(input_shape))] if len(input_shape) > 1 else []
    first = {} if layers else {"input_shape": list(input_shape)}
    for i, units in enumerate(sizes[1:-1]):
        layers.append(keras.layers.Dense(units, activation="relu", **(first if i == 0 else {})))
    layers.append(keras.layers.Dense(sizes[-1], activation="softmax" if loss == CLASSIFY else None))
    model = keras.models.Sequential(layers)
    model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
                  metrics=["accuracy"] if loss == CLASSIFY else None)
    return model


# --- timing ----------------------------------------------------------------------------------------
class BusyCore:
    """Keeps one core busy with a CPU-bound process for the block: started on enter, killed on exit."""

    def __enter__(self) -> BusyCore:  # noqa: PYI034
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)  # let it reach the CPU before timing starts
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.wait()


class OtherLoad:
    """CPU used by other processes during the block, in cores (Linux /proc/stat; None elsewhere)."""

    def __enter__(self) -> OtherLoad:  # noqa: PYI034 (Python 3.9 has no typing.Self)
        self.value = None
        self._start = self._sample()
        return self

    def __exit__(self, *exc: object) -> None:
        end = self._sample()
        if self._start and end:
            (busy0, own0, t0), (busy1, own1, t1) = self._start, end
            self.value = max(0.0, ((busy1 - busy0) - (own1 - own0)) / (t1 - t0))

    @staticmethod
    def _sample() -> tuple | None:
        try:
            with open("/proc/stat") as f:
                ticks = [int(v) for v in f.readline().split()[1:]]
        except OSError:
            return None
        busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
        return busy, time.process_time(), time.perf_counter()


def blas_limit(limit: int | None):
    """threadpoolctl's limit to `limit` BLAS threads (None: leave the default)."""
    if limit is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=limit, user_api="blas")


def setting_name(limit: int | None) -> str:
    return f"{limit} thread" if limit else "default threads"


def clocked(fn, limit: int | None = None) -> dict:
    """Wall and CPU seconds of `fn()` under the BLAS limit (CPU time leaves out time lost to other processes)."""
    with blas_limit(limit):
        # process_time() can take milliseconds on some virtual machines: read it outside the wall-clock window
        cpu = time.process_time()
        wall = time.perf_counter()
        fn()
        wall = time.perf_counter() - wall
        return {"wall": wall, "cpu": time.process_time() - cpu}


def alternate(runs: dict, repeats: int, loads: list, skip_slower: dict) -> dict:
    """Runs the callables (each returns `clocked`'s dict) interleaved, `repeats` rounds; {name: {round: dict}}.

    `skip_slower` maps a run to another one: it stops once its best time is over 1.5x the other's best,
    since it cannot be the floor then (two BLAS threads on a busy machine can take 20x longer).
    """
    times = {name: {} for name in runs}
    for round_index in range(repeats):
        for name, run in runs.items():
            other = skip_slower.get(name)
            if other and times[name] and times[other] and best(times[name]) > 1.5 * best(times[other]):
                continue
            time.sleep(SETTLE_SECONDS)  # the previous run's BLAS worker threads stop spinning first
            with OtherLoad() as load:
                times[name][round_index] = run()
            if load.value is not None and times[name][round_index]["cpu"] == times[name][round_index]["cpu"]:
                # (runs in this process only: a peer's own CPU time, NaN here, is not another process's load)
                loads.append((load.value * times[name][round_index]["wall"], times[name][round_index]["wall"]))
    return times


def best(rounds: dict, key: str = "wall") -> float:
    return min(r[key] for r in rounds.values())


def ratio(times: dict, ours: str, theirs: list) -> dict | None:
    """`ours` against the fastest of `theirs`: median of per-round ratios, and ratio of the minimums."""
    paired = []
    for round_index, mine in times[ours].items():
        others = [times[t][round_index]["wall"] for t in theirs if round_index in times[t]]
        if others:
            paired.append(mine["wall"] / min(others))
    present = [t for t in theirs if times[t]]
    if not paired or not present:
        return None
    return {"paired_median": statistics.median(paired), "paired": paired,
            "of_minimums": best(times[ours]) / min(best(times[t]) for t in present)}


def summarize(times: dict) -> dict:
    return {name: {"min": best(r), "median": statistics.median(x["wall"] for x in r.values()),
                   "cpu_min": best(r, "cpu"), "wall": [x["wall"] for x in r.values()]}
            for name, r in times.items() if r}


def load_summary(loads: list) -> dict:
    """CPU used by other processes, in cores: mean over all timed runs, and the worst run of 0.25 s or more."""
    wall = sum(seconds for _, seconds in loads)
    long_runs = [busy / seconds for busy, seconds in loads if seconds >= 0.25]
    return {"mean": sum(busy for busy, _ in loads) / wall if wall else None,
            "max": max(long_runs) if long_runs else None}


# --- peers: TensorFlow/Keras and PyTorch in their own virtual environment -------------------------
def install_peers(venv: Path, frameworks: list) -> dict:
    """Create `venv` if needed and pip-install the peers into it; returns {framework: error text or None}."""
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if not python.exists():
        print(f"peers: creating {venv}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    errors = {}
    for framework in frameworks:
        if subprocess.run([str(python), "-c", f"import {framework}"], capture_output=True, check=False).returncode:
            packages = PEER_PACKAGES[framework]
            print(f"peers: pip install {' '.join(packages)} (this takes a while)", file=sys.stderr, flush=True)
            done = subprocess.run([str(python), "-m", "pip", "install", "numpy", *packages], capture_output=True,
                                  text=True, check=False)
            if done.returncode:
                errors[framework] = (done.stdout + done.stderr)[-3000:]
                print(f"peers: installing {framework} failed:\n{errors[framework]}", file=sys.stderr, flush=True)
    return {"python": python, "errors": errors}


class PeerServer:
    """`peers.py --serve` in the peers' venv, at one thread setting: models built and warm, timed on request."""

    def __init__(self, python: Path, data: Path, frameworks: list, limit: int | None, log: Path) -> None:
        command = [str(python), str(HERE / "peers.py"), str(data), "--serve", "--frameworks", ",".join(frameworks)]
        self.log = log
        with open(log, "w") as stderr:
            self.process = subprocess.Popen(command + (["--threads", str(limit)] if limit else []), text=True,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.ready = self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"peers.py stopped: {self.log.read_text()[-2000:]}")
        return json.loads(line)

    def request(self, cmd: str, framework: str, model: str) -> dict:
        self.process.stdin.write(json.dumps({"cmd": cmd, "framework": framework, "model": model}) + "\n")
        self.process.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(f"peers.py {framework} {cmd} {model}: {reply['error']}")
        return {"wall": reply["seconds"], "cpu": float("nan")}

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.write('{"cmd": "quit"}\n')
            self.process.stdin.close()
        self.process.wait(timeout=60)


@contextlib.contextmanager
def peer_servers(args: argparse.Namespace, fashion: tuple, housing: tuple):
    """{(framework, setting): PeerServer} for each installed peer, at its default threads and at one thread."""
    if not args.peers:
        yield {}, {}
        return
    frameworks = args.peer_frameworks.split(",")
    installed = install_peers(Path(args.peers_venv), frameworks)
    usable = [f for f in frameworks if f not in installed["errors"]]
    info = {"errors": {f: e.strip().splitlines()[-1][:300] for f, e in installed["errors"].items()},
            "versions": {}}
    servers, started = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "peers_data.npz"
        np.savez(data, fashion_mnist_x=fashion[0], fashion_mnist_y=fashion[1].astype("int64"),
                 fashion_mnist_x_predict=fashion[2][:10_000], housing_x=housing[0], housing_y=housing[1],
                 housing_x_predict=np.resize(housing[2], (10_000, 8)))
        try:
            for limit in (None, 1) if usable else ():
                print(f"peers: starting {', '.join(usable)} at {setting_name(limit)}", file=sys.stderr, flush=True)
                server = PeerServer(installed["python"], data, usable, limit, Path(tmp) / f"peers_{limit}.log")
                started.append(server)
                info["errors"].update(server.ready["errors"])
                info["versions"].update(server.ready["versions"])
                for framework in server.ready["versions"]:
                    servers[framework, setting_name(limit)] = server
            yield servers, info
        finally:
            for server in started:
                server.close()


def peer_runs(servers: dict, cmd: str, model: str) -> tuple:
    """Runs for `alternate`, the skip pairs (a peer's slower thread setting stops), and the peer groups."""
    runs, skip, groups = {}, {}, {}
    for (framework, setting), server in servers.items():
        name = f"{framework} @ {setting}"
        runs[name] = lambda s=server, f=framework: s.request(cmd, f, model)
        groups.setdefault(framework, []).append(name)
    for names in groups.values():
        if len(names) == 2:
            skip[names[0]], skip[names[1]] = names[1], names[0]
    return runs, skip, groups


# --- the benchmarks --------------------------------------------------------------------------------
def bench_fit(name: str, x: np.ndarray, y: np.ndarray, sizes: list, loss: str, repeats: int, loads: list,
              servers: dict) -> dict:
    chosen = threads.threads_for(threads.matmul_flops(neuronet_model(sizes, loss, x.shape[1:]).weights, BATCH_SIZE))
    other = 1 if chosen is None else None
    logs = {}

    epochs = 1  # epochs per timed run: short epochs are repeated (see `inner_count`); times are per epoch

    def reference(limit: int | None) -> dict:
        mlp = NumpyMLP(sizes, loss, seed=len(logs))

        def train() -> None:
            for _ in range(epochs):
                logs[f"numpy @ {setting_name(limit)}"] = mlp.train_epoch(x, y)

        return per_epoch(clocked(train, limit), epochs)

    def neuronet() -> dict:
        model = neuronet_model(sizes, loss, x.shape[1:])

        def fit() -> None:
            logs["neuronet"] = model.fit(x, y, batch_size=BATCH_SIZE, epochs=epochs, verbose=0).history

        return per_epoch(clocked(fit, None), epochs)  # neuronet sets its own BLAS threads (fit measures them)

    refs = [f"numpy @ {setting_name(chosen)}", f"numpy @ {setting_name(other)}"]
    runs = {refs[0]: lambda: reference(chosen), refs[1]: lambda: reference(other), "neuronet": neuronet}
    extra, skip, groups = peer_runs(servers, "epoch", name)
    epochs = inner_count(reference(chosen)["wall"])  # warm-up, which also sizes the runs
    neuronet()  # warm-up: first-call costs (imports, page faults) are not epoch time
    times = alternate({**runs, **extra}, repeats, loads, {refs[1]: refs[0], **skip})
    title = f"{name} epoch ({len(x)} rows, batch {BATCH_SIZE}" + (f"; {epochs} epochs a run" if epochs > 1 else "")
    return report_case(title + ")", chosen, times, refs, groups, TARGETS[name], logs)


def bench_predict(name: str, x_fit: np.ndarray, y_fit: np.ndarray, x: np.ndarray, sizes: list, loss: str,
                  batch_size: int, repeats: int, loads: list, servers: dict) -> dict:
    model = neuronet_model(sizes, loss, x.shape[1:])
    model.fit(x_fit[:1000], y_fit[:1000], verbose=0)
    mlp = NumpyMLP(sizes, loss)
    mlp.kernels, mlp.biases = model.get_weights()[0::2], model.get_weights()[1::2]
    chosen = threads.threads_for(threads.matmul_flops(model.weights, batch_size))
    other = 1 if chosen is None else None
    outputs = {}
    calls = 1  # predict calls per timed run (each a whole call: its fixed costs count); times are per call

    def repeat(fn, limit: int | None) -> dict:
        return per_epoch(clocked(lambda: [fn() for _ in range(calls)], limit), calls)

    refs = [f"numpy @ {setting_name(chosen)}", f"numpy @ {setting_name(other)}"]
    runs = {refs[0]: lambda: repeat(lambda: outputs.__setitem__("numpy", mlp.predict(x, batch_size)), chosen),
            refs[1]: lambda: repeat(lambda: mlp.predict(x, batch_size), other),
            "neuronet": lambda: repeat(lambda: outputs.__setitem__(
                "neuronet", model.predict(x, batch_size=batch_size, verbose=0)), None)}  # its own choice
    extra, skip, groups = peer_runs(servers if batch_size == BATCH_SIZE else {}, "predict", name)
    calls = inner_count(runs[refs[0]]()["wall"])  # warm-up, which also sizes the runs
    runs["neuronet"]()  # warm-up
    times = alternate({**runs, **extra}, repeats, loads, {refs[1]: refs[0], **skip})
    np.testing.assert_allclose(outputs["neuronet"], outputs["numpy"], rtol=1e-4, atol=1e-5)
    title = f"{name} predict ({len(x)} rows, batch {batch_size}" + (f"; {calls} calls a run" if calls > 1 else "")
    return report_case(title + ")", chosen, times, refs, groups,
                       TARGETS["predict"] if batch_size == BATCH_SIZE else None, {})


def inner_count(seconds: float, target: float = 0.25) -> int:
    """How many epochs (or predict calls) one timed run holds so that it lasts about `target` seconds: a 12 ms
    housing epoch timed alone measures the machine's noise more than the code (times are then per epoch)."""
    return max(1, min(64, round(target / max(seconds, 1e-6))))


def per_epoch(run: dict, count: int) -> dict:
    return {key: value / count for key, value in run.items()}


def report_case(title: str, chosen: int | None, times: dict, refs: list, groups: dict, target: float | None,
                logs: dict) -> dict:
    ratios = {"numpy floor": ratio(times, "neuronet", refs),
              # the loop as a NumPy user runs it, at the BLAS default (numpy floor: the faster of both settings)
              "numpy loop at default threads": ratio(times, "neuronet", ["numpy @ default threads"])
              if "numpy @ default threads" in times else None}
    ratios.update({framework: ratio(times, "neuronet", names) for framework, names in groups.items()})
    summary = summarize(times)
    cpu = summary["neuronet"]["cpu_min"] / summary[refs[0]]["cpu_min"] if chosen == 1 else None
    return {"title": title, "threads": setting_name(chosen), "target": target, "runs": summary, "ratios": ratios,
            "cpu_ratio": cpu, "logs": {k: {m: float(np.ravel(v)[-1]) for m, v in d.items()} for k, d in logs.items()}}


def bench_import(repeats: int) -> dict:
    """`import numpy` then `import neuronet`, timed inside fresh interpreters, both from bytecode (min of each part
    over the runs; `bench_scaling.import_env` says why); the same quantity `-X importtime` measures."""
    import bench_scaling

    with tempfile.TemporaryDirectory() as cache:
        return bench_scaling.import_clock(repeats, bench_scaling.import_env(cache))


# --- where the time goes, and the thread-count crossover -------------------------------------------
def profile_fit(name: str, x: np.ndarray, y: np.ndarray, sizes: list, loss: str, top: int = 25) -> str:
    model = neuronet_model(sizes, loss, x.shape[1:])
    profiler = cProfile.Profile()
    with threads.blas_threads(model, BATCH_SIZE):
        profiler.runcall(model.fit, x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return f"=== {name}: cProfile of one fit epoch ({len(x)} rows) ===\n{text.getvalue()}"


def crossover(args: argparse.Namespace) -> None:
    """NumPy loops at 1 thread and at the default: where does a second BLAS thread start to pay?"""
    rng = np.random.default_rng(0)
    rows = 2_000 if args.quick else 10_000
    images, labels = rng.random((rows, 784), dtype=np.float32), rng.integers(0, 10, rows)
    features = rng.standard_normal((rows, 8), dtype=np.float32)
    cases = [(batch, what, [784, 300, 100, 10], images, labels) for batch in (32, 128, 256, 512, 1024, 10_000)
             for what in ("predict", "train") if what == "predict" or batch <= 1024]
    cases += [(32, "predict", [8, 30, 1], features, features[:, 0]), (1024, "predict", [8, 30, 1], features, None),
              (32, "train", [8, 30, 1], features, features[:, 0])]
    load = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.load else None
    print(f"{'case':36s} {'flops/product':>14s} {'1 thread':>10s} {'default':>10s} {'default/1':>9s}")
    with OtherLoad() as watch:
        try:
            for batch, what, sizes, x, y in cases:
                mlp = NumpyMLP(sizes, CLASSIFY if sizes[-1] > 1 else "mse")
                run = (lambda m=mlp, b=batch, x=x, y=y: m.train_epoch(x, y, b)) if what == "train" else \
                    (lambda m=mlp, b=batch, x=x: m.predict(x, b))
                fastest = {1: float("inf"), None: float("inf")}
                for _ in range(2 if args.quick else 4):
                    for limit, seconds in fastest.items():
                        fastest[limit] = min(seconds, clocked(run, limit)["wall"])
                flops = 2 * batch * max(a * b for a, b in zip(sizes[:-1], sizes[1:]))
                label = f"{'-'.join(map(str, sizes))} {what} b={batch}"
                print(f"{label:36s} {flops:>14,d} {fastest[1] * 1e3:>8.1f}ms {fastest[None] * 1e3:>8.1f}ms "
                      f"{fastest[None] / fastest[1]:>9.2f}", flush=True)
        finally:
            if load is not None:
                load.kill()
                load.wait()
    if watch.value is not None:
        print(f"other processes used {watch.value:.2f} cores on average meanwhile"
              + (" (the added CPU-bound one included)" if args.load else ""))


# --- report ----------------------------------------------------------------------------------------
def print_report(result: dict) -> None:
    cases = list(result["fit"].values()) + list(result["predict"].values())
    for case in cases:
        print(f"\n== {case['title']}: neuronet's choice {case['threads']} ==  min / median of rounds")
        for name, run in case["runs"].items():
            print(f"  {name:32s} {run['min']:9.4f}s  {run['median']:9.4f}s")
    imp = result["import"]
    print(f"\n== import, fresh interpreters, from bytecode, min of {result['args']['import_repeats']} ==\n  "
          f"import numpy {imp['numpy_s'] * 1e3:.1f} ms, then import neuronet {imp['neuronet_own_s'] * 1e3:.1f} ms "
          f"more: ratio {imp['ratio']:.2f}")
    print("\n== ratios: neuronet / reference (below 1: neuronet faster); median of per-round ratios, and ratio of "
          "the minimums ==")
    print(f"{'':64s} {'median':>7s} {'of min':>7s} {'target':>7s}")
    for case in cases:
        for against, r in case["ratios"].items():
            if r is None:
                continue
            target = case["target"] if against.startswith("numpy") else (1.0 if case["target"] else None)
            verdict = "" if target is None else ("ok" if r["paired_median"] <= target else "MISSED")
            print(f"{case['title'] + ' vs ' + against:64s} {r['paired_median']:7.2f} {r['of_minimums']:7.2f} "
                  f"{'' if target is None else target:>7} {verdict}")
        if case["cpu_ratio"] and case["target"]:
            print(f"{'  (CPU time, 1 thread: neuronet / numpy)':64s} {case['cpu_ratio']:7.2f}")
    print(f"{'import neuronet / import numpy':64s} {imp['ratio']:7.2f} {'':7s} {1.5:>7} "
          f"{'ok' if imp['ratio'] <= 1.5 else 'MISSED'}")
    for framework, error in result.get("peers", {}).get("errors", {}).items():
        print(f"{framework}: not run: {error}")
    loads = result["other_load"]
    if loads["mean"] is not None and loads["mean"] > 0.2:
        print(f"\nnote: other processes used {loads['mean']:.2f} cores on average (up to {loads['max'] or 0:.2f}) "
              "during the runs: the timings come from a busy machine.")


def scaling_report(args: argparse.Namespace, fashion: tuple) -> dict:
    """The sweep, the memory run and the `-X importtime` summary (`bench_scaling.py`)."""
    import bench_scaling

    out = {}
    if not args.no_sweep:
        print("\n== epoch time / the same matrix products alone (width x batch, Fashion-MNIST rows) ==")
        rows = 2048 if args.quick else 8192
        x = fashion[0][:rows].reshape(rows, -1)
        out["sweep"] = bench_scaling.sweep(x, fashion[1][:rows], 1 if args.quick else 3)
        print(bench_scaling.sweep_table(out["sweep"]))
    out["rss"] = bench_scaling.peak_rss(args.rss_epochs or (1 if args.quick else 3))
    bench_scaling.print_rss(out["rss"])
    out["import_time"] = bench_scaling.import_time(3 if args.quick else 7)
    bench_scaling.print_import(out["import_time"])
    return out


def parse_args(argv: list | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds, 11,000 Fashion-MNIST rows")
    parser.add_argument("--repeats", type=int, default=None, help="rounds (default 5, --quick 2)")
    parser.add_argument("--peers", action="store_true", help="also TensorFlow/Keras and PyTorch (own venv)")
    parser.add_argument("--peers-venv", default=str(HERE / ".venv-peers"))
    parser.add_argument("--peer-frameworks", default="tensorflow,torch")
    parser.add_argument("--profile", action="store_true", help="print cProfile of one neuronet epoch each")
    parser.add_argument("--crossover", action="store_true", help="measure 1 vs default BLAS threads and exit")
    parser.add_argument("--load", action="store_true", help="with --crossover: add one CPU-bound process")
    parser.add_argument("--json", default=None, help="also write the JSON result to this file")
    parser.add_argument("--no-busy", action="store_true", help="skip the runs with one core kept busy")
    parser.add_argument("--no-sweep", action="store_true", help="skip the width x batch sweep")
    parser.add_argument("--rss-epochs", type=int, default=None, help="epochs of the memory run (default 3; 30 "
                        "as issue 15 states it; --quick 1)")
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (2 if args.quick else 5)
    args.import_repeats = 3 if args.quick else 7
    return args


def main(argv: list | None = None) -> dict:
    args = parse_args(argv)
    if args.crossover:
        crossover(args)
        return {}
    fashion, housing = load_fashion_mnist(11_000 if args.quick else None), load_housing()
    models = {"fashion_mnist": (fashion, [784, 300, 100, 10], CLASSIFY), "housing": (housing, [8, 30, 1], "mse")}
    if args.profile:
        for name, (data, sizes, loss) in models.items():
            print(profile_fit(name, data[0], data[1], sizes, loss))
    loads: list = []
    result = {"args": {"quick": args.quick, "repeats": args.repeats, "import_repeats": args.import_repeats},
              "neuronet_version": keras.__version__, "numpy_version": np.__version__, "cpus": os.cpu_count(),
              "fit": {}, "predict": {}}
    x_predict = {"fashion_mnist": fashion[2][:10_000], "housing": np.resize(housing[2], (10_000, 8))}
    conditions = ["quiet"] + ([] if args.no_busy else ["one core busy"])
    with peer_servers(args, fashion, housing) as (servers, peer_info):
        for condition in conditions:
            with BusyCore() if condition != "quiet" else contextlib.nullcontext():
                for name, (data, sizes, loss) in models.items():
                    print(f"timing {name} ({condition}) ...", file=sys.stderr, flush=True)
                    key = f"{name}, {condition}"
                    result["fit"][key] = bench_fit(name, data[0], data[1], sizes, loss, args.repeats, loads, servers)
                    result["predict"][key] = bench_predict(name, data[0], data[1], x_predict[name], sizes, loss,
                                                           BATCH_SIZE, max(args.repeats, 3), loads, servers)
                    for case in (result["fit"][key], result["predict"][key]):
                        case["title"] += f", {condition}"
        print("timing housing + Normalization (Adam) ...", file=sys.stderr, flush=True)
        import bench_normalization  # beside this file; it reuses this module's timing helpers

        x_raw, y_raw, _ = bench_normalization.load_raw_housing()
        result["fit"]["housing_normalization"] = bench_normalization.bench_fit(x_raw, y_raw, args.repeats, loads)
        result["predict"]["fashion_mnist b1024"] = bench_predict(
            "fashion_mnist", fashion[0], fashion[1], x_predict["fashion_mnist"], *models["fashion_mnist"][1:], 1024,
            max(args.repeats, 3), loads, {})
    if args.peers:
        result["peers"] = peer_info
    result["import"] = bench_import(args.import_repeats)
    result["other_load"] = load_summary(loads)
    print_report(result)
    result.update(scaling_report(args, fashion))
    line = json.dumps(result, default=float)
    if args.json:
        Path(args.json).write_text(line + "\n")
    print(line)
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
