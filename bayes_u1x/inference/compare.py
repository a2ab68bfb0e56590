"""Model comparison by Bayesian evidence: the comparison table, its files, and a bar plot.

Given ln Z of several models (each an :class:`~bayes_u1x.inference.evidence.EvidenceResult`, all
computed on the *same* likelihood normalisation) the table reports, per model,

* ln Z ± err and Δ ln Z to the best model (with the error of the difference, independent runs);
* ln B vs the Standard Model: ln Z − ln L_SM, with ln L_SM = −Δχ²_SM/2 the likelihood at g_X = 0
  (the SM has no free parameter, so its evidence is its likelihood);
* ln B vs L_μ−L_τ (the paper's benchmark model, arXiv:2203.13731 Table 1);
* posterior model probabilities for equal prior odds, p_i = Z_i / Σ_j Z_j;
* the Jeffreys-scale wording of ln B vs SM in the convention of Trotta, arXiv:0803.4089, Table 1
  (|ln B| < 1 inconclusive, < 2.5 weak, < 5 moderate, ≥ 5 strong);
* Δχ²_min (profile minimum, passed in by the caller, e.g. from the profile-likelihood layer).

The layout follows ArviZ's ``az.compare`` (models as index, ranked from 0, differences to the top
model with their standard errors). **Not the same quantity**: ``az.compare`` ranks models by
expected log predictive density (PSIS-LOO/WAIC), a measure of out-of-sample predictive accuracy
that is nearly independent of the prior volume; the evidence is the prior-averaged likelihood and
depends on the prior ranges directly (an Occam factor ln(prior width / posterior width) per
constrained parameter). A Bayes factor is only meaningful together with the priors it was computed with.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EvidenceError
from .evidence import EvidenceResult

#: Jeffreys scale thresholds on |ln B| (Trotta, arXiv:0803.4089, Table 1)
JEFFREYS = ((1.0, "inconclusive"), (2.5, "weak"), (5.0, "moderate"), (math.inf, "strong"))

JSON_KEYS = ("model", "log_z", "log_z_err", "method", "log_bf_vs_sm", "log_bf_vs_lmu_ltau", "delta_chi2_min")


def jeffreys_words(log_b: float) -> str:
    """Words for ln B of model against the alternative, e.g. 'moderate for' / 'weak against'."""
    if log_b is None or not np.isfinite(log_b):
        return ""
    for thr, word in JEFFREYS:
        if abs(log_b) < thr:
            if word == "inconclusive":
                return word
            return f"{word} {'for' if log_b > 0 else 'against'}"
    return ""  # pragma: no cover


def _as_mapping(x, models, name):
    if x is None:
        return {m: np.nan for m in models}
    if isinstance(x, Mapping):
        return {m: float(x.get(m, np.nan)) for m in models}
    if np.isscalar(x):
        return {m: float(x) for m in models}
    raise EvidenceError(f"{name} must be a number or a mapping model -> number")


def comparison_table(results: Mapping[str, EvidenceResult] | Sequence[tuple[str, EvidenceResult]], *,
                     log_l_sm: float | Mapping[str, float] | None = None,
                     delta_chi2_min: Mapping[str, float] | None = None,
                     reference: str = "Lmu-Ltau", include_sm: bool = False) -> pd.DataFrame:
    """Build the evidence comparison table (a DataFrame indexed by model, best first).

    Parameters
    ----------
    results : {model name: EvidenceResult} (or a sequence of pairs).
    log_l_sm : ln L_SM — one number for all models or per model (needed for ln B vs SM).
    delta_chi2_min : {model: Δχ²_min} from the profile (optional column).
    reference : name of the model ln B is also quoted against (default the paper's L_μ−L_τ).
    include_sm : also list the SM (ln Z = ln L_SM, exact) as a competing model.
    """
    items = list(results.items()) if isinstance(results, Mapping) else list(results)
    if not items:
        raise EvidenceError("no models to compare")
    names = [str(n) for n, _ in items]
    if len(set(names)) != len(names):
        raise EvidenceError(f"model listed twice: {names}")
    for n, r in items:
        if not isinstance(r, EvidenceResult):
            raise EvidenceError(f"result for {n!r} is not an EvidenceResult")
        if not np.isfinite(r.log_z):
            raise EvidenceError(f"ln Z of {n!r} is not finite")
    lsm = _as_mapping(log_l_sm, names, "log_l_sm")
    dchi = _as_mapping(delta_chi2_min, names, "delta_chi2_min")
    rows = [{"model": n, "log_z": r.log_z, "log_z_err": r.log_z_err, "method": r.method,
             "log_l_sm": lsm[n], "delta_chi2_min": dchi[n]} for n, r in items]
    if include_sm:
        vals = {v for v in lsm.values() if np.isfinite(v)}
        if len(vals) != 1:
            raise EvidenceError("include_sm needs one common, finite log_l_sm")
        v = vals.pop()
        rows.append({"model": "SM", "log_z": v, "log_z_err": 0.0, "method": "exact",
                     "log_l_sm": v, "delta_chi2_min": np.nan})
    df = pd.DataFrame(rows).set_index("model")
    df = df.sort_values("log_z", ascending=False)
    best = df.index[0]
    df.insert(0, "rank", np.arange(len(df)))
    df["d_log_z"] = df["log_z"] - df.loc[best, "log_z"]
    df["d_log_z_err"] = np.where(df.index == best, 0.0,
                                 np.hypot(df["log_z_err"], df.loc[best, "log_z_err"]))
    df["log_bf_vs_sm"] = df["log_z"] - df["log_l_sm"]
    if reference in df.index:
        ref_z, ref_e = df.loc[reference, "log_z"], df.loc[reference, "log_z_err"]
        df["log_bf_vs_lmu_ltau"] = df["log_z"] - ref_z
        df["log_bf_vs_lmu_ltau_err"] = np.where(df.index == reference, 0.0, np.hypot(df["log_z_err"], ref_e))
    else:
        df["log_bf_vs_lmu_ltau"] = np.nan
        df["log_bf_vs_lmu_ltau_err"] = np.nan
    lz = df["log_z"].to_numpy()
    w = np.exp(lz - lz.max())
    df["prob"] = w / w.sum()
    df["jeffreys_vs_sm"] = [jeffreys_words(x) for x in df["log_bf_vs_sm"]]
    df["jeffreys_vs_best"] = ["" if m == best else jeffreys_words(x) for m, x in zip(df.index, df["d_log_z"])]
    cols = ["rank", "log_z", "log_z_err", "d_log_z", "d_log_z_err", "log_bf_vs_sm", "jeffreys_vs_sm",
            "log_bf_vs_lmu_ltau", "log_bf_vs_lmu_ltau_err", "prob", "jeffreys_vs_best", "delta_chi2_min",
            "method", "log_l_sm"]
    df = df[cols]
    df.attrs["reference"] = reference
    return df


def table_records(df: pd.DataFrame) -> list[dict]:
    """The table as a list of JSON-ready dicts (NaN -> None), ``model`` first, keys of :data:`JSON_KEYS` always present."""
    out = []
    for model, row in df.iterrows():
        rec = {"model": str(model)}
        for k, v in row.items():
            if isinstance(v, (float, np.floating)):
                v = float(v) if np.isfinite(v) else None
            elif isinstance(v, (np.integer,)):
                v = int(v)
            rec[k] = v
        for k in JSON_KEYS:
            rec.setdefault(k, None)
        out.append(rec)
    return out


def save_table(df: pd.DataFrame, csv_path=None, json_path=None) -> None:
    """Write the table as CSV and/or JSON (list of objects, see :func:`table_records`)."""
    if csv_path is not None:
        Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(csv_path, float_format="%.6g")
    if json_path is not None:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(table_records(df), indent=2) + "\n")


def load_table_json(path) -> pd.DataFrame:
    """Read a table written by :func:`save_table` back into a DataFrame."""
    recs = json.loads(Path(path).read_text())
    df = pd.DataFrame(recs).set_index("model")
    return df.astype({c: float for c in df.columns if df[c].dtype == object and
                      all(isinstance(v, (int, float)) or v is None for v in df[c])})


def _display(name: str) -> str:
    from ..models import get_model

    try:
        return get_model(name).display
    except Exception:  # noqa: BLE001 - "SM" and other rows that are not models
        return str(name)


def format_table(df: pd.DataFrame) -> str:
    """A compact text rendering (as printed by ArviZ for ``az.compare``)."""
    show = df[["rank", "log_z", "log_z_err", "d_log_z", "log_bf_vs_sm", "jeffreys_vs_sm",
               "log_bf_vs_lmu_ltau", "prob", "delta_chi2_min", "method"]].copy()
    show.index = [_display(m) for m in show.index]  # one spelling of a model everywhere
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format",
                           "{:.3f}".format):
        return show.to_string()


def scan_table(records, reference: str = "Lmu-Ltau") -> pd.DataFrame:
    """The comparison table of evidence records (:func:`~.evidence.model_evidence` / scan records).

    Records may name models by their charges, e.g. "(0;0,1,-1)": the reference is found by its
    charges, up to overall normalisation and sign (which give the same physics).
    """
    from ..models import get_model

    res = {r["model"]: EvidenceResult(r["log_z"], r["log_z_err"], r["method"], r.get("n_like_evals", 0),
                                      r.get("seconds", 0.0)) for r in records}
    ref = np.asarray(get_model(reference).table1, dtype=float)
    for r in records:
        c = np.asarray(r.get("charges", ()), dtype=float)
        if c.shape == ref.shape and np.linalg.norm(c) > 0 and np.isclose(
                abs(c @ ref) / (np.linalg.norm(c) * np.linalg.norm(ref)), 1.0, rtol=0, atol=1e-12):
            reference = r["model"]
            break
    df = comparison_table(res, log_l_sm={r["model"]: r["log_l_sm"] for r in records},
                          delta_chi2_min={r["model"]: (r["delta_chi2_min"] if r.get("delta_chi2_min") is not None
                                                       else np.nan) for r in records},
                          reference=reference)
    by_model = {r["model"]: r for r in records}
    for col in PROVENANCE_COLUMNS:  # a Bayes factor means nothing without its prior, terms and data
        vals = [by_model[m].get(col) for m in df.index]
        if any(v is not None for v in vals):
            df[col] = [",".join(v) if isinstance(v, list) else v for v in vals]
    return df


#: per-model provenance kept in the comparison table (and so in its CSV and JSON)
PROVENANCE_COLUMNS = ("prior_name", "prior_sha256", "likelihood", "terms", "data", "seed", "package_version")
