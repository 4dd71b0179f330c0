"""MNIST: 70,000 28x28 grayscale images of handwritten digits, by LeCun, Cortes and Burges."""

from neuronet.datasets import _files, _idx

DATASET = "mnist"

# SHA-256 of Keras's own mnist.npz, used only if a copy of it is found locally.
KERAS_NPZ_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"

_MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",  # Google's mirror, used by TensorFlow
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # PyTorch's mirror
    "http://yann.lecun.com/exdb/mnist/",  # the original
)

# name: (SHA-256 of the published .gz, SHA-256 of its decompressed IDX file)
_CHECKSUMS = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

FILES = _idx.idx_files(_CHECKSUMS, _MIRRORS)


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset.

    60,000 training and 10,000 test images of the 10 digits, 28x28 pixels (0-255). Read from the four
    IDX `.gz` files, found as described in `neuronet.datasets` or downloaded, and checksum-verified.

    Args:
        path: name of Keras's `mnist.npz` (or an absolute path to it). Keras downloads that file; we use
            it only if a copy with Keras's SHA-256 is found locally, and otherwise read the IDX files,
            which hold the same arrays.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`; `x_*` are uint8 of shape
        `(60000, 28, 28)` / `(10000, 28, 28)`, `y_*` are uint8 digit labels of shape `(60000,)` / `(10000,)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()
    >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape
    ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative of NIST's datasets,
    made available under the Creative Commons Attribution-Share Alike 3.0 license.
    """
    keys = ("x_train", "y_train", "x_test", "y_test")
    arrays = _files.load_keras_npz(path, DATASET, KERAS_NPZ_SHA256, keys)
    if arrays is not None:
        x_train, y_train, x_test, y_test = arrays
        return (x_train, y_train), (x_test, y_test)
    return _idx.load_idx_files(FILES, DATASET)

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["load_data"]


def __dir__():
    return sorted(__all__)
