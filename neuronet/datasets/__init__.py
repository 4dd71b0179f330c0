"""Small built-in datasets, as in `keras.datasets`: each module has `load_data()`.

`fashion_mnist`, `mnist`, `cifar10` and `california_housing` return `(x_train, y_train), (x_test, y_test)` exactly
as Keras does. Files are looked for, in order, in the directory named by `NEURONET_DATA_DIR` (as
`<dir>/<dataset>/<file>` or `<dir>/<file>`), in the cache `$NEURONET_HOME/datasets/<dataset>/`
(`NEURONET_HOME` defaults to `~/.neuronet`), in Debian's `/usr/share/datasets/fashion-mnist/` for
Fashion-MNIST, and are otherwise downloaded into the cache. Every file is checked against pinned SHA-256s.
Uses NumPy and the standard library only; never unpickles.
"""

from neuronet.datasets import california_housing, cifar10, fashion_mnist, mnist
from neuronet.datasets._files import ChecksumError, DatasetNotFoundError

__all__ = ["ChecksumError", "DatasetNotFoundError", "california_housing", "cifar10", "fashion_mnist", "mnist"]


def __dir__():
    return sorted(__all__)
