"""Find, verify and download dataset files: the one place where loaders touch disk or network.

A file is looked for, in order, in:

1. `$NEURONET_DATA_DIR/<dataset>/<name>`, then `$NEURONET_DATA_DIR/<name>`;
2. the cache, `$NEURONET_HOME/datasets/<dataset>/<name>` (`NEURONET_HOME` defaults to `~/.neuronet`);
3. the caches users already have: Keras's `$KERAS_HOME/datasets/<dataset>/` and `$KERAS_HOME/datasets/`
   (`KERAS_HOME` defaults to `~/.keras`), and the directories a loader adds (scikit-learn's
   `~/scikit_learn_data/` for California housing);
4. system directories that a loader names (Debian's `/usr/share/datasets/fashion-mnist/`);

and only then downloaded into the cache, atomically (a temporary file renamed into place once verified).

Every file is checked against pinned SHA-256s before it is used: the SHA-256 of the published file, or,
failing that, the SHA-256 of its content (the decompressed bytes of a `.gz`, the data member of a `.tgz`).
The second check exists because packagers such as Debian rewrite gzip headers (MTIME, FNAME): the bytes
change, the data does not. Uses the standard library only (urllib, gzip, tarfile, hashlib).
"""

import dataclasses
import gzip
import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.request
import zlib
from collections.abc import Callable

import numpy as np

DATA_DIR_ENV = "NEURONET_DATA_DIR"
HOME_ENV = "NEURONET_HOME"
KERAS_HOME_ENV = "KERAS_HOME"
DOWNLOAD_TIMEOUT = 60  # seconds without data before a mirror counts as down


class DatasetNotFoundError(FileNotFoundError):
    """No local copy of a dataset file was found and it could not be downloaded."""


class ChecksumError(ValueError):
    """A dataset file matches neither its published SHA-256 nor its content SHA-256."""


@dataclasses.dataclass(frozen=True)
class DataFile:
    """A published dataset file and how to verify and read it.

    Args:
        name: file name, as published (`"train-labels-idx1-ubyte.gz"`).
        sha256: SHA-256 of the published file's bytes.
        content_sha256: SHA-256 of `decode(bytes)`, accepted when the file's bytes differ
            (a re-compressed copy of the same data).
        urls: where to download it, best first; empty if it is never downloaded.
        decode: turns the file's bytes into the content a loader parses (default: gunzip).
    """

    name: str
    sha256: str
    content_sha256: str
    urls: tuple[str, ...] = ()
    decode: Callable[[bytes], bytes] = gzip.decompress


def neuronet_home():
    """Returns `$NEURONET_HOME`, or `~/.neuronet` when it is not set."""
    return os.path.expanduser(os.environ.get(HOME_ENV) or os.path.join("~", ".neuronet"))


def cache_dir(dataset):
    """Returns the cache directory of `dataset`: `<neuronet_home()>/datasets/<dataset>`."""
    return os.path.join(neuronet_home(), "datasets", dataset)


def keras_cache_dirs(dataset):
    """Returns Keras's dataset caches: `<KERAS_HOME or ~/.keras>/datasets/<dataset>` and `.../datasets`."""
    keras_home = os.path.expanduser(os.environ.get(KERAS_HOME_ENV) or os.path.join("~", ".keras"))
    return [os.path.join(keras_home, "datasets", dataset), os.path.join(keras_home, "datasets")]


def search_dirs(dataset, system_dirs=()):
    """Returns the directories searched for `dataset`'s files, in order (see the module docstring)."""
    dirs = []
    data_dir = os.environ.get(DATA_DIR_ENV)
    if data_dir:
        data_dir = os.path.expanduser(data_dir)
        dirs += [os.path.join(data_dir, dataset), data_dir]
    dirs += [cache_dir(dataset)] + keras_cache_dirs(dataset)
    return dirs + [os.path.expanduser(path) for path, _ in system_dirs]


def find(name, dataset, system_dirs=()):
    """Returns the first existing `<dir>/<name>` over `search_dirs(...)`, or None."""
    for directory in search_dirs(dataset, system_dirs):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def sha256(data):
    """Returns the hex SHA-256 of bytes (or of any buffer, such as a NumPy array)."""
    return hashlib.sha256(data).hexdigest()


def check(raw, data_file, where):
    """Returns `data_file.decode(raw)` if `raw` passes either checksum, else raises ChecksumError.

    `where` names the file (a path or a URL) in the error message.
    """
    received = sha256(raw)
    if received == data_file.sha256:
        return data_file.decode(raw)
    try:
        content = data_file.decode(raw)
    except (OSError, EOFError, ValueError, zlib.error) as error:  # truncated or not gzip/tar
        content_received = f"none, the content cannot be read ({error})"
    else:
        content_received = sha256(content)
        if content_received == data_file.content_sha256:
            return content
    raise ChecksumError(
        f"Dataset file {where} failed its checksum: expected SHA-256 {data_file.sha256} (the published "
        f"{data_file.name}) or a content SHA-256 of {data_file.content_sha256} (its decompressed data), "
        f"but received SHA-256 {received} and content SHA-256 {content_received}. The file is corrupted "
        f"or is not {data_file.name}: delete it, or replace it with a good copy"
        + (f" from {data_file.urls[0]}." if data_file.urls else ".")
    )


def read(files, dataset, system_dirs=()):
    """Returns the verified content of the first of `files` found locally, else downloaded.

    Args:
        files: a `DataFile`, or a sequence of interchangeable ones (a `.data` file and the `.tgz` that
            holds it); in each directory they are tried in this order.
        dataset: the dataset's directory name (`"fashion-mnist"`).
        system_dirs: `(directory, description)` pairs searched after the cache.

    Raises:
        ChecksumError: a file was found but is not the published one.
        DatasetNotFoundError: no copy anywhere, and every download failed.
    """
    files = (files,) if isinstance(files, DataFile) else tuple(files)
    for directory in search_dirs(dataset, system_dirs):
        for data_file in files:
            path = os.path.join(directory, data_file.name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    return check(f.read(), data_file, path)
    failures = []
    for data_file in files:
        if data_file.urls:
            content, errors = download(data_file, cache_dir(dataset))
            if content is not None:
                return content
            failures += errors
    raise _not_found(files, dataset, system_dirs, failures) from None


def download(data_file, directory):
    """Downloads `data_file` into `directory`, trying each URL in turn.

    The bytes go to a temporary file in `directory`, which is renamed to `data_file.name` only once it
    passes `check`, so the cache never holds a partial or unverified file.

    Returns:
        `(content, [])` on success, or `(None, ["<url>: <error>", ...])` when every URL failed.
    """
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as error:  # a read-only home: report it with the other places to put the file
        return None, [f"cannot create the cache directory ({error})"]
    failures = []
    for url in data_file.urls:
        if not url.startswith(("https://", "http://")):  # never file:// or custom schemes
            failures.append(f"{url}: not an http(s) URL")
            continue
        try:
            content = None

            def verify(part, url=url):
                nonlocal content
                with open(part, "rb") as f:
                    content = check(f.read(), data_file, url)

            fetch(url, os.path.join(directory, data_file.name), verify)
            return content, []
        except (OSError, ValueError, http.client.HTTPException) as error:  # URLError, timeouts, ChecksumError
            failures.append(f"{url}: {error}")
    return None, failures


def fetch(url, target, verify=None):
    """Downloads `url` to the file `target`, atomically: into a temporary file beside it, renamed once
    `verify(temporary_path)` (if given) returned without raising. The one downloader of the package.

    Raises what urllib raises (`URLError`, `HTTPError`, timeouts: all `OSError`) or what `verify` raises;
    `target` is then left as it was.
    """
    directory, name = os.path.split(os.path.abspath(target))
    fd, part = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=directory)
    try:
        print(f"Downloading data from {url}")
        with os.fdopen(fd, "wb") as out:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:  # noqa: S310 (callers pick schemes)
                shutil.copyfileobj(response, out)
        if verify is not None:
            verify(part)
        os.replace(part, target)
    finally:
        if os.path.exists(part):
            os.remove(part)


def _not_found(files, dataset, system_dirs, failures):
    """One short paragraph: what is missing, where it was looked for, and how to provide it."""
    names = " or ".join(data_file.name for data_file in files)
    searched = ", ".join(dict.fromkeys(search_dirs(dataset, system_dirs)))
    if failures:
        reason = failures[0]  # the first source's error is enough to say why (offline, 404...)
        if reason.startswith(("http://", "https://")):
            reason = reason.split(": ", 1)[-1]
        download = f"downloading it failed ({reason})"
    else:
        download = "there is no source to download it from"
    packages = [description for _, description in system_dirs if "apt install" in description]
    package = f", or install the Debian/Ubuntu package (`{packages[0].split('`')[1]}`)" if packages else ""
    return DatasetNotFoundError(
        f"No {dataset} data: {names} is in none of {searched}, and {download}. Set {DATA_DIR_ENV} to a "
        f"directory holding the file (or a `{dataset}/` folder with it){package}."
    )


def load_keras_npz(path, dataset, expected_sha256, keys):
    """Returns the arrays `keys` of Keras's own `.npz` for `dataset`, or None if there is no local copy.

    `path` is Keras's `path` argument: an absolute path, or a name looked up like any dataset file. The
    file must match Keras's pinned SHA-256 and is read without pickle (`allow_pickle=False`).
    """
    if os.path.isabs(path):
        found = path if os.path.isfile(path) else None
    else:
        found = find(path, dataset)
    if found is None:
        return None
    with open(found, "rb") as f:
        received = sha256(f.read())
    if received != expected_sha256:
        raise ChecksumError(
            f"{found} is not Keras's {os.path.basename(path)}: expected SHA-256 {expected_sha256}, "
            f"received {received}. Delete or rename it, or pass another `path`."
        )
    with np.load(found, allow_pickle=False) as npz:
        return tuple(npz[key] for key in keys)
