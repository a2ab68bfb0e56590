"""Load the COHERENT CsI[Na] 2017 inputs shipped in ``bayes_u1x/data/coherent_csi_2017``.

Data: COHERENT, arXiv:1708.01294 (measurement) and arXiv:1804.09459 (data release); the 144-bin
window and background model of Denton & Gehrlein, arXiv:2008.06062 (see the folder's README).

Everything returned here is a plain numpy array or float; lab units are converted to GeV here
(the package edge), except PE, µs and counts, which are the natural units of the data.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ...constants import M_U_ATOMIC
from ...errors import DataError
from ...package_data import data_file, load_toml

DATA_DIR = "coherent_csi_2017"
N_PE_BINS = 25          # 2-PE bins [2j, 2j+2), j = 0..24
N_T_BINS = 24           # 0.5-µs bins, 0-12 µs


def _path(name: str):
    return data_file(DATA_DIR, name)


def detector() -> dict:
    """The scalar facts of ``detector.toml`` (nested dict, lab units as named in the keys)."""
    return load_toml(DATA_DIR, "detector.toml")


def _csv(name: str) -> np.ndarray:
    with _path(name).open("r") as fh:
        return np.loadtxt(fh, delimiter=",", skiprows=1)


def _count_table(name: str) -> np.ndarray:
    """A (25 PE, 24 time) count table; checks the row layout (time fastest within PE)."""
    raw = _csv(name)
    pe = raw[:, 0].reshape(N_PE_BINS, N_T_BINS)
    t = raw[:, 1].reshape(N_PE_BINS, N_T_BINS)
    if not (np.allclose(pe, (2 * np.arange(N_PE_BINS) + 1)[:, None])
            and np.allclose(t, (0.5 * np.arange(N_T_BINS) + 0.25)[None, :])):
        raise DataError(f"unexpected bin layout in data/{DATA_DIR}/{name}")
    return raw[:, 2].reshape(N_PE_BINS, N_T_BINS)


@dataclass(frozen=True)
class Isotope:
    name: str
    Z: int
    N: int
    A: int
    mass: float        #: nuclear (atomic) mass [GeV]


@dataclass(frozen=True)
class RawData:
    c_on: np.ndarray            #: (25, 24) coincidence beam-on counts (the observed data)
    ac_on: np.ndarray           #: (25, 24) anti-coincidence beam-on
    c_off: np.ndarray           #: (25, 24) coincidence beam-off
    ac_off: np.ndarray          #: (25, 24) anti-coincidence beam-off
    t_prompt: np.ndarray        #: (24,) arrival-time PDF of prompt nu_mu
    t_delayed: np.ndarray       #: (24,) arrival-time PDF of delayed nu_e, anti-nu_mu
    t_brn: np.ndarray           #: (24,) arrival-time PDF of prompt beam neutrons
    brn_pe_per_gwh: np.ndarray  #: (50,) BRN counts per GWh in 1-PE bins [k, k+1)


@lru_cache(maxsize=None)
def raw_data() -> RawData:
    tp = _csv("arrival_time_pdf_prompt_neutrinos.csv")[:, 1]
    td = _csv("arrival_time_pdf_delayed_neutrinos.csv")[:, 1]
    tn = _csv("arrival_time_pdf_prompt_neutrons.csv")[:, 1]
    brn = _csv("brn_pe_spectrum_per_gwh.csv")[:, 1]
    return RawData(c_on=_count_table("coincidence_beam_on.csv"),
                   ac_on=_count_table("anticoincidence_beam_on.csv"),
                   c_off=_count_table("coincidence_beam_off.csv"),
                   ac_off=_count_table("anticoincidence_beam_off.csv"),
                   t_prompt=tp, t_delayed=td, t_brn=tn, brn_pe_per_gwh=brn)


def isotopes() -> tuple[Isotope, ...]:
    """133Cs and 127I (one of each per CsI formula unit), masses from AME2020 via detector.toml."""
    out = []
    for name, d in detector()["isotopes"].items():
        out.append(Isotope(name=name, Z=int(d["Z"]), N=int(d["N"]), A=int(d["Z"]) + int(d["N"]),
                           mass=float(d["atomic_mass_u"]) * M_U_ATOMIC))
    return tuple(out)


def acceptance(x_pe, a=None, k=None, x0=None) -> np.ndarray:
    """Signal acceptance at PE value x (arXiv:1804.09459): a/(1+exp(-k(x-x0))) * H(x).

    H = 0 below 5 PE, 1/2 on [5, 6), 1 from 6 PE up.
    """
    acc = detector()["acceptance"]
    a = acc["a"] if a is None else a
    k = acc["k"] if k is None else k
    x0 = acc["x0"] if x0 is None else x0
    x = np.asarray(x_pe, dtype=float)
    step = np.where(x < acc["step_zero_below_pe"], 0.0,
                    np.where(x < acc["step_half_below_pe"], 0.5, 1.0))
    return a / (1.0 + np.exp(-k * (x - x0))) * step
