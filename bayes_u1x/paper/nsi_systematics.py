"""How much of Table 1 / the viable-model set is fixed by what the paper publishes about App. A.

The NSI-oscillation χ² of App. A (Eq. A.12) is a three-flavour Gaussian whose 10 parameters
(Ē⁰, σ, ρ, Ȳ_n; Table 3) were fitted to the ten one-direction bounds of Table 2. The printed Table 3
is rounded to a singular matrix and does not reproduce Table 2 (``bayes_u1x/data/nsi_parameters.toml``),
so we ship refits. Many refits describe Table 2 equally well (λ within 1 of the best) yet differ in
directions Table 2 does not probe, e.g. a positive ε_ττ − ε_μμ with a large ε_ee: exactly the
directions of some near-viable models. This module measures the consequence:

1. profile every model *without* the NSI term. Δχ²_NSI ≥ 0 (floored, App. B), so a model that is
   not viable without it is not viable with any parameter set: this gives the candidate list;
2. re-profile each candidate with the NSI term for every shipped parameter set (default: the
   Ȳ_n = 1.04 sets with λ within 1 of the best) and record which models are viable.

The output answers "does the viable set of Sec. 4.2 follow from the published inputs?" with the
fraction of equally good App.-A refits for which each model is viable.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..errors import LikelihoodError
from ..inference.scans import charges_key, scan
from ..likelihood import PRESETS
from ..physics import nsi_refit
from ..physics.nsi_parameters import available_sets, parameter_set
from . import reference as paper

#: the Sec. 4.2 likelihood (Eq. B.1, preset "table1", with App. B's NA64 + BaBar-2014 0/100 rule)
#: and the same without its NSI term; both carry the preset's resonance options explicitly
TERMS = PRESETS["table1"].terms
TERMS_NO_NSI = tuple(t for t in TERMS if t != "nsi")
TERM_OPTIONS = PRESETS["table1"].options_dict()


def equivalent_sets(delta_lambda: float = 1.0, yn: float | None = 1.04) -> list[str]:
    """Shipped NSI parameter sets whose Table-2 loss λ is within ``delta_lambda`` of the best
    (restricted to Ȳ_n = ``yn`` unless ``yn`` is None)."""
    if not (isinstance(delta_lambda, (int, float)) and delta_lambda > 0):  # NaN fails too
        raise LikelihoodError(f"delta_lambda must be a positive number, got {delta_lambda!r}")
    names = [parameter_set("default").name] + [n for n in available_sets() if n != "default"]
    params = {n: parameter_set(n) for n in names}
    if yn is not None:
        params = {n: p for n, p in params.items() if abs(p.Yn - yn) < 1e-12}
    lam = {n: nsi_refit.params_loss(p) for n, p in params.items()}
    best = min(lam.values())
    return sorted((n for n in lam if lam[n] < best + delta_lambda), key=lambda n: lam[n])


def viability_over_sets(sets=None, mass: float = 0.2, max_charge: int = 10, data: str = "2021",
                        candidates=None, processes: int | None = None, progress=None,
                        out_dir=None) -> dict:
    """Viable models for every NSI parameter set in ``sets`` (see the module docstring).

    ``out_dir`` makes the run resumable: every scan appends to its own JSON-lines file there
    (``without_nsi.jsonl``, ``<set>.jsonl``) and a re-run skips what is already recorded.
    """
    sets = list(sets) if sets is not None else equivalent_sets()
    t0 = time.perf_counter()
    if out_dir is not None:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)

    def _out(name):
        return None if out_dir is None else str(out_dir / f"{name}.jsonl")

    if candidates is None:
        base = scan(mass=mass, max_charge=max_charge, terms=TERMS_NO_NSI, data=data, processes=processes,
                    term_options=TERM_OPTIONS, out=_out("without_nsi"))
        candidates = [r["charges"] for r in base if r["viable"]]
        without = {charges_key(r["charges"]): r["delta_chi2"] for r in base if r["viable"]}
        n_models = len(base)
    else:
        n_models, without = None, {}
    t_base = time.perf_counter() - t0
    per_set = {}
    for i, name in enumerate(sets):
        res = scan(models=[tuple(c) for c in candidates], mass=mass, terms=TERMS, data=data,
                   term_options={**TERM_OPTIONS, "nsi": {"params": name}}, processes=processes,
                   out=_out(name))
        per_set[name] = {charges_key(r["charges"]): r["delta_chi2"] for r in res}
        if progress:
            progress(i + 1, len(sets))
    table1 = {charges_key(r["charges"]) for r in paper.TABLE1}
    keys = [charges_key(c) for c in candidates]
    fraction = {k: sum(v[k] < 4.0 for v in per_set.values()) / len(sets) for k in keys}
    viable_sets = {n: sorted(k for k, d in v.items() if d < 4.0) for n, v in per_set.items()}
    exact = [n for n, v in viable_sets.items() if set(v) == table1]
    return {"mass_gev": mass, "data": data, "n_models": n_models, "candidates": keys,
            "delta_chi2_without_nsi": without,
            "sets": sets, "delta_chi2": per_set, "viable_fraction": fraction,
            "viable_sets": viable_sets, "n_viable": {n: len(v) for n, v in viable_sets.items()},
            "sets_reproducing_table1": exact, "table1": sorted(table1),
            "seconds": {"without_nsi_scan": t_base, "total": time.perf_counter() - t0}}


def format_report(res: dict) -> str:
    """Models viable for at least one parameter set, with the fraction of sets and the Δχ²_min range."""
    t1 = set(res["table1"])
    ever = [k for k in res["candidates"] if res["viable_fraction"][k] > 0]
    never = [k for k in res["candidates"] if res["viable_fraction"][k] == 0]
    lines = [f"{len(res['candidates'])} models viable without the NSI term"
             + (f" (of {res['n_models']})" if res["n_models"] else "")
             + f"; {len(res['sets'])} App.-A parameter sets fitting Table 2 equally well",
             f"{'charges':>16s}  Table 1  viable in  Δχ²_min range   without NSI"]
    for k in sorted(ever, key=lambda k: (-res["viable_fraction"][k], k)):
        d = [v[k] for v in res["delta_chi2"].values()]
        w = res["delta_chi2_without_nsi"].get(k, float("nan"))
        lines.append(f"{k:>16s}  {'yes' if k in t1 else '-':>7s}  {100 * res['viable_fraction'][k]:8.0f}%"
                     f"  {min(d):5.2f} - {max(d):5.2f}   {w:11.2f}")
    if never:
        lo = min(min(v[k] for v in res["delta_chi2"].values()) for k in never)
        lines.append(f"the other {len(never)} are excluded by the NSI term for every set (Δχ²_min >= {lo:.2f})")
    counts = sorted(res["n_viable"].values())
    exact = res["sets_reproducing_table1"]
    lines.append(f"viable models per set: {counts[0]} to {counts[-1]}; exactly the 7 of Table 1 for "
                 f"{len(exact)} of {len(res['sets'])} sets ({', '.join(exact) or 'none'})")
    return "\n".join(lines)
