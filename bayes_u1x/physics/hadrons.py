"""Hadronic decays of X through vector-meson dominance (VMD).

For 2 m_pi <~ m_X <~ 2 GeV perturbative QCD fails; the width of X into hadrons is instead taken from
e+e- -> hadrons data split into the parts that go through the isovector rho, the isoscalar omega and
the s-sbar phi current (P. Ilten, Y. Soreq, M. Williams, W. Xue, JHEP 06 (2018) 004,
arXiv:1801.04847, Sec. 2 and App. A). A vector coupling g_X q_f to the light quarks weights each part
with its own charge combination,

    c_rho = q_u - q_d,      c_omega = 3 (q_u + q_d),      c_phi = -3 q_s

(the photon, q = Q = (2/3, -1/3, -1/3), has c_rho = c_omega = c_phi = 1), and for a final state F

    Gamma(X -> F) = g_X^2 m_X / (12 pi) [c_rho^2 R^F_rho + c_omega^2 R^F_omega + c_phi^2 R^F_phi
                                         + 2 c_omega c_phi R^F_omegaphi],

where R^F_V(m) is the V-part of sigma(e+e- -> F)/sigma(e+e- -> mu mu)|_(m_mu = 0) (package data
``data/vmd/``, linear interpolation on its 0.5 MeV grid). A pure-baryon-number coupling
(q_u = q_d) has c_rho = 0: no pi+pi-, no 4 pi; a kinetically mixed one acquires a rho part.

Conventions (the ones the resonance-limit recasts are validated with, ``data/vmd/README.md``):

* above 2 GeV every R column is frozen at its 2 GeV value (close to the parton model: the omega and
  phi sums are 1/6 and 1/3 there, exactly the free-quark values);
* open charm is added perturbatively, Gamma(X -> c cbar) = 3 g^2 q_c^2 m/(12 pi) (1 + 2 r^2) beta with
  m_c = 1.5 GeV (b bbar with m_b = 4.8 GeV is included for completeness, far above 4 GeV);
* only *vector* quark couplings enter: the axial quark current of a chiral model is not described by
  this VMD fit and is ignored (none of the package's named chiral models couples axially to quarks).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..couplings import Couplings
from ..errors import DataError, LikelihoodError
from ..package_data import read_csv_rows

#: charm / bottom masses used for the perturbative heavy-quark widths [GeV] -- the values of the
#: DarkCast recasts (arXiv:1801.04847; ``data/vmd/README.md``), not MS-bar masses
M_C_PERTURBATIVE = 1.5
M_B_PERTURBATIVE = 4.8

#: exclusive hadronic channels provided by :func:`hadronic_channel_widths`; each is a sum of VMD
#: columns (``other`` collects every final state that the fit does not single out)
CHANNEL_COLUMNS = {
    "pi+_pi-": ("R_pipi_rho",),
    "pi+_pi-_pi0": ("R_3pi_omega", "R_3pi_phi", "R_3pi_omegaphi"),
    "pi0_gamma": ("R_pi0gamma_omega",),
    "4pi": ("R_4pich_rho", "R_2pi2pi0_rho"),
    "K_K": ("R_KK_phi",),
    "K_K_pi": ("R_KKpi_phi",),
    "other": ("R_other_rho", "R_other_omega", "R_other_phi"),
}
#: which charge combination weighs each column: 'rho', 'omega', 'phi' or 'omegaphi' (interference)
_COLUMN_KIND = {
    "R_pipi_rho": "rho", "R_4pich_rho": "rho", "R_2pi2pi0_rho": "rho", "R_other_rho": "rho",
    "R_3pi_omega": "omega", "R_pi0gamma_omega": "omega", "R_other_omega": "omega",
    "R_3pi_phi": "phi", "R_KK_phi": "phi", "R_KKpi_phi": "phi", "R_other_phi": "phi",
    "R_3pi_omegaphi": "omegaphi",
}
HADRONIC_CHANNELS = tuple(CHANNEL_COLUMNS) + ("c_cbar", "b_bbar")




@lru_cache(maxsize=1)
def vmd_table() -> dict[str, np.ndarray]:
    """The VMD R-ratio table as arrays: 'mass_gev' plus the 12 R columns (read once)."""
    header, rows = read_csv_rows("vmd", "vmd_r_ratios.csv")
    body = np.array(rows, dtype=float)
    table = {name: body[:, i].copy() for i, name in enumerate(header)}
    m = table["mass_gev"]
    missing = set(_COLUMN_KIND) - set(table)
    if missing or not np.allclose(np.diff(m), m[1] - m[0], rtol=1e-6, atol=1e-9):
        raise DataError("data/vmd/vmd_r_ratios.csv must hold all 12 R columns on a uniform grid")
    return table


@lru_cache(maxsize=1)
def _grouped_table():
    """Columns summed per (channel, kind): {channel: {kind: R array}} and per-kind totals."""
    t = vmd_table()
    per_channel = {}
    for ch, cols in CHANNEL_COLUMNS.items():
        d = {}
        for c in cols:
            k = _COLUMN_KIND[c]
            d[k] = d.get(k, 0.0) + t[c]
        per_channel[ch] = d
    totals = {}
    for c, k in _COLUMN_KIND.items():
        totals[k] = totals.get(k, 0.0) + t[c]
    return per_channel, totals


def _interp_weights(m):
    """Index and weight for linear interpolation on the uniform VMD grid (frozen above 2 GeV,
    zero below the first grid point)."""
    grid = vmd_table()["mass_gev"]
    m0, dm, n = grid[0], grid[1] - grid[0], grid.size
    x = (np.asarray(m, dtype=float) - m0) / dm
    below = x < 0
    x = np.minimum(np.maximum(x, 0.0), n - 1.0)  # = clip, cheaper for small batches
    i = np.minimum(x.astype(np.intp), n - 2)
    w = x - i
    return i, w, below


def _interp(column, i, w, below):
    val = column[i] * (1.0 - w) + column[i + 1] * w
    return np.where(below, 0.0, val)


def r_components(m, channel: str | None = None) -> dict[str, np.ndarray]:
    """R_rho, R_omega, R_phi, R_omegaphi at masses m [GeV] (total, or one channel of
    :data:`CHANNEL_COLUMNS`). Photon-like charges give R_had = sum of the four."""
    per_channel, totals = _grouped_table()
    if channel is None:
        src = totals
    else:
        if channel not in per_channel:
            raise LikelihoodError(f"unknown hadronic channel {channel!r}; known: {', '.join(CHANNEL_COLUMNS)}")
        src = per_channel[channel]
    i, w, below = _interp_weights(m)
    return {k: _interp(v, i, w, below) for k, v in src.items()}


def charge_combinations(q_u, q_d, q_s):
    """(c_rho, c_omega, c_phi) for vector quark charges (photon -> (1, 1, 1))."""
    q_u, q_d, q_s = (np.asarray(v, dtype=float) for v in (q_u, q_d, q_s))
    return q_u - q_d, 3.0 * (q_u + q_d), -3.0 * q_s


def _bracket(comp, c_rho, c_omega, c_phi):
    out = 0.0
    if "rho" in comp:
        out = out + c_rho ** 2 * comp["rho"]
    if "omega" in comp:
        out = out + c_omega ** 2 * comp["omega"]
    if "phi" in comp:
        out = out + c_phi ** 2 * comp["phi"]
    if "omegaphi" in comp:
        out = out + 2.0 * c_omega * c_phi * comp["omegaphi"]
    return out


def r_effective(m, q_u, q_d, q_s, channel: str | None = None):
    """The VMD bracket c_rho^2 R_rho + c_omega^2 R_omega + c_phi^2 R_phi + 2 c_omega c_phi R_omegaphi
    (dimensionless; Gamma = g^2 m/(12 pi) times this). For photon charges it is R_had(m)."""
    c = charge_combinations(q_u, q_d, q_s)
    return np.asarray(_bracket(r_components(m, channel), *c), dtype=float) + 0.0 * c[0]


def _heavy_quark_width(g_v, m, m_q):
    r2 = (m_q / m) ** 2
    b2 = 1.0 - 4.0 * r2
    ok = b2 > 0
    beta = np.sqrt(np.where(ok, b2, 0.0))
    return np.where(ok, 3.0 * g_v ** 2 * m / (12 * np.pi) * (1 + 2 * r2) * beta, 0.0)


def hadronic_channel_widths(cp: Couplings) -> dict[str, np.ndarray]:
    """Partial widths [GeV] of X into each hadronic channel of :data:`HADRONIC_CHANNELS`."""
    m = cp.m
    c = charge_combinations(cp.qV["u"], cp.qV["d"], cp.qV["s"])
    pref = cp.g ** 2 * m / (12 * np.pi)
    per_channel, _ = _grouped_table()
    i, w, below = _interp_weights(m)
    out = {}
    for ch, comp in per_channel.items():
        r = _bracket({k: _interp(v, i, w, below) for k, v in comp.items()}, *c)
        out[ch] = np.broadcast_to(pref * r, cp.shape).astype(float)
    out["c_cbar"] = _heavy_quark_width(cp.g * cp.qV["c"], m, M_C_PERTURBATIVE)
    # b quarks carry the d-type charge (flavour-universal quark charges, models.py)
    out["b_bbar"] = _heavy_quark_width(cp.g * cp.qV["d"], m, M_B_PERTURBATIVE)
    return out


def hadronic_channel_width(cp: Couplings, channel: str) -> np.ndarray:
    """Partial width [GeV] of X into one VMD channel of :data:`CHANNEL_COLUMNS` (the same numbers
    as ``hadronic_channel_widths(cp)[channel]``, without computing the other channels)."""
    per_channel, _ = _grouped_table()
    if channel not in per_channel:
        raise LikelihoodError(f"unknown hadronic channel {channel!r}; known: {', '.join(CHANNEL_COLUMNS)}")
    m = cp.m
    c = charge_combinations(cp.qV["u"], cp.qV["d"], cp.qV["s"])
    pref = cp.g ** 2 * m / (12 * np.pi)
    i, w, below = _interp_weights(m)
    r = _bracket({k: _interp(v, i, w, below) for k, v in per_channel[channel].items()}, *c)
    return np.broadcast_to(pref * r, cp.shape).astype(float)


def hadronic_width(cp: Couplings) -> np.ndarray:
    """Gamma(X -> hadrons) [GeV]: VMD light-quark part plus perturbative c cbar, b bbar.

    This is the seam :func:`bayes_u1x.physics.widths.hadronic_width` calls.
    """
    m = cp.m
    c = charge_combinations(cp.qV["u"], cp.qV["d"], cp.qV["s"])
    light = cp.g ** 2 * m / (12 * np.pi) * _bracket(r_components(m), *c)
    heavy = (_heavy_quark_width(cp.g * cp.qV["c"], m, M_C_PERTURBATIVE)
             + _heavy_quark_width(cp.g * cp.qV["d"], m, M_B_PERTURBATIVE))
    return np.broadcast_to(light + heavy, cp.shape).astype(float)
