"""`keras.optimizers`: SGD, Adam, AdamW, Adamax, RMSprop, Adagrad, Nadam, Lion, Ftrl, schedules, and `get()`.

Every name loads on first use (`keras.optimizers.SGD` imports `neuronet.optimizers.sgd`), so that `import neuronet`
stays fast; `get` and `deserialize` live in `neuronet.optimizers.registry`, `serialize` and the table of built-in
optimizers in `neuronet.optimizers.serialization`.
"""
from neuronet import _lazy

_LAZY = {"Optimizer": "optimizer", "SGD": "sgd", "Adam": "adam", "AdamW": "adamw", "Adamax": "adamax",
         "RMSprop": "rmsprop", "Adagrad": "adagrad", "Nadam": "nadam", "Lion": "lion", "Ftrl": "ftrl",
         "schedules": "schedules", "get": "registry", "deserialize": "registry", "serialize": "serialization",
         "ALL_OBJECTS": "serialization", "LossScaleOptimizer": "loss_scale_optimizer"}
# The public names: what `dir()` shows and `from ... import *` brings. LossScaleOptimizer is listed in
# `keras.mixed_precision` only (see registry.py); the trainer reaches it here without importing it early.
__all__ = sorted(set(_LAZY) - {"ALL_OBJECTS", "LossScaleOptimizer"})


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.optimizers.",
                                        submodules={"schedules"})
