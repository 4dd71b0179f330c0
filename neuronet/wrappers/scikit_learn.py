"""scikit-learn wrappers for Keras models: `KerasRegressor` and `KerasClassifier` (tf.keras 2's API).

`KerasRegressor(build_fn, **sk_params)`: `build_fn` returns a compiled model; `sk_params` are the build function's
keyword arguments and the arguments of `Model.fit`, `predict` and `evaluate` (`epochs`, `batch_size`, `callbacks`,
`validation_data`, `verbose`, ...). Each one is an estimator parameter, so `get_params`, `set_params`, `clone` and
scikit-learn's searches work on them. Arguments given to `fit(x, y, **kwargs)` override those given at construction.

Where this follows tf.keras 2 (`tensorflow/python/keras/wrappers/scikit_learn.py`) and where it differs:
- `KerasRegressor.score` is the *negative loss* of `model.evaluate` (higher is better), as in tf.keras; not R².
- `KerasClassifier.score` is the accuracy of `predict` (tf.keras read the model's `accuracy` metric and failed
  without one); `predict_proba` gives two columns for a one-unit sigmoid output.
- Labels may be of any type (`classes_` holds them); one-hot targets give `classes_ = arange(n_columns)`; integer
  labels are one-hot encoded for a model compiled with `categorical_crossentropy`, as tf.keras did.
- `fit` returns the estimator (scikit-learn's convention); tf.keras returned the `History`, kept as `history_`.
- `predict` keeps the target's shape: a 1-D `y` gives 1-D predictions (tf.keras squeezed every axis).
- A name that is neither an argument of the build function nor of `fit`/`predict`/`evaluate` raises a `ValueError`
  in the constructor and in `set_params`, as in tf.keras, so a search fails before any training.
- New: `random_state` (an int) seeds `keras.utils.set_random_seed` before each build and fit, making fits
  repeatable; a build function with a `meta` argument receives `n_features_in_`, `X_shape_`, `n_outputs_` and, for
  the classifier, `classes_` and `n_classes_` (as in SciKeras), so one function fits any data set.
- Pickling stores the model as its config, weights, compile arguments and optimizer state, never the live graph.
"""
from __future__ import annotations

import copy
import difflib
import inspect
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_array, check_consistent_length, check_is_fitted, column_or_1d
except ImportError as _error:  # pragma: no cover - scikit-learn is a test dependency
    raise ImportError("`keras.wrappers.scikit_learn` needs scikit-learn. Install it with `pip install scikit-learn` "
                      "(or `pip install \"neuronet[sklearn]\"`).") from _error

_WRAPPER_PARAMS = ("random_state",)
_META = "meta"


def _named_params(fn: Any) -> Tuple[List[str], bool]:
    """The keyword-passable argument names of `fn`, and whether it takes `**kwargs`."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return [], True
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    names = [p.name for p in parameters if p.kind in kinds and p.name != "self"]
    return names, any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters)


def _model_method_params() -> Dict[str, List[str]]:
    from neuronet.models import Sequential

    return {method: [n for n in _named_params(getattr(Sequential, method))[0] if n not in ("x", "y")]
            for method in ("fit", "predict", "evaluate")}


def _is_multi_input(x: Any) -> bool:
    from scipy import sparse

    if sparse.issparse(x):  # a dok_matrix is a dict
        return False
    values = list(x.values()) if isinstance(x, dict) else x if isinstance(x, (list, tuple)) else []
    return bool(values) and all(isinstance(v, np.ndarray) for v in values)


def _validate_x(estimator: Any, x: Any, reset: bool) -> Any:
    if _is_multi_input(x):
        return x  # several model inputs: passed to Keras as they are
    try:
        from sklearn.utils.validation import validate_data  # scikit-learn >= 1.6
    except ImportError:  # pragma: no cover
        return estimator._validate_data(x, reset=reset, allow_nd=True, dtype="numeric")
    return validate_data(estimator, x, reset=reset, allow_nd=True, dtype="numeric")


def _num_samples(x: Any) -> int:
    first = next(iter(x.values())) if isinstance(x, dict) else x[0] if isinstance(x, (list, tuple)) else x
    return len(first)


def _loss_name(loss: Any) -> str:
    from neuronet.utils.naming import to_snake_case as snake_case

    if isinstance(loss, str):
        return snake_case(loss) if loss[:1].isupper() else loss
    inner = getattr(loss, "fn", None)
    if inspect.isfunction(loss) or inner is not None:
        return getattr(inner or loss, "__name__", "")
    return snake_case(type(loss).__name__)


def _detached(value: Any) -> Any:
    """Callbacks (in a list) keep `.model` after a fit: pickle copies of them without it."""
    if isinstance(value, (list, tuple)) and any(getattr(v, "model", None) is not None for v in value):
        copies = [copy.copy(v) for v in value]
        for item in copies:
            if getattr(item, "model", None) is not None:
                item.model = None
        return type(value)(copies)
    return value


class BaseWrapper(BaseEstimator):
    """Base class of the Keras scikit-learn wrappers; use `KerasRegressor` or `KerasClassifier`.

    Args:
        build_fn: a function (or a class, or a callable object) that builds, compiles and returns a Keras model.
            None means the subclass's own `__call__` is the build function.
        **sk_params: arguments of `build_fn` and of `Model.fit` / `predict` / `evaluate`, and `random_state`.
    """

    def __init__(self, build_fn: Any = None, **sk_params: Any) -> None:
        self.build_fn = build_fn
        self._sk_params = dict(sk_params)
        self.check_params(sk_params)

    @property
    def sk_params(self) -> dict:
        return self._sk_params

    def __getattr__(self, name: str) -> Any:
        params = self.__dict__.get("_sk_params")
        if params is not None and name in params:
            return params[name]
        if name == "model":
            raise AttributeError(f"This {type(self).__name__} has no `model` yet: call `fit()` first.")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def model(self) -> Any:
        """The fitted Keras model (tf.keras's attribute name; also stored as `model_`)."""
        return self.__dict__["model_"] if "model_" in self.__dict__ else self.__getattr__("model")

    @model.setter
    def model(self, value: Any) -> None:
        self.model_ = value

    # --- parameters ---------------------------------------------------------------------------------
    def _build_callable(self) -> Any:
        fn = self.build_fn
        if fn is None and callable(self):
            return self.__call__
        if not callable(fn):
            raise TypeError(f"`build_fn` must be a function (or a class or callable object) that returns a "
                            f"compiled Keras model. Received: build_fn={fn!r}")
        return fn

    def check_params(self, params: dict, strict: bool = False) -> None:
        """Raises a `ValueError` naming any entry of `params` that no build or model method accepts.

        Names are checked against the build function's arguments only when `build_fn` is callable (or `strict`:
        then a `build_fn` that is not callable raises a `TypeError`), so that scikit-learn may set any value.
        """
        legal = set(_WRAPPER_PARAMS)
        for names in _model_method_params().values():
            legal.update(names)
        unknown = [name for name in params if name not in legal]
        if not unknown or not (strict or callable(self.build_fn) or self.build_fn is None):
            return
        fn = self._build_callable()
        names, takes_kwargs = _named_params(fn)
        if takes_kwargs:
            return
        names = [n for n in names if n != _META]
        for name in unknown:
            if name not in names:
                fn_name = getattr(fn, "__name__", type(fn).__name__)
                close = difflib.get_close_matches(name, names + sorted(legal), n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ValueError(f"{name!r} is not a legal parameter of {type(self).__name__}: the build function "
                                 f"`{fn_name}` does not accept it (it accepts {names}), and it is not an argument "
                                 f"of `Model.fit`, `predict` or `evaluate`.{hint} Fix the name, or add it as an "
                                 f"argument of `{fn_name}`.")

    def get_params(self, deep: bool = True) -> dict:
        """`build_fn` and every `sk_param` (the objects themselves, so that `clone` can check them)."""
        return {"build_fn": self.build_fn, **self._sk_params}

    def set_params(self, **params: Any) -> BaseWrapper:
        """Sets `build_fn` and/or `sk_params`; names are checked first, and nothing changes if one is wrong."""
        old_build_fn = self.build_fn
        self.build_fn = params.pop("build_fn", old_build_fn)
        try:
            self.check_params(params)
        except (TypeError, ValueError):
            self.build_fn = old_build_fn
            raise
        self._sk_params.update(params)
        return self

    def filter_sk_params(self, fn: Any, override: Optional[dict] = None) -> dict:
        """The `sk_params` (updated by `override`) that are arguments of `fn`."""
        names, _ = _named_params(fn)
        result = {k: v for k, v in self._sk_params.items() if k in names}
        result.update({k: v for k, v in (override or {}).items() if k in names})
        return result

    def _method_args(self, method: str, override: Optional[dict] = None) -> dict:
        names = _model_method_params()[method]
        result = {k: v for k, v in self._sk_params.items() if k in names}
        result.update(override or {})
        return result

    # --- building and fitting -----------------------------------------------------------------------
    def _seed(self) -> None:
        random_state = self._sk_params.get("random_state")
        if random_state is None:
            return
        if isinstance(random_state, np.random.RandomState):
            random_state = int(random_state.randint(np.iinfo(np.int32).max))
        if not isinstance(random_state, (int, np.integer)) or isinstance(random_state, bool):
            raise TypeError(f"`random_state` must be None, an int or a numpy RandomState. Received: {random_state!r}")
        from neuronet.utils import set_random_seed

        set_random_seed(int(random_state))

    def _build_model(self) -> Any:
        fn = self._build_callable()
        names, takes_kwargs = _named_params(fn)
        if takes_kwargs:
            model_args = set(_WRAPPER_PARAMS).union(*_model_method_params().values())
            kwargs = {k: v for k, v in self._sk_params.items() if k not in model_args}
        else:
            kwargs = self.filter_sk_params(fn)
        if _META in names:
            kwargs[_META] = dict(self._meta)
        model = fn(**kwargs)
        if not getattr(model, "compiled", False):
            raise TypeError(f"The build function must return a compiled Keras model. Received: {model!r}. Call "
                            "`model.compile(loss=..., optimizer=...)` before returning it.")
        return model

    def _check_y(self, y: Any) -> None:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None. Pass the "
                             "targets: `fit(x, y)`.")

    def _fit(self, x: Any, y: Any, kwargs: dict) -> BaseWrapper:
        self._seed()
        self.model_ = self._build_model()
        y = self._targets_for_model(y, x)
        self.history_ = self.model_.fit(x, y, **self._method_args("fit", kwargs))
        return self

    def _targets_for_model(self, y: Any, x: Any) -> Any:
        return y

    def _check_fitted_x(self, x: Any) -> Any:
        check_is_fitted(self)
        return _validate_x(self, x, reset=False)

    def _predict_raw(self, x: Any, kwargs: dict) -> Any:
        x = self._check_fitted_x(x)
        return self.model_.predict(x, **self._method_args("predict", kwargs))

    def __sklearn_is_fitted__(self) -> bool:
        return "model_" in self.__dict__

    # --- pickling -------------------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())
        state["_sk_params"] = {k: _detached(v) for k, v in state["_sk_params"].items()}
        if "history_" in state:
            history = copy.copy(state["history_"])
            history.model = None
            state["history_"] = history
        if "model_" in state:
            state["model_"] = _model_state(state["model_"])
        return state

    def __setstate__(self, state: dict) -> None:
        model_state = state.pop("model_", None)
        super().__setstate__(state)
        if model_state is not None:
            self.model_ = _restore_model(model_state, self)


class KerasRegressor(RegressorMixin, BaseWrapper):
    """The scikit-learn regressor API for a Keras model; `score` is the negative loss (higher is better).

    Example:
    >>> import neuronet as keras
    >>> def build(n_neurons=4):
    ...     model = keras.Sequential([keras.layers.Dense(n_neurons, activation="relu"), keras.layers.Dense(1)])
    ...     model.compile(loss="mse", optimizer="sgd")
    ...     return model
    >>> reg = KerasRegressor(build, n_neurons=8, epochs=2, verbose=0).fit(np.ones((8, 3)), np.ones(8))
    >>> reg.predict(np.ones((2, 3))).shape, reg.get_params()["n_neurons"]
    ((2,), 8)
    """

    def fit(self, x: Any, y: Any, **kwargs: Any) -> KerasRegressor:
        """Builds a new model with `build_fn` and fits it to `(x, y)`; `kwargs` override `sk_params` of `fit`."""
        self.check_params(self._sk_params, strict=True)
        self._check_y(y)
        x = _validate_x(self, x, reset=True)
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_consistent_length(np.empty(_num_samples(x)), y)
        if y.dtype.kind in "biu":
            y = y.astype("float32")
        self._y_ndim = y.ndim
        self._meta = {"n_features_in_": getattr(self, "n_features_in_", None), "X_shape_": _input_shapes(x),
                      "n_outputs_": 1 if y.ndim == 1 else int(np.prod(y.shape[1:]))}
        return self._fit(x, y, kwargs)

    def predict(self, x: Any, **kwargs: Any) -> np.ndarray:
        """Predictions for `x`, shaped like the training targets."""
        out = self._predict_raw(x, kwargs)
        if self._y_ndim == 1 and getattr(out, "ndim", 0) == 2 and out.shape[1] == 1:
            out = out[:, 0]
        return out

    def score(self, x: Any, y: Any, **kwargs: Any) -> float:
        """The negative loss of `model.evaluate(x, y)` (tf.keras's definition): higher is better."""
        x = self._check_fitted_x(x)
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        outputs = self.model_.evaluate(x, y, **self._method_args("evaluate", kwargs))
        loss = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
        return -float(loss)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True  # a few epochs of SGD, not a converged solver
        return tags

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"poor_score": True}


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """The scikit-learn classifier API for a Keras model: labels of any type, `classes_`, `predict_proba`.

    The model ends with a softmax over the classes (sparse or categorical cross-entropy) or with one sigmoid unit
    (binary cross-entropy). `score` is the accuracy.

    Example:
    >>> import neuronet as keras
    >>> def build():
    ...     model = keras.Sequential([keras.layers.Dense(2, activation="softmax")])
    ...     model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    ...     return model
    >>> clf = KerasClassifier(build, epochs=1, verbose=0).fit(np.eye(4), ["a", "b", "a", "b"])
    >>> clf.classes_.tolist(), clf.predict_proba(np.eye(4)).shape
    (['a', 'b'], (4, 2))
    """

    def fit(self, x: Any, y: Any, **kwargs: Any) -> KerasClassifier:
        """Builds a new model with `build_fn` and fits it to `(x, y)`; `kwargs` override `sk_params` of `fit`."""
        self.check_params(self._sk_params, strict=True)
        self._check_y(y)
        x = _validate_x(self, x, reset=True)
        y = np.asarray(y)
        self._one_hot = y.ndim == 2 and y.shape[1] > 1
        if self._one_hot:
            y = check_array(y, dtype="numeric", input_name="y")
            self.classes_, encoded = np.arange(y.shape[1]), y
        else:
            y = column_or_1d(y, warn=True) if y.ndim == 2 else y
            check_classification_targets(y)
            self.classes_, encoded = np.unique(y, return_inverse=True)
            if len(self.classes_) < 2:
                raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes in the data, but the "
                                 f"data contains only one class: {self.classes_[0]!r}.")
        check_consistent_length(np.empty(_num_samples(x)), encoded)
        self.n_classes_ = len(self.classes_)
        self._meta = {"n_features_in_": getattr(self, "n_features_in_", None), "X_shape_": _input_shapes(x),
                      "n_outputs_": 1, "classes_": self.classes_, "n_classes_": self.n_classes_}
        return self._fit(x, encoded, kwargs)

    def _targets_for_model(self, y: Any, x: Any) -> Any:
        from neuronet.utils import to_categorical

        self._check_output_units(x)
        name = _loss_name(self.model_.loss)
        if not self._one_hot and name == "categorical_crossentropy":
            return to_categorical(y, self.n_classes_)
        if self._one_hot and name == "sparse_categorical_crossentropy":
            return np.argmax(y, axis=-1)
        return y

    def _check_output_units(self, x: Any) -> None:
        model = self.model_
        if not model.built and hasattr(x, "shape"):
            model.predict_on_batch(x[:1])  # builds the model, as fit's first step would
        try:
            units = model.output_shape[-1]
        except (AttributeError, TypeError):
            return
        if isinstance(units, int) and units != self.n_classes_ and not (units == 1 and self.n_classes_ == 2):
            raise ValueError(f"The model's output has {units} units, but `y` has {self.n_classes_} classes "
                             f"{self.classes_.tolist()[:10]}. Expected one unit per class (softmax), or one sigmoid "
                             "unit for two classes. Give the build function a `meta` argument to read `n_classes_`.")

    def predict(self, x: Any, **kwargs: Any) -> np.ndarray:
        """Class labels (from `classes_`) for `x`."""
        proba = self._predict_raw(x, kwargs)
        if proba.ndim == 2 and proba.shape[1] > 1:
            index = np.argmax(proba, axis=1)
        else:
            index = (proba.reshape(len(proba)) > 0.5).astype("int64")
        return self.classes_[index]

    def predict_proba(self, x: Any, **kwargs: Any) -> np.ndarray:
        """Class probabilities, one column per class of `classes_` (two columns for a one-unit sigmoid model)."""
        probs = self._predict_raw(x, kwargs)
        probs = probs.reshape(len(probs), -1)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x: Any, y: Any, sample_weight: Any = None, **kwargs: Any) -> float:
        """The accuracy of `predict(x)` against `y` (one-hot `y` is compared by its argmax)."""
        from sklearn.metrics import accuracy_score

        check_is_fitted(self)
        y = np.asarray(y)
        if self._one_hot and y.ndim == 2 and y.shape[1] > 1:
            y = self.classes_[np.argmax(y, axis=1)]
        unknown = sorted(set(kwargs) - set(_model_method_params()["predict"]))
        if unknown:
            raise TypeError(f"score() got unexpected keyword argument(s) {unknown}. Accepted: sample_weight and the "
                            f"arguments of predict: {_model_method_params()['predict']}.")
        predict_args = kwargs
        return float(accuracy_score(y.reshape(len(y)), self.predict(x, **predict_args), sample_weight=sample_weight))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags

    def _more_tags(self) -> dict:  # scikit-learn < 1.6
        return {"poor_score": True}


def _input_shapes(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: tuple(np.shape(v)[1:]) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [tuple(np.shape(v)[1:]) for v in x]
    return tuple(np.shape(x)[1:])


# --- the model inside a pickle: config + weights + compile arguments + optimizer state ---------------------
def _layer_classes(layer: Any, found: dict) -> dict:
    for sub in list(getattr(layer, "_tracked", [])) + [getattr(layer, "_input_layer", None)]:
        if sub is not None:
            if not type(sub).__module__.startswith("neuronet."):
                found[type(sub).__name__] = type(sub)
            _layer_classes(sub, found)
    return found


def _model_state(model: Any) -> dict:
    from neuronet.models import Sequential
    from neuronet.models.functional import Functional
    from neuronet.saving import serialization

    # A subclassed model's config rarely rebuilds it: it is rebuilt with `build_fn` on load instead.
    config = serialization.serialize_layer(model) if isinstance(model, (Sequential, Functional)) else None
    optimizer = model.optimizer
    compile_args = {k: v for k, v in model._compile_config.items() if k != "optimizer"}
    return {"config": config, "custom_objects": _layer_classes(model, {}), "weights": model.get_weights(),
            "compile": compile_args, "optimizer": (type(optimizer), optimizer.get_config()),
            "optimizer_weights": optimizer.get_weights() if optimizer.built else None}


def _model_from_config(state: dict) -> Any:
    from neuronet.saving import serialization

    model = serialization.deserialize_layer(state["config"], state["custom_objects"])
    optimizer_class, optimizer_config = state["optimizer"]
    model.compile(optimizer=optimizer_class.from_config(dict(optimizer_config)), **state["compile"])
    return model


def _restore_model(state: dict, wrapper: BaseWrapper) -> Any:
    model = None
    if state["config"] is not None:
        try:
            model = _model_from_config(state)
        except (TypeError, ValueError, KeyError):
            model = None  # e.g. a layer class that cannot be found: fall back on the build function
    if model is None:
        model = wrapper._build_model()
    if not model.built:
        shapes = wrapper._meta["X_shape_"]
        model.predict_on_batch(_zeros_like_inputs(shapes))  # builds the weights, as `fit` did
    model.set_weights(state["weights"])
    if state["optimizer_weights"] is not None:
        model.optimizer.build(model.trainable_weights)
        model.optimizer.set_weights(state["optimizer_weights"])
    return model


def _zeros_like_inputs(shapes: Any) -> Any:
    if isinstance(shapes, dict):
        return {k: np.zeros((1,) + tuple(v), dtype="float32") for k, v in shapes.items()}
    if isinstance(shapes, list):
        return [np.zeros((1,) + tuple(v), dtype="float32") for v in shapes]
    return np.zeros((1,) + tuple(shapes), dtype="float32")
