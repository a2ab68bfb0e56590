"""Observables: one module per measurement, each a pure, vectorised Δχ² of the couplings, and the registry.

:data:`TERMS` lists every likelihood term once (pyhf-style explicit registry): the composite
likelihood, the presets, the exclusion planes, the command line and the documentation derive their
term lists and labels from it. The module contract is described in :mod:`.base`. Adding a term means
writing its module, adding one :class:`~.base.Term` line here and its numbers to ``bayes_u1x/data``.

======================  ==========================================================================
term                    measurement (arXiv:2203.13731)
======================  ==========================================================================
``amu``                 muon g−2, Δa_μ (Eq. 2.5, B.2)
``borexino``            ⁷Be solar ν–e scattering rate (Sec. 3.4, Eq. B.3)
``nsi``                 NSI in neutrino oscillations (App. A)
``coherent``            COHERENT CsI[Na] 2017 CEvNS (Sec. 3.3, App. B)
``coherent_csi_2021``   COHERENT CsI[Na] full data set (arXiv:2110.07730)
``coherent_lar_2020``   COHERENT CENNS-10 liquid argon, Analysis A (arXiv:2003.10630, 2006.12659)
``resonances``          dark-photon resonance searches recast to the model (Sec. 3.5, App. B)
``resonances_2023``     beam dumps, NA62 2023, FASER, LHCb displaced, NA64 visible (DarkCast 2023)
``ccfr``                CCFR neutrino trident (Sec. 3.2)
``ew_t``                electroweak T parameter (Sec. 3.1)
``apv``                 atomic parity violation in Cs, chiral models (Sec. 5.1)
``ae``                  electron g−2, chiral models (Sec. 5.2)
``texono``              TEXONO reactor ν̄_e–e, chiral models, fallback (Sec. 5.3)
``charm2``              CHARM-II ν_μ–e rates, chiral models, fallback (Sec. 5.3)
======================  ==========================================================================
"""
from __future__ import annotations

from ..errors import LikelihoodError
from . import (ae, amu, apv, borexino, ccfr, charm2, coherent, coherent_csi_2021, coherent_lar_2020, ew_t, nsi,
               resonances, resonances_2023, texono)
from .base import Term, gaussian_delta_chi2, measurement

#: options of the terms whose ``delta_chi2`` forwards ``**options`` to their physics functions
_BOREXINO_OPTIONS = ("mixing", "theta23_deg", "mass_fractions", "flavour_fractions", "couplings", "sw2",
                     "t_min_keV", "t_max_keV")
_CCFR_OPTIONS = ("method", "e_nu", "form_factor", "ratio_av", "flux", "target")

#: every likelihood term, in the order they are listed and summed
TERMS: dict[str, Term] = {t.name: t for t in (
    Term("amu", amu, r"$(g-2)_\mu$", "(g-2)_mu", constraint=False),
    Term("borexino", borexino, "Borexino", "Borexino", options=_BOREXINO_OPTIONS),
    Term("nsi", nsi, r"$\nu$ oscillations (NSI)", "nu oscillations (NSI)"),
    Term("coherent", coherent, "COHERENT", "COHERENT"),
    Term("coherent_csi_2021", coherent_csi_2021, "COHERENT CsI 2021", "COHERENT CsI 2021",
         valid_mass_range=coherent_csi_2021.VALID_MASS_RANGE),
    Term("coherent_lar_2020", coherent_lar_2020, "COHERENT LAr", "COHERENT LAr",
         valid_mass_range=coherent_lar_2020.VALID_MASS_RANGE),
    Term("resonances", resonances, "resonance searches", "resonance searches",
         valid_mass_range=resonances.VALID_MASS_RANGE, search=True),
    Term("resonances_2023", resonances_2023, "dark-photon searches added in 2023", "dark-photon searches added in 2023",
         valid_mass_range=resonances_2023.VALID_MASS_RANGE, search=True),
    Term("ccfr", ccfr, "CCFR trident", "CCFR trident", valid_mass_range=ccfr.VALID_MASS_RANGE,
         options=_CCFR_OPTIONS),
    Term("ew_t", ew_t, r"EW ($T$ parameter)", "EW (T parameter)"),
    Term("apv", apv, "APV (Cs)", "APV (Cs)", chiral_only=True, options=()),
    Term("ae", ae, r"$(g-2)_e$", "(g-2)_e", chiral_only=True),
    Term("texono", texono, "TEXONO (fallback on Eq. 5.7)", "TEXONO (fallback on Eq. 5.7)", chiral_only=True,
         fallback=texono.FALLBACK),
    Term("charm2", charm2, "CHARM-II (rate-only fallback, 30% norm.)", "CHARM-II (rate-only fallback, 30% norm.)",
         chiral_only=True, fallback=charm2.FALLBACK),
)}

#: the terms only chiral models add (Sec. 5)
CHIRAL_TERMS = tuple(n for n, t in TERMS.items() if t.chiral_only)


def get_term(name: str) -> Term:
    """The registered term ``name`` (a clear error listing the known ones otherwise)."""
    try:
        return TERMS[name]
    except (KeyError, TypeError):
        raise LikelihoodError(f"unknown likelihood term {name!r}; known: {', '.join(TERMS)}") from None


def constraint_terms(vectorlike: bool = True) -> tuple[str, ...]:
    """The terms drawn as constraints in exclusion planes (chiral ones only for chiral models)."""
    return tuple(n for n, t in TERMS.items() if t.constraint and (not t.chiral_only or not vectorlike))


__all__ = ["CHIRAL_TERMS", "TERMS", "Term", "constraint_terms", "gaussian_delta_chi2", "get_term", "measurement"]
