"""Write ``tests/data/likelihood_reference.npz``: every term of the default likelihood, as the present
implementation computes it, at 10⁴ points (1000 for each of 10 models), for tests/test_fast_likelihood.py.

Run once (from a checkout with git history):  python benchmarks/make_reference_values.py

"Present implementation" = the package at ``_present.BASELINE`` (before the fast-likelihood work),
extracted with ``git archive`` and imported as ``bayes_u1x_present`` (see ``benchmarks/_present.py``).
Points: θ uniform in the box of ``priors/default.toml`` (seed 20260, not stored: the test draws them
again with :func:`points` and checks their SHA-256), the first 12 of each model replaced by special points (masses on grid nodes of the resonance tables and at the ends of the
range, g_X at the bottom of the prior, εe/g_X = 0). Each model's values come from one batched call
of its default likelihood ``terms_theta``. Also stored, per point: ``coherent_resolution`` = how
much the present COHERENT χ²_min changes when its profiled α moves by one unit in the last place
(the present solver cannot resolve its minimum better than that; it matters only where 1+α̂ < 1e-12,
i.e. signals above 1e15 events).
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import hashlib  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _present import BASELINE, present_package  # noqa: E402
from bench_likelihood import prior_box  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "likelihood_reference.npz"
MODELS = ("Lmu-Ltau", "dark-photon", "B-L", "3,-7,-1,-1", "3,-6,7,-10", "tilde-Lmu-Ltau", "B-3Lmu",
          "Le-Lmu", "B-2Le-Ltau", "3,-6,3,-6")
N_PER_MODEL = 1000
SEED = 20260


#: special points replacing the first rows of every model (θ = log10 g, εe/g, log10 m; the log10 m
#: of 0.2, 0.05 and 1 GeV are nodes of the resonance grid, -2 and log10 4 the ends of the range)
SPECIAL = [(-3.0, 0.0, np.log10(0.2)), (-3.5, 1.0, np.log10(0.05)), (-2.5, -2.0, 0.0), (-4.0, 0.5, -2.0),
           (-4.0, 0.5, np.log10(4.0)), (-6.0, 3.0, -1.0), (-6.0, -14.0, -1.7), (-1.0, 15.0, -2.0),
           (-1.0, -15.0, np.log10(4.0)), (-3.2, 0.0, -0.5), (-2.0, 0.1, -1.2), (-5.0, -7.25, np.log10(0.2))]


def points(box, seed=SEED, models=MODELS, n=N_PER_MODEL, special=SPECIAL):
    """θ (n, 3) of every model: one generator for all models, drawn in model order."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in models:
        th = rng.uniform(box[:, 0], box[:, 1], size=(n, 3))
        th[:len(special)] = special
        out.append(th)
    return out


def theta_digest(theta) -> str:
    return hashlib.sha256(np.ascontiguousarray(theta, dtype=np.float64).tobytes()).hexdigest()


def coherent_resolution(model, theta):
    """|Δχ²| of the present COHERENT profile for a one-ulp move of α̂ (max of both directions)."""
    from bayes_u1x_present.couplings import effective_couplings
    from bayes_u1x_present.observables import coherent as C
    from bayes_u1x_present.parameters import theta_to_physical
    from bayes_u1x_present.physics.coherent_csi_2017 import binned_likelihood as F

    cp = effective_couplings(model, *theta_to_physical(theta))
    x = C.strengths(cp).reshape(-1, 3, 2)
    out = np.zeros(theta.shape[0])
    nz = np.any(x.reshape(x.shape[0], -1) != 0.0, axis=1)
    if nz.any():
        S = C.window_signal(x[nz], cp.m[nz])
        chi, nuis = F.profile(S)
        worst = np.zeros(S.shape[0])
        for direction in (2.0, -2.0):
            moved = nuis.copy()
            moved[:, 0] = np.nextafter(nuis[:, 0], direction)
            worst = np.maximum(worst, np.abs(F.chi2_at(S, moved) - F.chi2_at(S, nuis)))
        out[nz] = worst
    return out


def main():
    present_package(BASELINE)
    from bayes_u1x_present.likelihood import CompositeLikelihood

    box = prior_box()
    arrays = {"models": np.array(MODELS), "baseline": np.array(BASELINE), "seed": np.array(SEED),
              "n_per_model": np.array(N_PER_MODEL), "special": np.array(SPECIAL), "box": box}
    for k, (model, theta) in enumerate(zip(MODELS, points(box))):
        lk = CompositeLikelihood(model)
        vals = lk.terms_theta(theta)
        arrays[f"m{k}_theta_sha256"] = np.array(theta_digest(theta))
        arrays[f"m{k}_terms"] = np.array(list(vals))
        for name, v in vals.items():
            arrays[f"m{k}_{name}"] = np.asarray(v, dtype=float)
        arrays[f"m{k}_coherent_resolution"] = coherent_resolution(model, theta).astype(np.float32)
        print(f"{model:16s} terms {', '.join(vals)}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
