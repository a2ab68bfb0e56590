"""Evidence of a physics model, the way every entry point computes it, and over the whole model space.

:func:`evidence` is THE path from (likelihood, prior) to ln Z: for thermodynamic integration and
stepping stone it first builds the profile + pilot reference (:func:`~.reference.profile_reference`)
so that the tempering ladder starts with walkers in the thin good-fit sheets, then runs the estimator
with its package defaults (:data:`DEFAULT_SETTINGS`). The command line (``compare``, ``scan
--evidence``), the notebooks and the documentation all call it. :func:`model_evidence` adds what a
comparison table needs (ln L_SM, ln B vs SM, Δχ²_min, provenance) as a JSON-ready record, and
:func:`evidence_scan` runs it for every model through the one resumable scan loop
(:func:`bayes_u1x.inference.scans.run_scan`; Dask through ``Client.get_executor()``).
"""
from __future__ import annotations

import json
import time

import numpy as np

from ... import __version__
from ...errors import EvidenceError
from ...likelihood import CompositeLikelihood
from ...measurements import DEFAULT_SET
from ...models import get_model
from ..priors import load_prior
from ._base import EvidenceResult, sm_log_likelihood
from .estimators import METHODS, estimate_evidence
from .reference import profile_reference

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
    # importance sampling from the TI reference (defensive mixture): the model-space estimator;
    # below min_ess Kish effective draws model_evidence falls back to TI
    # at most 2·10⁵ draws; the run stops after 10⁵ once the ln Z error is ≤ 0.01 (most models)
    "is": {"n": 200_000, "n_chunks": 20, "min_ess": 500.0, "max_err": 0.05, "target_err": 0.01},
}


def evidence(likelihood, prior="default", method: str = "is", *, seed: int = 1, settings: dict | None = None,
             reference=True) -> EvidenceResult:
    """ln Z of ``likelihood`` (a :class:`~bayes_u1x.likelihood.CompositeLikelihood`) under ``prior``.

    ``method``: "is" (default: importance sampling from the profile + pilot reference, with the
    fallback below), "ti", "ss", "nested", "grid" or "mc"; ``settings`` override
    :data:`DEFAULT_SETTINGS` for it. ``reference`` (IS/TI/SS): True builds the profile + pilot
    reference, False samples/tempers from the prior (for tests), or pass a reference object.

    With "is", when the Kish effective sample size or the error misses the target (``min_ess``,
    ``max_err``), the estimate is redone with 5x more draws (IS stays unbiased), and if that misses
    too, by TI on the same reference; ``extra["fallback"]`` records what happened.
    """
    if method not in METHODS:
        raise EvidenceError(f"unknown evidence method {method!r}; choose one of {', '.join(METHODS)}")
    pr = load_prior(prior, model=getattr(likelihood, "model", None))
    kw = dict(DEFAULT_SETTINGS[method])
    kw.update(settings or {})
    if method in ("ti", "ss", "is"):
        ref_opts = kw.pop("reference_options", {})
        if reference is True:
            reference = profile_reference(likelihood, pr, **ref_opts)
        kw["reference"] = reference if reference is not False else None
    if method in ("ti", "ss", "is", "nested", "mc"):
        kw.setdefault("seed", seed)
    res = estimate_evidence(likelihood.log_likelihood, pr, method=method, **kw)
    if method == "is" and not res.extra.get("ess_ok", True):
        res = _is_fallback(likelihood, pr, res, kw, seed)
    res.extra.setdefault("settings", {k: v for k, v in kw.items() if k != "reference"})
    res.extra["prior"] = pr.describe()
    if hasattr(likelihood, "describe"):
        res.extra["likelihood"] = likelihood.describe()
    return res


def _is_fallback(likelihood, pr, res, kw, seed) -> EvidenceResult:
    """IS missed its ESS/error target: 5x more draws (unbiased; on the dark photon it agrees with prior
    MC where TI reads 0.3 low), then TI on the same reference."""
    fb = {"from": "is", "ess": res.extra.get("ess"), "log_z_is": res.log_z, "log_z_err_is": res.log_z_err}
    more = {**kw, "n": 5 * int(kw["n"]), "seed": seed + 1}
    res = estimate_evidence(likelihood.log_likelihood, pr, method="is", **more)
    fb["to"] = "is x5"
    if not res.extra.get("ess_ok", True):
        ti = dict(DEFAULT_SETTINGS["ti"], reference=kw.get("reference"), seed=seed)
        res = estimate_evidence(likelihood.log_likelihood, pr, method="ti", **ti)
        fb["to"] = "ti"
    res.extra["fallback"] = fb
    return res


def model_key(model) -> str:
    from ..scans import charges_key
    return charges_key(get_model(model).table1)


def _posterior_summary(samples):
    import arviz as az

    names = ("log10_g", "eps_ratio", "log10_m")
    s = np.asarray(samples)
    post = {n: s[None, :, i] for i, n in enumerate(names)}
    return az.summary(az.from_dict(posterior=post), kind="stats")


def model_evidence(model, *, terms="default", data=DEFAULT_SET, prior="default", method: str = "is",
                   settings: dict | None = None, profile: bool = True, posterior: bool = False,
                   seed: int = 1, term_options=None) -> dict:
    """ln Z of one model (mass marginalised) and what the comparison table needs, as a JSON-ready dict.

    ``profile``: also find Δχ²_min with the profile layer (the TI/SS reference does it anyway).
    ``posterior``: add ``posterior_summary`` (``az.summary`` of the β = 1 samples; TI/SS only).
    """
    model = get_model(model)
    if method not in DEFAULT_SETTINGS:
        raise EvidenceError(f"unknown method {method!r}; choose one of {', '.join(DEFAULT_SETTINGS)}")
    lk = CompositeLikelihood(model, terms=terms, data=data, term_options=term_options or {})
    pr = load_prior(prior, model)
    t0 = time.perf_counter()
    kw = dict(settings or {})
    use_ref = kw.pop("reference", True)
    dchi, ref = None, None
    if method in ("ti", "ss", "is") and use_ref:
        ref = profile_reference(lk, pr, **kw.pop("reference_options", {}))
        dchi = float(min(ref.info["delta_chi2"]))
    elif profile:
        from ..minimum import global_minimum

        dchi = float(global_minimum(lk, pr, max_seeds=3)[0].delta_chi2)
    res = evidence(lk, pr, method=method, seed=seed, settings=kw,
                   reference=ref if ref is not None else (False if method in ("ti", "ss", "is") else True))
    fallback = res.extra.get("fallback")
    lower = None
    if dchi is not None:
        from ..minimum import lower_point

        pts = [p["theta"] for p in [res.extra.get("best_point")] if p]
        if "posterior_samples" in res.extra:
            pts.extend(np.asarray(res.extra["posterior_samples"])[:5000].tolist())
        lower = lower_point(lk, dchi, pts, prior=pr) if pts else None
        if lower is not None:
            lower["found_by"] = f"the {method} evidence run"
            dchi = lower["delta_chi2"]
    lsm = sm_log_likelihood(lk)
    out = {"model": model.name, "display": model.display, "charges": [float(x) for x in model.table1], "log_z": res.log_z,
           "log_z_err": res.log_z_err, "method": method, "log_l_sm": lsm, "log_bf_vs_sm": res.log_z - lsm,
           "delta_chi2_min": dchi, "delta_chi2_min_lowered": lower, "fallback": fallback,
           "estimator": res.method, "ess": res.extra.get("ess"), "terms": list(lk.terms), "likelihood": lk.label,
           "term_options": lk.term_options, "data": str(lk.data.name), "prior": str(pr.source),
           "prior_name": pr.name, "prior_sha256": pr.sha256,
           "eps_prior_centre": (pr.loop or {}).get("centre") if getattr(pr, "loop", None) else None,
           "seed": seed, "settings": res.extra.get("settings"), "package_version": __version__,
           "n_like_evals": res.n_like_evals, "seconds": time.perf_counter() - t0}
    if posterior and "posterior_samples" in res.extra:
        out["posterior_summary"] = json.loads(_posterior_summary(res.extra["posterior_samples"]).to_json())
    return out


def _worker(payload):
    charges, kw = payload
    return model_evidence(tuple(charges), **kw)


def evidence_scan(models=None, *, max_charge: int = 10, out=None, processes: int | None = None,
                  scheduler=None, executor=None, progress=None, force: bool = False, **kw) -> list[dict]:
    """:func:`model_evidence` for every model (default: ``enumerate_vector_models(max_charge)``).

    ``out``: JSON-lines scan file (resumable, refused if made with other settings). ``processes``: local
    workers (default 2). ``scheduler``: a dask.distributed address ("tcp://host:port") or ``Client``;
    ``executor``: any ``concurrent.futures`` executor. Returns the records in model order.
    """
    from ...models import enumerate_vector_models
    from ..scans import run_scan

    models = enumerate_vector_models(max_charge) if models is None else [get_model(m) for m in models]
    kw.setdefault("terms", "default")
    lk = CompositeLikelihood(models[0] if models else "Lmu-Ltau", terms=kw["terms"], data=kw.get("data", DEFAULT_SET),
                             term_options=kw.get("term_options") or {})
    pr = load_prior(kw.get("prior", "default"), models[0] if models else "Lmu-Ltau")
    settings = {"likelihood": lk.label, "term_options": lk.term_options, "data": lk.data.name,
                "prior": pr.name, "prior_sha256": pr.sha256, "method": kw.get("method", "is"),
                "seed": kw.get("seed", 1), "estimator": kw.get("settings") or {}}
    jobs = [(model_key(m), ([float(x) for x in m.table1], kw)) for m in models]
    client = None
    if scheduler is not None and executor is None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise EvidenceError('--scheduler needs dask.distributed: pip install "bayes-u1x[distributed]"') from exc
        client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        executor = client.get_executor(pure=False)
    try:
        recs = run_scan(jobs, _worker, kind="evidence", settings=settings, out=out, executor=executor,
                        processes=processes, progress=progress, force=force)
    finally:
        if client is not None and client is not scheduler:
            client.close()
    return list(recs.values())
