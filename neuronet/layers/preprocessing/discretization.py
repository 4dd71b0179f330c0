"""Discretization: continuous values to bucket indices, with boundaries given or learned by `adapt()`."""
from __future__ import annotations

from typing import Any, List, Optional

from neuronet import backend
from neuronet.autodiff import Tensor
from neuronet.layers.preprocessing.preprocessing_layer import PreprocessingLayer
from neuronet.utils import numerical_utils

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(PreprocessingLayer):
    """A preprocessing layer which buckets continuous features by ranges (Keras 3's `Discretization`).

    Bucket `i` holds the values `bin_boundaries[i-1] <= x < bin_boundaries[i]` (bucket 0 below the first boundary).

    Args:
        bin_boundaries: A list of increasing bin boundaries; or None, and `adapt()` learns `num_bins` quantiles.
        num_bins: The number of bins `adapt()` computes (give this or `bin_boundaries`).
        epsilon: Kept for Keras compatibility: neuronet keeps every adapted value and computes the quantiles Keras's
            summary approximates (exact: the inverted-CDF interpolation, numpy's "interpolated_inverted_cdf").
        output_mode: "int" (bucket indices) or "one_hot" / "multi_hot" / "count" (as `CategoryEncoding`).
        sparse: Not supported by neuronet.

    Example:
    >>> Discretization(bin_boundaries=[0.0, 1.0])(np.array([[-1.0, 0.5, 2.0]])).numpy()
    array([[0, 1, 2]], dtype=int32)
    >>> layer = Discretization(num_bins=4)
    >>> layer.adapt(np.arange(8.0)); layer.bin_boundaries
    [1.0, 3.0, 5.0]
    """

    def __init__(self, bin_boundaries: Optional[List[float]] = None, num_bins: Optional[int] = None,
                 epsilon: float = 0.01, output_mode: str = "int", sparse: bool = False, dtype: Any = None,
                 name: Optional[str] = None, **kwargs: Any) -> None:
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of {OUTPUT_MODES}. "
                             f"Received: output_mode={output_mode!r}")
        if sparse:
            raise ValueError("Discretization: `sparse=True` is not supported by neuronet. Received: sparse=True")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(f"Both `num_bins` and `bin_boundaries` should not be set. Received: "
                             f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        if bin_boundaries is not None and any(float(b) < float(a) for a, b in zip(bin_boundaries, bin_boundaries[1:])):
            raise ValueError(f"`bin_boundaries` must be sorted in increasing order. Received: {bin_boundaries}")
        super().__init__(dtype=dtype, name=name, **kwargs)
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins, self.epsilon, self.output_mode, self.sparse = num_bins, float(epsilon), output_mode, False
        self.built = True

    def adapt(self, data: Any, batch_size: Any = None, steps: Any = None) -> None:
        """Learn `num_bins - 1` boundaries: the quantiles of `data` at 1/num_bins, 2/num_bins, ..."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                             "use `num_bins` instead.")
        super().adapt(data, batch_size=batch_size, steps=steps)

    def reset_state(self) -> None:
        self._seen: List[Any] = []  # host batches: the quantiles are computed on the host at the end

    def update_state(self, data: Any) -> None:
        values = backend.to_numpy(data)
        if numerical_utils.nonfinite_count(values):
            raise ValueError(f"Discretization {self.name!r}: adapt() received NaN or infinite values; remove or "
                             "impute them first.")
        self._seen.append(values)

    def finalize_state(self) -> None:
        self.bin_boundaries = numerical_utils.quantile_boundaries(self._seen, self.num_bins)
        del self._seen

    def call(self, inputs: Any) -> Any:
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization {self.name!r} has no bin boundaries yet: call `adapt(data)` first, or "
                             "pass `bin_boundaries`.")
        xp = backend.get_array_module(inputs.data)
        indices = xp.digitize(inputs.data, xp.asarray(self.bin_boundaries, dtype=inputs.dtype)).astype("int32")
        if self.output_mode == "int":
            return Tensor(indices)
        depth = len(self.bin_boundaries) + 1
        return Tensor(numerical_utils.encode_categorical_inputs(indices, self.output_mode, depth, backend.floatx(),
                                                                who=f"Discretization {self.name!r}"))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (depth,)
        return shape[:-1] + (depth,)

    @classmethod
    def from_config(cls, config: dict) -> "Discretization":
        """After `adapt`, the config holds both `num_bins` and the learned `bin_boundaries` (as in Keras)."""
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None) if config.get("num_bins") is not None else None
        layer = cls(**config)
        if boundaries is not None:
            layer.bin_boundaries = [float(b) for b in boundaries]
            layer._is_adapted = True
        return layer

    def get_config(self) -> dict:
        config = {k: v for k, v in super().get_config().items() if k != "trainable"}  # Keras 3 writes none,
        config["dtype"] = self.dtype  # and the dtype's name, not a DTypePolicy
        return {**config, "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse}
