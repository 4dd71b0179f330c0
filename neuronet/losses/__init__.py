"""`keras.losses`: loss functions, `Loss` classes, and `get`/`serialize`/`deserialize`.

Every name loads on first use (`keras.losses.Huber` imports `neuronet.losses.losses`), so that `import neuronet`
stays fast; `get`, `serialize` and `deserialize` live in `neuronet.losses.registry`.
"""
from neuronet import _lazy

_LAZY = {
    **{name: "loss" for name in ("Loss", "reduce_weighted_values", "squeeze_or_expand_to_same_rank")},
    **{name: "losses" for name in (
        "LossFunctionWrapper", "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
        "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
        "LogCosh", "Huber", "Hinge", "SquaredHinge", "KLDivergence", "Poisson", "binary_crossentropy",
        "categorical_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error", "mean_absolute_error",
        "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "log_cosh", "huber", "hinge",
        "squared_hinge", "kl_divergence", "poisson", "MAE", "MAPE", "MSE", "MSLE", "mae", "mape", "mse", "msle",
        "ALL_OBJECTS", "ALL_OBJECTS_DICT")},
    **{name: "registry" for name in ("get", "serialize", "deserialize")},
}
# The public names: what `dir()` shows and `from ... import *` brings (helpers and tables are not among them).
__all__ = sorted(set(_LAZY) - {"reduce_weighted_values", "squeeze_or_expand_to_same_rank", "ALL_OBJECTS",
                               "ALL_OBJECTS_DICT"})


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.losses.")
