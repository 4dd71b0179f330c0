"""`keras.wrappers`: use Keras models as scikit-learn estimators.

`keras.wrappers.scikit_learn.KerasRegressor` / `KerasClassifier` follow the tf.keras 2 API (a build function plus
its keyword arguments). scikit-learn is an optional extra (`pip install scikit-learn`): it is imported only when
`keras.wrappers.scikit_learn` (or one of its classes) is first used.
"""
import importlib as _importlib

_CLASSES = {"KerasRegressor", "KerasClassifier"}


def __getattr__(name):
    if name == "scikit_learn":
        return _importlib.import_module("neuronet.wrappers.scikit_learn")
    if name in _CLASSES:
        return getattr(_importlib.import_module("neuronet.wrappers.scikit_learn"), name)
    raise AttributeError(f"module 'neuronet.wrappers' has no attribute {name!r}. Available: scikit_learn, "
                         "KerasRegressor, KerasClassifier.")
