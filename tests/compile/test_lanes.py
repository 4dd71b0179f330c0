"""`predict` on two lanes: the same bits as one lane, errors raised in the caller, and when lanes are used."""
import numpy as np
import pytest

import neuronet as keras
from neuronet.compile import lanes
from neuronet.trainers import threads


def _classifier(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(300, activation="relu"), keras.layers.Dense(100, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    return model


@pytest.fixture
def counted(monkeypatch):
    """Records each `lane_count` answer; the load counts as unread (cores free) so that lanes run here."""
    answers = []
    original = lanes.lane_count
    monkeypatch.setattr(threads, "recent_load", lambda: None)
    monkeypatch.setattr(lanes, "lane_count", lambda *a: answers.append(original(*a)) or answers[-1])
    return answers


def _lanes_here():
    """Two on NumPy arrays with two CPUs; one on another array module (the strict suite: lanes are for NumPy's
    host arrays) or one CPU."""
    return 2 if keras.backend.backend() == "numpy" and threads.free_cores(None) >= 2 else 1


def test_two_lanes_give_the_bits_of_one(counted, monkeypatch):
    model = _classifier()
    x = np.random.default_rng(1).random((1000, 28, 28), dtype=np.float32)  # 32 batches, the last of 8 rows
    two = model.predict(x, verbose=0)
    assert counted == [_lanes_here()]
    monkeypatch.setattr(lanes, "LANE_MIN_FLOPS", float("inf"))
    one = model.predict(x, verbose=0)
    assert counted == [_lanes_here(), 1]
    np.testing.assert_array_equal(two, one)  # identical bits, not merely close
    assert two.shape == (1000, 10)
    eager = model(x[:40]).numpy()
    np.testing.assert_allclose(two[:40], eager, rtol=1e-5, atol=1e-7)


def test_a_nan_input_is_named_after_a_two_lane_predict(counted):
    model = _classifier()
    x = np.random.default_rng(2).random((640, 28, 28), dtype=np.float32)
    x[600, 3, 4] = np.nan  # a batch near the end: either lane may meet it
    with pytest.raises(ValueError, match="600"):
        model.predict(x, verbose=0)
    assert counted == [_lanes_here()]


def test_lane_count_keeps_one_lane_for_small_products_few_batches_and_a_busy_core(monkeypatch):
    model = _classifier()
    model.predict(np.zeros((64, 28, 28), np.float32), verbose=0)  # builds the predict plans

    class Plan:  # what lane_count reads of a plan: the batch, and each Dense kernel's size
        def __init__(self, batch, units):
            dense = type("K", (), {"op": type("O", (), {"kind": "dense"}), "output": 1,
                                   "kernel": type("V", (), {"data": np.zeros((784, units))})})
            self.kernels, self.input_slots, self.shapes = [dense], [0], [(batch, 784), (batch, units)]

    monkeypatch.setattr(threads, "current_limit", lambda: 1)
    monkeypatch.setattr(threads, "_cpu_count", lambda: 2)
    monkeypatch.setattr(threads, "recent_load", lambda: 0.1)
    big = Plan(32, 300)
    assert lanes.largest_product(big) == 2 * 32 * 784 * 300
    assert lanes.lane_count(np, big, 10_000) == 2
    assert lanes.lane_count(np, Plan(32, 30), 10_000) == 1  # 1.5 M flops: the GIL-held work would dominate
    assert lanes.lane_count(np, big, 3 * 32) == 1  # too few batches left
    assert lanes.lane_count(object(), big, 10_000) == 1  # not NumPy's arrays (a GPU)
    monkeypatch.setattr(threads, "recent_load", lambda: 1.0)  # another process keeps a core busy
    assert lanes.lane_count(np, big, 10_000) == 1
    monkeypatch.setattr(threads, "recent_load", lambda: 0.1)
    monkeypatch.setattr(threads, "current_limit", lambda: None)  # BLAS already has the cores
    assert lanes.lane_count(np, big, 10_000) == 1


def test_run_hands_out_rows_in_order_and_raises_the_first_error():
    seen = []
    batches = iter([(i, np.zeros((10 if i < 4 else 3, 2)), None, None) for i in range(5)])
    work = [lambda inputs, row, lane=lane: seen.append((row, inputs[0].shape[0], lane)) for lane in range(2)]
    assert lanes.run(work, batches, lambda x: [x], start=7) == 7 + 43
    assert sorted(r for r, _, _ in seen) == [7, 17, 27, 37, 47]
    assert dict((r, n) for r, n, _ in seen)[47] == 3

    def fails(inputs, row):
        raise KeyError(f"row {row}")
    batches = iter([(i, np.zeros((4, 2)), None, None) for i in range(50)])
    with pytest.raises(KeyError, match="row"):
        lanes.run([fails, fails], batches, lambda x: [x], start=0)
    assert len(list(batches)) >= 47  # the lanes stopped at the error: the rest was never read
