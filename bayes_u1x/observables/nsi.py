"""NSI in neutrino oscillations: matter effects of X exchange (arXiv:2203.13731, Sec. 3.3, App. A).

Measured: the global fit of oscillation data with flavour-diagonal non-standard matter potentials
(Coloma, Esteban, Gonzalez-Garcia, Maltoni, arXiv:2009.14220, ref. [71]), approximated by the
Gaussian χ² of App. A. X exchange at zero momentum transfer gives (Eqs. A.1–A.5)

    Ē_α = (x_e + x_p + Ȳ_n x_n) x_α ε₀,   ε₀ = g_X² / (√2 G_F m_X²)   (Eq. A.3),

with the *model* vector charges of electron, proton and neutron (x_p = x_n = x_B for quark-universal
models, Eq. A.4) and the left-handed neutrino charges x_α. Kinetic mixing does not enter: it cancels
in neutral matter (footnote 13), so the r_ε shift of the effective charges is undone here. For a
purely axial electron coupling (chiral L̃_μ−τ, Sec. 5) only the vector charge enters and NSI vanish.

    Δχ²_NSI = (Ē − Ē⁰)ᵀ C⁻¹ (Ē − Ē⁰) − Ē⁰ᵀ C⁻¹ Ē⁰   (Eq. A.12),  floored at 0 (App. B),

so it is 0 in the SM. The parameters Ē⁰, C (σ_α, ρ_αβ, Eq. A.7) and Ȳ_n are the refit of Table 3
from Table 2 (:mod:`bayes_u1x.nsi_fit`), shipped in ``bayes_u1x/data/nsi_parameters.toml``; the
default holds Ȳ_n = 1.04 (the paper's value; the Earth average is 1.051). Alternatives are selected
with ``params=<name>`` (see :func:`available_sets`) or by passing an
:class:`~bayes_u1x.nsi_fit.NSIParams`.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .. import nsi_fit
from ..constants import G_F
from ..nsi_fit import NSIParameterError, NSIParams

DESCRIPTION = "NSI in neutrino oscillations (App. A, Eq. A.12)"

FLAVOURS = ("e", "mu", "tau")

#: Table 1 of arXiv:2203.13731 at m_X = 0.2 GeV: (c_B, c_e, c_mu, c_tau) -> (eps e/g_X, g_X).
#: The printed g_X of (3,-6,6,-9) and (3,-6,3,-6), 9.90e-4 and 1.30e-3, break the trend of their
#: neighbours and are taken as misprints for 9.90e-5 and 1.30e-4 (see PHYSICS.md).
TABLE1_POINTS = {
    "0,0,1,-1": (0.01, 1.44e-3),
    "3,-7,-1,-1": (-6.97, 2.17e-4),
    "3,-6,7,-10": (-6.26, 1.02e-4),
    "3,-6,6,-9": (-6.21, 9.90e-5),
    "3,-6,5,-8": (-6.16, 1.19e-4),
    "3,-6,4,-7": (-6.11, 1.31e-4),
    "3,-6,3,-6": (-6.08, 1.30e-4),
}
TABLE1_MASS = 0.2  # GeV


def available_sets() -> list[str]:
    """Names of the shipped NSI parameter sets ("default" first)."""
    sets = nsi_fit._toml().get("sets", {})
    return ["default"] + sorted(k for k in sets if k != nsi_fit._toml().get("default"))


@lru_cache(maxsize=32)
def parameter_set(name: str = "default") -> NSIParams:
    """A shipped parameter set by name (``"default"`` is the Ȳ_n = 1.04 best fit)."""
    doc = nsi_fit._toml()
    sets = doc.get("sets", {})
    key = doc.get("default") if name == "default" else name
    if key not in sets:
        raise NSIParameterError(f"unknown NSI parameter set {name!r}; available: "
                                f"{', '.join(available_sets())}")
    s = sets[key]
    return NSIParams(E0=tuple(s["E0"]), sigma=tuple(s["sigma"]), rho=tuple(s["rho"]), Yn=float(s["Yn"]),
                     name=key, lam=s.get("lambda"), provenance=s.get("provenance", ""))


def _resolve(params) -> NSIParams:
    if isinstance(params, NSIParams):
        return params
    if isinstance(params, str):
        return parameter_set(params)
    raise NSIParameterError(f"params must be a set name or NSIParams, got {params!r}")


@lru_cache(maxsize=64)
def _precomputed(p: NSIParams):
    cinv = np.linalg.inv(p.covariance())
    return cinv, cinv @ np.asarray(p.E0, dtype=float)


def matter_charge(cp, Yn: float) -> np.ndarray:
    """x_e + x_p + Ȳ_n x_n from the model vector charges (kinetic-mixing shift removed)."""
    x_e = cp.qV["e"] + cp.r_eps       # Q_e = -1
    x_p = cp.qV["p"] - cp.r_eps       # Q_p = +1
    x_n = cp.qV["n"]
    return x_e + x_p + Yn * x_n


def eps0(cp) -> np.ndarray:
    """ε₀ = g_X²/(√2 G_F m_X²) (Eq. A.3)."""
    return cp.g ** 2 / (math.sqrt(2.0) * G_F * cp.m ** 2)


def potentials(cp, params="default") -> np.ndarray:
    """Ē_α (α = e, μ, τ) of Eq. A.5, shape cp.shape + (3,)."""
    p = _resolve(params)
    f = matter_charge(cp, p.Yn) * eps0(cp)
    return np.stack([f * cp.q_nu[a] for a in FLAVOURS], axis=-1)


def delta_chi2_raw(cp, params="default") -> np.ndarray:
    """Eq. A.12 without the floor (can be negative)."""
    p = _resolve(params)
    cinv, cinv_e0 = _precomputed(p)
    e = potentials(cp, p)
    return np.einsum("...i,ij,...j->...", e, cinv, e) - 2.0 * (e @ cinv_e0)


def delta_chi2(cp, data=None, params="default") -> np.ndarray:
    """Δχ²_NSI osc. = max(Eq. A.12, 0) (App. B); 0 in the SM. ``data`` is not used (App. A)."""
    return np.maximum(delta_chi2_raw(cp, params), 0.0)


# --- reports ----------------------------------------------------------------------------------------
def reproduce_table2(params="default") -> dict:
    """λ, parameters and the reproduced Table-2 bounds/minima for a parameter set."""
    p = _resolve(params)
    return {"name": p.name, "lambda_min": nsi_fit.params_loss(p), "params": p.as_dict(),
            "provenance": p.provenance, "bounds": nsi_fit.bounds_report(p)}


@lru_cache(maxsize=1)
def _table1_couplings() -> dict:
    from ..couplings import effective_couplings

    return {model: effective_couplings(model, g, r, TABLE1_MASS) for model, (r, g) in TABLE1_POINTS.items()}


def table1_delta_chi2(params="default") -> dict[str, float]:
    """Δχ²_NSI (floored) at the Table-1 best-fit points (m_X = 0.2 GeV)."""
    return {model: float(delta_chi2(cp, None, params)) for model, cp in _table1_couplings().items()}


def table1_spread(param_sets=None, delta_lambda: float = 1.0) -> dict:
    """Spread (min, max) of Δχ²_NSI at the Table-1 points over all parameter sets whose λ lies
    within ``delta_lambda`` of the best; default: the shipped Ȳ_n = 1.04 sets."""
    if param_sets is None:
        param_sets = [parameter_set(n) for n in available_sets()]
        param_sets = [p for p in param_sets if abs(p.Yn - 1.04) < 1e-12]
    lams = [nsi_fit.params_loss(p) for p in param_sets]
    best = min(lams)
    chosen = [p for p, lam in zip(param_sets, lams) if lam < best + delta_lambda]
    vals = {p.name or str(i): table1_delta_chi2(p) for i, p in enumerate(chosen)}
    per_model = {m: (min(v[m] for v in vals.values()), max(v[m] for v in vals.values()))
                 for m in TABLE1_POINTS}
    return {"lambda_best": best, "n_sets": len(chosen), "sets": [p.name for p in chosen],
            "per_model": per_model, "values": vals}
