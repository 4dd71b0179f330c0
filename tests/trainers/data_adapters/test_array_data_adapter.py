"""Array inputs: nested lists converted, ragged lists and zero rows refused, epochs checked, bounded NaN check."""
import tracemalloc

import numpy as np
import pytest

import neuronet as keras
from neuronet.trainers.data_adapters import ArrayDataAdapter, data_adapter_utils


def _model(d=2):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_rectangular_nested_lists_are_converted_as_keras_does():
    x = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    y = [1.0, 1.0, 2.0, 0.0]
    model = _model()
    history = model.fit(x, y, epochs=2, verbose=0)
    same = _model().fit(np.array(x), np.array(y), epochs=2, verbose=0)
    assert history.history["loss"] == same.history["loss"]
    assert model.predict([[1, 1]], verbose=0).shape == (1, 1)
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_ragged_lists_name_the_row_lengths():
    with pytest.raises(ValueError, match=r"ragged.*row 0 has length 2 and row 2 has length 3"):
        _model().fit([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0, 5.0]], [1.0, 1.0, 2.0], verbose=0)


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_zero_rows_are_an_error_not_a_number(method):
    model = _model()
    x, y = np.zeros((0, 2), "float32"), np.zeros((0,), "float32")
    call = {"fit": lambda: model.fit(x, y, verbose=0), "evaluate": lambda: model.evaluate(x, y, verbose=0),
            "predict": lambda: model.predict(x, verbose=0)}[method]
    with pytest.raises(ValueError, match="0 samples"):
        call()


@pytest.mark.parametrize("epochs, initial_epoch, message", [
    (-3, 0, r"`epochs` must be a non-negative integer. Received: epochs=-3"),
    (2, 5, r"`initial_epoch` \(5\) is larger than `epochs` \(2\)"),
    (2, -1, r"initial_epoch=-1"),
    (2.5, 0, r"epochs=2.5"),
])
def test_bad_epoch_counts_raise_naming_both_values(epochs, initial_epoch, message):
    with pytest.raises(ValueError, match=message):
        _model().fit(np.ones((4, 2)), np.ones(4), epochs=epochs, initial_epoch=initial_epoch, verbose=0)


def test_initial_epoch_equal_to_epochs_trains_nothing_as_in_keras():
    model = _model()
    before = model.get_weights()
    history = model.fit(np.ones((4, 2)), np.ones(4), epochs=3, initial_epoch=3, verbose=0)
    assert history.history == {} and history.epoch == []
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_nan_check_names_the_sample_and_allocates_a_chunk_not_a_mask_of_everything():
    x = np.ones((200_000, 50), dtype="float32")  # 40 MB; a whole-array mask would be 10 MB
    x[123_456, 7] = np.nan
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="first at sample 123456"):
            data_adapter_utils.to_array(x, "x")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


def test_predict_peak_memory_is_a_few_batches_above_input_and_output():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((50,)), keras.layers.Dense(2)])
    x = np.ones((200_000, 50), dtype="float32")
    model.predict(x[:10], verbose=0)
    tracemalloc.start()
    try:
        out = model.predict(x, batch_size=1024, verbose=0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    output_bytes = out.nbytes
    # the batch outputs plus their concatenation (2 x output), a few batches of work; no copy or mask of `x`
    assert peak < 2 * output_bytes + 6 * 2**20, peak


def test_the_adapter_resumes_an_epoch_at_a_step_with_the_saved_order():
    x = np.arange(10, dtype="float32")[:, None]
    adapter = ArrayDataAdapter(x, batch_size=3, shuffle=True)
    full = [xb.ravel().tolist() for _, xb, _, _ in adapter]
    adapter.resume(adapter.order, 2)
    resumed = [(step, xb.ravel().tolist()) for step, xb, _, _ in adapter]
    assert resumed == [(2, full[2]), (3, full[3])]
