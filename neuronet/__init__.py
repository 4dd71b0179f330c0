"""neuronet: the Keras API, trained by its own reverse-mode autodiff on NumPy.

`import neuronet as keras` runs Keras code on the CPU with NumPy as the only dependency.
Importing loads the engine, the core layers and the model classes; callbacks, `GradientTape` and the optional parts
(datasets, saving, wrappers, tuners) are imported on first use, so importing stays fast.
"""
from neuronet import _lazy
from neuronet import activations, backend, config, initializers, layers, losses, metrics, models  # noqa: F401
from neuronet import constraints, mixed_precision, ops, optimizers, regularizers, utils  # noqa: F401
from neuronet.layers import Input, Layer  # noqa: F401
from neuronet.models import Model, Sequential  # noqa: F401  (models first: saving finds their classes registered)
from neuronet.variables import Variable  # noqa: F401
from neuronet.version import __version__  # noqa: F401

_SUBMODULES = {"autodiff", "callbacks", "datasets", "perceptron", "saving", "summary", "testing", "tuners", "tuning",
               "wrappers"}
_LAZY = {**{name: name for name in _SUBMODULES}, "GradientTape": "gradient_tape", "Perceptron": "perceptron"}
__all__ = sorted({"GradientTape", "Input", "Layer", "Model", "Perceptron", "Sequential", "Variable", "__version__",
                  "activations", "backend", "config", "constraints", "initializers", "layers", "losses", "metrics",
                  "mixed_precision", "models", "ops", "optimizers", "regularizers", "utils"} | _SUBMODULES)


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.", submodules=_SUBMODULES)
