"""Keras 3's scikit-learn wrappers: `SKLearnClassifier`, `SKLearnRegressor`, `SKLearnTransformer`.

`SKLearnClassifier(model, warm_start=False, model_kwargs=None, fit_kwargs=None)`: `model` is a compiled `Model`
(cloned, with its compile settings, before each fit) or a callable `model(X=X, y=y, **model_kwargs)` returning one;
`fit_kwargs` go to `Model.fit`, overridden by keyword arguments given to `fit`. Targets are reshaped to 2-D; the
classifier one-hot encodes its labels (so the model needs one output unit per class) and `predict` returns labels.

Where this differs from Keras 3.15: `warm_start=True` is honoured (later fits continue training `model_`; Keras
accepts it and ignores it), `sklearn.base.clone` keeps `fit_kwargs` (Keras's `__sklearn_clone__` drops them),
`fit_kwargs` is never modified by `fit`, and `history_` is the `History.history` dict its docstring promises.
scikit-learn is imported with this module, which `keras.wrappers` loads on first use.
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np

try:
    import sklearn
    import sklearn.pipeline
    import sklearn.preprocessing
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
    from sklearn.utils.multiclass import type_of_target
    from sklearn.utils.validation import check_is_fitted
except ImportError as _error:  # pragma: no cover - scikit-learn is a test dependency
    raise ImportError('`keras.wrappers.SKLearnClassifier` and friends need scikit-learn. Install it with '
                      '`pip install scikit-learn` (or `pip install "neuronet[sklearn]"`).') from _error


def _validate_data(estimator: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        from sklearn.utils.validation import validate_data  # scikit-learn >= 1.6
    except ImportError:  # pragma: no cover
        return estimator._validate_data(*args, **kwargs)
    return validate_data(estimator, *args, **kwargs)


def _check_model(model: Any) -> None:
    if not getattr(model, "compiled", False) or not getattr(model, "loss", None) or not model.optimizer:
        raise RuntimeError("Given model needs to be compiled, and have a loss and an optimizer. "
                           f"Received: {model!r}")


class TargetReshaper(TransformerMixin, BaseEstimator):
    """Makes a 1-D target a column; `inverse_transform` undoes it for predictions."""

    def fit(self, y: Any) -> "TargetReshaper":
        self.ndim_ = y.ndim
        return self

    def transform(self, y: Any) -> Any:
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def inverse_transform(self, y: Any) -> Any:
        check_is_fitted(self)
        return np.squeeze(y, axis=1) if self.ndim_ == 1 and y.ndim == 2 else y


class SKLBase(BaseEstimator):
    """Base class of the scikit-learn wrappers (see the module docstring).

    Args:
        model: a compiled `Model` (cloned before fitting unless `warm_start`), or a callable accepting at least
            `X` and `y` as keyword arguments (and `model_kwargs`) and returning a compiled `Model`.
        warm_start: whether a later `fit` continues training the fitted `model_` instead of a new model.
        model_kwargs: keyword arguments passed to `model` when it is callable.
        fit_kwargs: keyword arguments passed to `model.fit`; those given to `fit` take precedence.

    Attributes:
        model_: the fitted `Model`. history_: the `History.history` dict of the last fit.
    """

    def __init__(self, model: Any, warm_start: bool = False, model_kwargs: Any = None, fit_kwargs: Any = None):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags

    def __sklearn_clone__(self) -> "SKLBase":
        """An unfitted copy with the same parameters; a `Model` parameter is shared (fit clones it anyway)."""
        params = {name: value if name == "model" else copy.deepcopy(value)
                  for name, value in self.get_params(deep=False).items()}
        return type(self)(**params)

    @property
    def epoch_(self) -> int:
        """The number of epochs the last fit ran."""
        history = getattr(self, "history_", None) or {}
        return len(next(iter(history.values()), []))

    def _get_model(self, X: Any, y: Any) -> Any:
        from neuronet.models import Model, clone_model

        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else clone_model(self.model)
        if not callable(self.model):
            raise TypeError(f"`model` must be a compiled keras `Model` or a callable returning one. "
                            f"Received: model={self.model!r}")
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X: Any, y: Any, **kwargs: Any) -> "SKLBase":
        """Fits the model on `X` of shape `(n_samples, n_features)` and `y` of shape `(n_samples,)` or
        `(n_samples, n_outputs)`; `kwargs` go to `model.fit`. Returns `self`."""
        X, y = _validate_data(self, X, y, multi_output=True, y_numeric=not isinstance(self, ClassifierMixin))
        y = self._process_target(y, reset=True)
        model = self._get_model(X, y)
        _check_model(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = dict(model.fit(X, y, **fit_kwargs).history)
        self.model_ = model
        return self

    def predict(self, X: Any) -> Any:
        """Predictions of the fitted model, with the target's shape (labels for the classifier)."""
        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return self._reverse_process_target(self.model_.predict(X, verbose=0))

    def _process_target(self, y: Any, reset: bool = False) -> Any:
        if reset:
            self._target_encoder = TargetReshaper().fit(y)
        return self._target_encoder.transform(y)

    def _reverse_process_target(self, y: Any) -> Any:
        return self._target_encoder.inverse_transform(y)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """scikit-learn classifier wrapping a Keras model; labels are one-hot encoded for the model.

    Args: see `SKLBase`: `model`, `warm_start`, `model_kwargs`, `fit_kwargs`.

    Attributes:
        model_, history_, and `classes_`: the class labels, sorted.

    Example:
    >>> def build(X, y, hidden=8):
    ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(hidden, activation="relu"),
    ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
    ...     model.compile(loss="categorical_crossentropy", optimizer="adam")
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = np.where(X[:, 0] > 0, "yes", "no")
    >>> clf = SKLearnClassifier(build, model_kwargs={"hidden": 4}, fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, y)
    >>> clf.classes_, clf.predict(X[:2]).shape
    (array(['no', 'yes'], dtype='<U3'), (2,))
    """

    def decision_function(self, X: Any) -> Any:
        """The raw model outputs (one column per class)."""
        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def _process_target(self, y: Any, reset: bool = False) -> Any:
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass"):
            raise ValueError(f"Only binary and multiclass target types are supported. Target type: {target_type}")
        if reset:
            self._target_encoder = sklearn.pipeline.make_pipeline(
                TargetReshaper(), sklearn.preprocessing.OneHotEncoder(sparse_output=False)).fit(y)
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present.")
        return self._target_encoder.transform(y)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnRegressor(RegressorMixin, SKLBase):
    """scikit-learn regressor wrapping a Keras model; `score` is R², as for every scikit-learn regressor.

    Args: see `SKLBase`: `model`, `warm_start`, `model_kwargs`, `fit_kwargs`.

    Example:
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(loss="mse", optimizer="sgd")
    >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = X @ np.array([1.0, -2.0, 0.5])
    >>> reg = SKLearnRegressor(model, fit_kwargs={"epochs": 3, "verbose": 0}).fit(X, y)
    >>> reg.predict(X[:5]).shape, reg.model_ is model  # the given model is cloned, not trained
    ((5,), False)
    """

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """scikit-learn transformer wrapping a Keras model: `transform(X)` is `model_.predict(X)` (e.g. embeddings).

    Args: see `SKLBase`: `model`, `warm_start`, `model_kwargs`, `fit_kwargs`.
    """

    def transform(self, X: Any) -> Any:
        """The fitted model's outputs for `X`."""
        check_is_fitted(self)
        X = _validate_data(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

