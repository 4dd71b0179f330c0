"""The current edition's housing model: Normalization + 8-50-50-50-1 relu, Adam(1e-3), MSE and RootMeanSquaredError,
on the raw features, against the same model trained by a hand-written NumPy loop. `bench_training.py` runs it beside
the housing model (and `python benchmarks/bench_normalization.py [--quick]` runs it alone).

The NumPy floor standardizes each batch with the adapted mean and standard deviation (one multiply-add), runs the
relu layers forward and back, updates with Adam in place (bias-corrected step size, as Keras), and keeps the running
loss and RMSE that `fit` reports.
"""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np

import bench_training as bench
import neuronet as keras
from neuronet.trainers import threads

SIZES = [8, 50, 50, 50, 1]
LEARNING_RATE = 1e-3


def load_raw_housing() -> tuple:
    """The book's split (train_test_split twice, random_state=42), features left raw: the model normalizes them."""
    from sklearn.model_selection import train_test_split

    housing = keras.datasets.california_housing.load_sklearn_version()
    x_full, x_test, y_full, _ = train_test_split(housing.data, housing.target, random_state=42)
    x_train, _, y_train, _ = train_test_split(x_full, y_full, random_state=42)
    return x_train.astype("float32"), y_train.astype("float32"), x_test.astype("float32")


class NumpyNormalizedMLP(bench.NumpyMLP):
    """NumpyMLP with the inputs standardized first and Adam instead of SGD."""

    def __init__(self, x_adapt: np.ndarray, seed: int = 0) -> None:
        super().__init__(SIZES, "mse", seed)
        std = np.maximum(np.sqrt(x_adapt.astype("float64").var(axis=0)), 1e-7)
        self.scale = (1.0 / std).astype("float32")
        self.offset = (-x_adapt.astype("float64").mean(axis=0) / std).astype("float32")
        self.params = [p for pair in zip(self.kernels, self.biases) for p in pair]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def train_epoch(self, x: np.ndarray, y: np.ndarray, batch_size: int = bench.BATCH_SIZE,
                    learning_rate: float = LEARNING_RATE) -> dict:
        n = len(x)
        order = self.rng.permutation(n)
        loss_sum = 0.0
        for start in range(0, n, batch_size):
            index = order[start:start + batch_size]
            xb, yb = x[index] * self.scale + self.offset, y[index]
            m = len(index)
            activations = self.forward(xb)
            error = activations[-1] - yb.reshape(m, 1)
            loss = float(np.mean(error * error))
            loss_sum += loss * m
            self._adam(self._gradients(activations, error * (2.0 / m)), learning_rate)
        return {"loss": loss_sum / n, "root_mean_squared_error": float(np.sqrt(loss_sum / n))}

    def _gradients(self, activations: list, grad: np.ndarray) -> list:
        grads = [None] * len(self.params)
        for i in range(len(self.kernels) - 1, -1, -1):
            a = activations[i]
            grads[2 * i], grads[2 * i + 1] = a.T @ grad, grad.sum(axis=0)
            if i > 0:
                grad = grad @ self.kernels[i].T
                grad *= a > 0  # relu'
        return grads

    def _adam(self, grads: list, learning_rate: float, beta_1: float = 0.9, beta_2: float = 0.999,
              epsilon: float = 1e-7) -> None:
        self.t += 1
        alpha = learning_rate * np.sqrt(1.0 - beta_2**self.t) / (1.0 - beta_1**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m += (1.0 - beta_1) * (g - m)
            v += (1.0 - beta_2) * (g * g - v)
            p -= alpha * m / (np.sqrt(v) + epsilon)

    def predict(self, x: np.ndarray, batch_size: int = bench.BATCH_SIZE) -> np.ndarray:
        return super().predict(x * self.scale + self.offset, batch_size)


def neuronet_model(x_adapt: np.ndarray) -> keras.models.Sequential:
    """The current edition's code, as written."""
    norm_layer = keras.layers.Normalization(input_shape=x_adapt.shape[1:])
    model = keras.Sequential([norm_layer] + [keras.layers.Dense(units, activation="relu") for units in SIZES[1:-1]]
                             + [keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                  metrics=["RootMeanSquaredError"])
    norm_layer.adapt(x_adapt)
    return model


def bench_fit(x: np.ndarray, y: np.ndarray, repeats: int, loads: list) -> dict:
    """One epoch each, alternating, as `bench_training.bench_fit` times the other models."""
    chosen = threads.threads_for(threads.matmul_flops(neuronet_model(x[:64]).weights, bench.BATCH_SIZE))
    other = 1 if chosen is None else None
    logs = {}

    def reference(limit: int | None) -> dict:
        mlp = NumpyNormalizedMLP(x, seed=len(logs))
        return bench.clocked(lambda: logs.__setitem__(f"numpy @ {bench.setting_name(limit)}", mlp.train_epoch(x, y)),
                             limit)

    def neuronet() -> dict:
        model = neuronet_model(x)  # adapt() is set-up, as construction is for the other models: not timed

        def fit() -> None:
            logs["neuronet"] = model.fit(x, y, batch_size=bench.BATCH_SIZE, epochs=1, verbose=0).history

        return bench.clocked(fit, None)

    refs = [f"numpy @ {bench.setting_name(chosen)}", f"numpy @ {bench.setting_name(other)}"]
    runs = {refs[0]: lambda: reference(chosen), refs[1]: lambda: reference(other), "neuronet": neuronet}
    reference(chosen), neuronet()  # warm-up
    times = bench.alternate(runs, repeats, loads, {refs[1]: refs[0]})
    return bench.report_case(f"housing + Normalization, 8-50-50-50-1, Adam, epoch ({len(x)} rows, batch "
                             f"{bench.BATCH_SIZE})", chosen, times, refs, {}, bench.TARGETS["housing"], logs)


def check_same_model(x: np.ndarray, y: np.ndarray) -> float:
    """The NumPy loop computes what neuronet computes: same start weights, one epoch each, predictions compared."""
    model = neuronet_model(x)
    mlp = NumpyNormalizedMLP(x)
    weights = model.get_weights()
    dense = [w for w in weights if w.dtype == np.float32][2:]  # after Normalization's mean and variance
    for p, w in zip(mlp.params, dense):
        p[...] = w
    mlp.rng = np.random.default_rng(0)
    n = 2048
    mlp.train_epoch(x[:n], y[:n], learning_rate=LEARNING_RATE)
    model.fit(x[:n][mlp_order(n)], y[:n][mlp_order(n)], batch_size=bench.BATCH_SIZE, epochs=1, shuffle=False,
              verbose=0)
    return float(np.max(np.abs(model.predict(x[:256], verbose=0) - mlp.predict(x[:256]))))


def mlp_order(n: int) -> np.ndarray:
    return np.random.default_rng(0).permutation(n)


def main(argv: list | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    x, y, _ = load_raw_housing()
    print(f"check: neuronet and the NumPy loop agree after one epoch: max |difference| of predictions "
          f"{check_same_model(x, y):.2e}", file=sys.stderr)
    loads: list = []
    case = bench_fit(x, y, 2 if args.quick else 5, loads)
    result = {"fit": {"housing_normalization": case}, "predict": {}, "import": None}
    for name, run in case["runs"].items():
        print(f"  {name:32s} {run['min']:9.4f}s  {run['median']:9.4f}s")
    r = case["ratios"]["numpy floor"]
    print(f"{case['title']} vs numpy floor: median {r['paired_median']:.2f}, of minimums {r['of_minimums']:.2f}")
    print(json.dumps(result, default=float))
    return result


if __name__ == "__main__":
    main()
