"""`keras.utils`. Every name loads on first use (`keras.utils.Progbar`), so that `import neuronet` stays fast."""
from neuronet import _lazy

_LAZY = {"Progbar": "utils.progbar", "PyDataset": "utils.py_dataset", "Sequence": "utils.py_dataset",
         "set_random_seed": "utils.random",
         "normalize": "utils.numerical_utils", "to_categorical": "utils.numerical_utils",
         "model_to_dot": "utils.model_visualization", "plot_model": "utils.model_visualization",
         "get_file": "utils.file_utils",
         **{name: "utils.object_registration" for name in ("CustomObjectScope", "custom_object_scope",
                                                            "get_custom_objects", "get_registered_name",
                                                            "get_registered_object", "register_keras_serializable")}}

__all__ = sorted({"plot_history"} | set(_LAZY))


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.")


def plot_history(*args, **kwargs):
    """Learning curves of a `History` (matplotlib imported on first use)."""
    from neuronet.utils.plotting import plot_history as plot

    return plot(*args, **kwargs)
