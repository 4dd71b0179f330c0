"""keras.wrappers.scikit_learn: KerasRegressor / KerasClassifier (tf.keras 2 semantics, scikit-learn conventions)."""
import os
import pickle
import warnings

import numpy as np
import pytest
import scipy.stats
from joblib.externals.loky import get_reusable_executor
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning, NotFittedError
from sklearn.model_selection import RandomizedSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

import neuronet as keras
from neuronet.wrappers.scikit_learn import KerasClassifier, KerasRegressor


def housing(n_rows=1500):
    data = keras.datasets.california_housing.load_sklearn_version()
    x, y = data.data[:n_rows], data.target[:n_rows]
    x_train, x_test, y_train, y_test = train_test_split(x, y, random_state=42)
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test), y_train, y_test


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # noqa: B006 (the chapter's)
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(lr=learning_rate))
    return model


def build_classifier(n_neurons=16, loss="sparse_categorical_crossentropy", meta=None):
    units = 1 if loss == "binary_crossentropy" else meta["n_classes_"]
    model = keras.Sequential([keras.layers.Dense(n_neurons, activation="relu"),
                              keras.layers.Dense(units, activation="sigmoid" if units == 1 else "softmax")])
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(learning_rate=0.01))
    return model


def build_logging_pid(log_dir, n_neurons=8):
    """Writes a file named after the process that builds (and then fits) the model."""
    open(os.path.join(log_dir, f"pid-{os.getpid()}"), "w").close()
    model = keras.Sequential([keras.layers.Dense(n_neurons, activation="relu"), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    return model


class CountEpochs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


class StopAfter(keras.callbacks.Callback):
    """Stands in for EarlyStopping: sets `model.stop_training` after `n` epochs."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 >= self.n:
            self.model.stop_training = True


class Scale(keras.layers.Layer):
    """A custom layer: pickling must find it again (by reference) to rebuild the model from its config."""

    def build(self, input_shape):
        self.factor = self.add_weight(name="factor", shape=(1,), initializer="ones")

    def call(self, inputs):
        return inputs * self.factor


def build_with_custom_layer():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu"), Scale(), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.01))
    return model


def test_tf_keras_path_resolves():
    assert keras.wrappers.scikit_learn.KerasRegressor is KerasRegressor
    assert keras.wrappers.KerasClassifier is KerasClassifier
    with pytest.raises(AttributeError, match="scikit_learn"):
        _ = keras.wrappers.KerasTransformer


@pytest.mark.requires_data("california_housing")
def test_regressor_fit_predict_and_score_is_negative_loss():
    x_train, x_test, y_train, y_test = housing()
    reg = KerasRegressor(build_model, verbose=0)
    assert reg.fit(x_train, y_train, epochs=3, validation_data=(x_test, y_test)) is reg
    assert sorted(reg.history_.history) == ["loss", "val_loss"] and len(reg.history_.epoch) == 3
    assert isinstance(reg.model, keras.models.Sequential) and reg.model is reg.model_
    assert reg.predict(x_test).shape == (len(x_test),)
    loss = reg.model.evaluate(x_test, y_test, verbose=0)
    assert reg.score(x_test, y_test) == pytest.approx(-loss)
    assert reg.score(x_test, y_test) < 0  # higher is better, as scikit-learn expects


@pytest.mark.requires_data("california_housing")
def test_build_function_parameters_are_estimator_parameters():
    reg = KerasRegressor(build_model, n_neurons=7, epochs=2, verbose=0)
    assert reg.get_params() == {"build_fn": build_model, "n_neurons": 7, "epochs": 2, "verbose": 0}
    assert reg.n_neurons == 7
    reg.set_params(n_neurons=np.int64(5), n_hidden=2)  # numpy ints, as RandomizedSearchCV draws them
    twin = clone(reg)
    assert twin.get_params() == reg.get_params() and twin is not reg
    x_train, _, y_train, _ = housing(200)
    twin.fit(x_train, y_train)
    assert [layer.units for layer in twin.model.layers] == [5, 5, 1]
    with pytest.raises(NotFittedError):
        reg.predict(x_train)
    with pytest.raises(AttributeError, match="call `fit\\(\\)` first"):
        _ = reg.model


@pytest.mark.requires_data("california_housing")
def test_fit_arguments_at_construction_are_overridden_by_fit():
    x_train, x_test, y_train, y_test = housing(300)
    counter = CountEpochs()
    reg = KerasRegressor(build_model, epochs=2, batch_size=64, callbacks=[counter], verbose=0)
    reg.fit(x_train, y_train)
    assert counter.epochs == 2
    reg.fit(x_train, y_train, epochs=4, validation_data=(x_test, y_test))
    assert counter.epochs == 2 + 4 and "val_loss" in reg.history_.history
    reg.fit(x_train, y_train, epochs=50, callbacks=[StopAfter(3)])
    assert reg.history_.epoch == [0, 1, 2]


@pytest.mark.requires_data("california_housing")
def test_unknown_parameter_is_named_before_any_training():
    built = []

    def build(n_neurons=3):
        built.append(n_neurons)
        return build_model(n_neurons=n_neurons)

    with pytest.raises(ValueError, match="'n_neuron' is not a legal parameter.*Did you mean 'n_neurons'"):
        KerasRegressor(build, n_neuron=3)
    reg = KerasRegressor(build, n_neurons=4, verbose=0)
    with pytest.raises(ValueError, match="'learning_rate' is not a legal parameter"):
        reg.set_params(n_neurons=9, learning_rate=0.1)
    assert reg.get_params()["n_neurons"] == 4  # nothing changed
    search = RandomizedSearchCV(reg, {"n_neurons": [1, 2], "n_hiden": [1, 2]}, n_iter=2, cv=2)
    x_train, _, y_train, _ = housing(100)
    with pytest.raises(ValueError, match="'n_hiden' is not a legal parameter"):
        search.fit(x_train, y_train, epochs=1)
    assert built == []


def test_build_function_must_return_a_compiled_model():
    with pytest.raises(TypeError, match="must return a compiled Keras model"):
        KerasRegressor(lambda: keras.Sequential([keras.layers.Dense(1)])).fit(np.ones((4, 2)), np.ones(4))
    with pytest.raises(TypeError, match="`build_fn` must be a function"):
        KerasRegressor(build_fn=3).fit(np.ones((4, 2)), np.ones(4))


@pytest.mark.requires_data("california_housing")
def test_random_state_makes_fits_repeatable_and_meta_describes_the_data():
    x_train, x_test, y_train, _ = housing(300)
    seen = {}

    def build(meta):
        seen.update(meta)
        return build_model(input_shape=meta["X_shape_"])

    first = KerasRegressor(build, random_state=0, epochs=2, verbose=0).fit(x_train, y_train).predict(x_test)
    second = KerasRegressor(build, random_state=0, epochs=2, verbose=0).fit(x_train, y_train).predict(x_test)
    np.testing.assert_array_equal(first, second)
    assert seen["n_features_in_"] == 8 and seen["X_shape_"] == (8,) and seen["n_outputs_"] == 1


def test_regressor_targets_column_vector_and_multi_output():
    x = np.random.default_rng(0).normal(size=(64, 3))

    def build(meta):
        model = keras.Sequential([keras.layers.Dense(meta["n_outputs_"])])
        model.compile(loss="mse", optimizer="sgd")
        return model

    with pytest.warns(DataConversionWarning, match="column-vector y"):
        reg = KerasRegressor(build, verbose=0).fit(x, x[:, :1])
    assert reg.predict(x).shape == (64,)
    assert KerasRegressor(build, verbose=0).fit(x, x[:, :2]).predict(x).shape == (64, 2)


@pytest.mark.requires_data("california_housing")
def test_pickle_stores_config_weights_and_optimizer_state_not_the_model():
    x_train, x_test, y_train, y_test = housing(400)
    counter = CountEpochs()
    reg = KerasRegressor(build_with_custom_layer, epochs=3, callbacks=[counter], verbose=0).fit(x_train, y_train)
    state = reg.__getstate__()
    assert set(state["model_"]) >= {"config", "weights", "compile", "optimizer_weights"}
    assert state["model_"]["config"]["class_name"] == "Sequential"
    assert state["_sk_params"]["callbacks"][0].model is None and counter.model is reg.model  # a detached copy
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(x_test), reg.predict(x_test))
    assert restored.score(x_test, y_test) == pytest.approx(reg.score(x_test, y_test))
    for a, b in zip(restored.model.optimizer.get_weights(), reg.model.optimizer.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(restored.model.optimizer.iterations.numpy()) == 3 * 10  # 300 rows / 32 per batch, 3 epochs
    assert restored.get_params()["epochs"] == 3 and restored.history_.history == reg.history_.history
    restored.model.fit(x_train, y_train, epochs=1, verbose=0)  # the restored optimizer state keeps training


def test_unfitted_estimator_pickles_too():
    restored = pickle.loads(pickle.dumps(KerasRegressor(build_model, n_neurons=3)))
    assert restored.get_params() == {"build_fn": build_model, "n_neurons": 3}


@pytest.mark.requires_data("california_housing")
def test_randomized_search_over_build_parameters():
    x_train, x_test, y_train, y_test = housing(600)
    params = {"n_hidden": [0, 1, 2], "n_neurons": np.arange(1, 30),
              "learning_rate": scipy.stats.reciprocal(3e-3, 3e-2)}
    search = RandomizedSearchCV(KerasRegressor(build_model, verbose=0), params, n_iter=3, cv=2, random_state=0)
    search.fit(x_train, y_train, epochs=3, validation_data=(x_test, y_test), callbacks=[StopAfter(2)])
    assert set(search.best_params_) == {"n_hidden", "n_neurons", "learning_rate"}
    assert np.isfinite(search.best_score_) and search.best_score_ < 0
    best = search.best_estimator_
    assert len(best.model.layers) == best.get_params()["n_hidden"] + 1
    assert len(best.history_.epoch) == 2  # the refit got the fit arguments too


@pytest.mark.requires_data("california_housing")
def test_n_jobs_minus_one_runs_fits_in_process_workers(tmp_path):
    x_train, _, y_train, _ = housing(300)
    reg = KerasRegressor(build_logging_pid, log_dir=str(tmp_path), epochs=2, verbose=0)
    search = RandomizedSearchCV(reg, {"n_neurons": [2, 4, 8]}, n_iter=2, cv=2, n_jobs=-1, random_state=0)
    try:
        search.fit(x_train, y_train)
    finally:
        get_reusable_executor().shutdown(wait=True)  # joblib keeps its workers alive; free them for other tests
    pids = {int(p.name.split("-")[1]) for p in tmp_path.iterdir()}
    assert pids - {os.getpid()}, "no fit ran in a worker process"
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_classifier_labels_of_any_type_and_probabilities():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(150, 4))
    names = np.array(["cat", "dog", "eel"])
    y = names[np.argmax(x[:, :3], axis=1)]
    clf = KerasClassifier(build_classifier, epochs=30, verbose=0, random_state=0).fit(x, y)
    assert clf.classes_.tolist() == ["cat", "dog", "eel"] and clf.n_classes_ == 3
    proba = clf.predict_proba(x)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    predicted = clf.predict(x)
    np.testing.assert_array_equal(predicted, names[np.argmax(proba, axis=1)])
    assert clf.score(x, y) == pytest.approx(np.mean(predicted == y)) and clf.score(x, y) > 0.8
    assert clf.score(x, y, batch_size=64) == clf.score(x, y)  # predict's arguments pass through
    with pytest.raises(TypeError, match="btach_size"):
        clf.score(x, y, btach_size=64)  # an unknown one is refused, not dropped


def test_classifier_one_hot_and_categorical_crossentropy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(120, 3))
    labels = np.argmax(x, axis=1)
    one_hot = np.eye(3)[labels]
    clf = KerasClassifier(build_classifier, loss="categorical_crossentropy", epochs=20, verbose=0)
    clf.fit(x, one_hot)
    assert clf.classes_.tolist() == [0, 1, 2]
    assert clf.score(x, one_hot) == pytest.approx(clf.score(x, labels))
    clf.fit(x, labels + 10)  # integer labels are one-hot encoded for categorical cross-entropy
    assert clf.classes_.tolist() == [10, 11, 12] and set(clf.predict(x)) <= {10, 11, 12}
    sparse = KerasClassifier(build_classifier, epochs=2, verbose=0).fit(x, one_hot)  # one-hot -> sparse labels
    assert sparse.predict_proba(x).shape == (120, 3)


def test_binary_classifier_with_one_sigmoid_unit_gives_two_columns():
    x = np.random.default_rng(2).normal(size=(80, 2))
    y = np.where(x[:, 0] > 0, "yes", "no")
    clf = KerasClassifier(build_classifier, loss="binary_crossentropy", epochs=20, verbose=0).fit(x, y)
    proba = clf.predict_proba(x)
    assert proba.shape == (80, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert clf.score(x, y) > 0.8


def test_classifier_output_units_must_match_the_classes():
    def build():
        model = keras.Sequential([keras.layers.Dense(2, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
        return model

    with pytest.raises(ValueError, match="output has 2 units, but `y` has 3 classes"):
        KerasClassifier(build, verbose=0).fit(np.ones((6, 2)), [0, 1, 2, 0, 1, 2])
    with pytest.raises(ValueError, match="at least 2 classes"):
        KerasClassifier(build, verbose=0).fit(np.ones((4, 2)), ["a"] * 4)


def test_docstring_examples_run():
    import doctest

    from neuronet.wrappers import scikit_learn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(scikit_learn)
    assert result.attempted >= 6 and result.failed == 0
