"""Summarise 419-model evidence scans for docs/model_space.md: tables, CSV, the (α, R) ln B map.

Reads ``<scans>/<data>_<prior>/evidence.jsonl`` (written by
``bayes-u1x scan --evidence --max-charge 10 --data D --prior P --out <scans>/D_P``) for each pair
given, writes ``<docs>/<data>_<prior>.csv`` (every model: charges, ln Z ± err, ln B vs SM and vs
L_μ−L_τ, posterior probability with equal prior odds, Δχ²_min, estimator) and
``<docs>/model_space_<data>_<prior>.png``, and prints the markdown tables of the document:

    python benchmarks/model_space_report.py --scans results/model_space --docs docs/model_space \\
        2021_default 2025_default 2021_kinetic_mixing_loop 2025_kinetic_mixing_loop
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def summarise(recs, name: str, docs: Path, top: int = 10) -> str:
    from bayes_u1x.inference.compare import scan_table
    from bayes_u1x.paper.reference import TABLE1
    from bayes_u1x.plotting.model_space_plot import direction_key, display_name, plot_model_space

    df = scan_table(recs)
    by = {r["model"]: r for r in recs}
    df["charges"] = [",".join(f"{x:g}" for x in by[m]["charges"]) for m in df.index]
    df["display"] = [display_name(by[m]) for m in df.index]
    df["estimator"] = [by[m].get("estimator") for m in df.index]
    df["fallback"] = [json.dumps(by[m].get("fallback")) if by[m].get("fallback") else "" for m in df.index]
    df["ess"] = [by[m].get("ess") for m in df.index]
    df["seconds"] = [by[m].get("seconds") for m in df.index]
    cols = ["display", "charges", "log_z", "log_z_err", "log_bf_vs_sm", "log_bf_vs_lmu_ltau", "prob",
            "delta_chi2_min", "estimator", "ess", "fallback", "seconds"]
    docs.mkdir(parents=True, exist_ok=True)
    df[cols].to_csv(docs / f"{name}.csv", float_format="%.5g")
    r0 = recs[0]
    plot_model_space(recs, docs / f"model_space_{name}.png",
                     title=f"ln B(model : SM), {len(recs)} models, data {r0['data']}, prior {r0['prior_name']}")

    lsm = float(r0["log_l_sm"])
    lz = df["log_z"].to_numpy(float)
    # posterior probability of the SM if it is a candidate beside the 419 (equal prior odds)
    allz = np.concatenate([lz, [lsm]])
    p_sm = float(np.exp(lsm - allz.max()) / np.exp(allz - allz.max()).sum())
    lines = [f"### data {r0['data']}, prior `{r0['prior_name']}`", "",
             f"{len(df)} models; ln L_SM = {lsm:.3f}; likelihood `{r0['likelihood']}`; estimator "
             f"{sorted(set(df['estimator']))} (fallbacks: {int((df['fallback'] != '').sum())}); "
             f"largest ln Z error {df['log_z_err'].max():.3f}; mean {df['seconds'].mean():.1f} s per model inside a worker.",
             f"ln B(model : SM) > 0 for {int((df['log_bf_vs_sm'] > 0).sum())} models, > 1 for "
             f"{int((df['log_bf_vs_sm'] > 1).sum())}, < −2.5 for {int((df['log_bf_vs_sm'] < -2.5).sum())}; "
             f"with the SM as a 420th candidate, P(SM) = {p_sm:.3f}.", "",
             "| rank | model | charges (B; e, μ, τ) | ln Z | ln B vs SM | ln B vs L_μ−L_τ | P (equal odds) | Δχ²_min |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for i, (m, row) in enumerate(df.head(top).iterrows()):
        lines.append(f"| {i + 1} | {row['display']} | {row['charges']} | {row['log_z']:.2f} ± {row['log_z_err']:.2f} | "
                     f"{row['log_bf_vs_sm']:+.2f} | {row['log_bf_vs_lmu_ltau']:+.2f} | {row['prob']:.3f} | "
                     f"{row['delta_chi2_min']:.2f} |")
    # the paper's seven viable models
    rank = {direction_key(by[m]["charges"]): (i + 1, m) for i, m in enumerate(df.index)}
    lines += ["", "The seven viable models of Table 1 (Δχ²_min < 4 at m_X = 200 MeV in the paper):", "",
              "| Table 1 row | charges | rank of 419 | ln B vs SM | ln B vs L_μ−L_τ | Δχ²_min (m_X free) |",
              "|---:|---|---:|---:|---:|---:|"]
    for k, row in enumerate(TABLE1):
        hit = rank.get(direction_key(row["charges"]))
        if hit is None:
            lines.append(f"| {k + 1} | {','.join(map(str, row['charges']))} | not in scan | | | |")
            continue
        i, m = hit
        rr = df.loc[m]
        lines.append(f"| {k + 1} | {rr['charges']} | {i} | {rr['log_bf_vs_sm']:+.2f} | {rr['log_bf_vs_lmu_ltau']:+.2f} | "
                     f"{rr['delta_chi2_min']:.2f} |")
    return "\n".join(lines)


BENCHMARKS = [("L_μ−L_τ", (0, 0, 1, -1)), ("N = 7 (3;−6,7,−10)", (3, -6, 7, -10)), ("N = 6", (3, -6, 6, -9)),
              ("N = 5", (3, -6, 5, -8)), ("N = 4", (3, -6, 4, -7)), ("N = 3", (3, -6, 3, -6)),
              ("(3;−7,−1,−1)", (3, -7, -1, -1)), ("3(B−L) = (3;−3,−3,−3)", (3, -3, -3, -3)), ("dark photon", (0, 0, 0, 0))]


def benchmark_table(scans: dict) -> str:
    """ln B(model : SM) ± err of the benchmark models under each scanned (data, prior), and Δχ²_min."""
    names = list(scans)
    # exact charges: the prior box is in each model's own normalisation (3(B−L) is not B−L)
    idx = {n: {tuple(float(x) for x in r["charges"]): r for r in recs} for n, recs in scans.items()}
    head = "| model | " + " | ".join(f"ln B vs SM, {n.replace('_', ', ', 1)}" for n in names) + \
        " | Δχ²_min " + " / ".join(n.split("_")[0] for n in names if n.endswith("default")) + " |"
    lines = [head, "|---|" + "---:|" * (len(names) + 1)]
    for label, ch in BENCHMARKS:
        cells, dchi = [], []
        for n in names:
            r = idx[n].get(tuple(float(x) for x in ch))
            cells.append(f"{r['log_bf_vs_sm']:+.2f} ± {r['log_z_err']:.2f}" if r else "–")
            if r and n.endswith("default"):
                dchi.append(f"{r['delta_chi2_min']:.2f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + " / ".join(dchi) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    from bayes_u1x.inference.scans import read_scan_file

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("pairs", nargs="+", help="<data>_<prior> folder names")
    p.add_argument("--scans", default="results/model_space")
    p.add_argument("--docs", default="docs/model_space")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--benchmarks", action="store_true",
                   help="also print the table of docs/model_comparison.md: the Table-1 models and the dark "
                        "photon, ln B vs SM under every pair, Δχ²_min")
    a = p.parse_args(argv)
    if a.benchmarks:
        print(benchmark_table({n: list(read_scan_file(Path(a.scans) / n / "evidence.jsonl", kind="evidence").values())
                               for n in a.pairs}))
        print()
    for name in a.pairs:
        recs = list(read_scan_file(Path(a.scans) / name / "evidence.jsonl", kind="evidence").values())
        if not recs:
            print(f"### {name}: no records\n")
            continue
        print(summarise(recs, name, Path(a.docs), a.top))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
