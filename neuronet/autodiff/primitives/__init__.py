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
from neuronet.autodiff.tensor import Tensor


# Tensor's arithmetic is these primitives. They are attached here rather than written in tensor.py because the
# primitives make Tensors (tensor.py is below them); `neuronet.autodiff` imports this package first, so every
# Tensor has them.
def _reflected(fn):
    def method(self, other):
        return fn(other, self)

    method.__name__ = f"__r{fn.__name__}__"
    return method


def _reshape(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return reshape(self, shape=shape)


def _sum(self, axis=None, keepdims=False):
    return sum(self, axis=axis, keepdims=keepdims)


def _mean(self, axis=None, keepdims=False):
    return mean(self, axis=axis, keepdims=keepdims)


def _getitem(self, index):
    return getitem(self, index=index)


for _name, _fn in {"add": add, "sub": subtract, "mul": multiply, "truediv": divide, "pow": power,
                   "matmul": matmul}.items():
    setattr(Tensor, f"__{_name}__", _fn)
    setattr(Tensor, f"__r{_name}__", _reflected(_fn))
Tensor.__neg__ = negative
Tensor.__getitem__ = _getitem
Tensor.T = property(transpose)
Tensor.reshape, Tensor.sum, Tensor.mean = _reshape, _sum, _mean
