"""fit/evaluate/predict on Python generators and iterables, with Keras's steps semantics."""
import warnings

import numpy as np
import pytest

import neuronet as keras
from neuronet.trainers.data_adapters import GeneratorDataAdapter, get_data_adapter


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def _arrays(n=32):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([1.0, -2.0, 0.5], dtype="float32"))[:, None]


def _batches(x, y, batch=8, weights=None, forever=False):
    while True:
        for i in range(0, len(x), batch):
            if weights is None:
                yield x[i:i + batch], y[i:i + batch]
            else:
                yield x[i:i + batch], y[i:i + batch], weights[i:i + batch]
        if not forever:
            return


def test_fit_on_a_generator_matches_fit_on_the_same_arrays_in_order():
    x, y = _arrays()
    by_generator = _model()
    history = by_generator.fit(_batches(x, y, forever=True), steps_per_epoch=4, epochs=3, shuffle=False, verbose=0)
    by_arrays = _model()
    expected = by_arrays.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    for a, b in zip(by_generator.get_weights(), by_arrays.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert by_generator.optimizer.iterations.numpy() == 12


def test_sample_weights_from_the_generator_are_used():
    x, y = _arrays()
    weights = np.zeros(len(x), dtype="float32")
    model = _model()
    before = [w.copy() for w in model.get_weights()]
    model.fit(_batches(x, y, weights=weights), epochs=1, shuffle=False, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # zero weight: zero gradient


def test_evaluate_and_predict_on_generators():
    x, y = _arrays()
    model = _model()
    expected_loss = model.evaluate(x, y, batch_size=8, verbose=0)
    assert model.evaluate(_batches(x, y), verbose=0) == pytest.approx(expected_loss, rel=1e-6)
    np.testing.assert_allclose(model.predict((xb for xb, _ in _batches(x, y)), verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)
    assert model.predict(_batches(x, y), steps=2, verbose=0).shape == (16, 1)  # (x, y) tuples: y ignored


def test_validation_data_as_a_generator_with_validation_steps():
    x, y = _arrays()
    model = _model()
    history = model.fit(x, y, epochs=2, validation_data=_batches(x, y, forever=True), validation_steps=2,
                        verbose=0)
    assert len(history.history["val_loss"]) == 2


def test_a_one_shot_generator_runs_out_and_training_stops_with_keras_warning():
    x, y = _arrays()
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(_batches(x, y), steps_per_epoch=3, epochs=5, verbose=0)
    # 4 batches: epoch 0 takes 3, epoch 1 gets 1 and then the generator ends: Keras stops there
    assert len(history.history["loss"]) == 2 and model.optimizer.iterations.numpy() == 4


def test_without_steps_an_exhausted_generator_gives_no_invented_epoch():
    x, y = _arrays()
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(_batches(x, y), epochs=3, verbose=0)
    assert history.epoch == [0] and model.optimizer.iterations.numpy() == 4


def test_a_reiterable_object_starts_again_every_epoch():
    x, y = _arrays()

    class Batches:
        def __iter__(self):
            return _batches(x, y)

    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(Batches(), epochs=3, shuffle=False, verbose=0)
    assert history.epoch == [0, 1, 2] and model.optimizer.iterations.numpy() == 12


@pytest.mark.parametrize("bad, message", [
    ((x for x in []), "at least one batch"),
    ((i for i in range(3)), "must yield tuples"),
    (((np.ones((2, 3)), np.ones(2), np.ones(2), np.ones(2)) for _ in range(2)), "of length 4"),
    (((np.ones((2, 3)), np.ones(3)) for _ in range(2)), "cardinality"),
    (((np.full((2, 3), np.nan), np.ones(2)) for _ in range(2)), "NaN"),
])
def test_bad_generators_give_clear_errors(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        _model().fit(bad, verbose=0)


def test_arguments_a_generator_cannot_use_are_refused():
    x, y = _arrays()
    with pytest.raises(ValueError, match="`y` should not be passed"):
        _model().fit(_batches(x, y), y, verbose=0)
    with pytest.raises(ValueError, match="class_weight"):
        _model().fit(_batches(x, y), class_weight={0: 1.0}, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        _model().fit(_batches(x, y), validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        _model().fit(_batches(x, y), steps_per_epoch=0, verbose=0)
    with pytest.raises(ValueError, match="needs targets"):
        _model().fit((xb for xb, _ in _batches(x, y)), verbose=0)


def test_the_adapter_keeps_its_iterator_across_epochs_with_steps():
    x, y = _arrays()
    adapter = get_data_adapter(_batches(x, y, batch=8), steps_per_epoch=2)
    assert isinstance(adapter, GeneratorDataAdapter)
    first = [xb[0, 0] for _, xb, _, _ in adapter]
    second = [xb[0, 0] for _, xb, _, _ in adapter]
    assert first == [x[0, 0], x[8, 0]] and second == [x[16, 0], x[24, 0]]
