"""Measurement sets: named collections of experimental inputs (``bayes_u1x/data/measurements.toml``).

A set is selected by name ("2021": the reference paper's inputs; "2025": final FNAL g-2 average
with the 2025 Theory-Initiative SM value; "2026": today's data, the 2025 g-2 numbers with COHERENT
CsI 2021 + argon and the 2023 dark-photon searches, ``docs/data_2026.md``). Observables read their
numbers from the set they are given, never from module constants, so a user can switch sets
everywhere with one argument. Every entry point defaults to :data:`DEFAULT_SET` (the newest set);
``reproduce`` and the paper's figures pin :data:`PAPER_SET`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import DataError
from .package_data import load_toml

#: the reference paper's inputs (``reproduce`` pins them)
PAPER_SET = "2021"
#: the set every entry point uses unless told otherwise: today's data
DEFAULT_SET = "2026"


@dataclass(frozen=True)
class MeasurementSet:
    name: str
    values: dict

    def __getitem__(self, key):
        try:
            return self.values[key]
        except KeyError as exc:
            raise DataError(f"measurement set {self.name!r} has no entry {key!r}") from exc

    def get(self, key, default=None):
        return self.values.get(key, default)

    def preset_terms(self, terms) -> tuple[str, ...]:
        """A preset's terms with this set's substitutions applied (``[<set>.preset_terms]``: a term ->
        the terms that measure the same thing with today's data, e.g. the 2017 CsI COHERENT term ->
        CsI 2021 + LAr). Explicit term lists are never rewritten: only presets follow the data set."""
        subs = self.values.get("preset_terms", {})
        out: list[str] = []
        for t in terms:
            for new in subs.get(t, [t]):
                if new not in out:
                    out.append(new)
        return tuple(out)

    @property
    def delta_amu(self) -> tuple[float, float]:
        """(central, sigma) of Delta a_mu = a_exp - a_SM (absolute, not x1e-11)."""
        a = self["amu"]
        return ((a["exp_1e11"] - a["sm_1e11"]) * 1e-11,
                math.hypot(a["exp_unc_1e11"], a["sm_unc_1e11"]) * 1e-11)


def _all_sets() -> dict:
    return load_toml("measurements.toml")


def available_sets() -> list[str]:
    return sorted(_all_sets())


def load_measurements(name: str | MeasurementSet = DEFAULT_SET) -> MeasurementSet:
    if isinstance(name, MeasurementSet):
        return name
    name = str(name)
    sets = _all_sets()
    if name not in sets:
        raise DataError(f"unknown measurement set {name!r}; available: {', '.join(sorted(sets))}")
    return MeasurementSet(name=name, values=sets[name])
