"""`keras.metrics` by name: the tables of metric classes and functions, and `get`/`serialize`/`deserialize`.

The package (`neuronet/metrics/__init__.py`) loads this module on first use of any of these names, and of
`MeanMetricWrapper`, whose table of functions (`metric.FUNCTIONS`) this module fills.
"""
from __future__ import annotations

import inspect
from typing import Any, Optional

from neuronet.losses import losses as _losses
from neuronet.utils.naming import to_snake_case as _snake_case
from neuronet.utils.object_registration import (
    deserialize_object as _deserialize_object, serialize_object as _serialize_object, unknown_name as _unknown,
)
from neuronet.metrics.accuracy_metrics import (  # noqa: F401
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy, accuracy, binary_accuracy, categorical_accuracy, resolve_accuracy,
    sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, top_k_categorical_accuracy,
)
from neuronet.metrics.auc import AUC  # noqa: F401
from neuronet.metrics.confusion_metrics import Precision, Recall  # noqa: F401
from neuronet.metrics.f_score_metrics import F1Score, FBetaScore  # noqa: F401
from neuronet.metrics.hinge_metrics import Hinge, SquaredHinge  # noqa: F401
from neuronet.metrics.metric import FUNCTIONS, Mean, MeanMetricWrapper, Metric, Sum  # noqa: F401
from neuronet.metrics.probabilistic_metrics import (  # noqa: F401
    BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, Poisson, SparseCategoricalCrossentropy,
)
from neuronet.metrics.regression_metrics import (  # noqa: F401
    CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, RootMeanSquaredError, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
)
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error

_CLASSES = (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, RootMeanSquaredError, CosineSimilarity, LogCoshError, Precision, Recall, AUC,
    F1Score, FBetaScore,
)
# Classes of loss metrics: found by class name; their snake_case names stay the plain loss functions below.
_LOSS_CLASSES = (BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson,
                 Hinge, SquaredHinge)
# Names a string in `metrics=[...]` may use: class names, their snake_case, and Keras's aliases.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update({
    "acc": Accuracy, "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError, "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})
ALL_OBJECTS_DICT.update({cls.__name__: cls for cls in _LOSS_CLASSES})
ALL_OBJECTS_DICT["auc"] = AUC
# Loss functions usable as metrics: the running mean of the loss, computed without a graph.
LOSS_METRICS = {
    "binary_crossentropy": _losses.binary_crossentropy, "bce": _losses.binary_crossentropy,
    "BCE": _losses.binary_crossentropy, "categorical_crossentropy": _losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": _losses.sparse_categorical_crossentropy, "hinge": _losses.hinge,
    "squared_hinge": _losses.squared_hinge, "kl_divergence": _losses.kl_divergence, "kld": _losses.kl_divergence,
    "KLD": _losses.kl_divergence, "poisson": _losses.poisson, "log_cosh": _losses.log_cosh,
    "logcosh": _losses.log_cosh, "huber": _losses.huber,
}
# Functions a serialized `MeanMetricWrapper` may name: the table lives with the wrapper (metric.py), filled here.
FUNCTIONS.update({**LOSS_METRICS, **{fn.__name__: fn for fn in (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error)}, "mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape,
    "msle": msle, "MSLE": msle})


def serialize(metric: Any) -> Any:
    """The Keras 3 config of a `Metric` or metric function.

    Example:
    >>> serialize(BinaryAccuracy(threshold=0.7))["config"]["threshold"]
    0.7
    """
    return _serialize_object(metric, "keras.metrics", "a `Metric` instance or a metric function")


def deserialize(config: Any, custom_objects: Optional[dict] = None) -> Any:
    """A `Metric` (or metric function) from `serialize`'s output, a tf.keras config, or a name.

    Example:
    >>> deserialize({"module": "keras.metrics", "class_name": "function", "config": "mse"}).__name__
    'mean_squared_error'
    """
    if isinstance(config, dict) and config.get("class_name") in ("function", "__function__"):
        return _deserialize_object(config.get("config"), FUNCTIONS, custom_objects, "metric function")
    objects = {**ALL_OBJECTS_DICT, "Metric": Metric, "MeanMetricWrapper": MeanMetricWrapper}
    if isinstance(config, str) and config not in objects and config in LOSS_METRICS:
        return MeanMetricWrapper(LOSS_METRICS[config], name=config)
    return _deserialize_object(config, objects, custom_objects, "metric")


def get(identifier: Any) -> Optional[Metric]:
    """A `Metric` from a name (named as typed: `get("mse").name == "mse"`), a config, a class, or a function.

    `"accuracy"`/`"acc"` give the plain `Accuracy`; `compile()` uses `resolve_accuracy` to pick the one the
    shapes of the first targets and outputs mean. Functions `fn(y_true, y_pred)` are wrapped in `MeanMetricWrapper`.

    Example:
    >>> m = get("mse"); type(m).__name__, m.name
    ('MeanSquaredError', 'mse')
    """
    if identifier is None or isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier in ALL_OBJECTS_DICT:
            return ALL_OBJECTS_DICT[identifier](name=identifier)
        if identifier in LOSS_METRICS:
            return MeanMetricWrapper(LOSS_METRICS[identifier], name=identifier)
        names = {**ALL_OBJECTS_DICT, **LOSS_METRICS}
        raise ValueError(_unknown("metric", identifier, names))
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
        return obj if isinstance(obj, Metric) else MeanMetricWrapper(obj)
    if inspect.isclass(identifier) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}. Expected a name such as 'accuracy' "
                     "or 'mse', a `Metric`, a config dict, or a function `fn(y_true, y_pred)`.")
