"""Combined upper limits on g_X(m_X) (bayes_u1x.exclusion.combined): ordering against the single-term
limits, equality where one term dominates, the CL thresholds, profiling, windows and the command line."""
import json

import numpy as np
import pytest

from bayes_u1x.exclusion import THRESHOLDS, combined_limits
from bayes_u1x.exclusion.combined import resolve_eps
from bayes_u1x.errors import ParameterError
from bayes_u1x.likelihood import CompositeLikelihood
from bayes_u1x.physics.kinetic_mixing import one_loop_eps_ratio

MASSES = np.geomspace(0.01, 4.0, 25)


@pytest.fixture(scope="module")
def lmu():
    return combined_limits("Lmu-Ltau", MASSES, eps_ratio=0.0, data="2021")


def test_every_term_is_nonnegative_relative_to_the_sm_at_eps_zero(lmu):
    # premise of the ordering test: at eps = 0 no constraint of L_mu-L_tau is improved by X, so the
    # sum of the q_t is at least each q_t (if a term could go negative the ordering would not follow)
    lk = CompositeLikelihood("Lmu-Ltau", "default", data="2021")
    sm = lk.sm_terms()
    G, M = np.meshgrid(lmu["g_grid"], MASSES, indexing="ij")
    vals = lk.terms_physical(G.ravel(), np.zeros(G.size), M.ravel())
    for t in lmu["terms"]:
        assert np.min(vals[t] - sm[t]) >= -1e-9, t


@pytest.mark.parametrize("cl", [0.95, 0.90])
def test_combined_limit_at_most_every_single_term_limit(lmu, cl):
    comb = lmu["limits"][cl]
    assert np.all(np.isfinite(comb))
    for t, lim in lmu["single"].items():
        # 1e-6: the bisection brackets ln g to 2e-10; the rest is the sum of floating-point terms
        assert np.all(comb <= lim[cl] * (1 + 1e-6)), t


def test_combined_equals_the_single_term_limit_where_one_term_dominates(lmu):
    lk = CompositeLikelihood("Lmu-Ltau", "default", data="2021")
    sm = lk.sm_terms()
    thr = THRESHOLDS["one-sided"][0.95]
    n_dominated = 0
    for j, m in enumerate(MASSES):
        singles = {t: lim[0.95][j] for t, lim in lmu["single"].items() if np.isfinite(lim[0.95][j])}
        t0 = min(singles, key=singles.get)
        vals = lk.terms_physical(np.array([singles[t0]]), np.array([0.0]), np.array([m]))
        others = sum(float(vals[t][0] - sm[t]) for t in lmu["terms"] if t != t0)
        if others < 1e-3 * thr:
            n_dominated += 1
            # q grows ~ g^4 near the limit: others <= 1e-3 thr moves the crossing by <= 2.5e-4 in ln g
            assert lmu["limits"][0.95][j] == pytest.approx(singles[t0], rel=1e-3), (m, t0)
            assert lmu["dominant"][0.95][j] == t0
    assert n_dominated >= 5  # below 2 m_mu only CCFR constrains L_mu-L_tau at eps = 0


def test_90_percent_below_95_percent_and_thresholds(lmu):
    assert np.all(lmu["limits"][0.90] < lmu["limits"][0.95])
    # one-sided thresholds: chi2_1 quantiles at 2 CL - 1 (the half-chi2 of a bounded parameter)
    from scipy.stats import chi2
    assert THRESHOLDS["one-sided"][0.95] == pytest.approx(chi2.ppf(0.90, 1), rel=1e-12)
    assert THRESHOLDS["two-sided"][0.95] == pytest.approx(chi2.ppf(0.95, 1), rel=1e-12)
    two = combined_limits("Lmu-Ltau", MASSES[:5], eps_ratio=0.0, data="2021", convention="two-sided", per_term=False)
    assert np.all(two["limits"][0.95] > lmu["limits"][0.95][:5])


def test_the_limit_is_where_q_crosses_the_threshold(lmu):
    lk = CompositeLikelihood("Lmu-Ltau", "default", data="2021")
    sm = lk.sm_terms()
    g = lmu["limits"][0.95]
    vals = lk.terms_physical(g, np.zeros(g.size), MASSES)
    q = sum(vals[t] - sm[t] for t in lmu["terms"])
    assert q == pytest.approx(np.full(g.size, THRESHOLDS["one-sided"][0.95]), rel=1e-6)


def test_lmu_ltau_2021_window_and_none_with_2025():
    r21 = combined_limits("Lmu-Ltau", MASSES, eps_ratio=0.0, data="2021", per_term=False)
    r25 = combined_limits("Lmu-Ltau", MASSES, eps_ratio=0.0, data="2025", per_term=False)
    # the limits do not use g-2, and the two sets differ only in g-2
    assert np.array_equal(r21["limits"][0.95], r25["limits"][0.95])
    (lo, hi), = r21["windows"]["band_below_limit"]
    assert lo == pytest.approx(0.01) and 0.1 < hi < 0.4  # CCFR and BaBar 4mu close it (Eq. 4.1, Sec. 4.1)
    assert r21["anomaly"] and not r25["anomaly"] and r25["windows"] == {}


def test_profiled_limit_is_not_stronger_than_any_fixed_one():
    m = np.array([0.05, 0.3, 1.0])
    prof = combined_limits("B-L", m, eps_ratio="profiled", data="2021", per_term=False, n_g=30)
    for r in (0.0, 1.0, -2.0):
        fixed = combined_limits("B-L", m, eps_ratio=r, data="2021", per_term=False, n_g=30)
        # r = 0, 1, -2 lie on the profile's eps grid (step 0.125), so min_r q <= q(r)
        assert np.all(prof["limits"][0.95] >= fixed["limits"][0.95] * (1 - 1e-6)), r
    assert prof["single"] == {} and prof["band"] is None


def test_profiled_limits_plot(tmp_path):
    # a profiled result has no single eps_ratio: the figure says "profiled" (it crashed on None once)
    from bayes_u1x.plotting.combined_plot import plot_combined_limits

    m = np.array([0.05, 0.3])
    res = [combined_limits("B-L", m, eps_ratio="profiled", data=d, per_term=False, n_g=10, n_r=9) for d in ("2021", "2025")]
    out = plot_combined_limits(res, tmp_path / "combined.png")
    # a drawn figure, not an empty file (a blank 11x7 in PNG is ~5 kB)
    assert str(out).endswith("combined.png") and (tmp_path / "combined.png").stat().st_size > 10_000


def test_include_amu_measures_from_the_best_fit():
    m = np.array([0.02, 0.1])
    with_amu = combined_limits("Lmu-Ltau", m, eps_ratio=0.0, data="2021", include_amu=True, per_term=False)
    without = combined_limits("Lmu-Ltau", m, eps_ratio=0.0, data="2021", per_term=False)
    assert "amu" in with_amu["terms"] and "amu" not in without["terms"]
    # the 2021 anomaly pulls the best fit into the band: the upper limit sits above the band's centre
    assert np.all(with_amu["limits"][0.95] > with_amu["band"]["g_central"])


def test_eps_modes_and_bad_input():
    assert resolve_eps("B-L", "loop") == ("loop", pytest.approx(one_loop_eps_ratio("B-L")))
    assert resolve_eps("B-L", "profiled") == ("profiled", None)
    assert resolve_eps("B-L", "0.5") == ("fixed", 0.5)
    with pytest.raises(ParameterError):
        resolve_eps("B-L", "lots")
    with pytest.raises(ParameterError):
        combined_limits("B-L", [0.001, 0.1])
    with pytest.raises(ParameterError):
        combined_limits("B-L", MASSES, cls=(0.99,))


def test_cli_limits_combined_json(capsys, tmp_path):
    from bayes_u1x.cli import main
    out = tmp_path / "c.png"
    rc = main(["limits", "--combined", "--model", "Lmu-Ltau", "--n-masses", "4", "--data", "2021",
               "--out", str(out), "--json"])
    assert rc == 0 and out.stat().st_size > 10000
    d = json.loads(capsys.readouterr().out)
    assert d["results"][0]["data"] == "2021" and len(d["results"][0]["masses"]) == 4
    assert main(["limits", "--data", "2021", "--model", "Lmu-Ltau", "--eps-ratio", "profiled"]) == 2
