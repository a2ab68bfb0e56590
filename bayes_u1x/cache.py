"""Versioned on-disk cache for expensive precomputed tables (COHERENT response, trident, widths).

Tables are stored as ``.npz`` files under :func:`cache_dir` (env ``BAYES_U1X_CACHE``, default
``~/.cache/bayes_u1x``). The file name carries a hash of everything the table depends on (a
version string plus the inputs you pass), so a change of inputs or code version rebuilds it.
A corrupt or unreadable cache file is rebuilt, never trusted.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np


def cache_dir() -> Path:
    root = os.environ.get("BAYES_U1X_CACHE")
    path = Path(root) if root else Path.home() / ".cache" / "bayes_u1x"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key(name: str, version: str, inputs) -> str:
    blob = json.dumps({"name": name, "version": version, "inputs": inputs}, sort_keys=True,
                      default=lambda o: np.asarray(o).tolist())
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cached_arrays(name: str, version: str, inputs, builder, use_cache: bool = True) -> dict:
    """Return ``builder()`` (a dict of arrays), loading it from / saving it to the cache.

    ``inputs`` is any JSON-serialisable description of what the table depends on.
    """
    if not use_cache:
        return builder()
    path = cache_dir() / f"{name}-{_key(name, version, inputs)}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}
        except Exception:  # corrupt file: rebuild
            path.unlink(missing_ok=True)
    arrays = builder()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:  # write through the handle: np.savez(path) would append .npz
            np.savez(fh, **arrays)
        os.replace(tmp, path)  # atomic: a killed process never leaves a half-written table
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return arrays
