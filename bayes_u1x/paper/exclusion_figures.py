"""The paper's exclusion-plane figures (Figs. 3, 5, 6 of arXiv:2203.13731) and the edges it states.

Each ``figN`` function evaluates the planes with :mod:`bayes_u1x.exclusion` at the kinetic mixing of
the figure, and the band-exclusion edges are compared with the statements of Sec. 5 (Fig. 6).
"""
from __future__ import annotations

import numpy as np

from ..constants import E_CHARGE, M_MU
from ..exclusion import band_edge, band_exclusion, exclusion_plane, mass_intervals
from ..exclusion.edges import grid_step, matching_keys
from ..physics.kinetic_mixing import muon_loop_eps_ratio
from .reference import FIG3_STATEMENTS, FIG5_PANELS, FIG6_STATEMENTS

#: short names of the constraints of the statements (marks on the figures)
_SHORT = {"borexino": "Borexino", "ccfr": "CCFR", "resonances:na64_2019_invisible": "NA64",
          "resonances:babar": "BaBar"}


def fig3_eps_ratio() -> float:
    """εe/g_X of Fig. 3 (L_μ−L_τ, kinetic mixing from μ and τ loops): e² ln(m_τ/m_μ)/(6π²) = 4.37e−3
    (ε ≈ g_X/70). The paper does not print the number; this is the one-loop value between m_τ and m_μ
    with ε(m_τ) = 0, the same prescription as Eq. 5.5 (:func:`~bayes_u1x.physics.kinetic_mixing.muon_loop_eps_ratio`)."""
    return muon_loop_eps_ratio("Lmu-Ltau")


def fig6_eps_ratio() -> float:
    """εe/g_X of Fig. 6 (L̃_{μ−τ}): ε = g_X/10 (Sec. 5), i.e. e/10 with e = √(4πα(0))."""
    return E_CHARGE / 10.0


def edge_mass(band: dict, key: str, kind: str, which: str = "whole") -> float:
    """Edge of the band exclusion of constraint ``key`` (prefix match for ``resonances:babar``):
    ``kind="upper"``: the upper end of the excluded run that starts at the lowest band mass;
    ``kind="lower"``: the lowest mass from which on the band is excluded in the mass range
    (ignoring gaps narrower than 3 grid steps, e.g. vetoed resonance windows). NaN if none."""
    masses = band["masses"]
    flags = np.zeros(masses.shape, dtype=bool)
    found = False
    for k, c in band["constraints"].items():
        if k == key or (k.startswith(key) and key.endswith(("babar", "belle2", "kloe", "lhcb"))):
            flags |= c[which]
            found = True
    if not found or not flags.any():
        return float("nan")
    ok = np.isfinite(band["band"]["g_low"])
    if kind == "upper":
        first = int(np.argmax(ok))
        if not flags[first]:
            return float("nan")
        run = flags[first:]
        end = int(np.argmin(run)) if not run.all() else run.size
        return float(masses[first + end - 1])
    # lower: close gaps of < 3 points, then take the start of the last run
    f = flags.copy()
    idx = np.flatnonzero(f)
    for a, b in zip(idx[:-1], idx[1:]):
        if 1 < b - a <= 3:
            f[a:b] = True
    runs = mass_intervals(masses, f)
    return runs[-1][0] if runs else float("nan")


def fig6_checks(band: dict, tolerance: float = 0.30) -> list[dict]:
    """Compare the band-exclusion edges with the paper's Fig. 6 statements (Sec. 5)."""
    return _checks(band, FIG6_STATEMENTS, tolerance)


def plane_checks(res: dict, statements, band_checks=None) -> list[dict]:
    """The paper's stated edges next to ours read off the plane's contours
    (:func:`bayes_u1x.exclusion.band_edge`), for marking them on the figure.

    Each entry: key (the plane's constraint key it marks), paper_gev, ours_gev, text (short, for the
    figure), statement, grid_step (the plane's mass resolution) and, if ``band_checks`` (the
    ``fig6_checks``-style list of the direct band evaluation) is given, ``band_edge_gev`` from it."""
    direct = {c["constraint"]: c["edge_gev"] for c in (band_checks or [])}
    out = []
    for key, kind, paper_m, text in statements:
        keys = matching_keys(res, key)
        if not keys:
            continue
        ours = band_edge(res, key, kind, "whole")
        short = _SHORT.get(key, key)
        mev = r"$2m_\mu$" if abs(paper_m - 2 * M_MU) < 1e-9 else f"{1e3 * paper_m:.0f} MeV"
        word = "below" if kind == "upper" else "above"
        out.append({"key": keys[0], "constraint": key, "kind": kind, "paper_gev": paper_m, "ours_gev": ours,
                    "text": f"paper: {short} {word} ~{mev}", "statement": text, "grid_step": grid_step(res),
                    "band_edge_gev": direct.get(key, float("nan"))})
    return out


def fig3_checks(band: dict, tolerance: float = 0.30) -> list[dict]:
    """Eq. 4.1 as a statement about the Fig. 3 band (same form as :func:`fig6_checks`)."""
    return _checks(band, FIG3_STATEMENTS, tolerance)


def _checks(band, statements, tolerance):
    out = []
    for key, kind, paper_m, text in statements:
        m = edge_mass(band, key, kind, "whole")
        m_any = edge_mass(band, key, kind, "any")
        rel = m / paper_m - 1.0 if np.isfinite(m) else float("nan")
        out.append({"constraint": key, "statement": text, "paper_gev": paper_m, "edge_gev": m,
                    "edge_any_gev": m_any, "relative_difference": rel,
                    "within_tolerance": bool(np.isfinite(rel) and abs(rel) <= tolerance)})
    return out


#: the Δa_μ band of the paper's figures: the 2021 anomaly, whatever set the constraints come from
BAND_SET = "2021"


def paper_terms(model, data="2021") -> tuple[str, ...]:
    """The constraints of the paper's figures: those of the ``default`` likelihood with the data set's
    substitutions (2021/2025: the paper's terms; 2026: CsI 2021 + LAr for the 2017 CsI term and the
    2023 searches beside the 2020 ones, ``[2026.preset_terms]`` of ``measurements.toml``)."""
    from ..likelihood import PRESETS
    from ..measurements import load_measurements
    from ..models import get_model
    from ..observables import TERMS
    terms = load_measurements(data).preset_terms(PRESETS["default"].terms_for(get_model(model)))
    return tuple(t for t in terms if TERMS[t].constraint)


def fig3(n: int = 120, data="2021", eps_ratio=None, n_band: int = 300):
    """Fig. 3: the L_μ−L_τ plane at the loop-induced mixing; returns (plane, band exclusion).

    The Δa_μ band is always the 2021 anomaly (the one the paper explains): with a newer ``data`` set
    the figure asks whether that band survives today's constraints."""
    r = fig3_eps_ratio() if eps_ratio is None else float(eps_ratio)
    terms = paper_terms("Lmu-Ltau", data)
    res = exclusion_plane("Lmu-Ltau", r, terms=terms, m_grid=np.geomspace(0.01, 4.0, n),
                          g_grid=np.geomspace(1e-4, 1e-1, n), data=data, band_data=BAND_SET)
    band = band_exclusion("Lmu-Ltau", r, terms=terms, masses=np.geomspace(0.01, 4.0, n_band), data=data,
                          band_data=BAND_SET)
    return res, band


def fig5(n: int = 100, data="2021", n_band: int = 200) -> list[dict]:
    """Fig. 5 a-f: the six viable vector-like models of Table 1 at their best-fit εe/g_X."""

    out = []
    m = np.geomspace(0.01, 4.0, n)
    g = np.geomspace(1e-6, 1e-2, n)
    masses = np.geomspace(0.01, 4.0, n_band)
    below = masses < 2 * M_MU
    for panel, model, r in FIG5_PANELS:
        res = exclusion_plane(model, r, terms=paper_terms(model, data), m_grid=m, g_grid=g, data=data,
                              band_data=BAND_SET)
        band = band_exclusion(model, r, terms=paper_terms(model, data), masses=masses, data=data,
                              band_data=BAND_SET)
        # share of the band (in log m below/above the dimuon threshold) each constraint removes
        share = {k: {"below_2mmu_any": float(c["any"][below].mean()),
                     "below_2mmu_whole": float(c["whole"][below].mean()),
                     "above_2mmu_whole": float(c["whole"][~below].mean())} for k, c in band["constraints"].items()}
        out.append({"panel": panel, "model": model, "eps_ratio": r, "plane": res, "band": band, "share": share})
    return out


def fig6(n: int = 120, data="2021", n_band: int = 300):
    """Fig. 6: the chiral L̃_{μ−τ} plane at ε = g_X/10; returns (plane, band exclusion, checks)."""
    r = fig6_eps_ratio()
    terms = paper_terms("tilde-Lmu-Ltau", data)
    res = exclusion_plane("tilde-Lmu-Ltau", r, terms=terms, m_grid=np.geomspace(0.01, 1.0, n),
                          g_grid=np.geomspace(1e-5, 1e-2, n), data=data, band_data=BAND_SET)
    band = band_exclusion("tilde-Lmu-Ltau", r, terms=terms, masses=np.geomspace(0.01, 1.0, n_band), data=data,
                          band_data=BAND_SET)
    return res, band, fig6_checks(band)
