"""Load the COHERENT CENNS-10 (LAr, Analysis A) inputs shipped in ``bayes_u1x/data/coherent_lar_2020``.

Measurement: COHERENT, arXiv:2003.10630 (PRL 126 (2021) 012002); data release arXiv:2006.12659
(zenodo 3903810, "Analysis A").  The folder's README lists every file and its columns.

Every 3-D table of the release has 960 rows (keVee, F90, time [µs], value) on 12 energy × 8 F90 ×
10 time bins, time fastest; :func:`table` checks that layout and returns a (12, 8, 10) array.
Lab units stay here (keVee, keVnr, µs, kg) except where a function says it returns GeV.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from ...constants import M_U_ATOMIC
from ...errors import DataError, LikelihoodError

DATA_DIR = "coherent_lar_2020"
SHAPE = (12, 8, 10)                 #: (energy, F90, time) bins of every table

#: the release's PDF files: component -> nominal file and its systematic variants
#: (a "+"/"-" pair is a ±1σ excursion; a single "one" file is a one-sided excursion)
PDF_FILES = {
    "cevns": "cevnspdf.txt",
    "prompt_brn": "brnpdf.txt",
    "delayed_brn": "delbrnpdf.txt",
    "steady_state": "bkgpdf.txt",
}
VARIANT_FILES = {
    "cevns_f90": ("cevns", {"+": "cevnspdf+1sigF90.txt", "-": "cevnspdf-1sigF90.txt"}),
    "cevns_timing_mean": ("cevns", {"one": "cevnspdfCEvNSTimingMeanSyst.txt"}),
    "brn_energy": ("prompt_brn", {"+": "brnpdf+1sigEnergy.txt", "-": "brnpdf-1sigEnergy.txt"}),
    "brn_timing_mean": ("prompt_brn", {"+": "brnpdf+1sigBRNTimingMean.txt",
                                       "-": "brnpdf-1sigBRNTimingMean.txt"}),
    "brn_timing_width": ("prompt_brn", {"one": "brnpdfBRNTimingWidthSyst.txt"}),
}
DATA_FILE = "datanobkgsub.txt"




def _path(name: str):
    return resources.files("bayes_u1x.data").joinpath(DATA_DIR).joinpath(name)


@lru_cache(maxsize=None)
def detector() -> dict:
    """The scalar facts of ``detector.toml`` (nested dict, lab units as named in the keys)."""
    with _path("detector.toml").open("rb") as fh:
        return tomllib.load(fh)


def edges() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(energy [keVee], F90, time [µs]) bin edges."""
    b = detector()["binning"]
    return (np.array(b["energy_edges_kevee"]), np.array(b["f90_edges"]),
            np.array(b["time_edges_us"]))


@lru_cache(maxsize=None)
def table(name: str) -> np.ndarray:
    """A (12, 8, 10) table (energy, F90, time) from one of the release's 960-row text files."""
    try:
        with _path(name).open("r") as fh:
            raw = np.loadtxt(fh)
    except FileNotFoundError as exc:
        raise DataError(f"COHERENT-LAr data file {name!r} is not in bayes_u1x/data/{DATA_DIR}") from exc
    if raw.shape != (int(np.prod(SHAPE)), 4):
        raise DataError(f"{name}: expected 960 rows of 4 columns, got shape {raw.shape}")
    e, f, t = edges()
    centres = [0.5 * (x[1:] + x[:-1]) for x in (e, f, t)]
    grid = np.stack(np.meshgrid(*centres, indexing="ij"), axis=-1).reshape(-1, 3)
    if not np.allclose(raw[:, :3], grid, atol=1e-6):
        raise DataError(f"{name}: bin centres do not follow the (keVee, F90, time) layout")
    out = raw[:, 3].reshape(SHAPE)
    out.setflags(write=False)
    return out


def observed() -> np.ndarray:
    """(12, 8, 10) observed beam-on counts (no background subtracted)."""
    return table(DATA_FILE)


def pdf(component: str) -> np.ndarray:
    """(12, 8, 10) nominal PDF of ``component`` in events per 6.12 GWh (the release's prediction)."""
    if component not in PDF_FILES:
        raise LikelihoodError(f"unknown COHERENT-LAr component {component!r}; use one of {tuple(PDF_FILES)}")
    return table(PDF_FILES[component])


def variant(name: str, side: str) -> np.ndarray:
    """(12, 8, 10) systematic variant ``name`` ("+", "-" or "one", see :data:`VARIANT_FILES`)."""
    return table(VARIANT_FILES[name][1][side])


@lru_cache(maxsize=None)
def efficiency_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keVee, keVnr, efficiency) columns of ``CENNS10AnlAEfficiency.txt`` (0.5-keVee steps)."""
    with _path(detector()["response"]["efficiency_file"]).open("r") as fh:
        raw = np.loadtxt(fh)
    if raw.ndim != 2 or raw.shape[1] != 3 or np.any(np.diff(raw[:, 0]) <= 0):
        raise DataError("CENNS10AnlAEfficiency.txt: expected increasing keVee in 3 columns")
    return raw[:, 0].copy(), raw[:, 1].copy(), raw[:, 2].copy()


def efficiency(e_kevee) -> np.ndarray:
    """Analysis-A acceptance at energy ``e_kevee``: linear in the table, 0 below its first point,
    held at its last value (0.963 at 39.75 keVee) above it (CEvNS above 40 keVee is < 0.1 event)."""
    x, _, y = efficiency_table()
    e = np.asarray(e_kevee, dtype=float)
    return np.where(e < x[0], 0.0, np.interp(e, x, y))


@dataclass(frozen=True)
class Isotope:
    name: str
    Z: int
    N: int
    abundance: float     #: atom fraction in natural argon
    mass: float          #: nuclear (atomic) mass [GeV]

    @property
    def A(self) -> int:
        return self.Z + self.N


@lru_cache(maxsize=None)
def isotopes() -> tuple[Isotope, ...]:
    """⁴⁰Ar, ³⁸Ar, ³⁶Ar with natural abundances (detector.toml)."""
    return tuple(Isotope(name=k, Z=int(v["Z"]), N=int(v["N"]), abundance=float(v["abundance"]),
                         mass=float(v["atomic_mass_u"]) * M_U_ATOMIC)
                 for k, v in detector()["isotopes"].items())
