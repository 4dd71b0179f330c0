"""neuronet on a GPU (the "cupy" backend): epoch time against PyTorch on the same GPU, achieved FLOP rate against
the GPU's measured cuBLAS sgemm peak, and the chapter's Fashion-MNIST model at batch 32 against the CPU.

    python benchmarks/bench_gpu.py            # needs CuPy and a CUDA GPU: pip install "neuronet[gpu]"
    python benchmarks/bench_gpu.py --quick    # fewer rounds and rows
    python benchmarks/bench_gpu.py --smoke    # the whole flow on the CPU (strict backend, tiny sizes): checks the
                                              # script itself, measures nothing about GPUs

Without CuPy or a GPU it says so and exits 0. The large-batch model is 784-4096-4096-10 (relu, softmax), float32,
batch 4096, SGD, data on the host moved a batch at a time (both frameworks). Its FLOPs per step count the forward
(2·B·n_in·n_out per dense layer) and the backward (the same again for each weight gradient and for each input
gradient but the first layer's). The peak is the best of a few 8192x8192 float32 matmuls (TF32 off, as CuPy's
default). Targets (issue 10): epoch time at most 1.2x PyTorch's; achieved FLOP rate at least 50% of the peak.
Small batches (the chapter's 32) are launch-bound on a GPU: that ratio is reported against the CPU, with no target.
The last line printed is a JSON object.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any, Callable, Optional

import numpy as np

import neuronet as keras
from neuronet import backend

SIZES = (784, 4096, 4096, 10)
BIG_BATCH, SMALL_BATCH = 4096, 32
TARGET_VS_TORCH, TARGET_PEAK_FRACTION = 1.2, 0.5


def gpu_missing() -> Optional[str]:
    try:
        import cupy
    except ImportError:
        return "CuPy is not installed (pip install 'neuronet[gpu]')"
    try:
        if cupy.cuda.runtime.getDeviceCount() == 0:
            return "CuPy sees no CUDA device"
    except Exception as error:  # no driver
        return f"CuPy cannot reach a CUDA device ({type(error).__name__}: {error})"
    return None


def synchronize() -> None:
    if backend.backend() == "cupy":
        import cupy

        cupy.cuda.Device().synchronize()


def step_flops(sizes: tuple, batch: int) -> float:
    forward = sum(2.0 * batch * a * b for a, b in zip(sizes[:-1], sizes[1:]))
    backward = forward + sum(2.0 * batch * a * b for a, b in zip(sizes[1:-1], sizes[2:]))  # dW all, dX not layer 1
    return forward + backward


def sgemm_peak(n: int, repeats: int) -> float:
    """FLOP/s of the best float32 n x n matmul on the current backend's device."""
    xp = backend.xp
    a = backend.random.uniform((n, n), -1.0, 1.0)
    b = backend.random.uniform((n, n), -1.0, 1.0)
    out = xp.empty((n, n), dtype="float32")
    xp.matmul(a, b, out=out)  # warm-up (cuBLAS handle, kernels)
    best = float("inf")
    for _ in range(repeats):
        synchronize()
        start = time.perf_counter()
        xp.matmul(a, b, out=out)
        synchronize()
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best


def neuronet_mlp(sizes: tuple) -> Any:
    keras.utils.set_random_seed(0)
    layers = [keras.Input((sizes[0],))]
    layers += [keras.layers.Dense(n, activation="relu") for n in sizes[1:-1]]
    layers.append(keras.layers.Dense(sizes[-1], activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.01))
    return model


def time_neuronet_epoch(model: Any, x: np.ndarray, y: np.ndarray, batch: int) -> float:
    synchronize()
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
    synchronize()
    return time.perf_counter() - start


def torch_epoch_timer(sizes: tuple, x: np.ndarray, y: np.ndarray, batch: int, device: str) -> Optional[Callable]:
    """A function timing one PyTorch epoch of the same model and data path, or None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    if device == "cuda" and not torch.cuda.is_available():
        return None
    torch.manual_seed(0)
    modules: list = []
    for a, b in zip(sizes[:-2], sizes[1:-1]):
        modules += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*modules, torch.nn.Linear(sizes[-2], sizes[-1])).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy, as the fused path in neuronet
    x_host, y_host = torch.from_numpy(x), torch.from_numpy(y.astype("int64"))

    def epoch() -> float:
        order = torch.randperm(len(x_host))
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for i in range(0, len(order), batch):
            index = order[i:i + batch]
            xb, yb = x_host[index].to(device, non_blocking=True), y_host[index].to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            loss.item()  # the running loss `fit` reports: one sync per step, as neuronet's
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    return epoch


def median_ratio(pairs: list) -> float:
    return statistics.median(a / b for a, b in pairs)


def large_batch(args: argparse.Namespace, device_backend: str) -> dict:
    rows = args.rows
    rng = np.random.default_rng(0)
    x = rng.random((rows, SIZES[0]), dtype="float32")
    y = rng.integers(0, SIZES[-1], rows)
    sizes = SIZES if not args.smoke else (784, 64, 64, 10)
    batch = BIG_BATCH if not args.smoke else 256
    backend.set_backend(device_backend)
    try:
        peak = sgemm_peak(8192 if not args.smoke else 256, 5 if not args.smoke else 2)
        model = neuronet_mlp(sizes)
        time_neuronet_epoch(model, x[:batch * 2], y[:batch * 2], batch)  # warm-up: build, plans, kernels
        torch_epoch = torch_epoch_timer(sizes, x, y, batch, "cuda" if device_backend == "cupy" else "cpu")
        if torch_epoch is not None:
            torch_epoch()
        pairs, ours = [], []
        for _ in range(args.rounds):
            t = time_neuronet_epoch(model, x, y, batch)
            ours.append(t)
            if torch_epoch is not None:
                pairs.append((t, torch_epoch()))
    finally:
        backend.set_backend("numpy")
    steps = -(-rows // batch)
    flops = step_flops(sizes, batch) * (rows / batch)
    achieved = flops / min(ours)
    return {"sizes": "-".join(map(str, sizes)), "rows": rows, "batch": batch, "steps": steps, "epoch_s": ours,
            "sgemm_peak_flops": peak,
            "achieved_flops": achieved, "peak_fraction": achieved / peak,
            "vs_torch": median_ratio(pairs) if pairs else None,
            "torch_epoch_s": [b for _, b in pairs] or None}


def small_batch(args: argparse.Namespace, device_backend: str) -> dict:
    """The chapter's model (Flatten, 300, 100, 10) at batch 32: the GPU against the CPU."""
    try:
        (x_full, y_full), _ = keras.datasets.fashion_mnist.load_data()
        x, y = (x_full[:args.small_rows] / 255.0).astype("float32"), y_full[:args.small_rows]
        source = "Fashion-MNIST"
    except Exception:  # no data here: same shapes, random values
        rng = np.random.default_rng(0)
        x, y = rng.random((args.small_rows, 28, 28), dtype="float32"), rng.integers(0, 10, args.small_rows)
        source = "random"

    def chapter_model() -> Any:
        keras.utils.set_random_seed(42)
        model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                  keras.layers.Dense(300, activation="relu"),
                                  keras.layers.Dense(100, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.01),
                      metrics=["accuracy"])
        return model

    times: dict = {"cpu": [], "gpu": []}
    models = {}
    for name, which in (("cpu", "numpy"), ("gpu", device_backend)):
        backend.set_backend(which)
        try:
            models[name] = chapter_model()
            time_neuronet_epoch(models[name], x[:SMALL_BATCH * 4], y[:SMALL_BATCH * 4], SMALL_BATCH)
        finally:
            backend.set_backend("numpy")
    pairs = []
    for _ in range(args.rounds):
        for name, which in (("gpu", device_backend), ("cpu", "numpy")):
            backend.set_backend(which)
            try:
                times[name].append(time_neuronet_epoch(models[name], x, y, SMALL_BATCH))
            finally:
                backend.set_backend("numpy")
        pairs.append((times["gpu"][-1], times["cpu"][-1]))
    return {"rows": len(x), "data": source, "batch": SMALL_BATCH, "gpu_epoch_s": times["gpu"],
            "cpu_epoch_s": times["cpu"], "gpu_vs_cpu": median_ratio(pairs)}


def report(large: dict, small: dict, device: str) -> None:
    print(f"\n== neuronet on {device} ==")
    print(f"cuBLAS sgemm peak (8192^3, float32): {large['sgemm_peak_flops'] / 1e12:.1f} TFLOP/s")
    verdict = "ok" if large["peak_fraction"] >= TARGET_PEAK_FRACTION else "MISSED"
    line = (f"{large['sizes']}, batch {large['batch']}, {large['rows']} rows: epoch {min(large['epoch_s']):.3f} s, "
            f"{large['achieved_flops'] / 1e12:.1f} TFLOP/s = {100 * large['peak_fraction']:.0f}% of the peak "
            f"(target >= {100 * TARGET_PEAK_FRACTION:.0f}%: {verdict})")
    print(line)
    if large["vs_torch"] is None:
        print("  vs PyTorch: not measured (PyTorch with CUDA is not installed)")
    else:
        verdict = "ok" if large["vs_torch"] <= TARGET_VS_TORCH else "MISSED"
        print(f"  epoch time neuronet / PyTorch: {large['vs_torch']:.2f} (target <= {TARGET_VS_TORCH}: {verdict})")
    print(f"chapter model, batch {small['batch']}, {small['rows']} {small['data']} rows: GPU epoch "
          f"{min(small['gpu_epoch_s']):.2f} s, CPU epoch {min(small['cpu_epoch_s']):.2f} s, GPU / CPU "
          f"{small['gpu_vs_cpu']:.2f} (small batches are kernel-launch-bound on a GPU)")


def parse_args(argv: Optional[list]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds, fewer rows")
    parser.add_argument("--smoke", action="store_true", help="run the flow on the CPU with tiny sizes (no GPU)")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    quick = args.quick or args.smoke
    args.rounds = args.rounds or (2 if quick else 5)
    args.rows = 1024 if args.smoke else (16384 if args.quick else 60000)
    args.small_rows = 256 if args.smoke else (5000 if args.quick else 20000)
    return args


def main(argv: Optional[list] = None) -> dict:
    args = parse_args(argv)
    if args.smoke:
        device_backend, device = "strict", "the CPU (--smoke: the strict backend stands in for the GPU)"
    else:
        missing = gpu_missing()
        if missing:
            print(f"bench_gpu: no GPU benchmark here: {missing}. Nothing was measured.")
            result = {"gpu": None, "reason": missing}
            print(json.dumps(result))
            return result
        import cupy

        device_backend = "cupy"
        device = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    large = large_batch(args, device_backend)
    small = small_batch(args, device_backend)
    report(large, small, device)
    result = {"gpu": device, "args": vars(args), "large_batch": large, "small_batch": small}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
