"""keras.tuning.find_learning_rate: the LR range test, its suggestion, and that it leaves the model as it found it."""
import warnings

import numpy as np
import pytest
import threadpoolctl

import neuronet as keras
from neuronet.tuning import (
    LearningRateFinderResult,
    find_learning_rate,
    suggest_learning_rate,
)


def linear_data(n=512, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, x @ np.array([1.0, -2.0, 0.5, 3.0], dtype="float32") + 0.1


def regression_model(optimizer):
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=[4]), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=optimizer)
    return model


def quietly(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def test_rates_grow_geometrically_from_min_to_max():
    x, y = linear_data(256)
    model = regression_model(keras.optimizers.SGD())
    result = quietly(find_learning_rate, model, x, y, batch_size=16, min_learning_rate=1e-5,
                     max_learning_rate=1e-3)
    assert isinstance(result, LearningRateFinderResult) and not result.exploded
    assert len(result.learning_rates) == len(result.losses) == 16  # one epoch by default
    np.testing.assert_allclose(result.learning_rates[[0, -1]], [1e-5, 1e-3], rtol=1e-9)
    ratios = result.learning_rates[1:] / result.learning_rates[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)
    trained = quietly(find_learning_rate, model, x, y, batch_size=4, min_learning_rate=1e-3,
                      max_learning_rate=3e-2)
    assert trained.losses[-16:].mean() < trained.losses[:16].mean() / 2  # it trained while the rate grew


def test_stops_when_the_loss_explodes_and_suggests_below_the_climb():
    x, y = linear_data(4096)
    model = regression_model(keras.optimizers.SGD())
    result = find_learning_rate(model, x, y, batch_size=16, min_learning_rate=1e-5, max_learning_rate=100.0)
    assert result.exploded and len(result.losses) < 256
    finite = result.smoothed_losses[np.isfinite(result.smoothed_losses)]
    assert not np.isfinite(result.losses[-1]) or finite[-1] > 4 * finite.min()
    lowest = result.learning_rates[np.nanargmin(result.smoothed_losses)]
    assert 1e-4 < result.suggestion < lowest  # below where the (lagging) smoothed loss bottoms out
    trained = regression_model(keras.optimizers.SGD(learning_rate=result.suggestion))
    history = trained.fit(x, y, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"][-1]) and history.history["loss"][-1] < 1.0


def test_weights_and_optimizer_state_are_restored():
    x, y = linear_data(256)
    model = regression_model(keras.optimizers.Adam(learning_rate=0.002))
    model.fit(x, y, epochs=1, verbose=0)
    weights, slots = model.get_weights(), model.optimizer.get_weights()
    quietly(find_learning_rate, model, x, y, batch_size=8)
    for before, after in zip(weights + slots, model.get_weights() + model.optimizer.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert model.optimizer.learning_rate == pytest.approx(0.002)
    assert int(model.optimizer.iterations.numpy()) == 8  # 256 rows / 32 per batch


def test_an_unbuilt_model_and_an_unbuilt_optimizer_come_back_fresh():
    x, y = linear_data(128)
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.RMSprop())
    quietly(find_learning_rate, model, x, y, batch_size=8)
    assert int(model.optimizer.iterations.numpy()) == 0
    assert all(not np.any(slot) for slot in model.optimizer.get_weights()[2:])  # zero slots, as before training
    keras.utils.set_random_seed(3)
    twin = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    twin(x[:1])
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_schedule_is_put_back():
    x, y = linear_data(128)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=10, decay_rate=0.5)
    model = regression_model(keras.optimizers.SGD(learning_rate=schedule))
    config = model.optimizer.get_config()["learning_rate"]
    quietly(find_learning_rate, model, x, y, batch_size=8)
    assert model.optimizer.get_config()["learning_rate"] == config
    model.fit(x, y, epochs=1, verbose=0)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01 * 0.5 ** (4 / 10), rel=1e-5)  # 4 steps


def test_works_for_a_functional_model_with_two_inputs_and_metrics():
    x, y = linear_data(256)
    left, right = keras.Input(shape=(2,)), keras.Input(shape=(2,))
    hidden = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([left, right]))
    model = keras.Model(inputs=[left, right], outputs=keras.layers.Dense(1)(hidden))
    model.compile(loss="mse", optimizer="sgd", metrics=["mae"])
    result = quietly(find_learning_rate, model, [x[:, :2], x[:, 2:]], y, steps=40, batch_size=16)
    assert len(result.losses) <= 40 and np.isfinite(result.losses[0])


def test_steps_beyond_one_epoch_reshuffle_the_data():
    x, y = linear_data(64)
    model = regression_model(keras.optimizers.SGD())
    result = quietly(find_learning_rate, model, x, y, batch_size=16, steps=12, max_learning_rate=1e-2)
    assert len(result.losses) == 12


def test_suggestion_is_half_the_rate_at_the_bottom_of_the_curve():
    rates = np.logspace(-5, 1, 121)
    noise = np.random.default_rng(0).normal(scale=0.02, size=rates.size)
    losses = (np.log10(rates) + 2.0) ** 2 / 10 + 1 + noise  # lowest at 1e-2
    suggestion, at = suggest_learning_rate(rates, losses)
    assert suggestion == pytest.approx(rates[at] / 2)
    assert 0.5 * 10 ** -2.3 < suggestion < 0.5 * 10 ** -1.7


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_never_a_finite_loss_is_a_clear_error():
    x, y = linear_data(64)
    x *= 1e25  # finite inputs whose squared errors overflow float32
    model = regression_model(keras.optimizers.SGD())
    weights = model.get_weights()
    with pytest.raises(ValueError, match="the loss was never finite.*scale the inputs"):
        find_learning_rate(model, x, y)
    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_learning_rate": 1.0, "max_learning_rate": 0.1}, "0 < min_learning_rate < max_learning_rate"),
    ({"stop_factor": 1.0}, "`stop_factor` must be > 1"),
    ({"steps": 1}, "`steps` must be an integer >= 2"),
    ({"batch_size": 0}, "`batch_size` must be a positive integer"),
    ({"smoothing": 1.0}, r"`smoothing` must be in \[0, 1\)"),
])
def test_bad_arguments(kwargs, message):
    x, y = linear_data(32)
    with pytest.raises(ValueError, match=message):
        find_learning_rate(regression_model("sgd"), x, y, **kwargs)


def test_uncompiled_model_is_refused():
    x, y = linear_data(32)
    with pytest.raises(ValueError, match="You must call `compile\\(\\)` before calling `find_learning_rate\\(\\)`"):
        find_learning_rate(keras.Sequential([keras.layers.Dense(1)]), x, y)


def test_plot_uses_a_log_x_axis():
    import matplotlib

    matplotlib.use("Agg")
    x, y = linear_data(512)
    result = find_learning_rate(regression_model("sgd"), x, y, batch_size=8, max_learning_rate=100.0)
    ax = result.plot()
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "Learning rate"
    assert any(line.get_label().startswith("suggested rate") for line in ax.get_lines())
    assert "suggestion=" in repr(result)


def test_docstring_examples_run():
    import doctest

    from neuronet.tuning import lr_finder

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(lr_finder)
    assert result.attempted >= 5 and result.failed == 0


@pytest.mark.slow
def test_plot_clips_the_explosion_and_marks_the_suggestion():
    import matplotlib

    matplotlib.use("Agg")
    rates = np.geomspace(1e-5, 10.0, 60)
    smoothed = np.concatenate([np.full(30, 2.3), np.linspace(2.3, 0.5, 20), np.geomspace(0.5, 1e4, 10)])
    result = LearningRateFinderResult(rates, smoothed, smoothed, suggestion=float(rates[45]), exploded=True)
    ax = result.plot()
    low, high = ax.get_ylim()
    assert low < 0.5 and 2.3 < high < 3.0  # the plateau and the dip fill the axis; 1e4 is off the top
    assert any("suggested rate" in line.get_label() for line in ax.get_lines())
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert dots and dots[0].get_xdata()[0] == pytest.approx(rates[45])


@pytest.mark.requires_data("fashion-mnist")
def test_suggested_rate_trains_fashion_mnist_at_least_as_well_as_the_default():
    # Deterministic on any machine: fixed seeds and one BLAS thread (thread counts change the last bits of every
    # product, and a busy machine changes the thread count that fit would pick).
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    x_train, y_train = (x_train[:10000] / 255.0).astype("float32"), y_train[:10000]
    x_test, y_test = (x_test[:5000] / 255.0).astype("float32"), y_test[:5000]

    def build(learning_rate=0.01):
        model = keras.Sequential([keras.layers.Flatten(input_shape=[28, 28]),
                                  keras.layers.Dense(100, activation="relu"),
                                  keras.layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate),
                      metrics=["accuracy"])
        return model

    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        keras.utils.set_random_seed(42)
        model = build()
        before = model.get_weights() if model.built else None
        result = find_learning_rate(model, x_train, y_train)
        # What the finder guarantees: rates grow from the minimum, the loss explodes before 10 on this problem,
        # the suggestion lies below the explosion, and the model is left as it was.
        assert result.exploded and result.learning_rates[0] == pytest.approx(1e-6)
        assert 1e-6 < result.suggestion < result.learning_rates[-1]
        if before is not None:
            assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
        accuracy = {}
        for name, rate in (("default", 0.01), ("suggested", result.suggestion)):
            keras.utils.set_random_seed(7)  # same initial weights and batches for both
            model = build(rate)
            model.fit(x_train, y_train, epochs=2, verbose=0)
            accuracy[name] = model.evaluate(x_test, y_test, verbose=0)[1]
    assert accuracy["suggested"] >= accuracy["default"], (result, accuracy)
