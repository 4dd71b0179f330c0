"""`keras.layers`.

The layers a plain `Sequential` + `fit` uses load with neuronet; the others (activation layers, normalization,
preprocessing, reshaping, merging, Lambda) load on first use (`keras.layers.BatchNormalization`), so that
importing stays fast.
"""
from neuronet import _lazy

from neuronet.layers.core.activation import Activation  # noqa: F401
from neuronet.layers.core.dense import Dense  # noqa: F401
from neuronet.layers.core.input_layer import Input, InputLayer  # noqa: F401
from neuronet.layers.layer import Layer  # noqa: F401
from neuronet.layers.regularization.dropout import Dropout  # noqa: F401
from neuronet.layers.reshaping.flatten import Flatten  # noqa: F401

_LAZY = {
    "LeakyReLU": "activations.leaky_relu", "PReLU": "activations.prelu", "ReLU": "activations.relu",
    "Softmax": "activations.softmax",
    "Identity": "core.identity", "Lambda": "core.lambda_layer",
    "Concatenate": "merging.concatenate", "concatenate": "merging.concatenate",
    **{name: "merging.merge_layers" for name in ("Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract",
                                                  "add", "average", "maximum", "minimum", "multiply", "subtract")},
    "BatchNormalization": "normalization.batch_normalization",
    "LayerNormalization": "normalization.layer_normalization",
    "CategoryEncoding": "preprocessing.category_encoding", "Discretization": "preprocessing.discretization",
    "Normalization": "preprocessing.normalization", "PreprocessingLayer": "preprocessing.preprocessing_layer",
    "Rescaling": "preprocessing.rescaling", "RepeatVector": "reshaping.repeat_vector", "Reshape": "reshaping.reshape",
}
# The public names: what `dir()` shows and `from ... import *` brings (the lazy ones included).
__all__ = sorted({"Activation", "Dense", "Dropout", "Flatten", "Input", "InputLayer", "Layer"} | set(_LAZY))


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.layers.")
