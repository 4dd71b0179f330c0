"""`keras.saving.verify_file`: read a whole model file in a child process before trusting this one with it.

libhdf5 is C code: a file damaged or crafted in the right way can crash it (a segmentation fault inside an
attribute read), and no Python `try` catches that. `verify_file` therefore reads everything a load reads, and
more (every attribute and dataset of every HDF5 object, the archive's members, the rebuilt model), in a child
process with a memory limit. A crash, a memory blow-up or a hang there ends the child and becomes a clear
`ValueError` here; this process never touched the file. Use it (or `load_model(path, isolate=True)`) for files
from untrusted sources; files your own code saved do not need it.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from typing import Any, Dict, Optional

_CHILD_MEMORY = 2 * 2**30  # address space for the child beyond what the file may justify (imports, libraries)


def verify_file(filepath: Any, max_bytes: Optional[int] = None, timeout: float = 120.0) -> Dict[str, Any]:
    """Check that a `.keras` / `.h5` / `.weights.h5` file loads, in a separate process.

    Args:
        filepath: the file to check.
        max_bytes: as for `load_model`: the most bytes of weights the file may declare.
        timeout: seconds the child may take.

    Returns:
        A summary: `{"format": "keras" | "h5", "datasets": n, "weight_bytes": n, "model": class name or None}`.

    Raises:
        ValueError: naming the file, when it is damaged, crafted, too large, or crashes the reader.

    Example:
    >>> import os, tempfile
    >>> import neuronet as keras
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(path)
    >>> verify_file(path)["datasets"]
    2
    """
    from neuronet.saving import file_kind, limits

    filepath = os.path.abspath(file_kind.as_path(filepath))
    file_kind.sniff(filepath)  # missing files and other kinds of file: the usual clear errors, no child needed
    max_bytes = limits.resolve_max_bytes(max_bytes, filepath)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    memory = _CHILD_MEMORY + 3 * max_bytes
    try:
        child = subprocess.run([sys.executable, "-m", "neuronet.saving.file_check", filepath, str(max_bytes),
                                str(memory)], env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ValueError(f"Could not verify the file {filepath!r}: reading it took more than {timeout:g} s in the "
                         "checking process (a file crafted to make the reader loop?). Do not load it.") from None
    lines = child.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    if child.returncode == 0 and report is not None:
        return report
    if child.returncode < 0:
        name = signal.Signals(-child.returncode).name
        raise ValueError(f"The file {filepath!r} crashed the process reading it ({name}): it is damaged or crafted "
                         "to crash the HDF5 library. Do not load it; this process was not affected.")
    if report is not None and "error" in report:
        raise ValueError(report["error"])
    tail = (child.stderr or "").strip().splitlines()[-1:] or ["no output"]
    raise ValueError(f"Could not verify the file {filepath!r}: the checking process failed (exit status "
                     f"{child.returncode}, {tail[0][:300]}). It may have run out of memory.")


def _walk_h5(h5file: Any, counts: Dict[str, int]) -> None:
    """Touch every object: all attributes read, every dataset checked and read (bounded by the scan before)."""
    import h5py

    def visit(name: str, obj: Any) -> None:
        for key in obj.attrs:
            obj.attrs[key]
        if isinstance(obj, h5py.Dataset):
            counts["datasets"] += 1
            obj[()]

    for key in h5file.attrs:
        h5file.attrs[key]
    h5file.visititems(visit)


def _check(filepath: str, max_bytes: int) -> Dict[str, Any]:
    import io

    from neuronet.saving import file_kind, keras_zip, legacy_h5, limits

    source = f"the file {filepath!r}"
    counts = {"datasets": 0}
    kind = file_kind.sniff(filepath)
    with file_kind.clear_errors(source):
        if kind == "zip":
            with keras_zip.open_archive(filepath, source) as archive:
                weights = keras_zip.read_member(archive, keras_zip.WEIGHTS_FILENAME, source,
                                                max_bytes + limits.MIN_MAX_BYTES)
            target: Any = io.BytesIO(weights)
        else:
            target = filepath
        with legacy_h5.open_h5(target, source) as f, legacy_h5.reading(source):
            total = limits.scan_weights(f, source, max_bytes)
            _walk_h5(f, counts)
            has_model = kind == "zip" or "model_config" in f.attrs
        model = None
        if has_model:  # as load_model(compile=False, safe_mode=True) reads it
            load = keras_zip.load_model if kind == "zip" else legacy_h5.load_model
            model = load(filepath, source, None, False, True, max_bytes)
    return {"format": "keras" if kind == "zip" else "h5", "datasets": counts["datasets"], "weight_bytes": total,
            "model": type(model).__name__ if model is not None else None}


def _main(argv: list) -> int:
    filepath, max_bytes, memory = argv[0], int(argv[1]), int(argv[2])
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):  # not on every platform: the check still isolates crashes
        pass
    import warnings

    warnings.simplefilter("ignore")
    try:
        report = _check(filepath, max_bytes)
    except (ValueError, MemoryError) as error:
        print(json.dumps({"error": str(error) if isinstance(error, ValueError) else
                          f"Reading the file {filepath!r} ran out of memory in the checking process."}))
        return 2
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
