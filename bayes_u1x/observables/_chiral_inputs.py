"""Shared loader of the chiral-model inputs (``bayes_u1x/data/chiral_inputs.toml``).

A measurement set may override a term's entry (same keys); otherwise the package file is used.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _file_inputs() -> dict:
    with resources.files("bayes_u1x.data").joinpath("chiral_inputs.toml").open("rb") as fh:
        return tomllib.load(fh)


def term_inputs(term: str, data=None) -> dict:
    """The inputs of ``term``: the measurement set's entry if it has one, else the package file."""
    entry = data.get(term) if data is not None and hasattr(data, "get") else None
    return dict(entry) if entry else dict(_file_inputs()[term])
