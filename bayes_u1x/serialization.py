"""Writing results safely: JSON conversion of numpy values and atomic file replacement.

:func:`atomic_write` writes to a temporary file in the target's folder, fsyncs it and renames it over
the target (``os.replace``), so a reader never sees a half-written file and a killed process leaves the
previous version intact (the idea of bilby's ``safe_file_dump``). :func:`to_jsonable` is the one
conversion of numpy arrays, numpy scalars and Fractions to JSON values (non-finite floats -> null).
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import numpy as np


def _default_mode() -> int:
    """The permissions a plain ``open(path, "w")`` would give (0666 minus the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def to_jsonable(obj):
    """Recursively convert numpy arrays/scalars and Fractions to JSON values (NaN and inf -> None)."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, Fraction):
        return float(obj)
    if isinstance(obj, Path):
        return str(obj)
    return obj


def dumps(obj, **kw) -> str:
    """``json.dumps`` of :func:`to_jsonable` (keys sorted unless ``sort_keys=False``)."""
    kw.setdefault("sort_keys", True)
    return json.dumps(to_jsonable(obj), **kw)


@contextmanager
def atomic_write(path, mode: str = "wb"):
    """Context manager yielding a file handle whose content replaces ``path`` only on success.

    The temporary file lives next to ``path`` (same file system, so the rename is atomic) and is
    removed if the block raises; ``mode`` is ``"wb"`` or ``"w"`` (UTF-8 text).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, _default_mode())  # mkstemp makes 0600; results should be as readable as any other file
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@contextmanager
def atomic_path(path):
    """Context manager yielding a temporary file name next to ``path``; on success the file is fsync'ed
    and renamed over ``path``, on failure removed (for writers that need a name: HDF5, netCDF, npz)."""
    path = Path(path)
    tmp = temporary_name(path)
    try:
        yield tmp
        atomic_replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_replace(tmp_path, path) -> None:
    """fsync ``tmp_path`` (written by a library that needs a file name) and rename it over ``path``."""
    with open(tmp_path, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp_path, path)


def temporary_name(path) -> Path:
    """A unique temporary file name next to ``path`` for writers that need a name, not a handle."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    os.chmod(tmp, _default_mode())
    return Path(tmp)


def ensure_free_space(path, nbytes: int, what: str, error=OSError) -> None:
    """Refuse (``error``) to start writing ``nbytes`` into ``path``'s folder when the disk cannot hold them.

    HDF5 writers (checkpoints, netCDF results) do not recover from a full disk (the process can crash
    while closing the half-written file), so the space is checked before the file is opened, with
    a margin of 2x plus 1 MB for the file's own structures.
    """
    import shutil

    folder = Path(path).parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # cannot tell: let the write itself report
    need = 2 * int(nbytes) + 2 ** 20
    if free < need:
        raise error(f"not enough free space in {folder} to write the {what} (needs ~{need / 2**20:.1f} MB, "
                    f"{free / 2**20:.1f} MB free); free some space and run again (a resume continues)")


def write_json(path, obj, indent: int | None = 1) -> Path:
    """Write ``obj`` as JSON to ``path`` atomically."""
    with atomic_write(path, "w") as fh:
        fh.write(dumps(obj, indent=indent) + "\n")
    return Path(path)
