"""Inputs of the chiral-model terms (``bayes_u1x/data/chiral_inputs.toml``).

A measurement set may override a term's entry (same keys); otherwise the package file is used.
"""
from __future__ import annotations

from ..package_data import load_toml


def term_inputs(term: str, data=None) -> dict:
    """The inputs of ``term``: the measurement set's entry if it has one, else the package file."""
    entry = data.get(term) if data is not None and hasattr(data, "get") else None
    return dict(entry) if entry else dict(load_toml("chiral_inputs.toml")[term])
