"""Reverse-mode automatic differentiation on NumPy. Knows nothing about Keras."""
from neuronet.autodiff import primitives  # noqa: F401
from neuronet.autodiff.gradient_check import check_grads  # noqa: F401
from neuronet.autodiff.graph import PRIMITIVES, backward, grad, grad_enabled, no_grad, primitive, unbroadcast  # noqa: F401
from neuronet.autodiff.tensor import Tensor  # noqa: F401
