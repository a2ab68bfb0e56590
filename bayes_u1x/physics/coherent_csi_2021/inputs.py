"""Load the COHERENT CsI[Na] 2021 inputs shipped in ``bayes_u1x/data/coherent_csi_2021``.

Data: COHERENT, arXiv:2110.07730 (PRL 129 (2022) 081801) and its supplemental data release; see the
folder's README for provenance, columns and units.  Everything returned is a plain float, numpy
array or frozen dataclass; lab units (PE, µs, counts, kg, m) are kept here and converted to GeV by the
modules that do physics.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ...errors import DataError, LikelihoodError

DATA_DIR = "coherent_csi_2021"

#: names of the detector-response variants, in table order: nominal, then the ±1σ sets
VARIANTS = ("nominal", "eff+", "eff-", "qf0+", "qf0-", "qf1+", "qf1-")




def _path(name: str):
    return resources.files("bayes_u1x.data").joinpath(DATA_DIR).joinpath(name)


@lru_cache(maxsize=None)
def facts() -> dict:
    """The scalar facts of ``detector.toml`` (nested dict, units in the key names)."""
    with _path("detector.toml").open("rb") as fh:
        return tomllib.load(fh)


def _csv(name: str, ncol: int = 2) -> np.ndarray:
    with _path(name).open("r") as fh:
        arr = np.loadtxt(fh, delimiter=",", skiprows=1, ndmin=2)
    if arr.shape[1] != ncol:
        raise DataError(f"{name}: expected {ncol} columns, found {arr.shape[1]}")
    return arr


@dataclass(frozen=True)
class Binning:
    pe_edges: np.ndarray     #: (10,) PE bin edges of the analysis
    t_edges: np.ndarray      #: (12,) time bin edges [µs]

    @property
    def n_pe(self) -> int:
        return self.pe_edges.size - 1

    @property
    def n_t(self) -> int:
        return self.t_edges.size - 1

    @property
    def n_bins(self) -> int:
        return self.n_pe * self.n_t


@lru_cache(maxsize=None)
def binning() -> Binning:
    b = facts()["binning"]
    pe, t = np.asarray(b["pe_edges"], float), np.asarray(b["t_edges_us"], float)
    if np.any(np.diff(pe) <= 0) or np.any(np.diff(t) <= 0):
        raise DataError("detector.toml [binning]: edges must increase")
    return Binning(pe_edges=pe, t_edges=t)


@dataclass(frozen=True)
class Events:
    """Unbinned events of the analysis region (0 ≤ PE < 60, 0 ≤ t < 6 µs)."""

    pe: np.ndarray
    t_us: np.ndarray

    def histogram(self, b: Binning | None = None) -> np.ndarray:
        """(n_pe, n_t) counts; bins are half-open [lo, hi) like the analysis region."""
        b = b or binning()
        i = np.searchsorted(b.pe_edges, self.pe, side="right") - 1
        j = np.searchsorted(b.t_edges, self.t_us, side="right") - 1
        ok = (i >= 0) & (i < b.n_pe) & (j >= 0) & (j < b.n_t)
        out = np.zeros((b.n_pe, b.n_t))
        np.add.at(out, (i[ok], j[ok]), 1.0)
        return out


def _events(name: str) -> Events:
    a = _csv(name)
    if np.any((a[:, 0] < 0) | (a[:, 0] >= 60) | (a[:, 1] < 0) | (a[:, 1] >= 6)):
        raise DataError(f"{name}: events outside the analysis region 0-60 PE x 0-6 us")
    return Events(pe=a[:, 0].copy(), t_us=a[:, 1].copy())


@lru_cache(maxsize=None)
def coincidence() -> Events:
    """Beam-on coincidence events: the observed data."""
    return _events("events_beam_on_coincidence_roi.csv")


@lru_cache(maxsize=None)
def anticoincidence() -> Events:
    """Beam-on anti-coincidence events: the steady-state background sample."""
    return _events("events_beam_on_anticoincidence_roi.csv")


@dataclass(frozen=True)
class NeutronShape:
    """Released PE and reconstructed-time shapes of a neutron background (BRN or NIN)."""

    pe_centers: np.ndarray   #: 1-PE bin centres 0.5 … 59.5
    pe_pdf: np.ndarray       #: normalised to 1 over 0-60 PE (efficiency already included)
    t_centers: np.ndarray    #: 0.01-µs bin centres −0.245 … 6.245
    t_weights: np.ndarray    #: arbitrary normalisation, time efficiency NOT included


def _neutrons(kind: str) -> NeutronShape:
    pe = _csv(f"{kind}_pe_pdf.csv")
    t = _csv(f"{kind}_time_weights.csv")
    if not np.allclose(pe[:, 0], np.arange(60) + 0.5):
        raise DataError(f"{kind}_pe_pdf.csv: expected 1-PE bins centred at 0.5 ... 59.5")
    if not np.allclose(np.diff(t[:, 0]), 0.01, atol=1e-9):
        raise DataError(f"{kind}_time_weights.csv: expected 0.01-us bins")
    return NeutronShape(pe_centers=pe[:, 0], pe_pdf=pe[:, 1], t_centers=t[:, 0], t_weights=t[:, 1])


@lru_cache(maxsize=None)
def brn_shape() -> NeutronShape:
    return _neutrons("brn")


@lru_cache(maxsize=None)
def nin_shape() -> NeutronShape:
    return _neutrons("nin")


def efficiency_coefficients(variant: str = "nominal") -> tuple[float, ...]:
    """(a, b, c, d) of the PE efficiency for a variant of :data:`VARIANTS` (non-eff variants: nominal)."""
    e = facts()["efficiency"]
    key = {"eff+": "plus_1sigma", "eff-": "minus_1sigma"}.get(variant, "nominal")
    return tuple(float(v) for v in e[key])


def quenching_coefficients(variant: str = "nominal") -> tuple[float, ...]:
    """(a, b, c, d) of Eee(Enr) [MeV] for a variant of :data:`VARIANTS` (non-QF variants: nominal)."""
    q = facts()["quenching"]
    key = {"qf0+": "pc0_plus_1sigma", "qf0-": "pc0_minus_1sigma",
           "qf1+": "pc1_plus_1sigma", "qf1-": "pc1_minus_1sigma"}.get(variant, "nominal")
    return tuple(float(v) for v in q[key])


def check_variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise LikelihoodError(f"response variant {variant!r} unknown; use one of {VARIANTS}")
    return variant
