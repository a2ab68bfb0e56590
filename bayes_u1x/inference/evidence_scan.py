"""Evidence for one model and for the whole model space (``bayes-u1x scan --evidence``).

:func:`model_evidence` computes, for one model, ln Z with the mass marginalised (estimator
``method``: "ti" — generalised thermodynamic integration from a profile+pilot reference, the
default; "ss"; "nested"; "grid"; "mc"), ln L_SM, ln B vs SM, Δχ²_min from the profile layer, and
optionally posterior summaries. :func:`evidence_scan` runs it for every enumerated model
(``max_charge``), resumable exactly like :mod:`bayes_u1x.inference.scan`: one JSON line per finished
model, flushed and fsync'ed; a re-run skips finished models; a line cut short by a kill is ignored
and recomputed. Models run on a local process pool (default) or, with ``scheduler``, as one
``dask.distributed`` task per model on a cluster.

Priors: a prior file may say ``mean = "model_loop"`` / ``sigma = "model_loop"`` for ``eps_ratio``;
:func:`resolve_prior` replaces them per model by the one-loop kinetic mixing of the model's own
charges (:func:`loop_kinetic_mixing`; see ``priors/kinetic_mixing_loop.toml``).
"""
from __future__ import annotations

import json
import math
import os
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..constants import E_CHARGE, M_E, M_MU, M_TAU
from ..errors import BayesU1XError
from ..likelihood import CompositeLikelihood
from ..models import get_model
from .evidence import estimate_evidence, profile_reference, sm_log_likelihood
from .priors import prior_from_dict, resolve_prior_path
from .resultlog import ResultLog, charges_key, read_results  # noqa: F401 (re-exported)

#: threshold masses (GeV) for the loop estimate: leptons at their masses (PDG), light quarks at
#: hadronic thresholds (u, d: m_π; s: m_K — below them quarks are not dynamical), heavy quarks at
#: their PDG masses (c 1.27, b 4.18 MS-bar; t 172.7 pole)
LOOP_THRESHOLDS = {"e": M_E, "mu": M_MU, "tau": M_TAU, "u": 0.1396, "d": 0.1396, "s": 0.4937,
                   "c": 1.27, "b": 4.18, "t": 172.7}
_EM_CHARGE = {"e": -1.0, "mu": -1.0, "tau": -1.0, "u": 2 / 3, "c": 2 / 3, "t": 2 / 3,
              "d": -1 / 3, "s": -1 / 3, "b": -1 / 3}

#: estimator settings used by the physics layer (tests pass looser ones)
DEFAULT_SETTINGS = {
    "ti": {"n_walkers": 256, "n_steps": 12, "n_burn": 4, "n_ladders": 4},
    "ss": {"n_walkers": 256, "n_steps": 12, "n_burn": 4, "n_ladders": 4},
    # dynesty rwalk: 250 live x 3 runs agreed with TI within 0.2 for 7 of the 8 Table-1/dark-photon
    # models but read L_mu-L_tau 0.44 high (thin sheet); 1000 live x 2 runs gave -9.652 +- 0.057
    # against TI -9.604 and prior MC -9.581 (docs/model_comparison.md). ~15 min per model.
    "nested": {"n_live": 1000, "n_runs": 2, "dlogz": 0.05},
    "grid": {"rtol": 3e-3, "n0": 16},
    "mc": {"n": 2_000_000, "n_chunks": 40},
}


class EvidenceScanError(BayesU1XError):
    """Bad settings for an evidence run or scan."""


# --- priors --------------------------------------------------------------------------------------
def loop_kinetic_mixing(model, uv_scale: float = 1000.0, ir_scale: float = 0.01) -> float:
    """One-loop εe/g_X induced by the model's own (vector) charges between ``uv_scale`` and ``ir_scale``.

    εe/g_X ≈ −(e²/6π²) Σ_f N_c Q_f q_f ln(Λ_UV / max(m_f, μ_IR)) over fermions lighter than Λ_UV
    (vector couplings; the chiral case uses the average of left and right charges). Generalises
    Eq. 5.5 of arXiv:2203.13731 (there: μ and τ only, between m_μ and m_τ).
    """
    model = get_model(model)
    q = {}
    for i, f in enumerate(("e", "mu", "tau")):
        q[f] = float(model.x_L[i] + model.x_E[i]) / 2
    qu = float(model.x_Q + model.x_u) / 2
    qd = float(model.x_Q + model.x_d) / 2
    q.update({"u": qu, "c": qu, "t": qu, "d": qd, "s": qd, "b": qd})
    total = 0.0
    for f, m in LOOP_THRESHOLDS.items():
        if m >= uv_scale:
            continue
        nc = 3.0 if f in ("u", "d", "s", "c", "b", "t") else 1.0
        total += nc * _EM_CHARGE[f] * q[f] * math.log(uv_scale / max(m, ir_scale))
    return -E_CHARGE ** 2 / (6 * math.pi ** 2) * total


def resolve_prior(ref="default", model=None):
    """Load a prior file, resolving ``"model_loop"`` entries for ``model``; returns a Prior.

    A file may hold a ``[loop]`` table (``uv_scale``, ``ir_scale``, ``sigma_min``) used by the
    ``"model_loop"`` keyword: mean = :func:`loop_kinetic_mixing`, sigma = max(|mean|, sigma_min).
    """
    if hasattr(ref, "log_prob"):
        return ref
    path = resolve_prior_path(ref if ref is not None else "default")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EvidenceScanError(f"{path}: not valid TOML: {exc}") from exc
    loop = data.pop("loop", {})
    eps = data.get("eps_ratio", {})
    if any(v == "model_loop" for v in eps.values() if isinstance(v, str)):
        if model is None:
            raise EvidenceScanError(f"{path}: 'model_loop' prior needs a model")
        centre = loop_kinetic_mixing(model, float(loop.get("uv_scale", 1000.0)), float(loop.get("ir_scale", 0.01)))
        sigma = max(abs(centre), float(loop.get("sigma_min", 0.03)))
        eps = dict(eps)
        if eps.get("mean") == "model_loop":
            eps["mean"] = centre
        if eps.get("sigma") == "model_loop":
            eps["sigma"] = sigma
        data["eps_ratio"] = eps
    prior = prior_from_dict(data, source=str(path), text=text)
    prior.loop = {"centre": eps.get("mean"), "sigma": eps.get("sigma")} if loop else None
    return prior


# --- one model --------------------------------------------------------------------------------
def model_key(model) -> str:
    return charges_key(get_model(model).table1)


def _posterior_summary(samples):
    import arviz as az

    names = ("log10_g", "eps_ratio", "log10_m")
    s = np.asarray(samples)
    post = {n: s[None, :, i] for i, n in enumerate(names)}
    return az.summary(az.from_dict(posterior=post), kind="stats")


def model_evidence(model, *, terms="default", data="2021", prior="default", method: str = "ti",
                   settings: dict | None = None, profile: bool = True, posterior: bool = False,
                   seed: int = 1, term_options=None) -> dict:
    """ln Z of one model (mass marginalised) and what the comparison table needs, as a JSON-ready dict.

    ``settings`` override :data:`DEFAULT_SETTINGS[method]`. ``profile``: also find Δχ²_min with the
    profile layer (needed by the TI reference anyway). ``posterior``: add ``posterior_summary``
    (``az.summary`` of the β = 1 samples; TI/SS only).
    """
    model = get_model(model)
    if method not in DEFAULT_SETTINGS:
        raise EvidenceScanError(f"unknown method {method!r}; choose one of {', '.join(DEFAULT_SETTINGS)}")
    lk = CompositeLikelihood(model, terms=terms, data=data, term_options=term_options or {})
    pr = resolve_prior(prior, model)
    kw = dict(DEFAULT_SETTINGS[method])
    kw.update(settings or {})
    t0 = time.perf_counter()
    dchi, ref = None, None
    if method in ("ti", "ss") and kw.pop("reference", True):
        ref = profile_reference(lk, pr, **kw.pop("reference_options", {}))
        dchi = float(min(ref.info["delta_chi2"]))
    elif profile:
        from .profile import find_minima

        b = {n: (float(lo), float(hi)) for n, (lo, hi) in zip(pr.names, pr.bounds)}
        dchi = float(find_minima(lk, bounds=b, max_seeds=3)[0].delta_chi2)
    if method in ("ti", "ss"):
        kw["reference"] = ref
    if method in ("ti", "ss", "nested", "mc"):
        kw.setdefault("seed", seed)
    res = estimate_evidence(lk.log_likelihood, pr, method=method, **kw)
    lsm = sm_log_likelihood(lk)
    out = {"model": model.name, "charges": [float(x) for x in model.table1], "log_z": res.log_z,
           "log_z_err": res.log_z_err, "method": method, "log_l_sm": lsm, "log_bf_vs_sm": res.log_z - lsm,
           "delta_chi2_min": dchi, "terms": list(lk.terms), "data": str(data), "prior": str(pr.source),
           "eps_prior_centre": (pr.loop or {}).get("centre") if getattr(pr, "loop", None) else None,
           "n_like_evals": res.n_like_evals, "seconds": time.perf_counter() - t0}
    if posterior and "posterior_samples" in res.extra:
        out["posterior_summary"] = json.loads(_posterior_summary(res.extra["posterior_samples"]).to_json())
    return out


# --- the scan -------------------------------------------------------------------------------------
def _worker(job):
    charges, kw = job
    return model_evidence(tuple(charges), **kw)


def evidence_scan(models=None, *, max_charge: int = 10, out=None, processes: int | None = None,
                  scheduler=None, progress=None, **kw) -> list[dict]:
    """:func:`model_evidence` for every model (default: ``enumerate_vector_models(max_charge)``).

    ``out``: JSON-lines file (resumable). ``processes``: local worker processes (default 2).
    ``scheduler``: a dask.distributed scheduler address ("tcp://host:port") or a ``Client``; each
    model is then one task. Returns the records in model order.
    """
    from ..models import enumerate_vector_models

    models = enumerate_vector_models(max_charge) if models is None else [get_model(m) for m in models]
    done = read_results(out) if out else {}
    todo = [m for m in models if model_key(m) not in done]
    jobs = [([float(x) for x in m.table1], kw) for m in todo]
    with ResultLog(out, done=done, progress=progress, n_done=len(models) - len(todo),
                   total=len(models)) as log:
        record = log.append
        if scheduler is not None and jobs:
            try:
                from distributed import Client, as_completed
            except ImportError as exc:
                raise EvidenceScanError('--scheduler needs dask.distributed: pip install "dask[distributed]"') from exc
            client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
            try:
                futures = [client.submit(_worker, j, pure=False) for j in jobs]
                for fut in as_completed(futures):
                    record(fut.result())
            finally:
                if client is not scheduler:
                    client.close()
        elif (processes or min(2, os.cpu_count() or 1)) > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(max_workers=processes or min(2, os.cpu_count() or 1)) as ex:
                for res in ex.map(_worker, jobs):
                    record(res)
        else:
            for j in jobs:
                record(_worker(j))
    return [done[model_key(m)] for m in models]


def scan_table(records, reference: str = "Lmu-Ltau"):
    """The comparison table (:func:`~bayes_u1x.inference.compare.comparison_table`) of scan records."""
    from .compare import comparison_table
    from .evidence import EvidenceResult

    res = {r["model"]: EvidenceResult(r["log_z"], r["log_z_err"], r["method"], r.get("n_like_evals", 0),
                                      r.get("seconds", 0.0)) for r in records}
    # scan records are named by their charges, e.g. "(0;0,1,-1)": find the reference by its charges
    # (up to overall normalisation and sign, which give the same physics)
    ref = np.asarray(get_model(reference).table1, dtype=float)
    for r in records:
        c = np.asarray(r.get("charges", ()), dtype=float)
        if c.shape == ref.shape and np.linalg.norm(c) > 0 and np.isclose(
                abs(c @ ref) / (np.linalg.norm(c) * np.linalg.norm(ref)), 1.0, rtol=0, atol=1e-12):
            reference = r["model"]
            break
    return comparison_table(res, log_l_sm={r["model"]: r["log_l_sm"] for r in records},
                            delta_chi2_min={r["model"]: (r["delta_chi2_min"] if r["delta_chi2_min"] is not None
                                                         else np.nan) for r in records},
                            reference=reference)


def run_cli(args) -> int:
    """Back end of ``bayes-u1x scan --evidence`` (args: max_charge, terms, data, out, processes, json,
    and optionally scheduler, method, prior)."""
    import sys

    from ..cli._util import print_json
    from .compare import format_table

    method = getattr(args, "method", None) or "ti"
    terms = args.terms if args.terms != "table1" else "default"

    def progress(done, total):
        if not args.json:
            print(f"\r{done}/{total} models", end="", file=sys.stderr, flush=True)

    recs = evidence_scan(max_charge=args.max_charge, out=args.out, processes=args.processes,
                         scheduler=getattr(args, "scheduler", None), progress=progress, terms=terms,
                         data=args.data, prior=getattr(args, "prior", None) or "default", method=method)
    if args.json:
        print_json([{k: r.get(k) for k in ("model", "charges", "log_z", "log_z_err", "method", "log_bf_vs_sm",
                                           "delta_chi2_min")} for r in recs])
        return 0
    print(file=sys.stderr)
    print(format_table(scan_table(recs)))
    return 0
