"""`keras.models`. Cloning and saving (`clone_model`, `load_model`, ...) load on first use."""
from neuronet import _lazy

from neuronet.models.functional import Functional as _Functional  # noqa: F401  (registers it: see model.py)
from neuronet.models.model import Model  # noqa: F401
from neuronet.models.sequential import Sequential  # noqa: F401

_LAZY = {"clone_model": "models.cloning", "model_from_config": "models.cloning",
         "model_from_json": "models.cloning", "load_model": "saving.saving_api", "save_model": "saving.saving_api"}
__all__ = sorted({"Model", "Sequential"} | set(_LAZY))


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.")
