"""`keras.models`. Cloning and saving (`clone_model`, `load_model`, ...) load on first use."""
import importlib as _importlib

from neuronet.models.model import Model  # noqa: F401
from neuronet.models.sequential import Sequential  # noqa: F401

_LAZY = {"clone_model": "models.cloning", "model_from_config": "models.cloning",
         "model_from_json": "models.cloning", "load_model": "saving.saving_api", "save_model": "saving.saving_api"}
__all__ = sorted({"Model", "Sequential"} | set(_LAZY))


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_importlib.import_module(f"neuronet.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neuronet.models' has no attribute {name!r}")


def __dir__():
    return list(__all__)
