"""Benchmark and numbers for the trident (CCFR) term: speed, EFT comparison, systematics.

Run: python benchmarks/bench_trident.py
"""
import time

import numpy as np
from scipy.optimize import brentq

from bayes_u1x.physics import trident as tr
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import ccfr
from bayes_u1x.observables.amu import delta_a

DATA = load_measurements("2021")


def crossing(ratio_model, da, level=4.0):
    def f(m):
        g = brentq(lambda x: delta_a(x, 0.0, m) - da, 1e-7, 1.0)
        return ((ratio_model.ratio(g ** 2 / (np.sqrt(2) * tr.G_F), 0.0, m) - 0.82) / 0.28) ** 2 - level
    return brentq(f, 0.02, 5.0)


def main():
    t0 = time.perf_counter()
    tab = tr.trident_table(use_cache=False)
    print(f"table build (uncached): {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    tab = tr.trident_table()
    print(f"table load (cached): {1e3 * (time.perf_counter() - t0):.1f} ms")
    R = tr.TridentRatio(tab)
    print(f"S0A/S0V (replaces 1.13 of Eq. 3.21) = {R.ratio_av:.4f};  <Q^2>_V = {tab['q2_mean'][0]:.2f} GeV^2")

    n = 10_000
    rng = np.random.default_rng(0)
    g = 10 ** rng.uniform(-4, -2, n)
    r = rng.uniform(-8, 8, n)
    m = 10 ** rng.uniform(-2, np.log10(4), n)
    cp = effective_couplings("Lmu-Ltau", g, r, m)
    ccfr.delta_chi2(cp, DATA)  # warm-up (loads the cached table)
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        ccfr.delta_chi2(cp, DATA)
    dt = (time.perf_counter() - t0) / reps / n
    print(f"ccfr.delta_chi2 (full): {1e6 * dt:.3f} us per point (batch of {n})")
    t0 = time.perf_counter()
    for _ in range(reps):
        ccfr.delta_chi2(cp, DATA, method="eft")
    print(f"ccfr.delta_chi2 (eft):  {1e6 * (time.perf_counter() - t0) / reps / n:.3f} us per point")

    print("\nfull / EFT (Eq. 3.21, 1.13) for L_mu-L_tau on the CCFR Δχ²=4 boundary of the EFT:")
    for mm in (1.0, 2.0, 5.0, 10.0, 30.0):
        c_eft = brentq(lambda c: tr.eft_ratio(c, 0.0) - 1.38, 0, 5)
        c = c_eft * mm ** 2
        print(f"  m_X = {mm:5.1f} GeV: sigma/sigma_SM full = {R.ratio(c, 0, mm):.4f}, EFT = 1.3800, "
              f"NP part full/EFT = {(R.ratio(c, 0, mm) - 1) / 0.38:.3f}")

    print("\nL_mu-L_tau (eps = 0): CCFR Δχ²=4 crossing of the g-2 line [GeV]")
    print("  E_nu   form factor  flux  target                S0A/S0V  central(251)  central(Δχ²-Δχ²_SM=4)"
          "  2σ lower edge(132.2)")
    variants = [(e, ff, "ww", "coherent") for e in (100.0, 160.0, 250.0) for ff in ("helm", "dipole")]
    variants += [(160.0, "helm", "log", "coherent"), (160.0, "helm", "ww", "coherent+diffractive")]
    for e, ff, flux, target in variants:
        Rm = tr.TridentRatio(tr.trident_table(e_nu=e, form_factor=ff, flux=flux, target=target))
        print(f"  {e:5.0f}  {ff:11s}  {flux:4s}  {target:20s}  {Rm.ratio_av:.3f}    "
              f"{crossing(Rm, 251e-11):.3f}         {crossing(Rm, 251e-11, 4.0 + (0.18 / 0.28) ** 2):.3f}"
              f"                  {crossing(Rm, (251 - 2 * 59.4) * 1e-11):.3f}")


if __name__ == "__main__":
    main()
