"""`keras.utils`. `Progbar` and `set_random_seed` load with neuronet; the rest on first use."""
import importlib as _importlib

from neuronet.utils.progbar import Progbar  # noqa: F401
from neuronet.utils.py_dataset import PyDataset, Sequence  # noqa: F401
from neuronet.utils.random import set_random_seed  # noqa: F401

_LAZY = {"normalize": "numerical_utils", "to_categorical": "numerical_utils", "model_to_dot": "model_visualization",
         "plot_model": "model_visualization"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_importlib.import_module(f"neuronet.utils.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neuronet.utils' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def plot_history(*args, **kwargs):
    """Learning curves of a `History` (matplotlib imported on first use)."""
    from neuronet.utils.plotting import plot_history as plot

    return plot(*args, **kwargs)
