"""Atomic file writes: a crash in the middle of a save never destroys the file that was there before.

The new content goes to a temporary file in the target's directory (same file system, so the final rename is
atomic), is flushed to disk (`fsync`), then replaces the target with `os.replace`; the directory entry is synced too.
A process killed at any moment leaves either the old file or the new one at the path, plus at worst a stray
temporary beside it, named `.<name>.neuronet-save-<pid>-<random>.tmp` (what it is, and which process wrote it).
The next save or load in that directory removes such temporaries when their process is no longer running.
"""
from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from typing import Iterator, List

_TEMP_TAG = "neuronet-save"
_TEMP_PATTERN = re.compile(r"^\..+\.%s-(\d+)-[A-Za-z0-9_]+\.tmp$" % _TEMP_TAG)


def check_target(filepath: str, overwrite: bool = True) -> str:
    """Validate a save path before any work: its directory exists and is a directory; returns the path."""
    filepath = os.fspath(filepath)
    if not isinstance(filepath, str):
        raise TypeError(f"The file path must be a string or a path-like object. Received: {filepath!r}")
    directory = os.path.dirname(os.path.abspath(filepath))
    if not os.path.exists(directory):
        raise FileNotFoundError(f"Cannot save to {filepath!r}: the directory {directory!r} does not exist. "
                                f"Create it first, e.g. `os.makedirs({directory!r}, exist_ok=True)`.")
    if not os.path.isdir(directory):
        raise NotADirectoryError(f"Cannot save to {filepath!r}: {directory!r} is a file, not a directory.")
    if os.path.isdir(filepath):
        raise IsADirectoryError(f"Cannot save to {filepath!r}: a directory of that name exists. Choose a file name "
                                "such as 'model.keras' or 'model.h5' inside it.")
    if not overwrite and os.path.exists(filepath) and not _ask_to_overwrite(filepath):
        raise FileExistsError(f"Not saving: {filepath!r} already exists and overwrite=False. Pass overwrite=True "
                              "or choose another path.")
    return filepath


def _ask_to_overwrite(filepath: str) -> bool:
    """Keras asks on the terminal; without one (scripts, tests) the answer is no."""
    if not sys.stdin or not sys.stdin.isatty():
        return False
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n] ").strip().lower()
    return answer in ("y", "yes")


@contextlib.contextmanager
def atomic_write(filepath: str) -> Iterator[str]:
    """Yield a temporary path to write; on success it replaces `filepath`, on any error it is removed.

    Example:
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "notes.txt")
    >>> with atomic_write(target) as tmp:
    ...     with open(tmp, "w") as f:
    ...         _ = f.write("saved")
    >>> open(target).read()
    'saved'
    """
    directory = os.path.dirname(os.path.abspath(filepath))
    remove_stale_temporaries(directory)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filepath)}.{_TEMP_TAG}-{os.getpid()}-", suffix=".tmp",
                                   dir=directory)
    except OSError as error:
        reason = "is not writable" if isinstance(error, PermissionError) else "does not accept a new file"
        raise type(error)(error.errno, f"Cannot save to {filepath!r}: the directory {directory!r} {reason} "
                          f"({error.strerror}). Choose a writable directory or change its permissions; nothing "
                          "was changed.") from None
    os.close(fd)
    try:
        yield tmp
        _fsync_path(tmp)
        os.chmod(tmp, _file_mode(filepath))
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def remove_stale_temporaries(directory: str) -> List[str]:
    """Delete the temporaries of saves whose process is gone (killed mid-save); returns the removed paths.

    Only files named by `atomic_write` are considered, and only those whose process id is not running on this
    machine: a save in progress in another process is left alone.

    Example:
    >>> import os, tempfile
    >>> directory = tempfile.mkdtemp()
    >>> stale = os.path.join(directory, ".model.keras.neuronet-save-999999999-abc123.tmp")
    >>> open(stale, "w").close()
    >>> [os.path.basename(p) for p in remove_stale_temporaries(directory)]
    ['.model.keras.neuronet-save-999999999-abc123.tmp']
    """
    removed: List[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = _TEMP_PATTERN.match(name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        path = os.path.join(directory, name)
        with contextlib.suppress(OSError):
            os.remove(path)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no cheap check: keep the file rather than risk removing a live save's temporary
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # no such process (or an id no process can have)
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _fsync_path(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its rename is durable enough
        return
    with contextlib.suppress(OSError):
        _fsync_path(directory)


def _file_mode(filepath: str) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0o666 minus the umask (mkstemp gives 0o600)."""
    if os.path.exists(filepath):
        return os.stat(filepath).st_mode & 0o7777
    umask = os.umask(0o022)  # reading the umask means setting it; put it back at once
    os.umask(umask)
    return 0o666 & ~umask
