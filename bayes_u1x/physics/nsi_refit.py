"""Refit of the approximate NSI-oscillation χ² (arXiv:2203.13731, App. A, Table 3) from Table 2.

The approximate χ² (Eq. A.6) is a Gaussian in the flavour-diagonal matter potentials
Ē_α = (x_e + (1 + Ȳ_n) x_B) x_α ε₀ (Eq. A.5, ε₀ = g_X²/(√2 G_F m_X²), Eq. A.3) with centre Ē⁰ and
covariance C_αβ = σ_α σ_β ρ_αβ (Eq. A.7). For a model direction v = (x_e + (1+Ȳ_n)x_B)(x_e, x_μ, x_τ)
the difference to the SM (Eq. A.12) is a quadratic in ε₀ ≥ 0,

    Δχ²(ε₀) = a ε₀² − 2 b ε₀,   a = vᵀC⁻¹v,  b = vᵀC⁻¹Ē⁰,

so that the 2σ bound (Δχ² = 4, Eq. A.13) is ε₀^bnd = (b + √(b² + 4a))/a and the minimum over ε₀ ≥ 0
(Eq. A.14) is −b²/a for b > 0 and 0 otherwise. The nine parameters η (Eq. A.9) — and optionally Ȳ_n —
are fitted by minimising the loss λ of Eq. A.15 (σ_ε = 10 % of the bound, σ_χ = 2; Eqs. A.16–A.17)
against the ten models of Table 2 (inputs from Coloma et al., arXiv:2009.14220, ref. [71]) with
iminuit, from many random starting points. The correlation matrix is parametrised by partial
correlations (z₁, z₂, z₃) ∈ (−1, 1)³ — ρ_eμ = z₁, ρ_eτ = z₂, ρ_μτ = z₁z₂ + z₃√((1−z₁²)(1−z₂²)) —
which keeps C positive definite; |z| is capped at ``Z_MAX`` so that C stays invertible.

All functions are pure. The fitted parameter sets shipped with the package are in
``bayes_u1x/data/nsi_parameters.toml`` and are read by :mod:`bayes_u1x.physics.nsi_parameters`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..errors import LikelihoodError
from .nsi_parameters import NSIParams, _toml, covariance

#: cap on |partial correlation| (keeps C positive definite with condition number ≲ 1e7)
Z_MAX = 0.9999
#: Eqs. A.16–A.17
SIGMA_EPS_FRACTION = 0.1
SIGMA_CHI = 2.0
#: Δχ² defining the 2σ bounds of Table 2
BOUND_LEVEL = 4.0


# --- Table 2 ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table2:
    theta: np.ndarray        # (n, 4): (x_B, x_e, x_mu, x_tau)
    chi2_min: np.ndarray     # (n,) NaN where not available
    eps0_bound: np.ndarray   # (n,)
    labels: tuple[str, ...]


@lru_cache(maxsize=1)
def table2() -> Table2:
    """The inputs of Table 2 (ref. [71] and private communication), from the package data."""
    rows = _toml()["table2"]["rows"]
    theta = np.array([[float(Fraction(x)) for x in r["theta"]] for r in rows])
    chi = np.array([np.nan if r.get("chi2_min") is None else float(r["chi2_min"]) for r in rows])
    bnd = np.array([float(r["eps0_bound"]) for r in rows])
    labels = tuple("(" + ", ".join(r["theta"]) + ")" for r in rows)
    return Table2(theta=theta, chi2_min=chi, eps0_bound=bnd, labels=labels)


# --- the quadratic in ε₀ ---------------------------------------------------------------------------
def directions(theta, Yn) -> np.ndarray:
    """v = (x_e + (1+Ȳ_n) x_B)(x_e, x_μ, x_τ) for rows θ = (x_B, x_e, x_μ, x_τ) (Eq. A.5)."""
    th = np.atleast_2d(np.asarray(theta, dtype=float))
    f = th[:, 1] + (1.0 + Yn) * th[:, 0]
    return f[:, None] * th[:, 1:]


def quadratic_coefficients(theta, E0, sigma, rho, Yn):
    """(a, b) with Δχ²_NSI(ε₀) = a ε₀² − 2 b ε₀ (Eq. A.12) for each model row θ."""
    cinv = np.linalg.inv(covariance(sigma, rho))
    v = directions(theta, Yn)
    a = np.einsum("ni,ij,nj->n", v, cinv, v)
    b = v @ (cinv @ np.asarray(E0, dtype=float))
    return a, b


def eps0_bound(a, b, level: float = BOUND_LEVEL):
    """ε₀ where Δχ² = level (Eq. A.13); ∞ for a model that does not feel NSI (a = 0)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(a > 0, (b + np.sqrt(b * b + level * a)) / a, np.inf)


def chi2_min(a, b):
    """min over ε₀ ≥ 0 of a ε₀² − 2 b ε₀ (Eq. A.14)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((b > 0) & (a > 0), -b * b / a, 0.0)


def predictions(params: NSIParams, table: Table2 | None = None):
    """(ε₀^bnd, Δχ²_min) of every Table-2 model for the parameters."""
    table = table or table2()
    a, b = quadratic_coefficients(table.theta, params.E0, params.sigma, params.rho, params.Yn)
    return eps0_bound(a, b), chi2_min(a, b)


def loss(E0, sigma, rho, Yn, table: Table2 | None = None) -> float:
    """λ of Eq. A.15 (σ_ε = 0.1 ε̂₀^bnd, σ_χ = 2; rows without Δχ̂²_min contribute the bound only)."""
    table = table or table2()
    a, b = quadratic_coefficients(table.theta, E0, sigma, rho, Yn)
    bnd = eps0_bound(a, b)
    cm = chi2_min(a, b)
    r_eps = (bnd - table.eps0_bound) / (SIGMA_EPS_FRACTION * table.eps0_bound)
    ok = np.isfinite(table.chi2_min)
    r_chi = (cm[ok] - table.chi2_min[ok]) / SIGMA_CHI
    return float(np.sum(r_eps ** 2) + np.sum(r_chi ** 2))


def params_loss(params: NSIParams, table: Table2 | None = None) -> float:
    return loss(params.E0, params.sigma, params.rho, params.Yn, table)


# --- parametrisation ---------------------------------------------------------------------------------
def rho_from_partial(z1, z2, z3):
    """(ρ_eμ, ρ_eτ, ρ_μτ) from partial correlations; positive definite for |z| < 1."""
    return z1, z2, z1 * z2 + z3 * math.sqrt((1 - z1 * z1) * (1 - z2 * z2))


def partial_from_rho(r_em, r_et, r_mt):
    z3 = (r_mt - r_em * r_et) / math.sqrt((1 - r_em ** 2) * (1 - r_et ** 2))
    return r_em, r_et, z3


def _unpack(p, Yn_fixed):
    E0 = (p[0], p[1], p[2])
    sigma = (math.exp(p[3]), math.exp(p[4]), math.exp(p[5]))
    rho = rho_from_partial(p[6], p[7], p[8])
    Yn = Yn_fixed if Yn_fixed is not None else p[9]
    return E0, sigma, rho, Yn


def fit_from(start: NSIParams, Yn_fixed: float | None = 1.04, table: Table2 | None = None,
             z_max: float = Z_MAX) -> NSIParams:
    """One Migrad minimisation of λ from ``start`` (Ȳ_n held at ``Yn_fixed`` unless None)."""
    from iminuit import Minuit

    from .._minuit import quiet_minuit

    table = table or table2()
    z = partial_from_rho(*start.rho)
    z = [min(max(v, -z_max), z_max) for v in z]
    p0 = [*start.E0, *(math.log(s) for s in start.sigma), *z]
    names = ["E0_e", "E0_mu", "E0_tau", "ln_sigma_e", "ln_sigma_mu", "ln_sigma_tau", "z1", "z2", "z3"]
    if Yn_fixed is None:
        p0.append(start.Yn)
        names.append("Yn")

    def fcn(p):
        E0, sigma, rho, Yn = _unpack(p, Yn_fixed)
        try:
            val = loss(E0, sigma, rho, Yn, table)
        except (LikelihoodError, np.linalg.LinAlgError):
            return 1e12
        return val if math.isfinite(val) else 1e12

    m = Minuit(fcn, p0, name=names)
    m.errordef = Minuit.LEAST_SQUARES
    for n in ("z1", "z2", "z3"):
        m.limits[n] = (-z_max, z_max)
    for n in ("ln_sigma_e", "ln_sigma_mu", "ln_sigma_tau"):
        m.limits[n] = (math.log(1e-3), math.log(1e3))
    if Yn_fixed is None:
        m.limits["Yn"] = (0.5, 1.5)
    m.strategy = 1
    with quiet_minuit():
        m.migrad(ncall=20000)
    E0, sigma, rho, Yn = _unpack(list(m.values), Yn_fixed)
    return NSIParams(E0=tuple(float(x) for x in E0), sigma=tuple(float(x) for x in sigma),
                     rho=tuple(float(x) for x in rho), Yn=float(Yn), lam=float(m.fval),
                     provenance="iminuit refit of Table 3 from Table 2 (Eq. A.15)",
                     extra={"valid": bool(m.valid), "Yn_free": Yn_fixed is None})


def random_start(rng: np.random.Generator, Yn: float = 1.04) -> NSIParams:
    """A random starting point spanning the scale of Table 3."""
    E0 = rng.uniform(-15.0, 5.0, 3)
    sigma = np.exp(rng.uniform(math.log(0.5), math.log(20.0), 3))
    z = rng.uniform(-0.95, 0.95, 3)
    return NSIParams(E0=tuple(E0), sigma=tuple(sigma), rho=rho_from_partial(*z), Yn=Yn)


def paper_table3(rho_mutau: float | None = None) -> NSIParams:
    """The printed Table 3; ρ_μτ (printed 1.00, singular) replaced by ``rho_mutau`` if given."""
    E0 = (-1.62, -10.00, -11.15)
    sigma = (5.56, 8.51, 9.59)
    rho = (0.78, 0.79, 1.00 if rho_mutau is None else rho_mutau)
    return NSIParams(E0=E0, sigma=sigma, rho=rho, Yn=1.04, name="paper-table3",
                     provenance="arXiv:2203.13731 Table 3 (rounded)")


def multistart_fit(n_starts: int = 200, seed: int = 1, Yn_fixed: float | None = 1.04,
                   table: Table2 | None = None, z_max: float = Z_MAX) -> list[NSIParams]:
    """Minimise λ from the (regularised) printed Table 3 and ``n_starts`` random points.

    Returns every converged fit, sorted by λ (best first). Deterministic for a given seed.
    """
    if n_starts < 0:
        raise LikelihoodError("n_starts must be non-negative")
    rng = np.random.default_rng(seed)
    yn0 = 1.04 if Yn_fixed is None else Yn_fixed
    r_max = rho_from_partial(0.78, 0.79, z_max)[2]
    starts = [paper_table3(rho_mutau=min(0.999, r_max) - 1e-4)]
    starts[0] = NSIParams(starts[0].E0, starts[0].sigma, starts[0].rho, yn0)
    starts += [random_start(rng, yn0) for _ in range(n_starts)]
    out = []
    for s in starts:
        try:
            f = fit_from(s, Yn_fixed=Yn_fixed, table=table, z_max=z_max)
        except (LikelihoodError, np.linalg.LinAlgError):
            continue
        if f.lam is not None and math.isfinite(f.lam) and f.lam < 1e11:
            out.append(f)
    out.sort(key=lambda f: f.lam)
    return out


def distinct(fits: list[NSIParams], rtol: float = 1e-3) -> list[NSIParams]:
    """Drop fits that repeat an earlier one (same λ and parameters within ``rtol``)."""
    kept: list[NSIParams] = []
    for f in fits:
        v = np.array([*f.E0, *f.sigma, *f.rho, f.Yn])
        if not any(abs(f.lam - k.lam) <= 1e-4 * max(1.0, k.lam)
                   and np.allclose(v, np.array([*k.E0, *k.sigma, *k.rho, k.Yn]), rtol=rtol, atol=1e-4)
                   for k in kept):
            kept.append(f)
    return kept


def bounds_report(params: NSIParams, table: Table2 | None = None) -> list[dict]:
    """Each Table-2 model: reproduced vs paper ε₀ bound and Δχ²_min."""
    table = table or table2()
    bnd, cm = predictions(params, table)
    out = []
    for i, lab in enumerate(table.labels):
        out.append({
            "theta": [float(x) for x in table.theta[i]], "label": lab,
            "eps0_bound": float(bnd[i]), "paper_eps0_bound": float(table.eps0_bound[i]),
            "rel_diff": float(bnd[i] / table.eps0_bound[i] - 1.0),
            "chi2_min": float(cm[i]),
            "paper_chi2_min": None if not np.isfinite(table.chi2_min[i]) else float(table.chi2_min[i]),
        })
    return out
