"""``bayes-u1x chi2``: the composite Δχ² and every term at one point (or the SM)."""
from __future__ import annotations

import numpy as np

from ..likelihood import ALL_TERMS, PRESETS, CompositeLikelihood
from ..measurements import available_sets
from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("chi2", help="Δχ² of every likelihood term at one point (or the SM)")
    p.add_argument("--model", default="Lmu-Ltau", help="model name or 'cB,ce,cmu,ctau' (default Lmu-Ltau)")
    p.add_argument("--g", type=float, help="gauge coupling g_X")
    p.add_argument("--eps-ratio", type=float, default=0.0, help="kinetic mixing eps e/g_X (default 0)")
    p.add_argument("--mass", type=float, default=0.2, help="m_X in GeV (default 0.2)")
    p.add_argument("--terms", default="table1",
                   help=f"comma-separated terms ({', '.join(ALL_TERMS)}) or a preset "
                        f"({', '.join(PRESETS)}); default table1")
    p.add_argument("--data", default="2021", help=f"measurement set ({', '.join(available_sets())})")
    p.add_argument("--sm", action="store_true", help="evaluate the SM reference (g_X = 0)")
    p.add_argument("--json", action="store_true", help="print {'total': ..., 'terms': {...}}")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..couplings import ParameterError

    lk = CompositeLikelihood(args.model, terms=args.terms, data=args.data)
    if args.sm:
        g = 0.0
    elif args.g is None:
        raise ParameterError("give --g (the gauge coupling) or --sm")
    else:
        g = args.g
    terms = lk.terms_physical(np.array([g]), np.array([args.eps_ratio]), np.array([args.mass]))
    terms = {k: float(v[0]) for k, v in terms.items()}
    total = sum(terms.values())
    if args.json:
        print_json({"total": total, "terms": terms, "model": lk.model.name, "g_x": g,
                    "eps_ratio": args.eps_ratio, "mass_gev": args.mass, "data": lk.data.name})
        return 0
    what = "SM (g_X = 0)" if args.sm else f"g_X = {g:g}, eps e/g_X = {args.eps_ratio:g}, m_X = {args.mass:g} GeV"
    print(f"model {lk.model.name} {lk.model.label()} | {what} | data {lk.data.name}")
    for k, v in terms.items():
        print(f"  {k:12s} {v:10.4f}")
    print(f"  {'total':12s} {total:10.4f}")
    return 0
