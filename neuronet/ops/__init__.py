"""`keras.ops`: the operations layers, losses and metrics are written with.

Compositions of autodiff primitives (no calculus here), plus a few non-differentiable
helpers (`argmax`, `one_hot`). They accept Tensors, Variables, arrays and Python scalars.
"""
from neuronet.ops.core import *  # noqa: F401,F403
from neuronet.ops.nn import *  # noqa: F401,F403
from neuronet.ops import core as _core, nn as _nn

__all__ = sorted(set(_core.__all__) | set(_nn.__all__))


def __dir__():
    return list(__all__)
