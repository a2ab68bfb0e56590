"""Evidence estimators against analytic ln Z (3-D Gaussian, Gaussian shell) and the comparison table."""
from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.stats import norm

from bayes_u1x.errors import BayesU1XError
from bayes_u1x.inference.compare import comparison_table, jeffreys_words, save_table
from bayes_u1x.plotting.evidence_plot import plot_evidence
from bayes_u1x.inference.evidence import (EvidenceError, EvidenceResult, estimate_evidence, genz_malik_rule,
                                          grid_convergence, grid_evidence, nested_evidence, tempered_evidence)


class BoxPrior:
    """Stand-in for the sampler layer's Prior: uniform on a box."""

    def __init__(self, lo, hi):
        self.bounds = np.column_stack([lo, hi]).astype(float)
        self.names = tuple(f"x{i}" for i in range(len(lo)))

    def sample(self, n, rng):
        return rng.uniform(self.bounds[:, 0], self.bounds[:, 1], size=(n, len(self.bounds)))

    def log_prob(self, t):
        t = np.atleast_2d(t)
        ok = np.all((t >= self.bounds[:, 0]) & (t <= self.bounds[:, 1]), axis=-1)
        return np.where(ok, -np.sum(np.log(np.diff(self.bounds, axis=1))), -np.inf)

    def ppf(self, u):
        return self.bounds[:, 0] + np.asarray(u) * np.diff(self.bounds, axis=1)[:, 0]


# correlated 3-D Gaussian likelihood (normalised density), well inside a [-10, 10]^3 box:
# Z = (mass inside the box ≈ 1) / V  ->  ln Z = −3 ln 20 (the Gaussian tail outside is < 1e−300)
MU = np.array([1.0, -2.0, 0.5])
COV = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.3], [0.0, 0.3, 1.0]]) * 0.04
_CI = np.linalg.inv(COV)
_NORM = -0.5 * np.linalg.slogdet(COV)[1] - 1.5 * np.log(2 * np.pi)
GAUSS_PRIOR = BoxPrior([-10.0] * 3, [10.0] * 3)
GAUSS_TRUTH = -3 * np.log(20.0)


def gauss_ll(t):
    x = t - MU
    return -0.5 * np.einsum("ni,ij,nj->n", x, _CI, x) + _NORM


# Gaussian shell (Feroz & Hobson, arXiv:0704.3704): L = N(|θ−c|; r, w) in a [-6, 6]^3 box.
# ∫ L d³θ = 4π E[ρ² 1{ρ>0}], ρ ~ N(r, w²) = 4π[(r²+w²)Φ(r/w) + r w φ(r/w)]
R0, W0, C0 = 2.0, 0.1, np.array([0.5, -0.5, 0.0])
SHELL_PRIOR = BoxPrior([-6.0] * 3, [6.0] * 3)
SHELL_TRUTH = (np.log(4 * np.pi * ((R0 ** 2 + W0 ** 2) * norm.cdf(R0 / W0) + R0 * W0 * norm.pdf(R0 / W0)))
               - 3 * np.log(12.0))


def shell_ll(t):
    rho = np.linalg.norm(t - C0, axis=1)
    return -0.5 * ((rho - R0) / W0) ** 2 - 0.5 * np.log(2 * np.pi * W0 ** 2)


CASES = {"gauss": (gauss_ll, GAUSS_PRIOR, GAUSS_TRUTH), "shell": (shell_ll, SHELL_PRIOR, SHELL_TRUTH)}


# ---------------------------------------------------------------------------------------------
def test_genz_malik_rule_exactness():
    nodes, w7, w5, _, _ = genz_malik_rule(3)
    assert len(nodes) == 33
    rng = np.random.default_rng(0)
    for deg in range(8):
        for _ in range(5):
            p = rng.multinomial(deg, [1 / 3] * 3)
            exact = np.prod([0.0 if k % 2 else 1.0 / (k + 1) for k in p])  # mean of x^p over [-1,1]^3
            v = np.prod(nodes ** p, axis=1)
            assert v @ w7 == pytest.approx(exact, abs=1e-13)  # degree-7 rule: exact up to rounding
            if deg <= 5:
                assert v @ w5 == pytest.approx(exact, abs=1e-13)  # embedded degree-5 rule: exact


@pytest.mark.parametrize("case", ["gauss", "shell"])
def test_grid_recovers_analytic(case):
    ll, prior, truth = CASES[case]
    results, spread = grid_convergence(ll, prior, settings=((8, 1e-2), (16, 3e-3), (16, 1e-3)))
    fine = results[-1]
    assert abs(fine.log_z - truth) < 0.01  # deterministic, rtol=1e-3 → ln Z error ≈ 1e-3; 10× margin
    assert spread < 0.05  # refinement from (8, 1e-2) to (16, 1e-3) moves ln Z by at most a few 1e-2
    assert fine.extra["prior_mass"] == pytest.approx(1.0, rel=1e-9)  # uniform prior integrated exactly
    assert fine.n_like_evals > results[0].n_like_evals


@pytest.mark.parametrize("case", ["gauss", "shell"])
def test_tempered_recovers_analytic(case):
    ll, prior, truth = CASES[case]
    res = tempered_evidence(ll, prior, seed=7, n_ladders=3)
    assert res.method == "ss"
    ti = res.extra["ti"]
    # 4σ of the quoted error (false-failure rate ~1e-4) plus 0.05 for the residual quadrature bias
    assert abs(res.log_z - truth) < 4 * res.log_z_err + 0.05
    assert abs(ti["log_z"] - truth) < 4 * ti["log_z_err"] + 0.05
    assert res.log_z_err < 0.2  # the settings must give a useful error, not a vacuous one
    betas = res.extra["betas_last_ladder"]
    assert betas[0] == 0.0 and betas[-1] == 1.0 and 0 < betas[1] <= 1e-6


@pytest.mark.parametrize("case", ["gauss", pytest.param("shell", marks=pytest.mark.slow)])
def test_nested_recovers_analytic(case):
    ll, prior, truth = CASES[case]
    res = nested_evidence(ll, prior, seed=3, n_live=300 if case == "gauss" else 400)
    assert res.method == "nested" and res.n_like_evals > 0
    assert abs(res.log_z - truth) < 4 * res.log_z_err  # 4σ of dynesty's own error (≈0.12 here)
    assert res.log_z_err < 0.25  # sqrt(H/n_live): H≈13 nats (Gaussian), ≈6 (shell) → ≤0.21 at n_live=300


def test_prior_volume_dependence():
    """Doubling a uniform prior on each constrained axis lowers ln Z by 3 ln 2 exactly (Occam factor)."""
    wide = BoxPrior([-20.0] * 3, [20.0] * 3)
    a = grid_evidence(gauss_ll, GAUSS_PRIOR, rtol=1e-3)
    b = grid_evidence(gauss_ll, wide, rtol=1e-3)
    assert a.log_z - b.log_z == pytest.approx(3 * np.log(2), abs=0.01)  # two rtol=1e-3 integrations


def test_estimate_evidence_dispatch_and_errors():
    res = estimate_evidence(gauss_ll, GAUSS_PRIOR, method="grid", rtol=1e-2, n0=8)
    assert isinstance(res, EvidenceResult) and res.method == "grid"
    with pytest.raises(EvidenceError):
        estimate_evidence(gauss_ll, GAUSS_PRIOR, method="harmonic-mean")
    with pytest.raises(BayesU1XError):
        grid_evidence(lambda t: np.zeros(3), GAUSS_PRIOR)  # not vectorised
    with pytest.raises(BayesU1XError):
        grid_evidence(lambda t: np.full(len(t), np.nan), GAUSS_PRIOR)

    class NoBounds:
        pass

    with pytest.raises(BayesU1XError):
        tempered_evidence(gauss_ll, NoBounds())


# ---------------------------------------------------------------------------------------------
def _fake(log_z, err, method="ti"):
    return EvidenceResult(log_z, err, method, 1000, 1.0)


def test_comparison_table(tmp_path):
    results = {"Lmu-Ltau": _fake(-3.0, 0.05), "dark-photon": _fake(-12.0, 0.1), "3,-6,7,-10": _fake(-4.0, 0.1)}
    df = comparison_table(results, log_l_sm=-8.9, delta_chi2_min={"Lmu-Ltau": 0.0, "dark-photon": 17.0})
    assert list(df.index) == ["Lmu-Ltau", "3,-6,7,-10", "dark-photon"]
    assert df["rank"].tolist() == [0, 1, 2]
    assert df.loc["3,-6,7,-10", "d_log_z"] == pytest.approx(-1.0)
    assert df.loc["3,-6,7,-10", "d_log_z_err"] == pytest.approx(np.hypot(0.05, 0.1))
    assert df.loc["Lmu-Ltau", "log_bf_vs_sm"] == pytest.approx(5.9)
    assert df.loc["dark-photon", "log_bf_vs_lmu_ltau"] == pytest.approx(-9.0)
    assert df["prob"].sum() == pytest.approx(1.0)
    assert df.loc["Lmu-Ltau", "prob"] / df.loc["3,-6,7,-10", "prob"] == pytest.approx(np.e)
    assert df.loc["Lmu-Ltau", "jeffreys_vs_sm"] == "strong for"
    assert df.loc["dark-photon", "jeffreys_vs_sm"] == "moderate against"
    assert np.isnan(df.loc["3,-6,7,-10", "delta_chi2_min"])
    save_table(df, tmp_path / "t.csv", tmp_path / "t.json")
    recs = json.loads((tmp_path / "t.json").read_text())
    for k in ("model", "log_z", "log_z_err", "method", "log_bf_vs_sm", "log_bf_vs_lmu_ltau", "delta_chi2_min"):
        assert all(k in r for r in recs)
    assert recs[0]["model"] == "Lmu-Ltau" and recs[1]["delta_chi2_min"] is None
    assert (tmp_path / "t.csv").read_text().startswith("model,rank,log_z")
    with_sm = comparison_table(results, log_l_sm=-8.9, include_sm=True)
    assert "SM" in with_sm.index and with_sm.loc["SM", "log_bf_vs_sm"] == 0.0
    import matplotlib
    matplotlib.use("Agg")
    ax = plot_evidence(df)
    assert len(ax.patches) == 3


def test_jeffreys_words():
    assert jeffreys_words(0.5) == "inconclusive"
    assert jeffreys_words(-2.0) == "weak against"
    assert jeffreys_words(3.0) == "moderate for"
    assert jeffreys_words(7.0) == "strong for"


def test_comparison_table_errors():
    with pytest.raises(BayesU1XError):
        comparison_table({})
    with pytest.raises(BayesU1XError):
        comparison_table({"a": _fake(np.nan, 0.1)})


# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_physics_estimators_agree_amu_only():
    """L_μ−L_τ, g-2 term only, uniform box: TI, nested and grid agree (issue acceptance: 0.2 / 0.1)."""
    from bayes_u1x.likelihood import CompositeLikelihood

    lk = CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021")
    prior = BoxPrior([-6.0, -15.0, -2.0], [-1.0, 15.0, np.log10(4.0)])
    grid = grid_evidence(lk.log_likelihood, prior, rtol=1e-3, n0=16)
    ti = estimate_evidence(lk.log_likelihood, prior, method="ti", seed=1)
    ns = nested_evidence(lk.log_likelihood, prior, seed=1, n_live=500)
    assert abs(ti.log_z - grid.log_z) < max(0.1, 3 * ti.log_z_err)  # issue: grid vs TI within 0.1
    assert abs(ns.log_z - grid.log_z) < max(0.1, 3 * ns.log_z_err)  # issue: grid vs nested within 0.1 (or 3σ)
    assert abs(ti.log_z - ns.log_z) < 2 * np.hypot(ti.log_z_err, ns.log_z_err) + 0.2  # issue: combined 2σ / 0.2


def test_importance_sampling_from_a_defensive_reference_is_unbiased():
    from bayes_u1x.inference.evidence import importance_evidence, minima_reference

    # a reference centred on the Gaussian's mode: many effective draws, ln Z exact within its error
    q = minima_reference(GAUSS_PRIOR, np.array([MU]), np.array([[0.4, 0.4, 0.4]]), df=3.0)
    r = importance_evidence(gauss_ll, GAUSS_PRIOR, reference=q, n=100_000, n_chunks=20, seed=3)
    # 4 sigma of the reported error: a wrong weight (missing ln pi - ln q) is off by ln V ~ 9
    assert r.log_z == pytest.approx(GAUSS_TRUTH, abs=4 * r.log_z_err) and r.extra["ess_ok"]
    # a reference centred far from the mode: still unbiased through its prior component, but the
    # effective sample size collapses and the estimate is flagged
    far = minima_reference(GAUSS_PRIOR, np.array([[-8.0, 8.0, -8.0]]), np.array([[0.3, 0.3, 0.3]]), df=3.0)
    bad = importance_evidence(gauss_ll, GAUSS_PRIOR, reference=far, n=20_000, n_chunks=10, seed=4)
    assert not bad.extra["ess_ok"]
    with pytest.raises(EvidenceError, match="n_chunks"):
        importance_evidence(gauss_ll, GAUSS_PRIOR, n=10, n_chunks=1)
