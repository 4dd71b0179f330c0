"""`keras.layers`."""
from neuronet.layers.core.activation import Activation  # noqa: F401
from neuronet.layers.core.dense import Dense  # noqa: F401
from neuronet.layers.core.input_layer import Input, InputLayer  # noqa: F401
from neuronet.layers.layer import Layer  # noqa: F401
from neuronet.layers.merging.concatenate import Concatenate, concatenate  # noqa: F401
from neuronet.layers.merging.merge_layers import (  # noqa: F401
    Add, Average, Maximum, Minimum, Multiply, Subtract, add, average, maximum, minimum, multiply, subtract,
)
from neuronet.layers.regularization.dropout import Dropout  # noqa: F401
from neuronet.layers.reshaping.flatten import Flatten  # noqa: F401
