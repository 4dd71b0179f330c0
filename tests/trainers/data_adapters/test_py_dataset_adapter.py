"""fit/evaluate/predict on keras.utils.PyDataset and Sequence: order, shuffling, workers, epoch hooks."""
import threading
import time

import numpy as np
import pytest

import neuronet as keras


def _model(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


X = np.random.default_rng(1).normal(size=(40, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")


class Batches(keras.utils.PyDataset):
    def __init__(self, batch_size=8, delay=0.0, **kwargs):
        super().__init__(**kwargs)
        self.batch_size, self.delay = batch_size, delay
        self.calls, self.threads, self.events = [], set(), []

    def __len__(self):
        return -(-len(X) // self.batch_size)

    def __getitem__(self, index):
        self.calls.append(index)
        self.threads.add(threading.get_ident())
        if self.delay:
            time.sleep(self.delay * (index % 2))  # odd batches slower: an unordered queue would reorder them
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return X[rows], Y[rows]

    def on_epoch_begin(self):
        self.events.append("begin")

    def on_epoch_end(self):
        self.events.append("end")


def test_fit_on_a_py_dataset_matches_fit_on_arrays():
    data = Batches()
    model = _model()
    history = model.fit(data, epochs=2, shuffle=False, verbose=0)
    expected = _model().fit(X, Y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    assert data.events == ["begin", "end"] * 2
    assert history.params["steps"] == 5


def test_shuffle_reorders_batches_with_the_seeded_generator():
    first, second = Batches(), Batches()
    _model(3).fit(first, epochs=1, verbose=0)
    _model(3).fit(second, epochs=1, verbose=0)
    assert sorted(first.calls[1:]) == [0, 1, 2, 3, 4] and first.calls[1:] != [0, 1, 2, 3, 4]
    assert first.calls == second.calls  # same seed, same order


def test_workers_compute_batches_in_threads_and_keep_the_order():
    threaded = Batches(delay=0.01, workers=3, max_queue_size=4)
    model = _model()
    history = model.fit(threaded, epochs=1, shuffle=False, verbose=0)
    expected = _model().fit(Batches(), epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"] == expected.history["loss"]
    assert len(threaded.threads - {threading.get_ident()}) >= 2


def test_evaluate_and_predict_on_a_py_dataset_and_steps():
    model = _model()
    assert model.evaluate(Batches(), verbose=0) == pytest.approx(model.evaluate(X, Y, batch_size=8, verbose=0),
                                                                rel=1e-6)
    np.testing.assert_allclose(model.predict(Batches(), verbose=0), model.predict(X, verbose=0), rtol=1e-6)
    assert model.predict(Batches(), steps=2, verbose=0).shape == (16, 1)
    history = model.fit(Batches(), steps_per_epoch=2, epochs=2, validation_data=Batches(), validation_steps=1,
                        verbose=0)
    assert model.optimizer.iterations.numpy() == 4 and len(history.history["val_loss"]) == 2


def test_sequence_is_the_old_name_and_plain_objects_work_too():
    assert keras.utils.Sequence is keras.utils.PyDataset

    class Plain:  # no base class: __getitem__ and __len__ are enough, as for Keras 2's Sequence
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return X[index * 8:(index + 1) * 8], Y[index * 8:(index + 1) * 8]

    assert _model().fit(Plain(), epochs=1, verbose=0).history["loss"][0] > 0


def test_use_multiprocessing_and_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="use_multiprocessing=True.*threads"):
        _model().fit(Batches(use_multiprocessing=True), verbose=0)
    with pytest.raises(ValueError, match="workers"):
        Batches(workers=0)
    with pytest.raises(ValueError, match="max_queue_size"):
        Batches(max_queue_size=-1)
    with pytest.raises(ValueError, match="`y` should not be passed"):
        _model().fit(Batches(), Y, verbose=0)

    class Empty(Batches):
        def __len__(self):
            return 0

    with pytest.raises(ValueError, match="0 batches"):
        _model().fit(Empty(), verbose=0)


def test_class_weight_applies_per_batch():
    labels = (X[:, 0] > 0).astype("int64")

    class Labelled(Batches):
        def __getitem__(self, index):
            rows = slice(index * 8, (index + 1) * 8)
            return X[rows], labels[rows]

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    model.fit(Labelled(), class_weight={0: 0.0, 1: 0.0}, epochs=1, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
