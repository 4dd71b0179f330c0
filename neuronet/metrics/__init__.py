"""`keras.metrics`: stateful metrics, metric functions, `get`/`serialize`/`deserialize`, `resolve_accuracy`.

Every name loads on first use (`keras.metrics.AUC` imports `neuronet.metrics.auc`), so that `import neuronet`
stays fast; `get`, `serialize`, `deserialize` and the tables of names live in `neuronet.metrics.registry`.
"""
from neuronet import _lazy

_LAZY = {
    **{name: "metric" for name in ("Metric", "Mean", "Sum")},
    **{name: "accuracy_metrics" for name in (
        "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
        "SparseTopKCategoricalAccuracy", "accuracy", "binary_accuracy", "categorical_accuracy",
        "sparse_categorical_accuracy", "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
        "resolve_accuracy")},
    **{name: "regression_metrics" for name in (
        "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
        "RootMeanSquaredError", "CosineSimilarity", "LogCoshError", "mean_squared_error", "mean_absolute_error",
        "mean_absolute_percentage_error", "mean_squared_logarithmic_error")},
    **{name: "probabilistic_metrics" for name in (
        "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence", "Poisson")},
    "Hinge": "hinge_metrics", "SquaredHinge": "hinge_metrics", "Precision": "confusion_metrics",
    "Recall": "confusion_metrics", "AUC": "auc", "F1Score": "f_score_metrics", "FBetaScore": "f_score_metrics",
    # MeanMetricWrapper through the registry: it fills the wrapper's table of functions (`from_config` reads it).
    **{name: "registry" for name in ("mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "get", "serialize",
                                     "deserialize", "MeanMetricWrapper", "ALL_OBJECTS_DICT", "LOSS_METRICS",
                                     "FUNCTIONS")},
}
# The public names: what `dir()` shows and `from ... import *` brings (the tables are not among them).
__all__ = sorted(set(_LAZY) - {"ALL_OBJECTS_DICT", "LOSS_METRICS", "FUNCTIONS"})


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.metrics.")
