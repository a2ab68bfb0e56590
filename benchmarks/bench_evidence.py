"""Evidence benchmark: TI vs dynesty wall time at equal ln Z error, with the grid as ground truth.

Model L_μ−L_τ, uniform prior box log10 g ∈ [−6, −1], εe/g ∈ [−15, 15], log10 m ∈ [−2, log10 4]
(priors/default.toml). Usage:

    python benchmarks/bench_evidence.py [--terms amu,borexino,nsi,resonances,ew_t] [--model Lmu-Ltau]
    python benchmarks/bench_evidence.py --compare Lmu-Ltau dark-photon 3,-6,7,-10 --terms ... [--out PREFIX]

Steps: (1) grid ground truth (adaptive Genz–Malik, rtol 1e−3, n0 16); (2) TI/SS with default
settings; (3) dynesty at n_live=250, then again at the n_live that matches the TI error
(error ∝ n_live^−1/2); the ratio of wall times at equal error is printed.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from bayes_u1x.inference.evidence import grid_evidence, nested_evidence, sm_log_likelihood, tempered_evidence
from bayes_u1x.likelihood import CompositeLikelihood

BOUNDS = np.array([[-6.0, -1.0], [-15.0, 15.0], [-2.0, np.log10(4.0)]])


class BoxPrior:
    names = ("log10_g", "eps_ratio", "log10_m")
    bounds = BOUNDS

    def sample(self, n, rng):
        return rng.uniform(BOUNDS[:, 0], BOUNDS[:, 1], size=(n, 3))

    def log_prob(self, t):
        t = np.atleast_2d(t)
        ok = np.all((t >= BOUNDS[:, 0]) & (t <= BOUNDS[:, 1]), axis=-1)
        return np.where(ok, -np.sum(np.log(np.diff(BOUNDS, axis=1))), -np.inf)

    def ppf(self, u):
        return BOUNDS[:, 0] + np.asarray(u) * np.diff(BOUNDS, axis=1)[:, 0]


def get_prior():
    try:
        from bayes_u1x.inference.priors import load_prior
        p = load_prior("priors/default.toml")
        if np.allclose(np.asarray(p.bounds), BOUNDS):
            return p, "priors/default.toml (bayes_u1x.inference.priors.Prior)"
    except Exception as exc:  # the sampler layer is developed in parallel
        print(f"# real Prior unavailable ({exc!r}); using a box stand-in")
    return BoxPrior(), "box stand-in"


def delta_chi2_min(lk, prior, rng, n_start=12):
    """Multistart Nelder–Mead minimum of Δχ² inside the prior box (a stand-in for the profile layer)."""
    from scipy.optimize import minimize

    th = prior.sample(50_000, rng)
    v = lk.delta_chi2(th)
    starts = th[np.argsort(v)[:n_start]]

    def f(x):
        if not np.all((x >= BOUNDS[:, 0]) & (x <= BOUNDS[:, 1])):
            return 1e30
        return float(lk.delta_chi2(x[None, :])[0])

    return min(minimize(f, s, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-8}).fun for s in starts)


def compare(a):
    from bayes_u1x.inference.compare import comparison_table, format_table, save_table
    from bayes_u1x.plotting.evidence_plot import plot_evidence

    prior, src = get_prior()
    rng = np.random.default_rng(a.seed)
    out = {m: {} for m in ("ti", "nested", "grid")}
    dchi, lsm = {}, None
    for name in a.models:
        lk = CompositeLikelihood(name, terms=a.terms, data=a.data)
        lsm = sm_log_likelihood(lk)
        ll = lk.log_likelihood
        out["grid"][name] = grid_evidence(ll, prior, rtol=3e-3, n0=16)
        out["ti"][name] = tempered_evidence(ll, prior, estimator="ti", seed=a.seed)
        out["nested"][name] = nested_evidence(ll, prior, seed=a.seed, n_live=400)
        dchi[name] = delta_chi2_min(lk, prior, rng)
        g, t, n = out["grid"][name], out["ti"][name], out["nested"][name]
        print(f"{name:14s} grid {g.log_z:8.3f}±{g.log_z_err:.3f} ({g.wall_time:5.1f}s)  "
              f"TI {t.log_z:8.3f}±{t.log_z_err:.3f} ({t.wall_time:5.1f}s)  "
              f"SS {t.extra['ss']['log_z']:8.3f}±{t.extra['ss']['log_z_err']:.3f}  "
              f"NS {n.log_z:8.3f}±{n.log_z_err:.3f} ({n.wall_time:5.1f}s)  Δχ²_min {dchi[name]:.3f}", flush=True)
    print(f"terms: {a.terms}; data {a.data}; prior {src}; ln L_SM = {lsm:.4f}")
    for method, res in out.items():
        df = comparison_table(res, log_l_sm=lsm, delta_chi2_min=dchi)
        print(f"\n== method {method}\n{format_table(df)}")
        if a.out:
            save_table(df, f"{a.out}_{method}.csv", f"{a.out}_{method}.json")
    if a.out:
        import matplotlib
        matplotlib.use("Agg")
        ax = plot_evidence(comparison_table(out["grid"], log_l_sm=lsm, delta_chi2_min=dchi))
        ax.figure.tight_layout()
        ax.figure.savefig(f"{a.out}_grid.png", dpi=120)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="Lmu-Ltau")
    ap.add_argument("--terms", default="amu")
    ap.add_argument("--data", default="2021")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-grid", action="store_true")
    ap.add_argument("--compare", nargs="*", dest="models", default=None,
                    help="instead of the timing benchmark, compare these models with all three estimators")
    ap.add_argument("--out", default=None, help="with --compare: write <out>_<method>.csv/.json and a bar plot")
    ap.add_argument("--scan", type=int, default=None, metavar="N",
                    help="time an evidence scan of the first N enumerated models and project to all 419 "
                         "(uses --terms and --method; cheap default: g-2 only with a loose grid)")
    ap.add_argument("--method", default="grid")
    a = ap.parse_args()
    if a.scan is not None:
        from bayes_u1x.inference.evidence import evidence_scan
        from bayes_u1x.models import enumerate_vector_models
        ms = enumerate_vector_models(10)[:a.scan]
        st = {"grid": {"rtol": 1e-2, "n0": 8}}.get(a.method)
        t0 = time.time()
        evidence_scan(ms, terms=a.terms, data=a.data, method=a.method, settings=st, profile=False, processes=1)
        dt = time.time() - t0
        print(f"{a.scan} models ({a.terms}, {a.method} {st}): {dt:.1f} s; projected 419: {dt / a.scan * 419:.0f} s")
        return
    if a.models is not None:
        return compare(a)
    lk = CompositeLikelihood(a.model, terms=a.terms, data=a.data)
    prior, src = get_prior()
    lsm = sm_log_likelihood(lk)
    print(f"model {a.model}  terms {','.join(lk.terms)}  data {a.data}  prior {src}")
    print(f"ln L_SM = {lsm:.4f}")
    ll = lk.log_likelihood

    if not a.skip_grid:
        for n0, rtol in ((8, 1e-2), (16, 3e-3), (16, 1e-3)):
            g = grid_evidence(ll, prior, rtol=rtol, n0=n0)
            print(f"grid n0={n0:3d} rtol={rtol:.0e}: ln Z = {g.log_z:.4f} (est. err {g.log_z_err:.4f}) "
                  f"evals {g.n_like_evals:9d} boxes {g.extra['n_boxes']:7d} time {g.wall_time:7.1f}s")
    ti = tempered_evidence(ll, prior, estimator="ti", seed=a.seed)
    ss = ti.extra["ss"]
    print(f"TI : ln Z = {ti.log_z:.4f} ± {ti.log_z_err:.4f}  (SS {ss['log_z']:.4f} ± {ss['log_z_err']:.4f}) "
          f"evals {ti.n_like_evals} temps {ti.extra['n_temperatures']} time {ti.wall_time:.1f}s")
    ns0 = nested_evidence(ll, prior, seed=a.seed, n_live=250)
    print(f"NS250: ln Z = {ns0.log_z:.4f} ± {ns0.log_z_err:.4f} evals {ns0.n_like_evals} time {ns0.wall_time:.1f}s")
    n_eq = int(np.ceil(250 * (ns0.log_z_err / ti.log_z_err) ** 2))
    n_eq = max(50, min(n_eq, 4000))
    ns = nested_evidence(ll, prior, seed=a.seed + 1, n_live=n_eq)
    print(f"NS{n_eq}: ln Z = {ns.log_z:.4f} ± {ns.log_z_err:.4f} evals {ns.n_like_evals} time {ns.wall_time:.1f}s")
    print(f"wall-time ratio at equal ln Z error (dynesty / TI): {ns.wall_time / ti.wall_time:.2f} "
          f"(errors {ns.log_z_err:.4f} vs {ti.log_z_err:.4f}); "
          f"eval ratio {ns.n_like_evals / ti.n_like_evals:.2f}")
    print(f"ln B(model:SM) [TI] = {ti.log_z - lsm:.3f} ± {ti.log_z_err:.3f}")


if __name__ == "__main__":
    t0 = time.time()
    main()
    print(f"total {time.time() - t0:.1f}s")
