"""Versioned on-disk cache for expensive precomputed tables (COHERENT response, trident, widths).

Tables are stored as ``.npz`` files under :func:`cache_dir` (env ``BAYES_U1X_CACHE``, default
``~/.cache/bayes_u1x``). The file name carries a hash of everything the table depends on (a
version string plus the inputs you pass), so a change of inputs or code version rebuilds it. Every
file also stores the SHA-256 of its own content, checked on load: a corrupt, truncated, altered or
foreign file is rebuilt (with one warning), never trusted. Where the cache folder cannot be created
or written, the table is computed in memory and the tool carries on (one warning per process).
"""
from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from .serialization import atomic_write

_HASH_KEY = "__content_sha256__"
_warned: set[str] = set()


def _warn_once(key: str, msg: str) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(msg, RuntimeWarning, stacklevel=3)


def cache_dir() -> Path:
    root = os.environ.get("BAYES_U1X_CACHE")
    path = Path(root) if root else Path.home() / ".cache" / "bayes_u1x"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key(name: str, version: str, inputs) -> str:
    blob = json.dumps({"name": name, "version": version, "inputs": inputs}, sort_keys=True,
                      default=lambda o: np.asarray(o).tolist())
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def content_hash(arrays: dict) -> str:
    """SHA-256 of a dict of arrays: names, dtypes, shapes and bytes, in name order."""
    h = hashlib.sha256()
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(f"{k}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _load(path: Path) -> dict | None:
    """The arrays of a cache file whose stored content hash matches, else None."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except Exception:  # noqa: BLE001 - any unreadable file is simply rebuilt
        return None
    stored = arrays.pop(_HASH_KEY, None)
    if stored is None or str(stored) != content_hash(arrays):
        return None
    return arrays


def cached_arrays(name: str, version: str, inputs, builder, use_cache: bool = True) -> dict:
    """Return ``builder()`` (a dict of arrays), loading it from / saving it to the cache.

    ``inputs`` is any JSON-serialisable description of what the table depends on.
    """
    if not use_cache:
        return builder()
    try:
        folder = cache_dir()
    except OSError as exc:
        _warn_once("dir", f"bayes_u1x: cache folder unusable ({exc.strerror or exc}); computing tables in "
                          "memory (set BAYES_U1X_CACHE to a writable folder to keep them)")
        return builder()
    path = folder / f"{name}-{_key(name, version, inputs)}.npz"
    if path.exists():
        arrays = _load(path)
        if arrays is not None:
            return arrays
        _warn_once(str(path), f"bayes_u1x: cached table {path} failed its content check; rebuilding it")
    arrays = builder()
    try:
        with atomic_write(path) as fh:  # write through the handle: np.savez(path) would append .npz
            np.savez(fh, **arrays, **{_HASH_KEY: np.array(content_hash(arrays))})
    except OSError as exc:
        _warn_once("write", f"bayes_u1x: cannot write the cache ({exc.strerror or exc}); computing tables "
                            "in memory")
    return arrays
