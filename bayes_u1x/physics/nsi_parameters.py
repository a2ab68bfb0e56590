"""The parameters of the approximate NSI-oscillation χ² of App. A of arXiv:2203.13731 (Table 3).

Δχ²_NSI (Eq. A.12) is a Gaussian in the matter potentials Ē_α with centre Ē⁰, covariance
C_αβ = σ_α σ_β ρ_αβ (Eq. A.7) and the average neutron-to-proton ratio Ȳ_n (Eq. A.5). The printed
Table 3 is rounded to a singular matrix (ρ_μτ = 1.00), so the package ships refits of it from Table 2
(:mod:`bayes_u1x.physics.nsi_refit`) in ``bayes_u1x/data/nsi_parameters.toml``; :func:`parameter_set`
reads one by name ("default": the Ȳ_n = 1.04 best fit), :func:`available_sets` lists them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..errors import LikelihoodError
from ..package_data import load_toml


@dataclass(frozen=True)
class NSIParams:
    """Parameters of the approximate NSI χ² (Table 3): Ē⁰, σ, ρ = (ρ_eμ, ρ_eτ, ρ_μτ), Ȳ_n."""

    E0: tuple[float, float, float]
    sigma: tuple[float, float, float]
    rho: tuple[float, float, float]
    Yn: float
    name: str = ""
    lam: float | None = None
    provenance: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def covariance(self) -> np.ndarray:
        return covariance(self.sigma, self.rho)

    def as_dict(self) -> dict:
        return {"E0_e": self.E0[0], "E0_mu": self.E0[1], "E0_tau": self.E0[2],
                "sigma_e": self.sigma[0], "sigma_mu": self.sigma[1], "sigma_tau": self.sigma[2],
                "rho_emu": self.rho[0], "rho_etau": self.rho[1], "rho_mutau": self.rho[2],
                "Yn": self.Yn}


def covariance(sigma, rho) -> np.ndarray:
    """C_αβ = σ_α σ_β ρ_αβ (Eq. A.7); raises if not positive definite."""
    s = np.asarray(sigma, dtype=float)
    r_em, r_et, r_mt = (float(x) for x in rho)
    if s.shape != (3,) or np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise LikelihoodError(f"sigma must be three positive numbers, got {sigma!r}")
    corr = np.array([[1.0, r_em, r_et], [r_em, 1.0, r_mt], [r_et, r_mt, 1.0]])
    if np.any(np.abs(corr) > 1) or np.linalg.eigvalsh(corr)[0] <= 0:
        raise LikelihoodError(f"correlations {tuple(rho)!r} do not form a positive-definite matrix "
                                "(the printed Table 3, rho_mutau = 1.00, is singular: use a refit)")
    return corr * np.outer(s, s)


def _toml() -> dict:
    return load_toml("nsi_parameters.toml")


def available_sets() -> list[str]:
    """Names of the shipped NSI parameter sets ("default" first)."""
    doc = _toml()
    return ["default"] + sorted(k for k in doc.get("sets", {}) if k != doc.get("default"))


@lru_cache(maxsize=32)
def parameter_set(name: str = "default") -> NSIParams:
    """A shipped parameter set by name (``"default"`` is the Ȳ_n = 1.04 best fit)."""
    doc = _toml()
    sets = doc.get("sets", {})
    key = doc.get("default") if name == "default" else name
    if key not in sets:
        raise LikelihoodError(f"unknown NSI parameter set {name!r}; available: {', '.join(available_sets())}")
    s = sets[key]
    return NSIParams(E0=tuple(s["E0"]), sigma=tuple(s["sigma"]), rho=tuple(s["rho"]), Yn=float(s["Yn"]),
                     name=key, lam=s.get("lambda"), provenance=s.get("provenance", ""))


def resolve(params) -> NSIParams:
    """An :class:`NSIParams` from a set name or an :class:`NSIParams`."""
    if isinstance(params, NSIParams):
        return params
    if isinstance(params, str):
        return parameter_set(params)
    raise LikelihoodError(f"NSI params must be a set name or NSIParams, got {params!r}")
