"""Weight initializers (Keras names and defaults); `get("he_normal")` returns an instance."""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple

from neuronet import backend


def _fans(shape: Tuple[int, ...], input_axes: Any = None, output_axes: Any = None) -> Tuple[float, float]:
    """fan_in and fan_out as Keras computes them (receptive field for conv kernels, or the given axes)."""
    if input_axes is not None and output_axes is not None:
        return float(math.prod(shape[a] for a in input_axes)), float(math.prod(shape[a] for a in output_axes))
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    receptive = float(math.prod(shape[:-2])) if len(shape) > 2 else 1.0
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: `init(shape, dtype)` returns a device array (drawn from `backend.random`)."""

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        return cls(**config)

    def _rng(self) -> Any:
        return backend.random.generator(getattr(self, "seed", None))


class Zeros(Initializer):
    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return backend.xp.zeros(shape, dtype=dtype or backend.floatx())


class Ones(Initializer):
    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return backend.xp.ones(shape, dtype=dtype or backend.floatx())


class Constant(Initializer):
    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return backend.xp.full(shape, self.value, dtype=dtype or backend.floatx())

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomNormal(Initializer):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Optional[int] = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return backend.random.normal(shape, self.mean, self.stddev, dtype=dtype, rng=self._rng())

    def get_config(self) -> dict:
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class RandomUniform(Initializer):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Optional[int] = None) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return backend.random.uniform(shape, self.minval, self.maxval, dtype=dtype, rng=self._rng())

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(Initializer):
    """Draws with variance `scale / n`, n = fan_in, fan_out or their mean (`mode`)."""

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Optional[int] = None, input_axes: Any = None, output_axes: Any = None) -> None:
        if scale <= 0:
            raise ValueError(f"`scale` must be positive. Received: scale={scale!r}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` {mode!r}. Expected 'fan_in', 'fan_out' or 'fan_avg'.")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"Invalid `distribution` {distribution!r}. Expected 'truncated_normal', "
                             "'untruncated_normal' or 'uniform'.")
        if (input_axes is None) != (output_axes is None):
            raise ValueError("`input_axes` and `output_axes` are used together (both None, or both lists of axes). "
                             f"Received: input_axes={input_axes!r}, output_axes={output_axes!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        fan_in, fan_out = _fans(tuple(shape), self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return backend.random.uniform(shape, -limit, limit, dtype=dtype, rng=rng)
        if self.distribution == "untruncated_normal":
            return backend.random.normal(shape, 0.0, math.sqrt(variance), dtype=dtype, rng=rng)
        # 0.8796... is the stddev of a unit normal truncated to [-2, 2], as in Keras.
        return backend.random.truncated_normal(shape, math.sqrt(variance) / 0.87962566103423978, dtype=dtype,
                                               rng=rng)

    def get_config(self) -> dict:
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _variance_scaling(name: str, scale: float, mode: str, distribution: str) -> type:
    def __init__(self: Any, seed: Optional[int] = None, input_axes: Any = None, output_axes: Any = None) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self: Any) -> dict:  # Keras 3's keys: the fixed scale/mode/distribution are not written
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                            "__doc__": f"VarianceScaling({scale}, {mode!r}, {distribution!r})."})


GlorotUniform = _variance_scaling("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _variance_scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _variance_scaling("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _variance_scaling("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _variance_scaling("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _variance_scaling("LecunUniform", 1.0, "fan_in", "uniform")

CLASSES = {c.__name__: c for c in (Zeros, Ones, Constant, RandomNormal, RandomUniform, VarianceScaling,
                                   GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform)}
ALIASES = {"zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
           "random_uniform": RandomUniform, "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
           "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
           "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform}


def get(identifier: Any) -> Any:
    """Return an initializer for a Keras name, class name, config dict, instance or callable."""
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = ALIASES.get(identifier) or CLASSES.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}. "
                             f"Expected one of {sorted(ALIASES)}, or an Initializer.")
        return cls()
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}.")


def serialize(initializer: Any) -> Any:
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def deserialize(config: dict) -> Initializer:
    name = config.get("class_name")
    cls = CLASSES.get(name) or ALIASES.get(name)
    if cls is None:
        raise ValueError(f"Unknown initializer class {name!r}. Expected one of {sorted(CLASSES)}.")
    return cls.from_config(config.get("config", {}))

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Initializer", "LecunNormal",
    "LecunUniform", "Ones", "RandomNormal", "RandomUniform", "VarianceScaling", "Zeros", "deserialize", "get",
    "serialize"]


def __dir__():
    return sorted(__all__)
