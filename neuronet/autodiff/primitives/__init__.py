"""The only place with calculus: every differentiable operation of the engine."""
from neuronet.autodiff.primitives.elementwise import (  # noqa: F401
    abs, add, cast, clip, divide, erf, exp, log, maximum, minimum, multiply, negative, power,
    sigmoid, softplus, sqrt, subtract, tanh, where,
)
from neuronet.autodiff.primitives.linalg import matmul  # noqa: F401
from neuronet.autodiff.primitives.nn import (  # noqa: F401
    dense, log_softmax, mean_squared_difference, softmax, sparse_softmax_cross_entropy,
)
from neuronet.autodiff.primitives.normalization import moments, moments_normalization, scale_shift  # noqa: F401
from neuronet.autodiff.primitives.reduction import max, mean, sum  # noqa: F401
from neuronet.autodiff.primitives.shape import (  # noqa: F401
    broadcast_to, concatenate, getitem, reshape, take_along_axis, transpose,
)
