"""Partial decay widths and branching ratios of X.

Two-body decay into a fermion pair with L ⊃ g X fbar gamma (q_V - q_A gamma_5) f (Eq. 2.4):

    Gamma(X -> f fbar) = N_c g^2 m_X / (12 pi) * beta * [q_V^2 (1 + 2 r^2) + q_A^2 beta^2],
    beta = sqrt(1 - 4 r^2),  r = m_f / m_X,

the textbook result (e.g. PDG review "Z boson" with g -> g q); for one left-handed neutrino with
charge q_nu: Gamma(X -> nu nubar) = g^2 q_nu^2 m_X / (24 pi). Right-handed neutrinos are assumed
heavier than m_X/2 (Sec. 4.2) and do not contribute.

Hadronic final states (m_X >~ 2 m_pi) are provided by :mod:`bayes_u1x.physics.hadrons` through
:func:`hadronic_width`; it is the single seam where the quark couplings enter the total width.
"""
from __future__ import annotations

import numpy as np

from ..constants import LEPTON_MASSES
from ..couplings import CHARGED_LEPTONS, Couplings

LEPTONIC_CHANNELS = ("e", "mu", "tau")
NEUTRINO_CHANNELS = ("nu_e", "nu_mu", "nu_tau")


def fermion_pair_width(g_v, g_a, m_x, m_f, n_c: float = 1.0):
    """Gamma(X -> f fbar) [GeV] for vector/axial couplings g_v = g q_V, g_a = g q_A."""
    g_v, g_a, m_x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (g_v, g_a, m_x)))
    r2 = (m_f / m_x) ** 2
    b2 = np.maximum(1.0 - 4.0 * r2, 0.0)  # = clip(., 0, None), without clip's Python overhead
    beta = np.sqrt(b2)
    return np.where(b2 > 0, n_c * m_x / (12 * np.pi) * beta * (g_v ** 2 * (1 + 2 * r2) + g_a ** 2 * b2), 0.0)


def neutrino_width(g_nu, m_x):
    """Gamma(X -> nu nubar) [GeV] for one left-handed neutrino with coupling g_nu = g q_nu."""
    return np.asarray(g_nu, dtype=float) ** 2 * np.asarray(m_x, dtype=float) / (24 * np.pi)


def hadronic_width(cp: Couplings) -> np.ndarray:
    """Gamma(X -> hadrons) [GeV]; delegates to :mod:`bayes_u1x.physics.hadrons` (VMD).

    Returns zeros if the hadronic module is not available (then only leptonic and invisible
    channels count, which is exact below the two-pion threshold).
    """
    try:
        from . import hadrons
    except ImportError:  # pragma: no cover - seam before the hadronic module lands
        return np.zeros(cp.shape)
    return hadrons.hadronic_width(cp)


def partial_widths(cp: Couplings, include_hadrons: bool = True) -> dict[str, np.ndarray]:
    """All partial widths [GeV] keyed by channel: 'e', 'mu', 'tau', 'nu_e', 'nu_mu', 'nu_tau',
    'hadrons'."""
    out = {}
    for lep in CHARGED_LEPTONS:
        out[lep] = fermion_pair_width(cp.vector(lep), cp.axial(lep), cp.m, LEPTON_MASSES[lep])
    for lep in CHARGED_LEPTONS:
        out["nu_" + lep] = neutrino_width(cp.g * cp.q_nu[lep], cp.m)
    out["hadrons"] = hadronic_width(cp) if include_hadrons else np.zeros(cp.shape)
    return out


def total_width(cp: Couplings, include_hadrons: bool = True) -> np.ndarray:
    return sum(partial_widths(cp, include_hadrons).values())


def branching_ratios(cp: Couplings, include_hadrons: bool = True) -> dict[str, np.ndarray]:
    """Branching ratios per channel plus the aggregate 'invisible' (all neutrinos).

    Where the total width vanishes (a model with no coupling at all) every ratio is 0.
    """
    pw = partial_widths(cp, include_hadrons)
    tot = sum(pw.values())
    safe = np.where(tot > 0, tot, 1.0)
    br = {k: np.where(tot > 0, v / safe, 0.0) for k, v in pw.items()}
    br["invisible"] = br["nu_e"] + br["nu_mu"] + br["nu_tau"]
    return br
