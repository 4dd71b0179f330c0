"""`keras.saving.save_model` / `load_model` / `save_weights` / `load_weights`: pick the format, check the path.

Formats are recognized by content (HDF5 signature or zip archive), not only by extension, so a misnamed file
still loads and a file of another kind gives a clear error. Every save is atomic (see `atomic.py`).
"""
from __future__ import annotations

import io
import os
from typing import Any, Optional

from neuronet.saving import atomic, keras_zip, legacy_h5, limits
from neuronet.saving.file_kind import as_path as _path, clear_errors as _clear_errors, sniff as _sniff


def save_model(model: Any, filepath: Any, overwrite: bool = True, include_optimizer: bool = True,
               **kwargs: Any) -> None:
    """Save a model (architecture, weights, compile arguments and optimizer state) to `.keras` or `.h5`.

    Args:
        model: the model to save.
        filepath: path ending in `.keras` (Keras 3 zip) or `.h5` / `.hdf5` (tf.keras layout).
        overwrite: whether to replace an existing file (if False, Keras asks on a terminal; elsewhere it refuses).
        include_optimizer: `.h5` only: whether to store the compile arguments and optimizer state.
        **kwargs: `save_format="h5"` or `"keras"` (tf.keras 2 spelling) to choose the format whatever the extension.

    Example:
    >>> import os, tempfile
    >>> import neuronet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> save_model(model, path)
    >>> load_model(path).layers[0].units
    2
    """
    save_format = kwargs.pop("save_format", None)
    if kwargs.pop("zipped", None) is False:
        _unsupported("zipped=False (an unzipped model directory)")
    if kwargs:
        raise TypeError(f"save_model() got unexpected keyword argument(s) {sorted(kwargs)}. Valid: overwrite, "
                        "include_optimizer, save_format.")
    filepath = atomic.check_target(_path(filepath), overwrite)
    fmt = _save_format(filepath, save_format)
    legacy_h5.import_h5py()  # fail before touching anything
    with atomic.atomic_write(filepath) as tmp:
        if fmt == "h5":
            legacy_h5.save_model(model, tmp, include_optimizer=include_optimizer)
        else:
            keras_zip.save_model(model, tmp)


def _save_format(filepath: str, save_format: Optional[str]) -> str:
    if save_format is not None:
        if save_format in ("h5", "hdf5"):
            return "h5"
        if save_format == "keras":
            return "keras"
        if save_format == "tf":
            _unsupported("save_format='tf' (the TensorFlow SavedModel format)")
        raise ValueError(f"Unknown save_format {save_format!r}. Expected 'keras' or 'h5'.")
    lower = filepath.lower()
    if lower.endswith(".keras"):
        return "keras"
    if lower.endswith((".h5", ".hdf5")):
        return "h5"
    raise ValueError("Invalid filepath extension for saving. Please add either a `.keras` extension for the native "
                     f"Keras format (recommended) or a `.h5` extension. Received: filepath={filepath}")


def _unsupported(what: str) -> None:
    raise ValueError(f"{what} is not supported by neuronet: save to a `.keras` file (or `.h5`) instead.")


def load_model(filepath: Any, custom_objects: Optional[dict] = None, compile: bool = True,
               safe_mode: bool = True, max_bytes: Optional[int] = None, isolate: bool = False) -> Any:
    """Load a model saved by neuronet, tf.keras 2 or Keras 3 (`.keras` or `.h5`).

    Loading is bounded: every weight dataset is checked and the total compared with `max_bytes` before any
    array is created, and the rebuilt model may not allocate more than the file holds. Any problem with the
    file is a `ValueError` naming it.

    Args:
        filepath: path to the file.
        custom_objects: dict mapping class or function names in the file to your classes and functions.
        compile: whether to compile the model as it was saved and restore its optimizer state.
        safe_mode: as in Keras: True refuses a `Lambda` holding a Python lambda (bytecode). neuronet never runs code
            from a file: with False, such a function comes from `custom_objects` keyed by the layer name.
        max_bytes: the most bytes of weights the file may declare; default 32x the file's size (at least
            64 MiB). Raise it only for a trusted file whose weights compress unusually well.
        isolate: first read the whole file in a child process (`keras.saving.verify_file`), so that a file
            crafted or damaged to crash the HDF5 library ends the child, not this process, and becomes a
            `ValueError`. Use it for files from untrusted sources (downloads, uploads); it costs a process start.

    Returns:
        The model, compiled if the file holds its compile arguments and `compile=True`.
    """
    filepath = _path(filepath)
    if isolate:
        from neuronet.saving import file_check  # a child process: its modules load only for untrusted files

        file_check.verify_file(filepath, max_bytes=max_bytes)
    source = f"the file {filepath!r}"
    with _clear_errors(source):
        kind = _sniff(filepath)
        atomic.remove_stale_temporaries(os.path.dirname(os.path.abspath(filepath)))
        max_bytes = limits.resolve_max_bytes(max_bytes, filepath)
        if kind == "zip":
            return keras_zip.load_model(filepath, source, custom_objects, compile, safe_mode, max_bytes)
        return legacy_h5.load_model(filepath, source, custom_objects, compile, safe_mode, max_bytes)


def save_weights(model: Any, filepath: Any, overwrite: bool = True) -> None:
    """Save only the weights: `.weights.h5` (Keras 3 layout, with optimizer state) or `.h5` (tf.keras layout)."""
    filepath = atomic.check_target(_path(filepath), overwrite)
    lower = filepath.lower()
    if not lower.endswith((".h5", ".hdf5")):
        raise ValueError("The filename must end in `.weights.h5` (Keras 3 layout) or `.h5` (tf.keras 2 layout). "
                         f"Received: filepath={filepath}")
    if not model.built:
        raise ValueError("You are saving a model that has not yet been built. Try building the model first by "
                         "calling it on some data or by using `build()`.")
    legacy_h5.import_h5py()
    with atomic.atomic_write(filepath) as tmp:
        if lower.endswith(".weights.h5"):
            keras_zip.write_weights(model, tmp)
        else:
            legacy_h5.save_weights(model, tmp)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, by_name: bool = False,
                 max_bytes: Optional[int] = None) -> None:
    """Load weights saved by `save_weights` or `save_model` (`.weights.h5`, `.h5` or `.keras`) into `model`.

    Nothing is assigned unless every weight of the file fits the model (with `skip_mismatch=True`, the misfits are
    skipped with a warning instead). `by_name=True` (legacy `.h5` only) matches layers by name instead of order.
    `max_bytes` bounds the weights the file may declare, as for `load_model`.
    """
    filepath = _path(filepath)
    if not model.built:
        raise ValueError("You are loading weights into a model that has not yet been built. Try building the "
                         "model first by calling it on some data or by using `build()`.")
    source = f"the file {filepath!r}"
    with _clear_errors(source):
        kind = _sniff(filepath)
        atomic.remove_stale_temporaries(os.path.dirname(os.path.abspath(filepath)))
        max_bytes = limits.resolve_max_bytes(max_bytes, filepath)
        if kind == "zip":
            _no_by_name(by_name, filepath)
            with keras_zip.open_archive(filepath, source) as archive:
                data = keras_zip.read_member(archive, keras_zip.WEIGHTS_FILENAME, source,
                                             max_bytes + limits.MIN_MAX_BYTES)
            keras_zip.load_weights(model, io.BytesIO(data), source, skip_mismatch=skip_mismatch, max_bytes=max_bytes)
        elif _is_keras3_layout(filepath, source):
            _no_by_name(by_name, filepath)
            keras_zip.load_weights(model, filepath, source, skip_mismatch=skip_mismatch, max_bytes=max_bytes)
        else:
            legacy_h5.load_weights(model, filepath, source, skip_mismatch=skip_mismatch, by_name=by_name,
                                   max_bytes=max_bytes)


def _no_by_name(by_name: bool, filepath: str) -> None:
    if by_name:
        raise ValueError(f"`by_name=True` is only supported for weights in the legacy `.h5` layout; {filepath!r} "
                         "uses the Keras 3 layout, where weights are matched by the model's structure.")


def _is_keras3_layout(filepath: str, source: str) -> bool:
    with legacy_h5.open_h5(filepath, source) as f, legacy_h5.reading(source):
        legacy = "layer_names" in f.attrs or "layer_names0" in f.attrs or "model_weights" in f
        return not legacy and ("vars" in f or "layers" in f)
