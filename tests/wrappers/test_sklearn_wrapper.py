"""keras.wrappers.SKLearnClassifier / SKLearnRegressor / SKLearnTransformer (Keras 3.8's API)."""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import neuronet as keras
from neuronet.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer


def dynamic_model(X, y, loss, layers=(10,), learning_rate=0.05):
    inputs = keras.Input(shape=(X.shape[1],))
    hidden = inputs
    for size in layers:
        hidden = keras.layers.Dense(size, activation="relu")(hidden)
    n_outputs = y.shape[1] if len(y.shape) > 1 else 1
    activation = "softmax" if loss == "categorical_crossentropy" else None
    model = keras.Model(inputs, keras.layers.Dense(n_outputs, activation=activation)(hidden))
    model.compile(loss=loss, optimizer=keras.optimizers.Adam(learning_rate))
    return model


def blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    centers = np.array([[0.0, 3.0], [3.0, 0.0], [-3.0, -3.0]])
    return centers[labels] + rng.normal(size=(n, 2)), np.array(["a", "b", "c"])[labels]


def test_classifier_one_hot_encodes_labels_and_predicts_them():
    X, y = blobs()
    clf = SKLearnClassifier(dynamic_model, model_kwargs={"loss": "categorical_crossentropy", "layers": [8]},
                            fit_kwargs={"epochs": 30, "verbose": 0})
    clf.fit(X, y)
    assert list(clf.classes_) == ["a", "b", "c"]
    assert clf.model_.output_shape == (None, 3)  # the builder saw one-hot targets
    assert clf.decision_function(X[:4]).shape == (4, 3)
    predictions = clf.predict(X)
    assert predictions.shape == (120,) and set(predictions) <= {"a", "b", "c"}
    assert clf.score(X, y) > 0.9
    assert clf.epoch_ == 30 and len(clf.history_["loss"]) == 30


def test_classifier_refuses_one_class_and_multilabel_targets():
    X, _ = blobs(20)
    clf = SKLearnClassifier(dynamic_model, model_kwargs={"loss": "categorical_crossentropy"})
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X, np.zeros(20))
    with pytest.raises(ValueError, match="Target type: multilabel-indicator"):
        clf.fit(X, np.eye(2)[np.arange(20) % 2].astype(int) * [[1, 1]])


def test_regressor_clones_a_given_compiled_model():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(0.1))
    before = model.get_weights()
    reg = SKLearnRegressor(model, fit_kwargs={"epochs": 30, "verbose": 0}).fit(X, y)
    assert reg.model_ is not model and reg.model_.optimizer is not model.optimizer
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)  # the given model is left untouched
    assert reg.predict(X[:5]).shape == (5,)
    assert reg.score(X, y) > 0.99  # R²


def test_fit_kwargs_are_overridden_by_fit_arguments_and_not_modified():
    X, y = blobs(40)
    fit_kwargs = {"epochs": 3, "verbose": 0}
    clf = SKLearnClassifier(dynamic_model, model_kwargs={"loss": "categorical_crossentropy"}, fit_kwargs=fit_kwargs)
    clf.fit(X, y, epochs=2)
    assert clf.epoch_ == 2 and fit_kwargs == {"epochs": 3, "verbose": 0}
    clf.fit(X, y)
    assert clf.epoch_ == 3


def test_warm_start_continues_training_the_fitted_model():
    X, y = blobs(40)
    clf = SKLearnClassifier(dynamic_model, warm_start=True, model_kwargs={"loss": "categorical_crossentropy"},
                            fit_kwargs={"epochs": 2, "verbose": 0})
    clf.fit(X, y)
    first, weights = clf.model_, clf.model_.get_weights()
    clf.fit(X, y)
    assert clf.model_ is first
    assert any(not np.allclose(a, b) for a, b in zip(weights, clf.model_.get_weights()))
    cold = SKLearnClassifier(dynamic_model, model_kwargs={"loss": "categorical_crossentropy"},
                             fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, y)
    model = cold.model_
    assert cold.fit(X, y).model_ is not model


def test_clone_pipeline_and_grid_search():
    X, y = blobs(60)
    clf = SKLearnClassifier(dynamic_model, model_kwargs={"loss": "categorical_crossentropy"},
                            fit_kwargs={"epochs": 5, "verbose": 0})
    copy = clone(clf)
    assert copy.get_params()["fit_kwargs"] == {"epochs": 5, "verbose": 0} and not hasattr(copy, "model_")
    search = GridSearchCV(make_pipeline(StandardScaler(), clf), {
        "sklearnclassifier__model_kwargs": [{"loss": "categorical_crossentropy", "layers": [4]},
                                            {"loss": "categorical_crossentropy", "layers": [16]}]}, cv=2)
    search.fit(X, y)
    assert search.best_score_ > 0.5


def test_errors_before_fit_and_for_uncompiled_models():
    X, _ = blobs(20)
    with pytest.raises(NotFittedError):
        SKLearnRegressor(dynamic_model).predict(X)
    uncompiled = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(RuntimeError, match="needs to be compiled"):
        SKLearnRegressor(uncompiled).fit(X, np.ones(20))
    with pytest.raises(TypeError, match="model=3"):
        SKLearnRegressor(3).fit(X, np.ones(20))


def test_transformer_gives_the_model_outputs():
    X, _ = blobs(30)
    transformer = SKLearnTransformer(dynamic_model, model_kwargs={"loss": "mse", "layers": [4]},
                                     fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, X)
    np.testing.assert_allclose(transformer.transform(X), transformer.model_.predict(X, verbose=0))
