"""`get_file`: download a file into the Keras cache (`~/.keras/datasets`), verify it, optionally extract it.

Downloads go through the datasets' downloader (`neuronet.datasets._files.fetch`: a temporary file renamed into
place only once verified). Archives are extracted without letting a member escape the extraction directory.
"""
from __future__ import annotations

import hashlib
import os
import tarfile
import tempfile
import urllib.parse
import warnings
import zipfile
from typing import Any, Optional

_SCHEMES = ("https://", "http://", "file://")


def keras_home() -> str:
    """`$KERAS_HOME`, or `~/.keras` when it is not set (Keras's cache root)."""
    return os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras"))


def resolve_hasher(algorithm: str, file_hash: Optional[str] = None) -> Any:
    """The hashlib constructor for `"sha256"`, `"md5"`, or `"auto"` (sha256 for a 64-character hash)."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256
    if algorithm in ("md5", "auto"):
        return hashlib.md5
    raise ValueError(f"Unknown hash_algorithm: {algorithm!r}. Expected 'sha256', 'md5' or 'auto'.")


def hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The hex digest of a file (`algorithm`: "sha256", "md5", or "auto" meaning sha256)."""
    hasher = (hashlib.sha256 if algorithm == "auto" else resolve_hasher(algorithm))()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
    """Whether the file's sha256 or md5 (chosen as `resolve_hasher` does) equals `file_hash`."""
    name = "sha256" if resolve_hasher(algorithm, file_hash) is hashlib.sha256 else "md5"
    return hash_file(fpath, name, chunk_size) == str(file_hash)


def _inside(root: str, name: str) -> bool:
    target = os.path.realpath(os.path.join(root, name))
    return os.path.commonpath([os.path.realpath(root), target]) == os.path.realpath(root)


def extract_archive(file_path: str, path: str = ".", archive_format: Any = "auto") -> bool:
    """Extracts a tar (`.tar`, `.tar.gz`, `.tar.bz2`) or zip archive into `path`; False if it is neither.

    Members whose path would land outside `path` (absolute paths, `..`, links pointing out) are refused.
    """
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                bad = [m.name for m in archive.getmembers() if not _inside(path, m.name)
                       or ((m.issym() or m.islnk()) and not _inside(path, os.path.join(os.path.dirname(m.name),
                                                                                       m.linkname)))]
                if bad:
                    raise ValueError(f"Refusing to extract {file_path}: members {bad} would be written outside "
                                     f"{path}.")
                archive.extractall(path, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                bad = [name for name in archive.namelist() if not _inside(path, name)]
                if bad:
                    raise ValueError(f"Refusing to extract {file_path}: members {bad} would be written outside "
                                     f"{path}.")
                archive.extractall(path)
            return True
    return False


def get_file(fname: Optional[str] = None, origin: Optional[str] = None, untar: bool = False,
             md5_hash: Optional[str] = None, file_hash: Optional[str] = None, cache_subdir: str = "datasets",
             hash_algorithm: str = "auto", extract: bool = False, archive_format: Any = "auto",
             cache_dir: Optional[str] = None, force_download: bool = False) -> str:
    """Downloads a file from a URL if it is not already in the cache, and returns its path.

    The file goes to `cache_dir/cache_subdir/fname` (by default `~/.keras/datasets/<name in the URL>`). A cached
    copy is reused unless `force_download`, or unless `file_hash` is given and the copy does not match it. A new
    download is checked against `file_hash` before it replaces anything in the cache.

    Args:
        fname: the local file name (no directories); defaults to the last part of `origin`'s path. With
            `extract`, a name without an extension names the extraction directory.
        origin: the URL (`https://`, `http://` or `file://`).
        untar: deprecated in favour of `extract`: extract a tar archive.
        md5_hash: deprecated in favour of `file_hash`: the file's md5.
        file_hash: the expected sha256 or md5 of the file (`sha256sum` prints it).
        cache_subdir: subdirectory of `cache_dir` for the file; an absolute path is used as is.
        hash_algorithm: `"sha256"`, `"md5"` or `"auto"` (guessed from the length of `file_hash`).
        extract: extract the archive (tar or zip) and return the extraction directory instead.
        archive_format: `"auto"` (tar, then zip), `"tar"`, `"zip"`, a list of these, or None.
        cache_dir: the cache root; defaults to `$KERAS_HOME` or `~/.keras` (`/tmp/.keras` if not writable).
        force_download: download even when a cached copy exists.

    Returns:
        The path of the file, or of the extraction directory with `extract`/`untar`.

    Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp()); (folder / "notes.txt").write_text("hello")
    5
    >>> path = get_file(origin=(folder / "notes.txt").as_uri(), cache_dir=str(folder / "cache"))
    Downloading data from file://...
    >>> pathlib.Path(path).relative_to(folder).as_posix(), pathlib.Path(path).read_text()
    ('cache/datasets/notes.txt', 'hello')
    """
    from neuronet.datasets import _files

    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if not str(origin).startswith(_SCHEMES):
        raise ValueError(f"get_file: `origin` must be an http://, https:// or file:// URL. Received: origin={origin!r}")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    resolve_hasher(hash_algorithm, file_hash)  # refuse an unknown algorithm before downloading
    base = os.path.expanduser(cache_dir) if cache_dir is not None else keras_home()
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:  # read-only home: fall back below, as Keras does
        pass
    if not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    provided = fname is not None
    fname = os.fspath(fname) if provided else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. Please specify the "
                         "`fname` argument.")
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    if extract or untar:
        if provided and "." in fname:
            stem = fname[: fname.find(".")]
            target, extraction_dir = os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
        else:
            target, extraction_dir = os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)
    else:
        target = os.path.join(datadir, fname)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the {hash_algorithm} file "
              f"hash does not match the original value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        def verify(part: str) -> None:
            if file_hash is not None and not validate_file(part, file_hash, hash_algorithm):
                raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file hash does not "
                                 f"match the provided value of {file_hash}.")

        try:
            _files.fetch(origin, target, verify)
        except OSError as error:  # URLError, HTTPError, timeouts
            raise OSError(f"URL fetch failure on {origin}: {error}") from None
    if extract or untar:
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target
