"""Bounded loading: a file gets as much memory as it justifies, and is refused with a clear error beyond that.

Before any array is created, a load reads every weight dataset's shape and stored size from the file, refuses
datasets that are not honest stored values (fill values with no storage, one dataset linked under several names,
a stored size far below the declared one), and compares the total with `max_bytes` (by default derived from the
file's size). The model rebuilt from the config may then allocate no more than the file holds: a config that
declares `Dense(2**23)` over a small file is refused before its kernel exists. Text members (`config.json`,
the `model_config` attribute) are capped in size and their nesting depth is limited.
"""
from __future__ import annotations

import contextlib
import json
import os
from typing import Any, Iterator, Optional

import numpy as np

MAX_CONFIG_BYTES = 64 * 2**20  # config.json / model_config: a 1,000-layer model's config is ~2 MB
MAX_CONFIG_DEPTH = 100  # a Sequential in a Functional in ... nests ~4 levels per model
MIN_MAX_BYTES = 64 * 2**20
FILE_SIZE_FACTOR = 32  # honest files store their weights (Keras writes them uncompressed); zeros compress better
_MAX_EXPANSION = 1000


def default_max_bytes(filepath: str) -> int:
    """The weight bytes a file may declare unless `max_bytes` says otherwise: 32x its size, at least 64 MiB.

    Example:
    >>> default_max_bytes(__file__) == 64 * 2**20
    True
    """
    return max(MIN_MAX_BYTES, FILE_SIZE_FACTOR * os.path.getsize(filepath))


def resolve_max_bytes(max_bytes: Optional[int], filepath: str) -> int:
    if max_bytes is None:
        return default_max_bytes(filepath)
    if not isinstance(max_bytes, (int, np.integer)) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise ValueError(f"`max_bytes` must be a positive integer (bytes) or None. Received: max_bytes={max_bytes!r}")
    return int(max_bytes)


def _too_large(what: str, size: int, limit: int, source: str, fix: str) -> ValueError:
    return ValueError(f"Refusing to load {source}: {what} needs {size:,} bytes, over the limit of {limit:,}. {fix}")


def parse_json(data: Any, source: str, what: str, limit: int = MAX_CONFIG_BYTES) -> Any:
    """JSON text (bytes or str) of at most `limit` bytes and `MAX_CONFIG_DEPTH` levels of nesting."""
    if len(data) > limit:
        raise _too_large(f"its {what}", len(data), limit, source, "A model config is a few MB at most.")
    try:
        value = json.loads(data.decode("utf8") if isinstance(data, (bytes, bytearray)) else data)
    except RecursionError:
        raise ValueError(f"The {what} in {source} is nested too deeply to be a model config.") from None
    except (UnicodeError, ValueError) as error:
        raise ValueError(f"The {what} in {source} is not valid JSON ({type(error).__name__}: {error}).") from None
    depth = nesting_depth(value)
    if depth > MAX_CONFIG_DEPTH:
        raise ValueError(f"The {what} in {source} is nested {depth} levels deep; a model config needs far fewer "
                         f"(limit {MAX_CONFIG_DEPTH}). The file is damaged or crafted.")
    return value


def nesting_depth(value: Any, stop: int = MAX_CONFIG_DEPTH + 1) -> int:
    """Depth of nested lists/dicts, counted without recursion (stops counting past `stop`).

    Example:
    >>> nesting_depth({"a": [1, [2]]})
    3
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (list, dict)):
            continue
        deepest = max(deepest, depth)
        if deepest >= stop:
            return deepest
        stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def read_capped(handle: Any, limit: int, source: str, what: str) -> bytes:
    """Read a stream, refusing it as soon as it passes `limit` bytes (headers that lie do not matter)."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise _too_large(what, len(data), limit, source, "Pass a larger `max_bytes` if the file is trusted.")
    return data


def check_dataset_storage(dataset: Any, name: str) -> int:
    """A weight dataset's declared size in bytes, after checking that it is stored honestly in the file."""
    import h5py

    declared = int(np.prod(dataset.shape, dtype=np.float64)) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared and not stored:
        raise ValueError(f"Refusing dataset {name!r}: it declares {declared:,} bytes but stores none (only a fill "
                         "value): Keras never writes such datasets.")
    if declared > MIN_MAX_BYTES and declared > _MAX_EXPANSION * stored:
        raise ValueError(f"Refusing dataset {name!r}: it declares {declared:,} bytes but stores {stored:,} (a "
                         "decompression or shape bomb).")
    if h5py.h5o.get_info(dataset.id).rc > 1:
        raise ValueError(f"Refusing dataset {name!r}: it is linked under several names in the file (a value "
                         "counted several times); Keras writes each weight once.")
    return declared


def scan_weights(h5file: Any, source: str, max_bytes: int) -> int:
    """Total declared bytes of every dataset in the file, each checked; refuse over `max_bytes`."""
    import h5py

    total = 0

    def visit(name: str, obj: Any) -> None:
        nonlocal total
        if isinstance(obj, h5py.Dataset):
            total += check_dataset_storage(obj, name)

    h5file.visititems(visit)
    if total > max_bytes:
        raise _too_large("its weights", total, max_bytes, source,
                         "Pass `max_bytes=` to `load_model`/`load_weights` if the file is trusted and this large.")
    return total


@contextlib.contextmanager
def building_within(total_bytes: int, source: str) -> Iterator[None]:
    """Rebuild a model from a config allowed to create only the weights the file holds (plus a little)."""
    from neuronet import variables

    allowance = int(total_bytes * 1.01) + 2**20
    with variables.allocation_limit(allowance, f"the weights stored in {source} ({total_bytes:,} bytes)"):
        yield


def check_shape_bytes(shape: Any, itemsize: int, limit: int, what: str, source: str) -> None:
    size = int(np.prod([1 if d is None else int(d) for d in shape], dtype=np.float64)) * itemsize
    if size > limit:
        raise _too_large(what, size, limit, source, "The config declares shapes larger than the file's weights.")
