"""Fig. 2 of arXiv:2203.13731: Δχ²_min over the (α, R) model plane of Eq. 4.4 at m_X = 200 MeV.

Every point of the plane is an anomaly-free vector-like model (Eq. 4.4). As in the paper, the
likelihood is a_μ + Borexino + NSI + resonances (NA64 2019 and BaBar 2014, 0/100): COHERENT is
left out of Fig. 2 (Sec. 4.2). Each model is profiled over (g_X, εe/g_X); the 419 integer models
are overlaid at their (α, R).
"""
from __future__ import annotations

import numpy as np

from ..inference.profile import find_minima
from ..inference.scans import run_scan
from ..likelihood import PRESETS, CompositeLikelihood
from ..models import alpha_r_to_charges, charges_to_alpha_r, enumerate_vector_models, vector_model

#: the Table-1 likelihood without COHERENT (Sec. 4.2: "not included in Fig. 2"), with its resonance rule
TERMS = tuple(t for t in PRESETS["table1"].terms if t != "coherent")
TERM_OPTIONS = PRESETS["table1"].options_dict()


def plane_model(alpha: float, R: float):
    """The (continuous-charge) model at (α, R); anomaly-free by construction (Eq. 4.4)."""
    cB, ce, cm, ct = (float(x) for x in alpha_r_to_charges(alpha, R))
    return vector_model(cB, ce, cm, ct, name=f"alpha={alpha:.4f},R={R:.4g}", check=False)


def _profile_model(model, mass, data):
    lk = CompositeLikelihood(model, terms=TERMS, data=data, term_options=TERM_OPTIONS)
    best = find_minima(lk, fixed_mass=mass, grid_shape=(31, 121, 1), max_seeds=3)[0]
    return best.delta_chi2, best.eps_ratio, best.g_x


def _profile_point(args):
    alpha, R, mass, data = args
    d, e, g = _profile_model(plane_model(alpha, R), mass, data)
    return {"delta_chi2": d, "eps_ratio": e, "g_x": g}


def _profile_charges(args):
    charges, mass, data = args
    d, e, g = _profile_model(vector_model(*charges, check=False), mass, data)
    return {"delta_chi2": d, "eps_ratio": e, "g_x": g}


def _settings(mass, data):
    return {"mass_gev": mass, "data": str(data), "terms": list(TERMS), "term_options": TERM_OPTIONS}


def _values(recs):
    return np.array([[r["delta_chi2"], r["eps_ratio"], r["g_x"]] for r in recs.values()], dtype=float)


def fig2_map(alphas, Rs, mass: float = 0.2, data: str = "2021", processes: int | None = None, out=None,
             progress=None):
    """Δχ²_min, best εe/g_X and g_X on the grid alphas × Rs (arrays of shape (len(Rs), len(alphas))).

    ``out``: a scan file that makes the map resumable; ``progress(done, total)`` after each point.
    """
    jobs = [(f"{float(a)!r},{float(r)!r}", (float(a), float(r), mass, data)) for r in Rs for a in alphas]
    recs = run_scan(jobs, _profile_point, kind="fig2-plane", settings=_settings(mass, data), out=out,
                    processes=processes, progress=progress)
    arr = _values(recs).reshape(len(Rs), len(alphas), 3)
    return {"alpha": np.asarray(alphas), "R": np.asarray(Rs), "delta_chi2": arr[..., 0],
            "eps_ratio": arr[..., 1], "g_x": arr[..., 2]}


def integer_models_alpha_r(max_charge: int = 10):
    """(α, R) of the enumerated integer models (R = inf for L_μ − L_τ, NaN for the dark photon)."""
    pts = []
    for m in enumerate_vector_models(max_charge):
        if m.is_dark_photon:
            continue
        pts.append(charges_to_alpha_r(*(float(x) for x in m.table1)))
    return np.array(pts, dtype=float)


#: the right panel of Fig. 2: around tan α = −2/3 (nucleon and electron charges cancel in atoms)
#: and the R ≈ 0.1 window at −1 ≲ tan α ≲ −2/3 (Sec. 4.2)
ZOOM_ALPHA = (-0.85, -0.45)
ZOOM_R = (0.0, 1.2)


def integer_model_minima(max_charge: int = 10, mass: float = 0.2, data: str = "2021",
                         processes: int | None = None, out=None, progress=None) -> dict:
    """Δχ²_min (the Fig. 2 terms) of every integer model with finite (α, R) (not L_μ−L_τ, not the
    dark photon): arrays ``alpha``, ``R``, ``delta_chi2``, ``charges`` (n, 4)."""
    models = [m for m in enumerate_vector_models(max_charge) if not m.is_dark_photon]
    ch = np.array([[float(x) for x in m.table1] for m in models])
    alpha, R = charges_to_alpha_r(*ch.T)
    keep = np.isfinite(R)
    ch, alpha, R = ch[keep], alpha[keep], R[keep]
    jobs = [(",".join(f"{x:g}" for x in c), (tuple(c), mass, data)) for c in ch]
    res = _values(run_scan(jobs, _profile_charges, kind="fig2-models", settings=_settings(mass, data), out=out,
                           processes=processes, progress=progress))
    return {"alpha": alpha, "R": R, "delta_chi2": res[:, 0], "eps_ratio": res[:, 1], "g_x": res[:, 2],
            "charges": ch}
