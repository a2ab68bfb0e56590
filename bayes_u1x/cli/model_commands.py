"""``bayes-u1x models list|show``: the U(1)_X model space."""
from __future__ import annotations

import numpy as np

from ..couplings import FERMIONS, effective_couplings
from ..errors import ModelError
from ..models import ANOMALY_NAMES, MAX_ENUMERATION_CHARGE, count_charge_assignments, enumerate_vector_models, get_model
from ..physics.widths import branching_ratios, partial_widths, total_width
from .common import print_json


def register(sub) -> None:
    p = sub.add_parser("models", help="list or show U(1)_X models")
    msub = p.add_subparsers(dest="models_cmd", metavar="{list,show}")
    pl = msub.add_parser("list", help="enumerate the anomaly-free vector-like models")
    pl.add_argument("--max-charge", type=int, default=10, metavar="K",
                    help="largest |charge| of any field (default 10: the paper's 419 models)")
    pl.add_argument("--count", action="store_true", help="print only the number of models")
    pl.add_argument("--json", action="store_true", help="machine-readable output")
    pl.set_defaults(func=_list)
    ps = msub.add_parser("show", help="charges, anomalies, effective charges and X branching ratios")
    ps.add_argument("model", help="name (e.g. Lmu-Ltau, B-L, 3B-6Le-3Ltau+7(Lmu-Ltau)) or 'cB,ce,cmu,ctau'")
    ps.add_argument("--eps-ratio", type=float, default=0.0, help="eps e/g_X (default 0)")
    ps.add_argument("--mass", type=float, default=0.2, help="m_X in GeV for the branching ratios (default 0.2)")
    ps.add_argument("--g", type=float, default=1e-3, help="g_X for the widths (default 1e-3)")
    ps.add_argument("--json", action="store_true", help="machine-readable output")
    ps.set_defaults(func=_show)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def _list(args) -> int:
    if not 1 <= args.max_charge <= MAX_ENUMERATION_CHARGE:
        raise ModelError(f"--max-charge must be an integer in [1, {MAX_ENUMERATION_CHARGE}]")
    models = enumerate_vector_models(args.max_charge)
    if args.count:
        if args.json:
            print_json({"max_charge": args.max_charge, "count": len(models),
                        "charge_assignments_up_to_permutations": count_charge_assignments(args.max_charge)})
        else:
            print(len(models))
        return 0
    if args.json:
        print_json([{"name": m.name, "charges": [float(x) for x in m.table1]} for m in models])
        return 0
    print(f"# {len(models)} anomaly-free vector-like models, integer |charges| <= {args.max_charge}")
    print(f"# {'c_B':>6} {'c_e':>6} {'c_mu':>6} {'c_tau':>6}")
    for m in models:
        print("  " + " ".join(f"{float(x):6g}" for x in m.table1))
    return 0


def _show(args) -> int:
    model = get_model(args.model)
    cp = effective_couplings(model, np.array([args.g]), np.array([args.eps_ratio]), np.array([args.mass]),
                             check_mass_range=False)
    anomalies = dict(zip(ANOMALY_NAMES, (float(x) for x in model.anomalies())))
    eff = {f: {"vector": float(cp.qV[f][0]), "axial": float(cp.qA[f][0])} for f in FERMIONS}
    br = {k: float(v[0]) for k, v in branching_ratios(cp).items()}
    pw = {k: float(v[0]) for k, v in partial_widths(cp).items()}
    out = {"name": model.name, "description": model.description, "vector_like": model.is_vectorlike,
           "charges": model.charges_dict(), "anomaly_coefficients": anomalies,
           "eps_ratio": args.eps_ratio, "effective_charges": eff, "mass_gev": args.mass, "g_x": args.g,
           "total_width_gev": float(total_width(cp)[0]), "partial_widths_gev": pw, "branching_ratios": br}
    if args.json:
        print_json(out)
        return 0
    print(f"model: {model.display}  {model.description}")
    print(f"vector-like: {model.is_vectorlike}")
    ch = model.charges_dict()
    print(f"charges: x_L={ch['x_L']} x_E={ch['x_E']} x_N={ch['x_N']} x_Q={ch['x_Q']} x_u={ch['x_u']} x_d={ch['x_d']}")
    print("anomaly coefficients: " + ", ".join(f"{k} = {v:g}" for k, v in anomalies.items()))
    print(f"effective charges at eps e/g_X = {args.eps_ratio:g}  (q_V, q_A):")
    for f in FERMIONS:
        print(f"  {f:7s} {eff[f]['vector']:+9.4f} {eff[f]['axial']:+9.4f}")
    print(f"X at m_X = {args.mass:g} GeV, g_X = {args.g:g}: total width {out['total_width_gev']:.4e} GeV")
    for k, v in br.items():
        print(f"  BR({k:9s}) = {v:.4f}")
    return 0
