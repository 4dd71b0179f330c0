"""The benchmark's two models in TensorFlow/Keras and in PyTorch, timed one epoch at a time.

Runs in the benchmark's own virtual environment (`bench_training.py --peers` creates it and starts this file);
it never imports neuronet. The data comes prepared by the main benchmark as an .npz file, so that all
frameworks train on the same float32 arrays.

    python benchmarks/peers.py DATA.npz --serve [--threads N]    # what bench_training.py runs
    python benchmarks/peers.py DATA.npz [--repeats 3] [--threads N] [--frameworks tensorflow,torch]

With `--serve` it builds every model, fits each once on 640 rows (untimed: TensorFlow traces its graph then),
prints one JSON line `{"ready": ..., "versions": ..., "errors": ...}`, then answers JSON commands read line by
line from stdin, one JSON line each: `{"cmd": "epoch", "framework": "torch", "model": "housing"}` ->
`{"seconds": ..., "loss": ...}`; `{"cmd": "predict", ...}` -> `{"seconds": ...}`; `{"cmd": "quit"}`. The main
benchmark interleaves these epochs with neuronet's. Without `--serve` it times `--repeats` epochs of each
and prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

BATCH_SIZE = 32
LEARNING_RATE = 0.01
WARMUP_ROWS = 640
MODELS = {"fashion_mnist": ([784, 300, 100, 10], "sparse_categorical_crossentropy"), "housing": ([8, 30, 1], "mse")}


def load_specs(path: str) -> dict:
    with np.load(path) as data:
        return {name: {"x": data[f"{name}_x"], "y": data[f"{name}_y"], "x_predict": data[f"{name}_x_predict"],
                       "sizes": sizes, "loss": loss} for name, (sizes, loss) in MODELS.items()}


class TensorFlowRunner:
    """tf.keras, as the book writes it: Sequential, compile, fit(verbose=0), predict."""

    def __init__(self, threads: int | None) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        if threads:
            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(threads)
        self.keras = tf.keras
        self.version = f"tensorflow {tf.__version__} (keras {getattr(tf.keras, '__version__', '?')})"

    def build(self, spec: dict):
        keras = self.keras
        layers = [keras.layers.Input(shape=spec["x"].shape[1:])]
        if spec["x"].ndim > 2:
            layers.append(keras.layers.Flatten())
        layers += [keras.layers.Dense(units, activation="relu") for units in spec["sizes"][1:-1]]
        classify = spec["loss"].startswith("sparse")
        layers.append(keras.layers.Dense(spec["sizes"][-1], activation="softmax" if classify else None))
        model = keras.Sequential(layers)
        model.compile(loss=spec["loss"], optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
                      metrics=["accuracy"] if classify else [])
        return model

    def epoch(self, model, x, y) -> float:
        return float(model.fit(x, y, batch_size=BATCH_SIZE, epochs=1, verbose=0).history["loss"][-1])

    def predict(self, model, x) -> None:
        model.predict(x, batch_size=BATCH_SIZE, verbose=0)


class TorchRunner:
    """A plain PyTorch loop: shuffle, batches, forward, loss, backward, SGD step, running loss and accuracy."""

    def __init__(self, threads: int | None) -> None:
        import torch

        if threads:
            torch.set_num_threads(threads)
        self.torch = torch
        self.version = f"torch {torch.__version__}"

    def build(self, spec: dict):
        nn = self.torch.nn
        modules = [nn.Flatten()]
        sizes = spec["sizes"]
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            linear = nn.Linear(fan_in, fan_out)
            nn.init.xavier_uniform_(linear.weight)  # glorot_uniform, Keras's default
            nn.init.zeros_(linear.bias)
            modules.append(linear)
            if i < len(sizes) - 2:
                modules.append(nn.ReLU())
        model = nn.Sequential(*modules)
        classify = spec["loss"].startswith("sparse")
        model.neuronet_bench = {
            "optimizer": self.torch.optim.SGD(model.parameters(), lr=LEARNING_RATE),
            "loss": nn.CrossEntropyLoss() if classify else nn.MSELoss(), "classify": classify}
        return model

    def tensors(self, spec: dict, x: np.ndarray, y: np.ndarray) -> tuple:
        x = self.torch.from_numpy(np.ascontiguousarray(x))
        y = self.torch.from_numpy(y.astype("int64") if spec["loss"].startswith("sparse") else y.reshape(-1, 1))
        return x, y

    def epoch(self, model, x, y) -> float:
        torch, setup = self.torch, model.neuronet_bench
        optimizer, loss_fn, classify = setup["optimizer"], setup["loss"], setup["classify"]
        n = len(x)
        order = torch.randperm(n)
        total, correct = 0.0, 0
        model.train()
        for start in range(0, n, BATCH_SIZE):
            index = order[start:start + BATCH_SIZE]
            xb, yb = x[index], y[index]
            optimizer.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
            if classify:
                correct += int((out.argmax(dim=1) == yb).sum())
        return total / n

    def predict(self, model, x) -> None:
        model.eval()
        with self.torch.no_grad():
            parts = [model(x[start:start + BATCH_SIZE]) for start in range(0, len(x), BATCH_SIZE)]
        self.torch.cat(parts).numpy()


RUNNERS = {"tensorflow": TensorFlowRunner, "torch": TorchRunner}


class Peers:
    """Every requested framework with both models built and warmed up, ready to time."""

    def __init__(self, specs: dict, frameworks: list, threads: int | None) -> None:
        self.runners, self.models, self.errors, self.versions = {}, {}, {}, {}
        for framework in frameworks:
            try:
                runner = RUNNERS[framework](threads)
            except ImportError as error:
                self.errors[framework] = f"{type(error).__name__}: {error}"
                continue
            self.runners[framework], self.versions[framework] = runner, runner.version
            for name, spec in specs.items():
                x, y, x_predict = spec["x"], spec["y"], spec["x_predict"]
                if hasattr(runner, "tensors"):
                    x, y = runner.tensors(spec, x, y)
                    x_predict, _ = runner.tensors(spec, x_predict, spec["y"][:1])
                model = runner.build(spec)
                runner.epoch(model, x[:WARMUP_ROWS], y[:WARMUP_ROWS])
                runner.predict(model, x_predict[:WARMUP_ROWS])
                self.models[framework, name] = (model, x, y, x_predict)

    def run(self, cmd: str, framework: str, model: str) -> dict:
        if framework in self.errors:
            return {"error": self.errors[framework]}
        runner = self.runners[framework]
        net, x, y, x_predict = self.models[framework, model]
        start = time.perf_counter()
        if cmd == "epoch":
            loss = runner.epoch(net, x, y)
            return {"seconds": time.perf_counter() - start, "loss": loss}
        runner.predict(net, x_predict)
        return {"seconds": time.perf_counter() - start}


def serve(peers: Peers) -> None:
    print(json.dumps({"ready": True, "versions": peers.versions, "errors": peers.errors}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["cmd"] == "quit":
            break
        try:
            reply = peers.run(request["cmd"], request["framework"], request["model"])
        except Exception as error:  # noqa: BLE001 (reported to the benchmark, which shows it)
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="the .npz file written by bench_training.py --peers")
    parser.add_argument("--serve", action="store_true", help="answer timing commands on stdin (see above)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads (default: the library's)")
    parser.add_argument("--frameworks", default="tensorflow,torch")
    args = parser.parse_args(argv)
    peers = Peers(load_specs(args.data), args.frameworks.split(","), args.threads)
    if args.serve:
        serve(peers)
        return
    results = {"versions": peers.versions, "errors": peers.errors}
    for framework in peers.runners:
        for name in MODELS:
            results[f"{framework} {name}"] = {
                cmd: [peers.run(cmd, framework, name)["seconds"] for _ in range(args.repeats)]
                for cmd in ("epoch", "predict")}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
