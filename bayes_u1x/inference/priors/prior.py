"""The joint prior over θ: a product of independent one-dimensional distributions (:class:`Prior`)."""
from __future__ import annotations

import hashlib

import numpy as np

from ...errors import ConfigError
from ...parameters import NAMES
from .distributions import make_distribution


class Prior:
    """Product prior over θ = (log10_g, eps_ratio, log10_m).

    Attributes: ``names`` (tuple), ``bounds`` (ndarray (d, 2), ±inf where unbounded),
    ``distributions`` (tuple of 1-D distributions), ``source`` (file path or None),
    ``text`` (the file's text, for provenance), ``description``, ``name`` (the file's stem, e.g.
    "default"), ``loop`` (for the loop-induced kinetic-mixing prior: the centre and width it resolved
    to for its model, else None).
    """

    def __init__(self, distributions: dict, source: str | None = None, text: str | None = None,
                 description: str = "", name: str | None = None, loop: dict | None = None):
        missing = [n for n in NAMES if n not in distributions]
        extra = [n for n in distributions if n not in NAMES]
        if missing or extra:
            raise ConfigError(f"{source or 'prior'}: parameters must be exactly "
                             f"{', '.join(NAMES)} (missing {missing}, unknown {extra})")
        self.names = NAMES
        self.distributions = tuple(distributions[n] for n in self.names)
        self.bounds = np.array([[d.lo, d.hi] for d in self.distributions], dtype=float)
        self.source = source
        self.text = text
        self.description = description
        self.name = name if name is not None else (str(source).rsplit("/", 1)[-1].removesuffix(".toml")
                                                   if source else "custom")
        self.loop = loop

    @property
    def ndim(self) -> int:
        return len(self.names)

    def _theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1:] != (self.ndim,):
            raise ConfigError(f"theta must have last dimension {self.ndim} ({', '.join(self.names)}), "
                             f"got shape {theta.shape}")
        return theta

    def log_prob(self, theta) -> np.ndarray:
        """ln π(θ) for θ of shape (..., d) -> (...); −inf outside the support (and for NaN)."""
        theta = self._theta(theta)
        out = np.zeros(theta.shape[:-1])
        for i, d in enumerate(self.distributions):
            out = out + d.logpdf(theta[..., i])
        return np.where(np.isnan(out), -np.inf, out)

    def in_support(self, theta) -> np.ndarray:
        return np.isfinite(self.log_prob(theta))

    def ppf(self, u) -> np.ndarray:
        """Unit-cube transform: u ∈ [0, 1]^d (shape (..., d)) -> θ distributed as the prior."""
        u = np.asarray(u, dtype=float)
        if u.shape[-1:] != (self.ndim,):
            raise ConfigError(f"u must have last dimension {self.ndim}, got shape {u.shape}")
        if np.any((u < 0) | (u > 1)) or not np.all(np.isfinite(u)):
            raise ConfigError("unit-cube coordinates must lie in [0, 1]")
        return np.stack([d.ppf(u[..., i]) for i, d in enumerate(self.distributions)], axis=-1)

    def sample(self, n: int, rng=None) -> np.ndarray:
        """n independent draws, shape (n, d). ``rng``: a numpy Generator, a seed, or None."""
        rng = np.random.default_rng(rng)
        n = int(n)
        if n < 0:
            raise ConfigError(f"number of prior draws must be non-negative, got {n}")
        return self.ppf(rng.random((n, self.ndim)))

    @property
    def log_volume(self) -> float | None:
        """ln of the support volume Π(hi − lo); for an all-uniform prior the density is
        exp(−log_volume). None when a parameter is unbounded."""
        widths = self.bounds[:, 1] - self.bounds[:, 0]
        if not np.all(np.isfinite(widths)):
            return None
        return float(np.sum(np.log(widths)))

    @property
    def is_uniform(self) -> bool:
        return all(d.kind == "uniform" for d in self.distributions)

    def spec(self) -> dict:
        """The prior as a plain mapping (same layout as the file)."""
        return {n: d.spec() for n, d in zip(self.names, self.distributions)}

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the prior file's text (None for a prior built in code)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest() if self.text is not None else None

    def describe(self) -> dict:
        """Provenance record: name, source, file hash, resolved distributions (and loop centre)."""
        out = {"name": self.name, "source": None if self.source is None else str(self.source),
               "sha256": self.sha256, "spec": self.spec()}
        if self.loop:
            out["loop"] = dict(self.loop)
        return out

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}~{d.kind}[{d.lo:g},{d.hi:g}]" for n, d in zip(self.names, self.distributions))
        return f"Prior({parts})"


def prior_from_dict(data: dict, source: str = "prior", text: str | None = None, **kw) -> Prior:
    """Build a :class:`Prior` from a parsed mapping (file layout); errors name ``source``."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a table of parameters, got {type(data).__name__}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{source}: key 'description' must be a string")
    dists = {}
    for key, value in data.items():
        if key == "description":
            continue
        if key not in NAMES:
            raise ConfigError(f"{source}: key {key!r}: unknown parameter "
                             f"(expected {', '.join(NAMES)})")
        dists[key] = make_distribution(value, where=f"{source}: [{key}]")
    missing = [n for n in NAMES if n not in dists]
    if missing:
        raise ConfigError(f"{source}: key {missing[0]!r}: parameter missing (every one of "
                         f"{', '.join(NAMES)} needs a prior)")
    return Prior(dists, source=source, text=text, description=description, **kw)
