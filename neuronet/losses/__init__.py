"""`keras.losses`: loss functions, `Loss` classes, and `get`/`serialize`/`deserialize`."""
from __future__ import annotations

import inspect
from typing import Any, Optional

from neuronet.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank  # noqa: F401
from neuronet.losses.losses import (  # noqa: F401
    MAE, MAPE, MSE, MSLE, BinaryCrossentropy, CategoricalCrossentropy, Hinge, Huber, KLDivergence, LogCosh,
    LossFunctionWrapper, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge, binary_crossentropy,
    categorical_crossentropy, hinge, huber, kl_divergence, log_cosh, mae, mape, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, mse, msle, poisson,
    sparse_categorical_crossentropy, squared_hinge,
)
from neuronet.utils.object_registration import all_custom_objects, get_registered_name, get_registered_object

ALL_OBJECTS = (
    Loss, LossFunctionWrapper, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCosh, Huber,
    Hinge, SquaredHinge, KLDivergence, Poisson,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error, log_cosh, huber, hinge,
    squared_hinge, kl_divergence, poisson,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy, "mse": mean_squared_error, "MSE": mean_squared_error,
    "mae": mean_absolute_error, "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh,
})


def serialize(loss: Any, module: str = "keras.losses") -> Any:
    """The Keras 3 config of a `Loss` or a loss function (`{"module", "class_name", "config", "registered_name"}`).

    Example:
    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    if loss is None or isinstance(loss, str):
        return loss
    if inspect.isfunction(loss) or inspect.isbuiltin(loss):
        builtin = getattr(loss, "__module__", "").startswith("neuronet.")
        name = loss.__name__ if builtin else get_registered_name(loss)
        return {"module": module if builtin else loss.__module__, "class_name": "function",
                "config": name, "registered_name": name}
    if hasattr(loss, "get_config"):
        builtin = type(loss).__module__.startswith("neuronet.")
        return {"module": module if builtin else type(loss).__module__, "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None if builtin else get_registered_name(type(loss))}
    raise ValueError(f"Cannot serialize {loss!r}: expected a `Loss` instance or a loss function.")


def deserialize_object(config: Any, objects: dict, custom_objects: Optional[dict], kind: str) -> Any:
    """Rebuild an object from a name or a Keras 2/3 config dict, looking names up in `custom_objects` and
    enclosing `custom_object_scope`s, then `objects`, then the `register_keras_serializable` registry."""
    lookup = {**objects, **all_custom_objects(custom_objects)}
    if isinstance(config, str):
        obj = lookup.get(config) or get_registered_object(config)
        if obj is None:
            raise ValueError(_unknown(kind, config, lookup))
        return obj() if inspect.isclass(obj) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not deserialize {kind} config {config!r}: expected a name or a dict with "
                         "'class_name' and 'config'.")
    name, inner = config["class_name"], config.get("config") or {}
    if name in ("function", "__function__"):
        return deserialize_object(inner, objects, custom_objects, kind)
    registered = config.get("registered_name")
    cls = lookup.get(name) or lookup.get(registered) or get_registered_object(registered or name)
    if cls is None or not inspect.isclass(cls):
        raise ValueError(_unknown(kind, name, lookup) + " Pass custom classes in `custom_objects`.")
    return cls.from_config(dict(inner))


def deserialize(name: Any, custom_objects: Optional[dict] = None) -> Any:
    """Rebuild a `Loss` or loss function from `serialize`'s output, a tf.keras config, or a name.

    Example:
    >>> deserialize({"class_name": "Huber", "config": {"delta": 2.0, "reduction": "auto"}}).get_config()["delta"]
    2.0
    """
    return deserialize_object(name, ALL_OBJECTS_DICT, custom_objects, "loss")


def get(identifier: Any) -> Any:
    """A loss function or `Loss` instance from a name (`"mse"`, `"MeanSquaredError"`), a config dict, or a callable.

    Example:
    >>> get("mse").__name__, type(get("CategoricalCrossentropy")).__name__
    ('mean_squared_error', 'CategoricalCrossentropy')
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier)
        if obj is None:  # a custom object (scope or registry), else an error listing the names
            obj = deserialize(identifier)
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}. Expected a name such as 'mse', a "
                         "`Loss`, a config dict, or a callable `fn(y_true, y_pred)`.")
    return obj


def _unknown(kind: str, name: Any, lookup: dict) -> str:
    import difflib  # only for the error message

    close = difflib.get_close_matches(str(name), list(lookup), n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return (f"Could not interpret {kind} identifier: {name!r}.{hint} Expected one of: "
            f"{', '.join(sorted(lookup, key=str.lower))}.")

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["Loss", "LossFunctionWrapper", "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "LogCosh", "Huber", "Hinge", "SquaredHinge", "KLDivergence", "Poisson",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mean_squared_error",
    "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "log_cosh", "huber",
    "hinge", "squared_hinge", "kl_divergence", "poisson", "MAE", "MAPE", "MSE", "MSLE", "mae", "mape", "mse",
    "msle", "get", "serialize", "deserialize"]


def __dir__():
    return sorted(__all__)
