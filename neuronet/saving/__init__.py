"""`keras.saving`: save and load models and weights (`.keras`, `.h5`, `.weights.h5`), custom object registry.

The functions are imported on first use: models import `serialization` from here, and importing neuronet should
not pay for the file formats (zipfile, the HDF5 code) until something is saved or loaded.
"""
import importlib as _importlib

_EXPORTS = {
    "save_model": "saving_api", "load_model": "saving_api", "save_weights": "saving_api", "load_weights": "saving_api",
    "register_keras_serializable": "serialization", "get_custom_objects": "serialization",
    "custom_object_scope": "serialization", "CustomObjectScope": "serialization", "verify_file": "file_check",
    "get_registered_name": "serialization", "get_registered_object": "serialization",
}

__all__ = ["CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
           "get_registered_object", "load_model", "load_weights", "register_keras_serializable", "save_model",
           "save_weights", "verify_file"]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(_importlib.import_module(f"neuronet.saving.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'neuronet.saving' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
