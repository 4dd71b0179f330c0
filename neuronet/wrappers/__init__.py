"""`keras.wrappers`: use Keras models as scikit-learn estimators.

`keras.wrappers.SKLearnClassifier` / `SKLearnRegressor` / `SKLearnTransformer` follow Keras 3 (a compiled model, or
a function building one, plus `model_kwargs` and `fit_kwargs`).
`keras.wrappers.scikit_learn.KerasRegressor` / `KerasClassifier` follow the tf.keras 2 API (a build function plus
its keyword arguments). scikit-learn is an optional extra (`pip install scikit-learn`): it is imported only when
one of these names is first used.
"""
import importlib as _importlib

_EXPORTS = {"KerasRegressor": "scikit_learn", "KerasClassifier": "scikit_learn", "SKLearnClassifier": "sklearn_wrapper",
            "SKLearnRegressor": "sklearn_wrapper", "SKLearnTransformer": "sklearn_wrapper"}
__all__ = ["KerasClassifier", "KerasRegressor", "SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer",
           "scikit_learn"]


def __getattr__(name):
    if name == "scikit_learn":
        return _importlib.import_module("neuronet.wrappers.scikit_learn")
    if name in _EXPORTS:
        return getattr(_importlib.import_module(f"neuronet.wrappers.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'neuronet.wrappers' has no attribute {name!r}. Available: {', '.join(__all__)}.")


def __dir__():
    return sorted(__all__)
