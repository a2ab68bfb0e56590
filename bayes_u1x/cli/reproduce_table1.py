"""``bayes-u1x reproduce table1``: Table 1 of arXiv:2203.13731 side by side with the refit."""
from __future__ import annotations

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("table1", help="Table 1: best fits at m_X = 200 MeV vs the paper")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's)")
    p.add_argument("--nsi-params", default=None, metavar="NAME", help="NSI parameter set (App. A refit)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..reproduce.table1 import table1

    res = table1(data=args.data, nsi_params=args.nsi_params)
    if args.json:
        print_json(res)
        return 0
    print(f"Table 1 (m_X = {res['mass_gev']} GeV, terms {','.join(res['terms'])}, data {res['data']})")
    print(f"SM Δχ² = {res['sm_delta_chi2']:.2f} (paper {res['paper_sm_delta_chi2']})  "
          + " ".join(f"{k}={v:.2f}" for k, v in res["sm_terms"].items()))
    print(f"{'charges':>16s} | {'eps e/g':>7s} {'paper':>6s} | {'g_X':>9s} {'paper':>9s} | {'Δχ²':>5s} {'paper':>5s} {'diff':>6s}")
    for r in res["rows"]:
        c = ",".join(str(x) for x in r["charges"])
        note = " *" if r["suspected_misprint"] else ""
        print(f"{c:>16s} | {r['eps_ratio']:+7.2f} {r['paper_eps_ratio']:+6.2f} | {r['g_x']:9.3e} "
              f"{r['paper_g_x']:9.3e}{note} | {r['delta_chi2']:5.2f} {r['paper_delta_chi2']:5.2f} "
              f"{r['diff_delta_chi2']:+6.2f}")
        print(" " * 19 + "terms: " + "  ".join(f"{k}={v:.2f}" for k, v in r["terms"].items()))
    print("* printed g_X suspected misprint (x10), see bayes_u1x/paper.py")
    return 0
