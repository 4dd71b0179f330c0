"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 kinds of clothing, by Zalando Research."""

from neuronet.datasets import _idx

DATASET = "fashion-mnist"

# Debian's package `dataset-fashion-mnist` installs the four files here, with normalised gzip
# headers: their SHA-256 differs from Zalando's, so they pass on their decompressed SHA-256.
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"

_MIRRORS = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # the one Keras uses
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # Zalando's own
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

# name: (SHA-256 of the published .gz, SHA-256 of its decompressed IDX file)
_CHECKSUMS = {
    "train-images-idx3-ubyte.gz": (
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "train-labels-idx1-ubyte.gz": (
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "t10k-images-idx3-ubyte.gz": (
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
}

FILES = _idx.idx_files(_CHECKSUMS, _MIRRORS)


def load_data():
    """Loads the Fashion-MNIST dataset.

    60,000 training and 10,000 test images of 28x28 pixels (0-255), with labels 0-9: T-shirt/top,
    Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot. A drop-in replacement for
    MNIST. Files are found as described in `neuronet.datasets` (`NEURONET_DATA_DIR`, the cache, then
    Debian's `/usr/share/datasets/fashion-mnist/`), else downloaded, and always checksum-verified.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`; `x_*` are uint8 of shape
        `(60000, 28, 28)` / `(10000, 28, 28)`, `y_*` are uint8 of shape `(60000,)` / `(10000,)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()
    >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape
    ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))

    License: the copyright for Fashion-MNIST is held by Zalando SE; it is licensed under the MIT license.
    """
    debian = ((DEBIAN_DIR, "where `apt install dataset-fashion-mnist` puts them on Debian and Ubuntu"),)
    return _idx.load_idx_files(FILES, DATASET, system_dirs=debian)

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["load_data"]


def __dir__():
    return sorted(__all__)
