"""Multimodal posteriors described component by component: g−2 sheet, SM-like plateau, gap islands.

The posterior of a light U(1)_X boson is rarely one blob. Under the default priors it is typically
a thin sheet where X explains Δa_μ (Eq. 3.1: g_X ∝ 1/√(Δa_μ per unit coupling), so a curved sheet in
(log10 g_X, εe/g_X, log10 m_X)), a broad plateau at small g_X where every term takes its SM value
(the prior's log-uniform g_X puts mass there), and islands in the mass windows the direct
searches leave open (the φ window, :mod:`.coverage`). A mean ± sd over all of it describes none of
them (εe/g_X = 0.62 ± 7.55 for L_μ−L_τ). :func:`decompose` labels each draw:

* ``plateau`` — indistinguishable from the SM: total Δχ² within ``plateau_tolerance`` (0.5) of the
  SM's Δχ² *and* every term within it of its SM value;
* ``gap islands`` — not plateau, and inside a search-coverage gap of the likelihood;
* ``g−2 sheet`` — the rest, where Δa_μ is explained within 2σ (Δχ²_amu ≤ 4);
* ``transition`` — the rest outside the Δa_μ band (the funnel from the sheet down to the plateau);
  without a Δa_μ term all of the rest is the ``signal region``.

Each component gets its posterior mass and, per parameter, the median and the 68 % / 95 %
equal-tailed credible intervals of the draws in it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..parameters import NAMES as PARAMS

PLATEAU, GAPS, TRANSITION = "plateau", "gap islands", "transition"
#: Δχ² within this of the SM value (total and per term) counts as SM-like
PLATEAU_TOLERANCE = 0.5


@dataclass
class Component:
    name: str
    fraction: float
    n_draws: int
    intervals: dict = field(default_factory=dict)   # parameter -> {"median", "68", "95"}
    delta_chi2_median: float = float("nan")
    windows: list = field(default_factory=list)     # gap islands: the m_X windows [GeV]

    def to_dict(self) -> dict:
        return {"name": self.name, "fraction": self.fraction, "n_draws": self.n_draws,
                "intervals": self.intervals, "delta_chi2_median": self.delta_chi2_median,
                "windows": self.windows}


def _intervals(theta: np.ndarray) -> dict:
    out = {}
    for i, nm in enumerate(PARAMS):
        q = np.quantile(theta[:, i], [0.025, 0.16, 0.5, 0.84, 0.975])
        out[nm] = {"median": float(q[2]), "68": [float(q[1]), float(q[3])], "95": [float(q[0]), float(q[4])]}
    return out


def labels(theta, term_chi2: dict, sm_terms: dict, likelihood=None, tolerance: float = PLATEAU_TOLERANCE):
    """(label per draw (n,) of component names, gap windows found) for draws θ (n, 3) and their
    per-term Δχ² ``term_chi2`` {term: (n,)}; ``sm_terms`` are the SM values of the same terms."""
    from .coverage import gap_report, gaps

    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    n = len(theta)
    signal = "g−2 sheet" if "amu" in term_chi2 else "signal region"
    lab = np.full(n, signal, dtype=object)
    total = sum(np.asarray(v, dtype=float) for v in term_chi2.values()) if term_chi2 else np.zeros(n)
    sm_total = float(sum(sm_terms.values()))
    sm_like = np.abs(total - sm_total) <= tolerance
    for t, v in term_chi2.items():
        sm_like &= np.abs(np.asarray(v, dtype=float) - sm_terms.get(t, 0.0)) <= tolerance
    if "amu" in term_chi2:
        lab[np.asarray(term_chi2["amu"], dtype=float) > 4.0] = TRANSITION
    lab[sm_like] = PLATEAU
    windows = []
    rest = ~sm_like
    if likelihood is not None and np.any(rest):
        rep = gap_report(likelihood, theta[rest])
        if rep and rep["fraction"] > 0:
            m = 10.0 ** theta[:, 2]
            r_nodes = sorted({w["eps_ratio"] for w in rep["windows"]})
            inside = np.zeros(n, dtype=bool)
            for r0 in r_nodes:
                for win in gaps(likelihood, r0):
                    inside |= win.contains(m)
            lab[rest & inside] = GAPS
            windows = [[w["lo_gev"], w["hi_gev"]] for w in rep["windows"]]
    return lab, windows


def decompose(theta, term_chi2: dict, sm_terms: dict, likelihood=None, label=None,
              windows=None) -> list[Component]:
    """Components (largest first) of draws θ (n, 3); ``label`` (from :func:`labels`) if known."""
    theta = np.atleast_2d(np.asarray(theta, dtype=float))
    if label is None:
        label, windows = labels(theta, term_chi2, sm_terms, likelihood)
    label = np.asarray(label, dtype=object)
    total = sum(np.asarray(v, dtype=float) for v in term_chi2.values()) if term_chi2 else np.zeros(len(theta))
    out = []
    for name in dict.fromkeys(label):
        sel = label == name
        out.append(Component(str(name), float(sel.mean()), int(sel.sum()), _intervals(theta[sel]),
                             float(np.median(total[sel])), list(windows or []) if name == GAPS else []))
    return sorted(out, key=lambda c: -c.fraction)


def is_multimodal(components: list[Component], threshold: float = 0.05) -> bool:
    """More than one component with at least ``threshold`` of the posterior mass."""
    return sum(c.fraction >= threshold for c in components) > 1


def format_components(components: list[Component]) -> list[str]:
    """Text lines for summaries: one header per component, then its 68 % intervals."""
    lines = []
    for c in components:
        extra = ""
        if c.windows:
            extra = "; m_X in " + ", ".join(f"{lo:.3g}–{hi:.3g} GeV" for lo, hi in c.windows)
        lines.append(f"  {c.name}: {100 * c.fraction:.1f} % of the posterior ({c.n_draws} draws), "
                     f"median Δχ² {c.delta_chi2_median:.3g}{extra}")
        for nm, iv in c.intervals.items():
            lo, hi = iv["68"]
            lines.append(f"      {nm:<10} {iv['median']:+.4g}  68 % [{lo:+.4g}, {hi:+.4g}]  "
                         f"95 % [{iv['95'][0]:+.4g}, {iv['95'][1]:+.4g}]")
    return lines
