"""InputLayer and `Input()`: where a model's data enters, with its shape."""
from __future__ import annotations

from typing import Any, Optional

from neuronet import backend
from neuronet.layers.layer import Layer, without_inert_keys
from neuronet.layers.symbolic import KerasTensor


class InputLayer(Layer):
    """Declares the shape of the inputs (without the batch axis).

    Args:
        shape: shape tuple, not including the batch size (Keras 3 name).
        batch_size: optional fixed batch size.
        input_shape: the tf.keras 2 name of `shape`.

    Example:
    >>> InputLayer(shape=(8,)).batch_shape
    (None, 8)
    """

    def __init__(self, shape: Any = None, batch_size: Optional[int] = None, dtype: Any = None,
                 name: Optional[str] = None, input_shape: Any = None, batch_input_shape: Any = None,
                 batch_shape: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        shape = shape if shape is not None else input_shape
        if batch_shape is None and batch_input_shape is not None:
            batch_shape = batch_input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument to InputLayer, e.g. InputLayer(shape=(8,)).")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._batch_input_shape = self.batch_shape
        self.built = True
        self.output = KerasTensor(self.batch_shape, self.dtype or backend.floatx(), layer=self, name=self.name)
        self._output_shape = self.batch_shape

    def get_config(self) -> dict:
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "sparse": False, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> "InputLayer":
        config = without_inert_keys(config)  # Keras 3's `ragged`/`optional` at False
        if config.pop("sparse", False):
            raise ValueError(f"InputLayer {config.get('name')!r}: sparse inputs are not supported by neuronet. "
                             "Received: sparse=True")
        return cls(**config)


def Input(shape: Any = None, batch_size: Optional[int] = None, dtype: Any = None, name: Optional[str] = None,
          batch_shape: Any = None, **kwargs: Any) -> KerasTensor:
    """Return a symbolic input for a functional or Sequential model.

    Example:
    >>> Input(shape=(8,)).shape
    (None, 8)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, batch_shape=batch_shape,
                       **kwargs)
    return layer.output
