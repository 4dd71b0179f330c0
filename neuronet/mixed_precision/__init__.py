"""`keras.mixed_precision`: float16 compute with float32 variables, and loss scaling.

`LossScaleOptimizer` (and the optimizer base it needs) loads on first use, so that `import neuronet` stays fast.
"""
from neuronet import _lazy
from neuronet.mixed_precision.policies import DTypePolicy, dtype_policy, get, set_dtype_policy  # noqa: F401

Policy = DTypePolicy  # tf.keras 2's name
set_global_policy = set_dtype_policy
global_policy = dtype_policy

_LAZY = {"LossScaleOptimizer": "optimizers.loss_scale_optimizer"}
__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "get", "global_policy", "set_dtype_policy",
           "set_global_policy"]


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.")
