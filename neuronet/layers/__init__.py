"""`keras.layers`."""
from neuronet.layers.core.activation import Activation  # noqa: F401
from neuronet.layers.core.dense import Dense  # noqa: F401
from neuronet.layers.core.identity import Identity  # noqa: F401
from neuronet.layers.core.input_layer import Input, InputLayer  # noqa: F401
from neuronet.layers.core.lambda_layer import Lambda  # noqa: F401
from neuronet.layers.layer import Layer  # noqa: F401
from neuronet.layers.merging.concatenate import Concatenate, concatenate  # noqa: F401
from neuronet.layers.merging.merge_layers import (  # noqa: F401
    Add, Average, Maximum, Minimum, Multiply, Subtract, add, average, maximum, minimum, multiply, subtract,
)
from neuronet.layers.normalization.batch_normalization import BatchNormalization  # noqa: F401
from neuronet.layers.normalization.layer_normalization import LayerNormalization  # noqa: F401
from neuronet.layers.preprocessing.category_encoding import CategoryEncoding  # noqa: F401
from neuronet.layers.preprocessing.discretization import Discretization  # noqa: F401
from neuronet.layers.preprocessing.normalization import Normalization  # noqa: F401
from neuronet.layers.preprocessing.preprocessing_layer import PreprocessingLayer  # noqa: F401
from neuronet.layers.preprocessing.rescaling import Rescaling  # noqa: F401
from neuronet.layers.regularization.dropout import Dropout  # noqa: F401
from neuronet.layers.reshaping.flatten import Flatten  # noqa: F401
from neuronet.layers.reshaping.repeat_vector import RepeatVector  # noqa: F401
from neuronet.layers.reshaping.reshape import Reshape  # noqa: F401
