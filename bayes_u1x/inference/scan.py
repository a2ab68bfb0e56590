"""Profile scans over the model space (Sec. 4.2: every model's Δχ²_min at m_X = 200 MeV).

Each model is profiled over (log10 g_X, εe/g_X) with :func:`~bayes_u1x.inference.profile.find_minima`
and its best minimum recorded with the viability flag Δχ²_min < 4. Scans run on a process pool
(both cores by default) and are *resumable*: results are appended one JSON line per model to the
output file (flushed and fsync'ed), a re-run skips every model already present, and a line cut
short by a kill is ignored and recomputed.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..likelihood import CompositeLikelihood
from ..models import Model, get_model
from .profile import find_minima
from .resultlog import ResultLog, charges_key, read_results  # noqa: F401 (re-exported)
from .thresholds import is_viable


def model_key(model: Model) -> str:
    return charges_key(model.table1)


def profile_model(model, mass: float | None = 0.2, terms="table1", data="2021", term_options=None,
                  grid_shape=(41, 121, 21), max_seeds: int = 4, polish_above: float | None = 10.0) -> dict:
    """Profile one model; return a JSON-ready summary of its best minimum."""
    model = get_model(model)
    lk = CompositeLikelihood(model, terms=terms, data=data, term_options=term_options or {})
    t0 = time.perf_counter()
    minima = find_minima(lk, fixed_mass=mass, grid_shape=grid_shape, max_seeds=max_seeds,
                         polish_above=polish_above)
    best = minima[0]
    return {"model": model.name, "charges": [float(x) for x in model.table1],
            "delta_chi2": best.delta_chi2, "eps_ratio": best.eps_ratio, "g_x": best.g_x,
            "m_x_gev": best.m_x, "viable": bool(is_viable(best.delta_chi2)), "terms": best.terms,
            "is_valid": best.is_valid, "method": best.method, "at_limit": list(best.at_limit),
            "n_minima": len(minima),
            "seconds": time.perf_counter() - t0}


def _worker(args):
    charges, kw = args
    return profile_model(tuple(charges), **kw)


def scan(models=None, mass: float | None = 0.2, terms="table1", data="2021", out=None,
         processes: int | None = None, max_charge: int = 10, term_options=None, progress=None,
         **profile_kw) -> list[dict]:
    """Profile every model (default: the enumerated vector-like models with |charges| <= max_charge).

    Returns the list of per-model results in model order. ``out`` (a path) makes the scan
    resumable. ``progress`` is an optional callable(done, total).
    """
    from ..models import enumerate_vector_models

    if models is None:
        models = enumerate_vector_models(max_charge)
    models = [get_model(m) for m in models]
    done = read_results(out) if out else {}
    todo = [m for m in models if model_key(m) not in done]
    kw = dict(mass=mass, terms=terms, data=data, term_options=term_options or {}, **profile_kw)
    processes = processes or min(2, os.cpu_count() or 1)
    jobs = [([float(x) for x in m.table1], kw) for m in todo]
    with ResultLog(out, done=done, progress=progress, n_done=len(models) - len(todo),
                   total=len(models)) as log:
        record = log.append
        if processes > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(max_workers=processes) as ex:
                for res in ex.map(_worker, jobs, chunksize=4):
                    record(res)
        else:
            for j in jobs:
                record(_worker(j))
    return [done[model_key(m)] for m in models]


def viable(results) -> list[dict]:
    return [r for r in results if r["viable"]]


def summarize(results) -> dict:
    d = np.array([r["delta_chi2"] for r in results])
    return {"n_models": len(results), "n_viable": int(np.sum(d < 4)),
            "viable": [r["charges"] for r in results if r["viable"]]}
