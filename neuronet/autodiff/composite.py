"""Operations composed from primitives: their gradients come for free."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff import primitives as p
from neuronet.autodiff.tensor import Tensor


def square(x: Any) -> Tensor:
    return p.multiply(x, x)
