"""The package's own files: measurement tables under ``bayes_u1x/data`` and the shipped priors and runs.

Every data file is found through :mod:`importlib.resources`, so it is read the same way from a source
checkout, an editable install and a wheel. The top-level ``priors/`` and ``runs/`` folders of the
repository (for users to read and copy) are shipped inside the wheel as ``bayes_u1x/data/priors`` and
``bayes_u1x/data/runs`` (links to the top-level folders in the source tree), so a bare name such as
``default`` or ``lmu_ltau`` works after a plain ``pip install .`` as well.
"""
from __future__ import annotations

import csv
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import DataError

_PACKAGE = "bayes_u1x.data"


def data_file(*parts: str):
    """The package data file ``bayes_u1x/data/<parts...>`` (an importlib Traversable)."""
    return resources.files(_PACKAGE).joinpath(*parts)


def _require(*parts: str):
    f = data_file(*parts)
    if not f.is_file():
        raise DataError(f"package data file {'/'.join(parts)} is missing from this installation")
    return f


@lru_cache(maxsize=None)
def load_toml(*parts: str) -> dict:
    """Parsed TOML of ``bayes_u1x/data/<parts...>`` (cached: callers must not modify the result)."""
    f = _require(*parts)
    try:
        with f.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"package data file {'/'.join(parts)} is not valid TOML: {exc}") from exc


def read_csv_rows(*parts: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a CSV package data file; lines starting with ``#`` are comments."""
    f = _require(*parts)
    with f.open("r", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(line for line in fh if line.strip() and not line.startswith("#"))]
    if not rows:
        raise DataError(f"package data file {'/'.join(parts)} is empty")
    return rows[0], rows[1:]


def shipped_dir(kind: str) -> Path:
    """The folder of shipped ``priors`` or ``runs`` files."""
    if kind not in ("priors", "runs"):
        raise ValueError(f"unknown shipped folder {kind!r}")
    return Path(str(data_file(kind)))


def shipped_file(kind: str, name: str) -> Path | None:
    """A shipped prior or run file by bare name (``default`` or ``default.toml``), or None."""
    folder = shipped_dir(kind)
    for candidate in (folder / name, folder / f"{name}.toml"):
        if candidate.is_file():
            return candidate
    return None


def shipped_names(kind: str) -> list[str]:
    """Bare names of the shipped prior or run files."""
    folder = shipped_dir(kind)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
