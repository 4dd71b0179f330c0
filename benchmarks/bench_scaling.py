"""Cost as work grows, memory, and import time: the parts of the speed report beyond the two book models.

    python benchmarks/bench_scaling.py --sweep         # hidden width x batch size against the matrix-product floor
    python benchmarks/bench_scaling.py --rss 30        # peak resident memory of a 30-epoch Fashion-MNIST fit
    python benchmarks/bench_scaling.py --import-time   # `python -X importtime -c "import neuronet"` summary

`bench_training.py` runs all three after its ratios (shorter settings by default). Each ratio is measured in
the same run as its reference: the sweep times neuronet's epoch and, alone, the same matrix products with
preallocated outputs (the floor no framework can beat), interleaved, at the BLAS setting that is faster
for the products alone.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WIDTHS = (64, 256, 1024, 2048)
BATCHES = (32, 128, 512, 1024)


# --- sweep: neuronet's epoch against the matrix products of the same shapes ---------------------------
def product_floor(x: np.ndarray, width: int, classes: int, batch: int) -> float:
    """One epoch of the products of a 784-width-classes step, timed alone: forward 2, backward 3."""
    rng = np.random.default_rng(0)
    w1 = rng.random((x.shape[1], width), dtype=np.float32)
    w2 = rng.random((width, classes), dtype=np.float32)
    g2 = rng.random((batch, classes), dtype=np.float32)
    h, logits = np.empty((batch, width), np.float32), np.empty((batch, classes), np.float32)
    dw2, dh, dw1 = np.empty_like(w2), np.empty_like(h), np.empty_like(w1)
    start = time.perf_counter()
    for first in range(0, len(x) - batch + 1, batch):
        xb = x[first:first + batch]
        np.matmul(xb, w1, out=h)
        np.matmul(h, w2, out=logits)
        np.matmul(h.T, g2, out=dw2)
        np.matmul(g2, w2.T, out=dh)
        np.matmul(xb.T, dh, out=dw1)
    return time.perf_counter() - start


def neuronet_epoch(x: np.ndarray, y: np.ndarray, width: int, batch: int) -> float:
    import neuronet as keras

    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(width, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.01),
                  metrics=["accuracy"])
    rows = len(x) // batch * batch  # whole batches, as the floor
    model.fit(x[:batch], y[:batch], batch_size=batch, verbose=0)  # build and plan once, not timed
    start = time.perf_counter()
    model.fit(x[:rows], y[:rows], batch_size=batch, epochs=1, verbose=0, shuffle=False)
    return time.perf_counter() - start


def sweep(x: np.ndarray, y: np.ndarray, repeats: int = 3, widths=WIDTHS, batches=BATCHES) -> list:
    """Rows of {width, batch, neuronet_s, floor_s, ratio}: medians of per-round ratios, rounds interleaved."""
    from bench_training import blas_limit

    rows = []
    for width in widths:
        for batch in batches:
            ratios, ours, floors = [], [], []
            for _ in range(repeats):
                floor = min(_timed_floor(x, width, batch, limit, blas_limit) for limit in (1, None))
                mine = neuronet_epoch(x, y, width, batch)
                ratios.append(mine / floor)
                ours.append(mine)
                floors.append(floor)
            rows.append({"width": width, "batch": batch, "neuronet_s": min(ours), "floor_s": min(floors),
                         "ratio": statistics.median(ratios)})
            print(f"  width {width:5d} batch {batch:5d}: neuronet {min(ours):7.3f}s  products alone "
                  f"{min(floors):7.3f}s  ratio {rows[-1]['ratio']:5.2f}", file=sys.stderr, flush=True)
    return rows


def _timed_floor(x, width, batch, limit, blas_limit) -> float:
    with blas_limit(limit):
        return product_floor(x, width, 10, batch)


def sweep_table(rows: list) -> str:
    """The sweep as a Markdown table: ratio neuronet epoch / products alone, width down, batch across."""
    batches = sorted({r["batch"] for r in rows})
    lines = ["| hidden width | " + " | ".join(f"batch {b}" for b in batches) + " |",
             "| ---: | " + " | ".join("---:" for _ in batches) + " |"]
    for width in sorted({r["width"] for r in rows}):
        cells = {r["batch"]: r["ratio"] for r in rows if r["width"] == width}
        lines.append(f"| {width} | " + " | ".join(f"{cells[b]:.2f}" for b in batches) + " |")
    return "\n".join(lines)


# --- memory: peak RSS of a Fashion-MNIST fit, per epoch -----------------------------------------------
RSS_CHILD = r"""
import json, resource, sys, time
import numpy as np
import neuronet as keras

def rss(field="VmRSS"):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field))

epochs = int(sys.argv[1])
(x, y), _ = keras.datasets.fashion_mnist.load_data()
x = x[5000:] / np.float32(255)  # float32 all the way, as the book's X_train / 255.
y = y[5000:]
del _
base = rss()
try:  # the peak from here on (loading the data above made its own, larger transient)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    reset = True
except OSError:
    reset = False
per_epoch = []
class Watch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        per_epoch.append(rss())
model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(300, activation="relu"),
                          keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(0.01), metrics=["accuracy"])
start = time.perf_counter()
model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[Watch()])
peak = rss("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"epochs": epochs, "data_bytes": int(x.nbytes + y.nbytes), "rss_before_fit": base,
                  "rss_per_epoch": per_epoch, "peak_rss": peak, "seconds": time.perf_counter() - start}))
"""


def peak_rss(epochs: int) -> dict:
    """Runs the fit in a fresh interpreter; peak RSS against the RSS with the data loaded (interpreter,
    libraries and data), and the RSS after each epoch (flat: nothing grows from plans or caches)."""
    out = subprocess.run([sys.executable, "-c", RSS_CHILD, str(epochs)], check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["peak_over_loaded"] = result["peak_rss"] / result["rss_before_fit"]
    growth = result["rss_per_epoch"][-1] - result["rss_per_epoch"][0]
    result["growth_first_to_last_epoch_bytes"] = growth
    return result


# --- import time ------------------------------------------------------------------------------------
# What issue 15 measures: the cost of the statement `import neuronet` against `import numpy`, each run as the first
# statement of a fresh interpreter, interpreter start-up excluded. Both measures here (`-X importtime` and the wall
# clock of `python -c` less that of `python -c pass`) measure exactly that, and both run numpy and neuronet under the
# same conditions: every module read from bytecode, as installed packages run (`pip install` compiles them, and a
# plain run writes `__pycache__`). A shell with PYTHONDONTWRITEBYTECODE set would otherwise compile neuronet from
# source on every start while numpy reads its installed bytecode; a private `PYTHONPYCACHEPREFIX`, filled by one
# warm-up run, gives both the same footing. `source=True` compiles every module (numpy's, the standard library's and
# neuronet's) from source instead: an empty prefix that is never written.
def import_env(cache: str, source: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPYCACHEPREFIX"] = cache
    if source:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        subprocess.run([sys.executable, "-c", "import numpy, neuronet"], check=True, env=env)
    return env


def importtime_us(module: str, env: dict) -> tuple:
    """`python -X importtime -c "import module"`: the cumulative microseconds of `module` and the parsed rows."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], check=True,
                         capture_output=True, text=True, env=env).stderr
    rows = [line.split("|") for line in err.splitlines() if line.startswith("import time:") and "|" in line]
    parsed = [(int(r[0].split(":")[1]), int(r[1]), r[2].rstrip()) for r in rows[1:] if r[1].strip().isdigit()]
    return next(cum for own, cum, name in parsed if name.strip() == module), parsed


def import_wall_s(repeats: int, env: dict) -> dict:
    """The wall clock of `python -c pass`, `-c "import numpy"` and `-c "import neuronet"` (min of runs); the ratio
    of the imports alone, start-up subtracted."""
    def once(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        return time.perf_counter() - start

    codes = ("pass", "import numpy", "import neuronet")
    runs = [[once(code) for code in codes] for _ in range(repeats)]  # interleaved: a busy spell hits all three
    python, numpy, neuronet = (min(column) for column in zip(*runs))
    return {"python_s": python, "numpy_s": numpy, "neuronet_s": neuronet,
            "ratio": (neuronet - python) / (numpy - python), "ratio_with_startup": neuronet / numpy}


def import_time(repeats: int = 5) -> dict:
    """`-X importtime`: cumulative microseconds of `import numpy` and `import neuronet` (min of runs, each in a
    fresh interpreter, from bytecode; and, for comparison, everything compiled from source), neuronet's slowest own
    modules, and how many neuronet modules the import loads."""
    result = {}
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as empty:
        for key, env in (("bytecode", import_env(cache)), ("source", import_env(empty, source=True))):
            runs = [(importtime_us("numpy", env)[0], importtime_us("neuronet", env)) for _ in range(repeats)]
            numpy_us = min(numpy for numpy, _ in runs)  # interleaved: a busy spell hits both
            neuronet_us, parsed = min((neuronet for _, neuronet in runs), key=lambda r: r[0])
            result[key] = {"numpy_us": numpy_us, "neuronet_us": neuronet_us, "ratio": neuronet_us / numpy_us}
    own = sorted(((us, name.strip()) for us, _, name in parsed if name.strip().startswith("neuronet")), reverse=True)
    return {**result["bytecode"], "from_source": result["source"], "slowest_own_us_from_source": own[:8],
            "neuronet_modules": sum(1 for *_, name in parsed if name.strip().startswith("neuronet"))}


def print_import(result: dict) -> None:
    source = result["from_source"]
    print(f"import (python -X importtime, min of runs, fresh interpreters, from bytecode): numpy "
          f"{result['numpy_us'] / 1e3:.1f} ms, neuronet {result['neuronet_us'] / 1e3:.1f} ms (numpy included), "
          f"ratio {result['ratio']:.2f} (target <= 1.5); everything compiled from source: numpy "
          f"{source['numpy_us'] / 1e3:.1f} ms, neuronet {source['neuronet_us'] / 1e3:.1f} ms, ratio "
          f"{source['ratio']:.2f}; {result['neuronet_modules']} neuronet modules; slowest own (from source): "
          + ", ".join(f"{name} {us / 1e3:.1f} ms" for us, name in result["slowest_own_us_from_source"][:5]))


def print_rss(result: dict) -> None:
    mib = 1 << 20
    print(f"memory ({result['epochs']}-epoch Fashion-MNIST fit): data {result['data_bytes'] / mib:.0f} MiB, RSS with "
          f"the data loaded {result['rss_before_fit'] / mib:.0f} MiB, peak {result['peak_rss'] / mib:.0f} MiB "
          f"= {result['peak_over_loaded']:.2f}x (target <= 1.20); per epoch "
          + " ".join(f"{v / mib:.0f}" for v in result["rss_per_epoch"]) + " MiB")


def main(argv: list | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--rows", type=int, default=8192, help="Fashion-MNIST rows per sweep epoch")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rss", type=int, default=0, metavar="EPOCHS")
    parser.add_argument("--import-time", action="store_true")
    args = parser.parse_args(argv)
    result: dict = {}
    if args.sweep:
        from bench_training import load_fashion_mnist

        x, y, _ = load_fashion_mnist(args.rows)
        result["sweep"] = sweep(x.reshape(len(x), -1), y, args.repeats)
        print(sweep_table(result["sweep"]))
    if args.rss:
        result["rss"] = peak_rss(args.rss)
        print_rss(result["rss"])
    if args.import_time:
        result["import_time"] = import_time()
        print_import(result["import_time"])
    print(json.dumps(result, default=float))
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
