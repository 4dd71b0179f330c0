"""`keras.ops`: the operations layers, losses and metrics are written with.

Compositions of autodiff primitives (no calculus here), plus a few non-differentiable
helpers (`argmax`, `one_hot`). They accept Tensors, Variables, arrays and Python scalars.
"""
from neuronet.ops.core import *  # noqa: F401,F403
from neuronet.ops.nn import *  # noqa: F401,F403
