"""Exclusion planes in (m_X, g_X) at fixed εe/g_X (Figs. 3, 5, 6 of arXiv:2203.13731).

For one model and one kinetic-mixing ratio r_ε = εe/g_X, every constraint of the likelihood is
evaluated on a (g_X, m_X) grid in one batched call per term. Each constraint keeps its continuous
value (``fields``: the term's Δχ², or a search's recast signal ratio R) and the level at which it
excludes (``levels``: ``EXCLUSION_DELTA_CHI2``, or 1 for R), so that boundaries are contours of a
smooth function (:mod:`.edges`, the plots); the boolean ``masks`` (field > level) are kept as well.

Definition of "excluded" (documented choice, as the paper's App. B and Sec. 3.4 "within 2σ" rule):
a constraint excludes a point when its *own* Δχ²_term > 4 (``EXCLUSION_DELTA_CHI2``), each term
measured relative to its own reference exactly as it enters the likelihood (so a term whose SM value
is not zero, e.g. APV with Δχ²_SM = 2.29, excludes where |ΔQ_W − 0.65| > 2σ, which is Eq. 5.4).
The resonance searches are drawn one by one when ``per_search=True`` (default): a search excludes
where its recast signal ratio R = rate_X/rate_excluded ≥ 1, i.e. at the search's published CL
(90 % for most), which is the hard cut the ``resonances`` term uses in its "paper"/"full" modes.

The Δa_μ band: at fixed r_ε the muon charges are fixed, so Δa_μ = g_X² Δa_μ(g_X = 1, m_X) and the
central line and the 2σ edges solve Δa_μ(g, m) = c, c ∓ 2σ in closed form,
g = sqrt(target / Δa_μ(1, m)) (NaN where Δa_μ(1, m) ≤ 0: a dominant axial muon coupling).
Note that the *lower* g edge belongs to c − 2σ.

Every term comes from the registry (:data:`bayes_u1x.observables.TERMS`): an error in a term is an
error of the plane, never a silently missing region.
"""
from __future__ import annotations

import re

import numpy as np

from ..constants import M_X_MAX, M_X_MIN
from ..couplings import effective_couplings
from ..errors import ParameterError
from ..likelihood import CompositeLikelihood
from ..models import get_model
from ..parameters import check_eps_ratio
from ..observables import TERMS, constraint_terms
from ..observables import resonances as resonance_term
from ..observables.amu import coupling_band
from ..physics.resonances.registry import get_search

#: a constraint excludes a point when its own Δχ² exceeds this (2σ for one parameter; App. B)
EXCLUSION_DELTA_CHI2 = 4.0
#: term options used for the planes unless overridden: the resonance term as a hard cut over every
#: (non-superseded) search; CCFR with the X propagator kept
DEFAULT_TERM_OPTIONS = {"resonances": {"mode": "full"}}

# --- helpers ------------------------------------------------------------------------------------
_check_ratio = check_eps_ratio


def _check_grid(values, name: str, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a 1-d array of numbers") from exc
    if a.ndim != 1 or a.size < 2:
        raise ParameterError(f"{name} must be a 1-d array with at least 2 values, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ParameterError(f"{name} must be positive and finite")
    if np.any(np.diff(a) <= 0):
        raise ParameterError(f"{name} must be strictly increasing")
    if lo is not None and (a[0] < lo * (1 - 1e-9) or a[-1] > hi * (1 + 1e-9)):
        raise ParameterError(f"{name} must lie in [{lo:g}, {hi:g}] GeV (the likelihood's mass range), "
                             f"got [{a[0]:.4g}, {a[-1]:.4g}]")
    return a


def default_terms(model) -> tuple[str, ...]:
    """The constraints drawn by default (registry: every constraint term, chiral ones for chiral models)."""
    return constraint_terms(get_model(model).is_vectorlike)


def _resolve_terms(terms, model) -> tuple[str, ...]:
    if terms is None:
        return default_terms(model)
    if isinstance(terms, str):
        terms = [t.strip() for t in terms.split(",") if t.strip()]
    out = tuple(terms)
    if not out:
        raise ParameterError("no constraint selected")
    for t in out:
        if t not in TERMS:
            raise ParameterError(f"unknown constraint {t!r}; known: {', '.join(TERMS)}")
        if t == "amu":
            raise ParameterError("'amu' is the signal (drawn as the band), not a constraint")
    if len(set(out)) != len(out):
        raise ParameterError(f"constraint listed twice in {out}")
    return out


def default_m_grid(n: int = 140, lo: float = M_X_MIN, hi: float = M_X_MAX) -> np.ndarray:
    """Log-spaced m_X grid [GeV] over the supported range (10 MeV – 4 GeV)."""
    return np.geomspace(lo, hi, int(n))


def amu_band(model, eps_ratio, m, data="2021", n_sigma: float = 2.0) -> dict:
    """g_X of the Δa_μ central value and of its ±n_sigma edges (:func:`~bayes_u1x.observables.amu.coupling_band`)."""
    return coupling_band(get_model(model), _check_ratio(eps_ratio), m, data=data, n_sigma=n_sigma)


def default_g_grid(model, eps_ratio, m_grid=None, n: int = 140, data="2021", decades_margin: float = 1.3,
                   g_min: float = 1e-7, g_max: float = 1.0) -> np.ndarray:
    """Log g_X grid around the Δa_μ band over m_grid (band ± ~1.3 decades, clipped to [1e−7, 1])."""
    m_grid = default_m_grid() if m_grid is None else np.asarray(m_grid, dtype=float)
    b = amu_band(model, eps_ratio, m_grid, data=data)
    lo, hi = np.nanmin(b["g_low"]) if np.any(np.isfinite(b["g_low"])) else np.nan, \
        np.nanmax(b["g_high"]) if np.any(np.isfinite(b["g_high"])) else np.nan
    if not (np.isfinite(lo) and np.isfinite(hi)):
        lo, hi = 1e-5, 1e-2
    lo = max(g_min, lo * 10 ** -decades_margin)
    hi = min(g_max, hi * 10 ** decades_margin)
    return np.geomspace(lo, hi, int(n))


def _search_label(key: str, experiment: str = "") -> str:
    m = re.match(r"^([a-z0-9]+?)(?:_(\d))?_(\d{4})_(.*)$", key)
    if not m:
        return key
    name = experiment.split(" (")[0] if experiment else m.group(1).upper()
    rest = m.group(4).replace("_", " ")
    return f"{name} {m.group(3)} ({rest})"


# --- the core evaluator ------------------------------------------------------------------------
def evaluate_constraints(model, eps_ratio, g, m, terms=None, data="2021", term_options=None,
                         per_search: bool = True, threshold: float = EXCLUSION_DELTA_CHI2) -> dict:
    """Δχ² of every constraint and the exclusion masks at arrays (g, m) of the same shape.

    Returns {"values": {term: Δχ²}, "masks": {key: bool}, "fields": {key: continuous value},
    "levels": {key: exclusion level}, "constraints": [meta...], "ratios": {search: R}}. Keys of
    ``masks``/``fields`` are term names, and ``"resonances:<search>"`` for the individual searches
    when ``per_search``. Each meta entry says whether the constraint is a ``fallback`` (an
    approximation of a measurement whose data are not available here) and whether its confidence
    level is confirmed (``cl_checked``; False for searches whose CL we could not confirm);
    ``dashed`` is True for either.
    """
    model = get_model(model)
    r = _check_ratio(eps_ratio)
    terms = _resolve_terms(terms, model)
    opts = {k: dict(v) for k, v in DEFAULT_TERM_OPTIONS.items()}
    for k, v in (term_options or {}).items():
        if k not in TERMS:
            raise ParameterError(f"options given for unknown term {k!r}")
        opts[k] = {**opts.get(k, {}), **dict(v)}
    g = np.asarray(g, dtype=float)
    m = np.asarray(m, dtype=float)
    r_arr = np.full(np.broadcast_shapes(g.shape, m.shape), r)
    values, masks, fields, levels, meta, ratios = {}, {}, {}, {}, [], {}
    for t in terms:
        lk = CompositeLikelihood(model, terms=[t], data=data, term_options={t: opts.get(t, {})})
        val = lk.terms_physical(g, r_arr, m)[t]
        values[t] = val
        if t == "resonances" and per_search:
            ropts = {k: v for k, v in lk.term_options.get("resonances", {}).items() if k != "excluded_value"}
            ratios = resonance_term.exclusion_ratios(effective_couplings(model, g, r_arr, m), **ropts)
            if ratios:
                for key, R in ratios.items():
                    s = get_search(key)
                    mk = f"resonances:{key}"
                    R = np.asarray(R, dtype=float)
                    masks[mk] = R >= 1.0
                    fields[mk], levels[mk] = R, 1.0
                    label = _search_label(key, s.experiment)
                    meta.append({"key": mk, "term": t, "search": key, "kind": "search",
                                 "label": label, "text": label, "cl": s.cl, "cl_checked": s.cl_checked,
                                 "fallback": False, "dashed": not s.cl_checked, "arxiv": s.arxiv,
                                 "rule": f"recast signal ratio R >= 1 (published {100 * s.cl:.0f}% CL"
                                         + ("" if s.cl_checked else ", CL unconfirmed") + ")"})
                continue
        masks[t] = val > threshold
        fields[t], levels[t] = np.asarray(val, dtype=float), float(threshold)
        meta.append({"key": t, "term": t, "kind": "term", "label": TERMS[t].label, "text": TERMS[t].text,
                     "fallback": TERMS[t].fallback, "cl_checked": True, "dashed": TERMS[t].fallback,
                     "rule": f"Delta chi2_{t} > {threshold:g}"})
    return {"values": values, "masks": masks, "fields": fields, "levels": levels, "constraints": meta,
            "ratios": ratios, "terms": terms, "term_options": opts}


def exclusion_plane(model, eps_ratio, terms=None, m_grid=None, g_grid=None, data="2021",
                    term_options=None, per_search: bool = True,
                    threshold: float = EXCLUSION_DELTA_CHI2, band_data=None) -> dict:
    """Excluded regions of every constraint in the (m_X, g_X) plane at fixed εe/g_X.

    Parameters
    ----------
    model : Model or name / charges accepted by :func:`~bayes_u1x.models.get_model`.
    eps_ratio : εe/g_X (fixed over the plane).
    terms : constraint names (default: :func:`default_terms`), a comma string or a sequence.
    m_grid, g_grid : 1-d increasing arrays [GeV] / []; defaults: :func:`default_m_grid`,
        :func:`default_g_grid` (around the Δa_μ band).
    data : measurement set ("2021" default, as the paper).
    term_options : per-term options merged over ``DEFAULT_TERM_OPTIONS``.
    per_search : draw each resonance search separately (R ≥ 1) instead of the term.
    band_data : measurement set of the Δa_μ band (default: ``data``); e.g. "2021" to ask whether the
        2021 anomaly survives the constraints of a newer set.

    Returns
    -------
    dict with ``m_grid`` (n_m,), ``g_grid`` (n_g,), ``masks`` {key: bool (n_g, n_m)},
    ``fields`` {key: continuous Δχ² or R (n_g, n_m)} with ``levels`` {key: level} (excluded where
    field > level; boundaries: :mod:`bayes_u1x.exclusion.edges`),
    ``delta_chi2`` {term: (n_g, n_m)}, ``constraints`` (key, label, text, kind, rule, fallback,
    cl_checked, dashed per constraint),
    ``amu_band`` (see :func:`amu_band`), and metadata
    (model name/label, eps_ratio, data, threshold, terms, term_options, definition).
    """
    model = get_model(model)
    r = _check_ratio(eps_ratio)
    m_grid = default_m_grid() if m_grid is None else _check_grid(m_grid, "m_grid", M_X_MIN, M_X_MAX)
    band_data = data if band_data is None else band_data
    g_grid = default_g_grid(model, r, m_grid, data=band_data) if g_grid is None else _check_grid(g_grid, "g_grid")
    M, G = np.meshgrid(m_grid, g_grid)
    ev = evaluate_constraints(model, r, G, M, terms=terms, data=data, term_options=term_options,
                              per_search=per_search, threshold=threshold)
    return {
        "model": model.name, "model_label": model.label(), "model_display": model.display, "vectorlike": model.is_vectorlike,
        "eps_ratio": r, "data": str(data), "band_data": str(band_data), "threshold": threshold,
        "definition": ("a constraint excludes (m_X, g_X) when its own Delta chi2 > "
                       f"{threshold:g} (2 sigma); resonance searches: recast R >= 1 at the "
                       "published CL"),
        "m_grid": m_grid, "g_grid": g_grid,
        "masks": ev["masks"], "fields": ev["fields"], "levels": ev["levels"],
        "delta_chi2": ev["values"], "constraints": ev["constraints"],
        "terms": ev["terms"], "term_options": ev["term_options"],
        "amu_band": amu_band(model, r, m_grid, data=band_data),
    }


# --- how much of the g-2 band each constraint removes -------------------------------------------
def mass_intervals(m, flags) -> list[tuple[float, float]]:
    """Contiguous runs of True in ``flags`` over the increasing masses m -> [(m_first, m_last)]."""
    m = np.asarray(m, dtype=float)
    flags = np.asarray(flags, dtype=bool)
    out, start = [], None
    for i, f in enumerate(flags):
        if f and start is None:
            start = i
        if not f and start is not None:
            out.append((float(m[start]), float(m[i - 1])))
            start = None
    if start is not None:
        out.append((float(m[start]), float(m[-1])))
    return out


def band_exclusion(model, eps_ratio, terms=None, masses=None, n_g: int = 9, data="2021",
                   term_options=None, per_search: bool = True,
                   threshold: float = EXCLUSION_DELTA_CHI2, n_sigma: float = 2.0, band_data=None) -> dict:
    """For each constraint, the masses where it excludes the whole Δa_μ 2σ band (and any part).

    At each mass the band [g_low, g_high] is sampled at ``n_g`` log-spaced couplings (edges
    included) and the constraints are evaluated there directly (no plane grid). Returns
    {"masses", "band", "constraints": {key: {"label", "whole": bool (n_m,), "any": bool (n_m,),
    "whole_intervals": [(lo, hi)], "any_intervals": [...]}}, "n_g"}.
    """
    model = get_model(model)
    r = _check_ratio(eps_ratio)
    masses = default_m_grid(300) if masses is None else _check_grid(masses, "masses", M_X_MIN, M_X_MAX)
    band = amu_band(model, r, masses, data=data if band_data is None else band_data, n_sigma=n_sigma)
    ok = np.isfinite(band["g_low"]) & np.isfinite(band["g_high"])
    t = np.linspace(0.0, 1.0, int(n_g))[:, None]
    lo = np.where(ok, band["g_low"], 1e-6)
    hi = np.where(ok, band["g_high"], 1e-6)
    G = lo[None, :] * (hi / lo)[None, :] ** t
    M = np.broadcast_to(masses, G.shape)
    ev = evaluate_constraints(model, r, G, M, terms=terms, data=data, term_options=term_options,
                              per_search=per_search, threshold=threshold)
    out = {}
    for c in ev["constraints"]:
        mk = ev["masks"][c["key"]]
        whole = np.all(mk, axis=0) & ok
        anyx = np.any(mk, axis=0) & ok
        out[c["key"]] = {"label": c["label"], "text": c["text"], "kind": c["kind"], "whole": whole, "any": anyx,
                         "whole_intervals": mass_intervals(masses, whole),
                         "any_intervals": mass_intervals(masses, anyx)}
    return {"model": model.name, "eps_ratio": r, "masses": masses, "band": band, "constraints": out,
            "n_g": int(n_g), "threshold": threshold}


def union_mask(masks: dict, keys=None) -> np.ndarray:
    """Logical OR of the masks (all, or those whose key starts with one of ``keys``)."""
    sel = [v for k, v in masks.items() if keys is None or any(k == p or k.startswith(p + ":") for p in keys)]
    if not sel:
        raise ParameterError(f"no mask matches {keys}")
    out = np.zeros_like(sel[0], dtype=bool)
    for v in sel:
        out |= v
    return out
