"""One-dimensional prior distributions and their construction from a prior file's tables.

========================  ==========================================  =========================
``distribution``          density on the support                       keys
========================  ==========================================  =========================
``uniform``               1/(hi − lo) on [lo, hi]                       ``bounds = [lo, hi]``
``log-uniform``           1/(x ln(hi/lo)) on [lo, hi], 0 < lo < hi      ``bounds = [lo, hi]``
``normal``                N(mean, sigma) on the real line               ``mean``, ``sigma``
``truncated-normal``      N(mean, sigma) renormalised to [lo, hi]       ``mean``, ``sigma``, ``bounds``
========================  ==========================================  =========================

Each distribution has a normalised ``logpdf`` and a ``ppf`` (the unit-cube transform used for random
draws and by nested samplers).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from ...errors import ConfigError


@dataclass(frozen=True)
class Distribution1D:
    """Base class: subclasses implement ``logpdf``, ``ppf`` and carry ``lo``/``hi``."""

    lo: float
    hi: float

    kind = "base"

    def logpdf(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def ppf(self, u):  # pragma: no cover - abstract
        raise NotImplementedError

    def spec(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _inside(self, x):
        return (x >= self.lo) & (x <= self.hi)


@dataclass(frozen=True)
class Uniform(Distribution1D):
    kind = "uniform"

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where(self._inside(x), -math.log(self.hi - self.lo), -np.inf)

    def ppf(self, u):
        return self.lo + np.asarray(u, dtype=float) * (self.hi - self.lo)

    def spec(self):
        return {"distribution": self.kind, "bounds": [self.lo, self.hi]}


@dataclass(frozen=True)
class LogUniform(Distribution1D):
    kind = "log-uniform"

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = self._inside(x)
        safe = np.where(inside, x, 1.0)
        return np.where(inside, -np.log(safe) - math.log(math.log(self.hi / self.lo)), -np.inf)

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        return self.lo * (self.hi / self.lo) ** u

    def spec(self):
        return {"distribution": self.kind, "bounds": [self.lo, self.hi]}


@dataclass(frozen=True)
class TruncatedNormal(Distribution1D):
    """N(mean, sigma) restricted to [lo, hi] (lo = −inf, hi = +inf gives the plain normal)."""

    mean: float = 0.0
    sigma: float = 1.0
    _log_norm: float = field(default=0.0, repr=False, compare=False)

    @property
    def kind(self):
        return "normal" if math.isinf(self.lo) and math.isinf(self.hi) else "truncated-normal"

    def __post_init__(self):
        a, b = (self.lo - self.mean) / self.sigma, (self.hi - self.mean) / self.sigma
        # log of the probability mass inside [lo, hi], stable in the tails
        mass = special.log_ndtr(b) + np.log1p(-np.exp(special.log_ndtr(a) - special.log_ndtr(b)))
        object.__setattr__(self, "_log_norm", float(mass))

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        z = (x - self.mean) / self.sigma
        val = -0.5 * z ** 2 - 0.5 * math.log(2 * math.pi) - math.log(self.sigma) - self._log_norm
        return np.where(self._inside(x), val, -np.inf)

    def ppf(self, u):
        a, b = (self.lo - self.mean) / self.sigma, (self.hi - self.mean) / self.sigma
        return stats.truncnorm.ppf(np.asarray(u, dtype=float), a, b, loc=self.mean, scale=self.sigma)

    def spec(self):
        d = {"distribution": self.kind, "mean": self.mean, "sigma": self.sigma}
        if self.kind != "normal":
            d["bounds"] = [self.lo, self.hi]
        return d


_ALIASES = {
    "uniform": "uniform", "flat": "uniform",
    "log-uniform": "log-uniform", "loguniform": "log-uniform", "log_uniform": "log-uniform",
    "normal": "normal", "gaussian": "normal",
    "truncated-normal": "truncated-normal", "truncnormal": "truncated-normal",
    "truncated_normal": "truncated-normal", "truncated": "truncated-normal",
}
_ALLOWED_KEYS = {
    "uniform": {"distribution", "bounds"},
    "log-uniform": {"distribution", "bounds"},
    "normal": {"distribution", "mean", "sigma"},
    "truncated-normal": {"distribution", "mean", "sigma", "bounds"},
}


def _number(value, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}: key {key!r} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ConfigError(f"{where}: key {key!r} must be finite, got {value!r}")
    return v


def make_distribution(spec: dict, where: str = "prior") -> Distribution1D:
    """Build a 1-D distribution from a spec mapping (one ``[parameter]`` table of a prior file).

    ``where`` names the file and parameter in error messages.
    """
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: expected a table with 'distribution' and its parameters, "
                         f"got {spec!r}")
    if "distribution" not in spec:
        raise ConfigError(f"{where}: missing key 'distribution' "
                         f"(one of {', '.join(sorted(_ALLOWED_KEYS))})")
    raw = spec["distribution"]
    kind = _ALIASES.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if kind is None:
        raise ConfigError(f"{where}: key 'distribution': unknown distribution {raw!r} "
                         f"(known: {', '.join(sorted(_ALLOWED_KEYS))})")
    extra = set(spec) - _ALLOWED_KEYS[kind]
    if extra:
        raise ConfigError(f"{where}: key {sorted(extra)[0]!r} is not allowed for a {kind} prior "
                         f"(allowed: {', '.join(sorted(_ALLOWED_KEYS[kind]))})")
    missing = _ALLOWED_KEYS[kind] - set(spec)
    if missing:
        raise ConfigError(f"{where}: missing key {sorted(missing)[0]!r} for a {kind} prior")
    lo, hi = -math.inf, math.inf
    if "bounds" in spec:
        b = spec["bounds"]
        if not isinstance(b, (list, tuple)) or len(b) != 2:
            raise ConfigError(f"{where}: key 'bounds' must be a list [lo, hi], got {b!r}")
        lo, hi = (_number(x, where, "bounds") for x in b)
        if not lo < hi:
            raise ConfigError(f"{where}: key 'bounds': lower bound {lo} is not below upper bound {hi}")
    if kind == "uniform":
        return Uniform(lo, hi)
    if kind == "log-uniform":
        if lo <= 0:
            raise ConfigError(f"{where}: key 'bounds': a log-uniform prior needs 0 < lo, got lo = {lo}")
        return LogUniform(lo, hi)
    mean = _number(spec["mean"], where, "mean")
    sigma = _number(spec["sigma"], where, "sigma")
    if sigma <= 0:
        raise ConfigError(f"{where}: key 'sigma' must be positive, got {sigma}")
    dist = TruncatedNormal(lo, hi, mean=mean, sigma=sigma)
    if dist._log_norm < -700:
        raise ConfigError(f"{where}: key 'bounds': [{lo}, {hi}] holds no probability of N({mean}, {sigma})")
    return dist
