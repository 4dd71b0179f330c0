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
# What issue 15 measures: the cost of the statement `import neuronet` against `import numpy`, run as the first
# statement of a fresh interpreter (start-up excluded). neuronet imports numpy, so the cost splits into numpy's and
# neuronet's own, both timed inside the same interpreter: by the clock around `import numpy` and then
# `import neuronet`, and by `-X importtime` (numpy's cumulative line, and neuronet's less numpy's). Each part is the
# minimum over interleaved runs (on a shared machine, the run least disturbed by others); the ratio is
# (numpy + own) / numpy. Both packages run from bytecode, as installed packages do (`pip install` compiles them, and
# a plain run writes `__pycache__`): a shell with PYTHONDONTWRITEBYTECODE set would otherwise compile neuronet from
# source on every start while numpy reads its installed bytecode. A private `PYTHONPYCACHEPREFIX`, filled by one
# warm-up run, gives both the same footing; `source=True` compiles every module (the standard library's, numpy's
# and neuronet's) from source instead: an empty prefix that is never written.
IMPORT_CLOCK = ("import time\nstart = time.perf_counter()\nimport numpy\nmiddle = time.perf_counter()\n"
                "import neuronet\nprint(middle - start, time.perf_counter() - middle)")


def import_env(cache: str, source: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPYCACHEPREFIX"] = cache
    if source:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        subprocess.run([sys.executable, "-c", "import numpy, neuronet"], check=True, env=env)
    return env


def _ratio(numpy_s: float, own_s: float) -> dict:
    return {"numpy_s": numpy_s, "neuronet_own_s": own_s, "ratio": (numpy_s + own_s) / numpy_s}


def import_clock(repeats: int, env: dict) -> dict:
    """`import numpy`, then `import neuronet`, timed inside fresh interpreters (min of each over the runs)."""
    runs = [subprocess.run([sys.executable, "-c", IMPORT_CLOCK], check=True, capture_output=True, text=True,
                           env=env).stdout.split() for _ in range(repeats)]
    return _ratio(min(float(numpy) for numpy, _ in runs), min(float(own) for _, own in runs))


def importtime_rows(env: dict) -> list:
    """`python -X importtime -c "import neuronet"`: (self us, cumulative us, module) per imported module."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import neuronet"], check=True,
                         capture_output=True, text=True, env=env).stderr
    rows = [line.split("|") for line in err.splitlines() if line.startswith("import time:") and "|" in line]
    return [(int(r[0].split(":")[1]), int(r[1]), r[2].strip()) for r in rows[1:] if r[1].strip().isdigit()]


def import_time(repeats: int = 5) -> dict:
    """`-X importtime`: numpy's cumulative time and neuronet's own (min of each over runs in fresh interpreters, from
    bytecode; and, for comparison, everything compiled from source), the clock's reading of the same, neuronet's
    slowest own modules, and how many neuronet modules the import loads."""
    result, own_us = {}, {}
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as empty:
        for key, env in (("bytecode", import_env(cache)), ("source", import_env(empty, source=True))):
            runs = [importtime_rows(env) for _ in range(repeats)]
            totals = [{name: cumulative for _, cumulative, name in rows} for rows in runs]
            result[key] = _ratio(min(t["numpy"] for t in totals) / 1e6,
                                 min(t["neuronet"] - t["numpy"] for t in totals) / 1e6)
            if key == "source":  # neuronet's slowest modules: each one's min over the runs
                for own, _, name in (row for rows in runs for row in rows if row[2].startswith("neuronet")):
                    own_us[name] = min(own, own_us.get(name, own))
        result["clock"] = import_clock(repeats, import_env(cache))
    slowest = sorted(((us, name) for name, us in own_us.items()), reverse=True)
    return {**result["bytecode"], "from_source": result["source"], "clock": result["clock"],
            "slowest_own_us_from_source": slowest[:8], "neuronet_modules": len(own_us)}


def print_import(result: dict) -> None:
    source, clock = result["from_source"], result["clock"]
    print(f"import (fresh interpreters, from bytecode, min of runs): python -X importtime: numpy "
          f"{result['numpy_s'] * 1e3:.1f} ms, neuronet's own {result['neuronet_own_s'] * 1e3:.1f} ms more, ratio "
          f"{result['ratio']:.2f}; the clock around the imports: numpy {clock['numpy_s'] * 1e3:.1f} ms, neuronet's "
          f"own {clock['neuronet_own_s'] * 1e3:.1f} ms, ratio {clock['ratio']:.2f} (target <= 1.5); everything "
          f"compiled from source: numpy {source['numpy_s'] * 1e3:.1f} ms, neuronet's own "
          f"{source['neuronet_own_s'] * 1e3:.1f} ms, ratio {source['ratio']:.2f}; {result['neuronet_modules']} "
          "neuronet modules; slowest own (from source): "
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
