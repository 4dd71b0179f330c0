"""CIFAR-10: 60,000 32x32 colour images in 10 classes, by Krizhevsky, Nair and Hinton.

Read from the dataset's *binary* version, `cifar-10-binary.tar.gz`, whose records are plain bytes (a label byte,
then 1024 red, 1024 green and 1024 blue pixel bytes, row by row). Keras reads the Python version, whose batches
are pickles; loading those would run whatever a tampered file holds, so neuronet never does. Both versions hold
the same images in the same order, so the arrays equal Keras's.
"""
import io
import tarfile

import numpy as np

from neuronet.datasets import _files

DATASET = "cifar10"
RECORD_BYTES = 1 + 3 * 32 * 32
_MEMBERS = tuple(f"cifar-10-batches-bin/data_batch_{i}.bin" for i in range(1, 6)) + (
    "cifar-10-batches-bin/test_batch.bin",
)
# The archive is verified as published (170,052,171 bytes; the authors list its MD5,
# c32a1d4ab5d03f1284b67883e8d87530), then read in memory: `decode=bytes`, so its content is the archive itself.
_SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
FILE = _files.DataFile("cifar-10-binary.tar.gz", _SHA256, _SHA256,
                       urls=("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",), decode=bytes)


def _read_batch(tar, member):
    """Images `(n, 32, 32, 3)` and labels `(n,)`, both uint8, from one `.bin` member of the archive."""
    try:
        data = tar.extractfile(member).read()
    except (KeyError, AttributeError) as error:  # AttributeError: the member is not a regular file
        raise ValueError(f"{FILE.name} has no readable {member} ({error!r})") from None
    if not data or len(data) % RECORD_BYTES:
        raise ValueError(f"{member} holds {len(data)} bytes, not a whole number of {RECORD_BYTES}-byte records.")
    records = np.frombuffer(data, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    images = records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # channels last, as Keras returns
    return np.ascontiguousarray(images), records[:, 0].copy()


def load_data():
    """Loads the CIFAR10 dataset.

    50,000 training and 10,000 test images of airplanes, automobiles, birds, cats, deer, dogs, frogs,
    horses, ships and trucks (labels 0-9 in that order). The archive is found as described in
    `neuronet.datasets` (directory `cifar10`) or downloaded into the cache, and checked against its SHA-256.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`; `x_*` are uint8 of shape
        `(50000, 32, 32, 3)` / `(10000, 32, 32, 3)`, `y_*` are uint8 labels of shape `(50000, 1)` / `(10000, 1)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1))
    """
    archive = _files.read(FILE, DATASET)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            batches = [_read_batch(tar, member) for member in _MEMBERS]
    except tarfile.TarError as error:
        raise ValueError(f"{FILE.name} is not a readable tar.gz archive ({error!r})") from None
    x_train = np.concatenate([x for x, _ in batches[:-1]])
    y_train = np.concatenate([y for _, y in batches[:-1]]).reshape(-1, 1)
    x_test, y_test = batches[-1][0], batches[-1][1].reshape(-1, 1)
    return (x_train, y_train), (x_test, y_test)

# The public names: what `dir()` shows and `from ... import *` brings.
__all__ = ["load_data"]


def __dir__():
    return sorted(__all__)
