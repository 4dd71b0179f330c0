"""Test helpers for layers, public so users can check their own layers the same way."""
from neuronet.autodiff.gradient_check import check_grads  # noqa: F401
from neuronet.testing.layer_test import assert_all_close, run_layer_test  # noqa: F401

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["assert_all_close", "check_grads", "run_layer_test"]


def __dir__():
    return sorted(__all__)
