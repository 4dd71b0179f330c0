"""`keras.mixed_precision`: float16 compute with float32 variables, and loss scaling."""
from neuronet.mixed_precision.policies import DTypePolicy, dtype_policy, get, set_dtype_policy  # noqa: F401
from neuronet.optimizers.loss_scale_optimizer import LossScaleOptimizer  # noqa: F401

Policy = DTypePolicy  # tf.keras 2's name
set_global_policy = set_dtype_policy
global_policy = dtype_policy
