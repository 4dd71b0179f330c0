"""`keras.losses` by name: `get`/`serialize`/`deserialize` (the table of names is `losses.ALL_OBJECTS_DICT`).

The package (`neuronet/losses/__init__.py`) loads this module on first use of any of these names.
"""
from __future__ import annotations

import inspect
from typing import Any, Optional

from neuronet.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank  # noqa: F401
from neuronet.losses.losses import (  # noqa: F401
    ALL_OBJECTS, ALL_OBJECTS_DICT, MAE, MAPE, MSE, MSLE, BinaryCrossentropy, CategoricalCrossentropy, Hinge, Huber,
    KLDivergence, LogCosh, LossFunctionWrapper, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy, SquaredHinge, binary_crossentropy,
    categorical_crossentropy, hinge, huber, kl_divergence, log_cosh, mae, mape, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, mse, msle, poisson,
    sparse_categorical_crossentropy, squared_hinge,
)
from neuronet.utils.object_registration import deserialize_object, serialize_object, unknown_name  # noqa: F401


def serialize(loss: Any, module: str = "keras.losses") -> Any:
    """The Keras 3 config of a `Loss` or a loss function (`{"module", "class_name", "config", "registered_name"}`).

    Example:
    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    return serialize_object(loss, module, "a `Loss` instance or a loss function")


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
