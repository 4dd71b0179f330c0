"""CategoryEncoding: integer category indices as one-hot, multi-hot or count vectors."""
from __future__ import annotations

from typing import Any

from neuronet.autodiff import Tensor
from neuronet.layers.layer import Layer
from neuronet.utils import numerical_utils

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


class CategoryEncoding(Layer):
    """A preprocessing layer which encodes integer features (Keras 3's `CategoryEncoding`).

    Args:
        num_tokens: The total number of tokens the layer should support; inputs must be in [0, num_tokens).
        output_mode: "one_hot" (one vector per value; a trailing axis of size 1 is replaced), "multi_hot" (one
            vector for the values along the last axis, a 1 for each value present; a 1-D input is one sample, as in
            Keras) or "count" (like multi_hot, counting repeats).
        sparse: Not supported by neuronet (dense outputs only).

    Call arguments: `count_weights` (same shape as the inputs, output_mode="count" only) weighs each count.

    Example:
    >>> CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 0])).numpy()
    array([[0., 0., 0., 1.],
           [1., 0., 0., 0.]], dtype=float32)
    """

    def __init__(self, num_tokens: Any = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any) -> None:
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Unknown arg for output_mode: {output_mode!r}. Expected one of {OUTPUT_MODES}.")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, compute it from the data first (e.g. `int(x.max()) + 1`).")
        if not isinstance(num_tokens, int) or isinstance(num_tokens, bool) or num_tokens < 1:
            raise ValueError(f"`num_tokens` must be an integer >= 1. Received: num_tokens={num_tokens!r}.")
        if sparse:
            raise ValueError("CategoryEncoding: `sparse=True` is not supported by neuronet (no sparse tensors). "
                             "Received: sparse=True")
        super().__init__(**kwargs)
        self.num_tokens, self.output_mode, self.sparse = num_tokens, output_mode, False
        self.built = True

    def __call__(self, inputs: Any, count_weights: Any = None, **kwargs: Any) -> Any:
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"`count_weights` is not used when `output_mode` is not 'count'. Received "
                                 f"`count_weights={count_weights}`.")
            kwargs["count_weights"] = count_weights
        return super().__call__(inputs, **kwargs)

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        weights = count_weights.data if isinstance(count_weights, Tensor) else count_weights
        return Tensor(numerical_utils.encode_categorical_inputs(inputs.data, self.output_mode, self.num_tokens,
                                                                self.dtype, weights, f"CategoryEncoding {self.name!r}"))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (self.num_tokens,)
        return shape[:-1] + (self.num_tokens,)

    def get_config(self) -> dict:
        # Keras 3 writes no "sparse" key (always False here).
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
