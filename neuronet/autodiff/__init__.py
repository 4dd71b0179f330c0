"""Reverse-mode automatic differentiation on NumPy. Knows nothing about Keras."""
from neuronet.autodiff import primitives  # noqa: F401
from neuronet.autodiff.graph import PRIMITIVES, backward, grad, grad_enabled, no_grad, primitive, unbroadcast  # noqa: F401
from neuronet.autodiff.tensor import Tensor  # noqa: F401


def __getattr__(name):
    if name == "check_grads":  # for tests and users' own primitives; not needed to train
        from neuronet.autodiff.gradient_check import check_grads

        return check_grads
    raise AttributeError(f"module 'neuronet.autodiff' has no attribute {name!r}")
