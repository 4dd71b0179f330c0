"""What kind of model file a path holds (HDF5 or zip, by content), and load errors that name the file.

Shared by `saving_api` (which loads) and `file_check` (which verifies a file in a child process before
`load_model(isolate=True)` loads it), so that neither imports the other.
"""
from __future__ import annotations

import contextlib
import os
import struct
import zipfile
import zlib
from typing import Any, Iterator

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")


@contextlib.contextmanager
def clear_errors(source: str) -> Iterator[None]:
    """Whatever h5py, zipfile, zlib or json raise on a damaged file becomes one ValueError naming the file."""
    try:
        yield
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except ValueError as error:
        if source in str(error):
            raise
        raise ValueError(f"Could not load {source}: {error}") from error
    except (OSError, RuntimeError, KeyError, IndexError, TypeError, AttributeError, OverflowError, UnicodeError,
            EOFError, RecursionError, MemoryError, struct.error, zipfile.BadZipFile, zlib.error,
            NotImplementedError) as error:
        raise ValueError(f"Could not load {source}: the file is damaged or not a Keras model file "
                         f"({type(error).__name__}: {error}).") from error


def as_path(filepath: Any) -> str:
    try:
        return os.fspath(filepath)
    except TypeError:
        raise TypeError(f"Expected a file path (str or os.PathLike). Received: {filepath!r} of type "
                        f"{type(filepath).__name__}.") from None


def sniff(filepath: str) -> str:
    """'hdf5' or 'zip' from the file's first bytes; clear errors for missing paths and other kinds of file."""
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No file found at {filepath!r} (current directory: {os.getcwd()!r}). Expected a "
                                "`.keras` or `.h5` file written by `model.save()` or `model.save_weights()`.")
    if os.path.isdir(filepath):
        raise IsADirectoryError(f"{filepath!r} is a directory. neuronet loads `.keras` and `.h5` files; TensorFlow "
                                "SavedModel directories are not supported (re-save the model as `.keras` in Keras).")
    with open(filepath, "rb") as f:
        head = f.read(8)
        if head.startswith(_ZIP_SIGNATURES):
            return "zip"
        for offset in (0, 512, 1024, 2048, 4096):  # HDF5 may follow a user block of 512 * 2**k bytes
            f.seek(offset)
            if f.read(8) == _HDF5_SIGNATURE:
                return "hdf5"
    size = os.path.getsize(filepath)
    if size == 0:
        raise ValueError(f"{filepath!r} is empty (0 bytes): whatever wrote it stopped before writing anything. "
                         "Expected a `.keras` or `.h5` file written by `model.save()`; it is neither an HDF5 file "
                         "nor a zip archive.")
    raise ValueError(f"{filepath!r} is not a Keras model file: it is neither an HDF5 file nor a zip archive "
                     f"({size} bytes, starting with {head!r}). Expected a `.keras` or `.h5` file written by "
                     "`model.save()`; the file may be empty, damaged, or of another kind.")
