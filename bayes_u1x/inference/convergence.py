"""Convergence of an emcee ensemble: autocorrelation time, R̂ and ESS, and the stopping rule.

* integrated autocorrelation time τ per parameter (emcee, walker-averaged); the run must be at least
  ``tau_multiple`` τ long for every parameter;
* ArviZ rank-normalised split R̂ and bulk and tail ESS of the burnt-in, thinned chain, each walker
  taken as one chain (Vehtari et al., arXiv:1903.08008).

A run has converged when all three criteria hold (:func:`convergence`).
"""
from __future__ import annotations

import warnings

import numpy as np

from ..parameters import NAMES
from .run_schema import apply_tau_rule


def autocorr_time(chain: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time per parameter of a (steps, walkers, d) chain (emcee)."""
    import emcee
    if chain.shape[0] < 8:
        return np.full(chain.shape[-1], np.inf)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return emcee.autocorr.integrated_time(chain, c=5, tol=0, quiet=True)


def convergence(chain: np.ndarray, sampler, names=NAMES) -> dict:
    """Diagnostics of a (steps, walkers, d) chain and whether every criterion of ``sampler``
    (:class:`~.config.SamplerSettings`) is met."""
    import arviz as az
    n = chain.shape[0]
    tau = autocorr_time(chain)
    tau_max = float(np.max(tau))
    tau_min = float(np.min(tau))
    burn = min(apply_tau_rule(sampler.burn_rule, tau_max), max(n - 4, 0))
    thin = max(apply_tau_rule(sampler.thin_rule, tau_max, tau_min, minimum=1), 1)
    kept = chain[burn::thin]
    out = {"steps": int(n), "tau": [float(t) for t in tau], "burn_in": int(burn), "thin": int(thin),
           "draws": int(kept.shape[0]), "rhat": None, "ess_bulk": None, "ess_tail": None}
    steps_ok = bool(np.isfinite(tau_max) and n >= float(sampler.tau_multiple) * tau_max)
    out["tau_ok"] = steps_ok
    if kept.shape[0] >= 4:
        ds = {nm: np.swapaxes(kept[..., i], 0, 1) for i, nm in enumerate(names)}  # (chain=walker, draw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhat = az.rhat(ds)
            eb = az.ess(ds, method="bulk")
            et = az.ess(ds, method="tail")
        out["rhat"] = [float(rhat[nm]) for nm in names]
        out["ess_bulk"] = [float(eb[nm]) for nm in names]
        out["ess_tail"] = [float(et[nm]) for nm in names]
        rhat_ok = all(np.isfinite(r) and r < float(sampler.rhat_max) for r in out["rhat"])
        ess_ok = all(np.isfinite(e) and e >= float(sampler.min_ess) for e in out["ess_bulk"] + out["ess_tail"])
    else:
        rhat_ok = ess_ok = False
    out["rhat_ok"], out["ess_ok"] = bool(rhat_ok), bool(ess_ok)
    out["converged"] = bool(steps_ok and rhat_ok and ess_ok)
    return out


def format_targets(diag: dict, sampler) -> str:
    """'τ 17.9 (steps 2000 ≥ 50τ ✓)  R̂ 1.009 < 1.01 ✓  ESS 10854 ≥ 1000 ✓' for progress lines."""
    def mark(ok):
        return "ok" if ok else "no"
    tau = max(diag["tau"]) if diag.get("tau") else float("nan")
    rhat = max(diag["rhat"]) if diag.get("rhat") else float("nan")
    ess = min(diag["ess_bulk"] + diag["ess_tail"]) if diag.get("ess_bulk") else 0.0
    return (f"tau {tau:.1f} (need {sampler.tau_multiple:g} tau: {mark(diag.get('tau_ok'))}), "
            f"R-hat {rhat:.4f} (< {sampler.rhat_max:g}: {mark(diag.get('rhat_ok'))}), "
            f"ESS {ess:.0f} (>= {sampler.min_ess:g}: {mark(diag.get('ess_ok'))})")


def steps_needed(diag: dict, sampler) -> int | None:
    """Estimated total steps for every criterion to hold (None before τ is defined).

    τ criterion: ``tau_multiple`` × τ_max; ESS grows about linearly with the run, so
    steps × min_ess / ESS_min; an unmet R̂ adds one more check interval. Capped at ``max_steps``.
    """
    n = int(diag.get("steps") or 0)
    tau = max(diag["tau"]) if diag.get("tau") else float("inf")
    if not n or not np.isfinite(tau):
        return None
    need = float(sampler.tau_multiple) * tau
    if diag.get("ess_bulk"):
        ess = min(diag["ess_bulk"] + diag["ess_tail"])
        if ess > 0:
            need = max(need, n * float(sampler.min_ess) / ess)
    if not diag.get("rhat_ok"):
        need = max(need, n + sampler.check_every)
    return int(min(max(need, n), sampler.max_steps))
