"""Where the direct searches are blind: mass windows of a model that no selected search covers.

The *reach* of the searches at a mass m_X, for a model at εe/g_X = r, is the smallest g_X that the
search terms of the likelihood (``Term.search``: the resonance searches of Sec. 3.5 and the 2023
limits) exclude, Δχ²_searches ≥ 4 (95 % CL of one parameter). The published limits have holes
where the analyses vetoed a meson resonance: around the φ, BaBar 2014 has no limit for
0.998–1.059 GeV (arXiv:1406.2980) and LHCb 2019 none for 0.96–1.16 GeV (arXiv:1910.06926). For the
dark photon only BaBar's 4μ search (arXiv:1606.03501) reaches there, 25× weaker in g_X than on
either side, so the g−2 sheet inside the φ window is allowed (Δχ² ≈ 1.4 on the default likelihood)
while it is excluded a few MeV away. A mass is *uncovered* where nothing reaches, or where the
reach is more than 5× weaker than within ±25 % in mass on both sides (:func:`windows`).

An uncovered window bounded by covered masses on both sides is a *gap*; one reaching the end of
the mass range is *beyond reach* (e.g. L_μ−L_τ without kinetic mixing below 2 m_μ, where X → νν̄
and no electron-beam search applies). Gaps are what a user should know about: a minimum or
posterior mass there rests on the absence of a measurement, not on one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..constants import M_X_MAX, M_X_MIN
from ..observables import TERMS


@dataclass(frozen=True)
class Window:
    """An uncovered mass window [lo, hi] GeV at one εe/g_X."""

    lo: float
    hi: float
    kind: str  # "gap" (covered on both sides) or "beyond reach"

    def contains(self, m) -> np.ndarray:
        m = np.asarray(m, dtype=float)
        return (m >= self.lo) & (m <= self.hi)

    def __str__(self) -> str:
        return f"{_fmt_mass(self.lo)}–{_fmt_mass(self.hi)} ({self.kind})"


def _fmt_mass(m: float) -> str:
    return f"{m * 1e3:.0f} MeV" if m < 1.0 else f"{m:.3f} GeV"


def search_likelihood(lk):
    """The search terms of ``lk`` alone (same model, data and options), or None if it has none."""
    from ..likelihood import CompositeLikelihood

    names = [t for t in getattr(lk, "terms", ()) if TERMS[t].search]
    if not names or not hasattr(lk, "model"):
        return None
    opts = {k: v for k, v in lk.term_options.items() if k in names}
    return CompositeLikelihood(lk.model, terms=names, data=lk.data.name, term_options=opts)


def mass_grid(lk, n: int = 600) -> np.ndarray:
    """Log-spaced masses over the likelihood's valid range (1 % steps for the default n)."""
    lo = max(M_X_MIN, lk.valid_mass_range[0])
    hi = min(M_X_MAX, lk.valid_mass_range[1])
    return np.geomspace(lo, hi, n)


def reach(lk, eps_ratio: float, masses, g_max: float = 0.1, n_g: int = 61, threshold: float = 4.0):
    """Smallest g_X (on a log grid up to ``g_max``) that the search terms of ``lk`` exclude at each of
    ``masses`` (Δχ²_searches ≥ ``threshold``); inf where no search reaches."""
    slk = search_likelihood(lk)
    masses = np.asarray(masses, dtype=float)
    if slk is None:
        return np.full(masses.shape, np.inf)
    g = np.geomspace(1e-6, g_max, n_g)
    G, M = np.meshgrid(g, masses, indexing="ij")
    chi = slk.terms_physical(G.ravel(), np.full(G.size, float(eps_ratio)), M.ravel(), check_mass_range=False)
    excluded = (sum(chi.values()).reshape(G.shape) >= threshold)
    return np.where(excluded.any(axis=0), g[np.argmax(excluded, axis=0)], np.inf)


def windows(lk, eps_ratio: float = 1.0, masses=None, contrast: float = 5.0, span: float = 1.25,
            **kw) -> list[Window]:
    """The uncovered mass windows of ``lk``'s model at ``eps_ratio``.

    A mass is uncovered where no search reaches (:func:`reach` is inf) or where the reach is weaker
    by more than ``contrast`` in g_X than the best reach within a factor ``span`` in mass on *both*
    sides — a vetoed resonance that a weaker search only partly fills (the φ window of the dark
    photon on the default likelihood: only BaBar's 4μ search reaches, 25× weaker than BaBar 2014 on
    either side). ``masses`` must be log-spaced (default :func:`mass_grid`).
    """
    m = mass_grid(lk) if masses is None else np.asarray(masses, dtype=float)
    g = reach(lk, eps_ratio, m, **kw)
    n = len(m)
    k = max(int(math.ceil(math.log(span) / math.log(m[1] / m[0]))), 1) if n > 1 else 1
    left = np.array([np.min(g[max(i - k, 0):i]) if i > 0 else np.inf for i in range(n)])
    right = np.array([np.min(g[i + 1:i + 1 + k]) if i < n - 1 else np.inf for i in range(n)])
    weak = np.isinf(g) | ((g > contrast * left) & (g > contrast * right))
    out: list[Window] = []
    i = 0
    while i < n:
        if not weak[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and weak[j + 1]:
            j += 1
        kind = "gap" if (i > 0 and j < n - 1) else "beyond reach"
        # the window edges: half-way (geometric) to the neighbouring covered masses
        lo = m[i] if i == 0 else math.sqrt(m[i - 1] * m[i])
        hi = m[j] if j == n - 1 else math.sqrt(m[j] * m[j + 1])
        out.append(Window(float(lo), float(hi), kind))
        i = j + 1
    return out


def gaps(lk, eps_ratio: float = 1.0, **kw) -> list[Window]:
    """Only the gaps (uncovered windows with covered masses on both sides)."""
    return [w for w in windows(lk, eps_ratio, **kw) if w.kind == "gap"]


def gap_report(lk, theta, weights=None, n_r: int = 9) -> dict | None:
    """Fraction of the points ``theta`` (n, 3) — posterior draws, or a minimum — inside search gaps.

    The gaps depend on εe/g_X only through which fermions X talks to, so they are computed at
    ``n_r`` quantiles of the points' εe/g_X and each point is tested against the nearest.
    Returns None when the likelihood has no search terms, else
    {"fraction", "windows": [{"lo_gev", "hi_gev", "fraction", "eps_ratio"}], "searches": [...]}.
    """
    slk = search_likelihood(lk)
    if slk is None:
        return None
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    w = np.ones(len(theta)) if weights is None else np.asarray(weights, dtype=float)
    w = w / w.sum()
    r = theta[:, 1]
    m = 10.0 ** theta[:, 2]
    r_nodes = np.unique(np.quantile(r, np.linspace(0, 1, n_r))) if len(r) > 1 else r
    nearest = np.argmin(np.abs(r[:, None] - r_nodes[None, :]), axis=1)
    inside = np.zeros(len(theta), dtype=bool)
    found: dict[tuple[float, float], float] = {}
    node_of: dict[tuple[float, float], float] = {}
    for k, r0 in enumerate(r_nodes):
        sel = nearest == k
        if not np.any(sel):
            continue
        for win in gaps(lk, float(r0)):
            hit = sel & win.contains(m)
            if np.any(hit):
                inside |= hit
                key = (round(win.lo, 4), round(win.hi, 4))
                found[key] = found.get(key, 0.0) + float(w[hit].sum())
                node_of.setdefault(key, float(r0))
    return {"fraction": float(w[inside].sum()), "searches": list(slk.terms),
            "windows": [{"lo_gev": lo, "hi_gev": hi, "fraction": f, "eps_ratio": node_of[(lo, hi)]}
                        for (lo, hi), f in sorted(found.items())]}


def describe_gaps(report: dict | None, what: str = "posterior mass") -> str | None:
    """One line for summaries: how much of ``what`` sits in search gaps, and where; None if nothing."""
    if not report or report["fraction"] <= 0:
        return None
    where = ", ".join(f"{_fmt_mass(w['lo_gev'])}–{_fmt_mass(w['hi_gev'])}" for w in report["windows"])
    share = f"the {what} lies" if report["fraction"] >= 1.0 else f"{100 * report['fraction']:.1f} % of the {what} lies"
    return (f"{share} in a gap of the search coverage (m_X {where}: the selected searches are blind or "
            f">5x weaker there than on either side), so it rests on the absence of a measurement")
