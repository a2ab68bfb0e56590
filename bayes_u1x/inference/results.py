"""Posterior results as ArviZ InferenceData (netCDF): build, save, load, summarise.

Groups written by :func:`build_inference_data`:

- ``posterior``: ``log10_g``, ``eps_ratio``, ``log10_m`` with dims (chain, draw); each emcee walker
  is one "chain" (after burn-in and thinning);
- ``log_likelihood``: one variable per likelihood term, ln L_t = −Δχ²_t/2;
- ``sample_stats``: ``lp`` (log posterior), ``delta_chi2`` (total), ``acceptance_rate`` (per walker);
- ``prior``: independent prior draws (one chain);
- attrs (on every group): model name and charges, terms, measurement set and its values, run file
  text and resolved settings, prior file text, seed, package/emcee/ArviZ versions, convergence
  diagnostics, initial (profile) best fit and the best point found.
"""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import ResultsError
from ..parameters import NAMES as PARAMS
from ..serialization import atomic_path, dumps as _json, ensure_free_space


def build_inference_data(state, terms, names, diagnostics: dict, run=None, prior_draws=None):
    """InferenceData from a checkpoint state (:class:`~.checkpoint.ChainState`), the diagnostics and
    the resolved :class:`~.config.Run` it came from (its settings, model, data and prior are stored)."""
    import arviz as az
    import emcee
    import xarray as xr

    from .. import __version__

    burn, thin = int(diagnostics.get("burn_in", 0)), max(int(diagnostics.get("thin", 1)), 1)
    chain = state.chain[burn::thin]           # (N, W, d)
    lp = state.log_prob[burn::thin]           # (N, W)
    blobs = state.blobs[burn::thin]           # (N, W, T)
    tr = lambda a: np.swapaxes(a, 0, 1)       # -> (W, N, ...)
    posterior = {nm: tr(chain[..., i]) for i, nm in enumerate(names)}
    loglik = {t: tr(-0.5 * blobs[..., j]) for j, t in enumerate(terms)}
    stats = {"lp": tr(lp), "delta_chi2": tr(blobs.sum(axis=-1))}
    kw = {}
    if prior_draws is not None and len(prior_draws):
        kw["prior"] = {nm: prior_draws[None, :, i] for i, nm in enumerate(names)}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "more chains than draws" for short runs is expected
        idata = az.from_dict(posterior=posterior, log_likelihood=loglik, sample_stats=stats, **kw)
    comp_attrs = _component_labels(idata, run, terms, names, blobs)
    n_iter = max(state.iteration, 1)
    idata.sample_stats["acceptance_rate"] = xr.DataArray(state.accepted / n_iter, dims=["chain"],
                                                         coords={"chain": idata.posterior.chain.values})

    # best fit: the initial (profile) minimum or the lowest-Δχ² point of the whole chain
    init = json.loads(state.attrs.get("init", "{}")) if isinstance(state.attrs.get("init"), str) else {}
    all_chi = state.blobs.sum(axis=-1)
    best_theta, best_chi = None, math.inf
    if all_chi.size:
        k = np.unravel_index(np.nanargmin(np.where(np.isfinite(all_chi), all_chi, np.inf)), all_chi.shape)
        best_theta, best_chi = state.chain[k], float(all_chi[k])
    start_chi = float(init.get("best_delta_chi2", math.inf))
    source = "chain"
    if init.get("best_theta") is not None and start_chi <= best_chi:
        best_theta, best_chi, source = np.asarray(init["best_theta"]), start_chi, "start"
    lowered = None
    if source == "chain" and math.isfinite(start_chi) and best_chi < start_chi - 0.05:
        lowered = {"delta_chi2": best_chi, "theta": [float(x) for x in best_theta], "reported": start_chi,
                   "found_by": "the chain"}

    attrs = {
        "bayes_u1x_result": "posterior",
        "package_version": __version__,
        "emcee_version": emcee.__version__,
        "arviz_version": az.__version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "parameters": _json(list(names)),
        "terms": _json(list(terms)),
        "diagnostics": _json(diagnostics),
        "converged": int(bool(diagnostics.get("converged"))),
        "init": _json(init),
        "best_fit_theta": _json(None if best_theta is None else list(best_theta)),
        "best_fit_delta_chi2": best_chi if math.isfinite(best_chi) else float("nan"),
        "best_fit_source": source,
        "best_fit_lowered": _json(lowered),
        "n_steps": int(state.iteration),
        "n_walkers": int(state.chain.shape[1]),
        "identity": state.attrs.get("identity", ""),
    }
    config = getattr(run, "config", None)
    likelihood = getattr(run, "likelihood", None)
    prior = getattr(run, "prior", None)
    if config is not None:
        attrs.update({
            "run_name": run.name,
            "run_source": str(config.source),
            "run_file": config.text or "",
            "run_settings": config.to_json(),
            "seed": int(run.seed),
        })
    if hasattr(likelihood, "describe"):
        attrs["likelihood"] = _json(likelihood.describe())
    model = getattr(likelihood, "model", None)
    if model is not None:
        attrs.update({"model_name": model.name, "model_label": model.label(), "model_display": model.display,
                      "model_charges": _json(model.charges_dict())})
    data = getattr(likelihood, "data", None)
    if data is not None and hasattr(data, "values"):
        attrs.update({"data_set": data.name, "data_values": _json(data.values)})
    if prior is not None:
        attrs.update({"prior_source": str(prior.source), "prior_file": prior.text or "",
                      "prior_spec": _json(prior.spec())})
        if hasattr(prior, "describe"):
            attrs["prior"] = _json(prior.describe())
    attrs.update(comp_attrs)
    for grp in idata.groups():
        idata[grp].attrs.update(attrs)
    return idata


def _component_labels(idata, run, terms, names, blobs) -> dict:
    """Label every kept draw by component (:mod:`.components`): stored as ``sample_stats.component``
    (codes) with the names and gap windows in the attrs. Needs the run's physics likelihood."""
    import xarray as xr

    from .components import labels

    lk = getattr(run, "likelihood", None)
    if lk is None or not hasattr(lk, "sm_terms") or blobs.size == 0:
        return {}
    theta = np.stack([np.asarray(idata.posterior[nm]).ravel() for nm in names], axis=-1)
    chi = {t: np.swapaxes(blobs[..., j], 0, 1).ravel() for j, t in enumerate(terms)}
    lab, windows = labels(theta, chi, lk.sm_terms(), lk)
    order = list(dict.fromkeys(lab))
    codes = np.array([order.index(x) for x in lab], dtype=np.int8).reshape(idata.posterior.sizes["chain"], -1)
    idata.sample_stats["component"] = xr.DataArray(
        codes, dims=["chain", "draw"], coords={"chain": idata.posterior.chain.values, "draw": idata.posterior.draw.values})
    return {"component_names": _json(order), "search_gap_windows": _json(windows)}


def save_results(idata, path) -> Path:
    """Write to netCDF atomically (temporary file, then rename)."""
    path = Path(path)
    size = sum(int(v.nbytes) for g in idata.groups() for v in idata[g].data_vars.values())
    ensure_free_space(path, size + sum(len(str(v)) for v in idata.posterior.attrs.values()), "result", ResultsError)
    try:
        with atomic_path(path) as tmp:
            idata.to_netcdf(str(tmp), engine="h5netcdf")
    except OSError as exc:
        raise ResultsError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def load_results(path):
    """Read a ``posterior.nc`` written by :func:`save_results`."""
    import arviz as az
    path = Path(path)
    if path.is_dir():
        path = path / "posterior.nc"
    if not path.is_file():
        raise ResultsError(f"result file {path} not found")
    try:
        idata = az.from_netcdf(str(path), engine="h5netcdf")
    except Exception as exc:  # noqa: BLE001 - any read failure is a user-facing "bad file"
        raise ResultsError(f"{path}: cannot be read as ArviZ InferenceData ({exc})") from exc
    if "posterior" not in idata.groups() or idata.posterior.attrs.get("bayes_u1x_result") != "posterior":
        raise ResultsError(f"{path}: not a bayes_u1x posterior (no 'posterior' group with bayes_u1x attrs)")
    return idata


def result_attr(idata, key, default=None):
    """An attribute of the posterior group, JSON-decoded where it was stored as JSON."""
    v = idata.posterior.attrs.get(key, default)
    if isinstance(v, str) and (v[:1] in ("[", "{") or v in ("null", "true", "false")):
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def summarize(idata) -> dict:
    """Posterior summary: ArviZ table (mean, sd, 94% HDI, ESS bulk/tail, R̂), per-term Δχ², fit."""
    import arviz as az
    import warnings
    names = result_attr(idata, "parameters", list(PARAMS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = az.summary(idata, var_names=list(names), round_to="none")
    rows = {nm: {k: float(v) for k, v in table.loc[nm].items()} for nm in names}
    terms = result_attr(idata, "terms", [])
    per_term = {}
    for t in terms:
        chi = -2.0 * np.asarray(idata.log_likelihood[t])
        per_term[t] = {"mean": float(np.mean(chi)), "median": float(np.median(chi))}
    total = np.asarray(idata.sample_stats["delta_chi2"])
    diag = result_attr(idata, "diagnostics", {})
    components = []
    if "component" in idata.sample_stats:
        from .components import decompose

        order = result_attr(idata, "component_names", [])
        lab = np.array(order, dtype=object)[np.asarray(idata.sample_stats["component"]).ravel()]
        theta = np.stack([np.asarray(idata.posterior[nm]).ravel() for nm in names], axis=-1)
        chi = {t: -2.0 * np.asarray(idata.log_likelihood[t]).ravel() for t in terms}
        components = [c.to_dict() for c in decompose(theta, chi, {}, label=lab,
                                                      windows=result_attr(idata, "search_gap_windows", []))]
    return {
        "model": idata.posterior.attrs.get("model_name"),
        "model_label": idata.posterior.attrs.get("model_label"),
        "model_display": idata.posterior.attrs.get("model_display"),
        "terms": terms,
        "data_set": idata.posterior.attrs.get("data_set"),
        "converged": bool(idata.posterior.attrs.get("converged", 0)),
        "n_walkers": int(idata.posterior.attrs.get("n_walkers", idata.posterior.sizes["chain"])),
        "n_steps": int(idata.posterior.attrs.get("n_steps", 0)),
        "draws_kept": int(idata.posterior.sizes["chain"] * idata.posterior.sizes["draw"]),
        "parameters": rows,
        "delta_chi2_terms": per_term,
        "delta_chi2_total": {"mean": float(np.mean(total)), "min": float(np.min(total))},
        "best_fit_theta": result_attr(idata, "best_fit_theta"),
        "best_fit_delta_chi2": float(idata.posterior.attrs.get("best_fit_delta_chi2", float("nan"))),
        "best_fit_lowered": result_attr(idata, "best_fit_lowered"),
        "components": components,
        "prior": result_attr(idata, "prior", None),
        "likelihood": result_attr(idata, "likelihood", None),
        "diagnostics": diag,
        "seed": idata.posterior.attrs.get("seed"),
        "package_version": idata.posterior.attrs.get("package_version"),
    }


def _num(x, fmt: str) -> str:
    """A number in ``fmt``, or "nan" where the value is missing or not finite (short runs)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "nan"
    return format(v, fmt) if math.isfinite(v) else "nan"


def format_summary(summary: dict) -> str:
    """Human-readable text of :func:`summarize` (missing diagnostics of short runs print as nan)."""
    lk = summary.get("likelihood") or {}
    prior = summary.get("prior") or {}
    shown = summary.get("model_display") or f"{summary['model']} {summary['model_label'] or ''}".rstrip()
    lines = [f"model {shown}",
             f"likelihood {lk.get('preset', 'custom')}: {', '.join(summary['terms'])} (data set {summary['data_set']})"
             + (f"; prior {prior.get('name')} (sha256 {str(prior.get('sha256', ''))[:12]})" if prior else ""),
             f"{summary['n_walkers']} walkers x {summary['n_steps']} steps, {summary['draws_kept']} draws kept; "
             f"converged: {'yes' if summary['converged'] else 'NO'}"]
    d = summary.get("diagnostics") or {}
    if d.get("tau"):
        lines.append(f"tau = {', '.join(_num(t, '.1f') for t in d['tau'])}  burn-in {d.get('burn_in')}  "
                     f"thin {d.get('thin')}  acceptance {_num(d.get('acceptance'), '.3f')}")
    hdr = f"{'parameter':<11}{'mean':>10}{'sd':>9}{'hdi_3%':>10}{'hdi_97%':>10}{'ess_bulk':>10}{'ess_tail':>10}{'r_hat':>8}"
    lines.append(hdr)
    for nm, r in summary["parameters"].items():
        lines.append(f"{nm:<11}{_num(r['mean'], '.4g'):>10}{_num(r['sd'], '.3g'):>9}{_num(r['hdi_3%'], '.4g'):>10}"
                     f"{_num(r['hdi_97%'], '.4g'):>10}{_num(r['ess_bulk'], '.0f'):>10}{_num(r['ess_tail'], '.0f'):>10}"
                     f"{_num(r['r_hat'], '.4f'):>8}")
    if summary["delta_chi2_terms"]:
        lines.append("posterior mean Δχ² per term: " + ", ".join(
            f"{t} {_num(v['mean'], '.3g')}" for t, v in summary["delta_chi2_terms"].items()))
    bf = summary.get("best_fit_theta")
    if bf:
        lines.append(f"best fit: log10_g = {_num(bf[0], '.4g')}, eps_ratio = {_num(bf[1], '.4g')}, "
                     f"log10_m = {_num(bf[2], '.4g')}  (Δχ² = {_num(summary['best_fit_delta_chi2'], '.4g')})")
    low = summary.get("best_fit_lowered")
    if low:
        from .minimum import describe_lower

        lines.append("note: " + describe_lower(low, low.get("found_by", "the chain")))
    comps = summary.get("components") or []
    if sum(c["fraction"] >= 0.05 for c in comps) > 1:
        from .components import Component, format_components

        lines.append("the posterior has separate components (mean and sd above describe none of them):")
        lines.extend(format_components([Component(**c) for c in comps]))
    gap = next((c for c in comps if c["name"] == "gap islands"), None)
    if gap and gap["fraction"] > 0:
        where = ", ".join(f"{lo:.3g}–{hi:.3g} GeV" for lo, hi in gap["windows"])
        lines.append(f"note: {100 * gap['fraction']:.1f} % of the posterior mass lies in m_X windows no "
                     f"selected search covers ({where}): there it rests on the absence of a measurement")
    return "\n".join(lines)
