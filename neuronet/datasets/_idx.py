"""Parse IDX files (the MNIST / Fashion-MNIST format) with NumPy alone.

An IDX file is a big-endian header `00 00 <type> <ndim>`, then `ndim` uint32 sizes, then the data.
Both data sets use type 0x08 (unsigned byte): labels are 1-D, images are `(n, 28, 28)`.
"""

import numpy as np

from neuronet.datasets import _files

_UNSIGNED_BYTE = 0x08


def parse_idx(content, name):
    """Returns the uint8 array held by the IDX bytes `content`; `name` is used in errors only.

    The array is writable (a copy), like the arrays Keras reads from its `.npz` files.

    Example:
    >>> parse_idx(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]), "tiny").tolist()
    [7, 8, 9]
    """
    header = content[:4]
    if len(header) < 4 or header[:2] != b"\0\0" or header[2] != _UNSIGNED_BYTE:
        raise ValueError(
            f"{name} is not an IDX file of unsigned bytes: expected a header 00 00 08 <ndim>, "
            f"received {header.hex(' ')!r}."
        )
    ndim = header[3]
    shape = tuple(int(size) for size in np.frombuffer(content, ">u4", count=ndim, offset=4))
    offset = 4 + 4 * ndim
    if len(content) - offset != int(np.prod(shape)):
        raise ValueError(
            f"{name}: the header announces shape {shape} ({int(np.prod(shape))} bytes of data), "
            f"but the file holds {len(content) - offset} bytes after the header."
        )
    return np.frombuffer(content, np.uint8, offset=offset).reshape(shape).copy()


IDX_FILES = (("x_train", "train-images-idx3-ubyte.gz"), ("y_train", "train-labels-idx1-ubyte.gz"),
             ("x_test", "t10k-images-idx3-ubyte.gz"), ("y_test", "t10k-labels-idx1-ubyte.gz"))


def idx_files(checksums, mirrors):
    """The four `DataFile`s of an MNIST-style data set: `checksums[name]` = (gz sha256, content sha256)."""
    return {key: _files.DataFile(name, *checksums[name], urls=tuple(mirror + name for mirror in mirrors))
            for key, name in IDX_FILES}


def load_idx_files(files, dataset, system_dirs=()):
    """Reads the four IDX `.gz` files and returns `(x_train, y_train), (x_test, y_test)`.

    Args:
        files: dict with keys `"x_train"`, `"y_train"`, `"x_test"`, `"y_test"` mapping to `DataFile`s.
        dataset: the dataset's directory name, for `_files.read`.
        system_dirs: extra `(directory, description)` pairs searched after the cache.
    """
    arrays = {key: parse_idx(_files.read(f, dataset, system_dirs), f.name) for key, f in files.items()}
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise ValueError(
                f"{dataset}: {len(arrays[f'x_{split}'])} {split} images but {len(arrays[f'y_{split}'])} "
                f"{split} labels; the files {files[f'x_{split}'].name} and {files[f'y_{split}'].name} "
                f"do not belong together."
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
