"""neuronet: the Keras API, trained by its own reverse-mode autodiff on NumPy.

`import neuronet as keras` runs Keras code on the CPU with NumPy as the only dependency.
Optional parts (datasets, saving, wrappers) are imported on first use, so importing stays fast.
"""
import importlib as _importlib

from neuronet import activations, backend, callbacks, config, initializers, layers, losses, metrics, models  # noqa: F401
from neuronet import constraints, mixed_precision, ops, optimizers, regularizers, utils  # noqa: F401
from neuronet.gradient_tape import GradientTape  # noqa: F401
from neuronet.layers import Input, Layer  # noqa: F401
from neuronet.models import Model, Sequential  # noqa: F401
from neuronet.variables import Variable  # noqa: F401
from neuronet.version import __version__  # noqa: F401

_LAZY = {"datasets", "perceptron", "saving", "summary", "wrappers", "tuners", "tuning", "testing"}
__all__ = sorted({"GradientTape", "Input", "Layer", "Model", "Perceptron", "Sequential", "Variable", "__version__",
                  "activations", "autodiff", "backend", "callbacks", "config", "constraints", "initializers", "layers",
                  "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "regularizers", "utils"} | _LAZY)


def __getattr__(name):
    if name in _LAZY:
        return _importlib.import_module(f"neuronet.{name}")
    if name == "Perceptron":
        return _importlib.import_module("neuronet.perceptron").Perceptron
    raise AttributeError(f"module 'neuronet' has no attribute {name!r}")


def __dir__():
    return list(__all__)
