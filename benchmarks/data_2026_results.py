"""The numbers of docs/data_2026.md: five models under the 2021, 2025 and 2026 measurement sets.

For L_μ−L_τ, N = 7 (3;−6,7,−10), (3;−7,−1,−1), B−L and the dark photon, and each set:

* ``log_bf_vs_sm``, ``log_z``, ``delta_chi2_min``: :func:`~bayes_u1x.inference.evidence.model_evidence`
  (default likelihood with the set's preset terms, default prior, importance sampling; the same
  call as ``bayes-u1x compare --data D``). ``--reuse DIR`` takes the 2021/2025 records from the
  419-model scans in ``DIR/<data>_default/evidence.jsonl`` instead of recomputing them (same call,
  same seed).
* ``window_2021_anomaly``: the masses where the 2021 anomaly is still explained with the set's
  constraints — the likelihood of the set with its Δa_μ replaced by the 2021 value, and the Sec. 4.2
  criterion Δχ²_min ≤ 4 (total, g−2 included) at fixed εe/g_X
  (:func:`~bayes_u1x.exclusion.combined.combined_limits`, ``windows["viable"]``), εe/g_X at the
  Table-1 best fit (L_μ−L_τ: its one-loop value; the dark photon: 1, so g_X = εe; B−L: 0).

    python benchmarks/data_2026_results.py --reuse results/model_space --out docs/data/results_2026.json
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


MODELS = [("L_μ−L_τ", "Lmu-Ltau", "loop"), ("N = 7", "3,-6,7,-10", -6.26), ("(3;−7,−1,−1)", "3,-7,-1,-1", -6.97),
          ("B−L", "B-L", 0.0), ("dark photon", "dark-photon", 1.0)]
SETS = ("2021", "2025", "2026")


def with_2021_anomaly(name: str):
    """Measurement set ``name`` with Δa_μ of the 2021 set (the question: is the 2021 anomaly still explained?)."""
    from bayes_u1x.measurements import MeasurementSet, load_measurements

    s = load_measurements(name)
    return MeasurementSet(name=f"{name}+amu2021", values={**s.values, "amu": load_measurements("2021").values["amu"]})


def main(argv=None) -> int:
    from bayes_u1x.exclusion.combined import combined_limits
    from bayes_u1x.inference.evidence import model_evidence
    from bayes_u1x.inference.scans import read_scan_file
    from bayes_u1x.models import get_model
    from bayes_u1x.provenance import environment

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reuse", default=None, help="folder of the 419-model scans (2021_default, 2025_default)")
    p.add_argument("--sets", default=",".join(SETS))
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(out.read_text()) if out.exists() else {"rows": []}
    done = {(r["model"], r["data"]) for r in old["rows"]}
    rows = old["rows"]
    scans = {}
    if a.reuse:
        for d in ("2021", "2025"):
            f = Path(a.reuse) / f"{d}_default" / "evidence.jsonl"
            if f.exists():
                # exact charges, not up to normalisation: the prior box in εe/g_X (and g_X) is in the
                # model's own normalisation, so 3(B−L) and B−L are different prior models
                scans[d] = {tuple(float(x) for x in r["charges"]): r for r in read_scan_file(f, kind="evidence").values()}
    for data in a.sets.split(","):
        for label, name, eps in MODELS:
            if (label, data) in done:
                continue
            m = get_model(name)
            t0 = time.perf_counter()
            rec = scans.get(data, {}).get(tuple(float(x) for x in m.table1))
            source = "419-model scan" if rec else "model_evidence"
            if rec is None:
                rec = model_evidence(m, data=data, prior="default")
            t_ev = time.perf_counter() - t0
            t0 = time.perf_counter()
            lim = combined_limits(m, eps_ratio=eps, data=with_2021_anomaly(data), cls=(0.95,), per_term=False)
            t_w = time.perf_counter() - t0
            row = {"model": label, "charges": [float(x) for x in m.table1], "data": data,
                   "log_z": rec["log_z"], "log_z_err": rec["log_z_err"], "log_l_sm": rec["log_l_sm"],
                   "log_bf_vs_sm": rec["log_bf_vs_sm"], "delta_chi2_min": rec["delta_chi2_min"],
                   "terms": rec["terms"], "estimator": rec.get("estimator"), "evidence_from": source,
                   "evidence_seconds": t_ev, "window_eps_ratio": lim.get("eps_ratio", eps),
                   "window_2021_anomaly": lim["windows"].get("viable"),
                   "band_below_limit": lim["windows"].get("band_below_limit"),
                   "window_seconds": t_w}
            rows.append(row)
            print(f"{data} {label:14s} lnB {row['log_bf_vs_sm']:+.2f} +- {row['log_z_err']:.2f}  "
                  f"dchi2min {row['delta_chi2_min']:.2f}  window {row['window_2021_anomaly']}  "
                  f"({source}, {t_ev:.0f} s + {t_w:.0f} s)", flush=True)
            out.write_text(json.dumps({"rows": rows, "environment": environment()}, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
