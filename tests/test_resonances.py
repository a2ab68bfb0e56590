"""Recast of resonance-search limits and the likelihood term Δχ²_reson."""
import json

import numpy as np
import pytest

from bayes_u1x.cli import main
from bayes_u1x.constants import E_CHARGE, M_MU
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError
from bayes_u1x.likelihood import CompositeLikelihood
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import resonances as term
from bayes_u1x.observables.amu import delta_a
from bayes_u1x.physics.resonances import (Recaster, default_searches, g_limits, get_search, limit_curves,
                                  load_registry)
from bayes_u1x.physics.resonances.production import production_factor
from bayes_u1x.physics.resonances.recast import _solve_window, acceptance

DATA = load_measurements("2021")


def _published(search, masses):
    return get_search(search).reference_coupling(masses)


def _unique_masses(s):
    """Tabulated masses that occur once (repeated masses mark steps) and carry a finite limit."""
    m, counts = np.unique(s.mass, return_counts=True)
    m = m[(counts == 1) & (m > 0)]
    return m[np.isfinite(s.reference_coupling(m))]


# --- registry ---------------------------------------------------------------------------------------
def test_registry_is_complete_and_cms_z4mu_is_visible_but_unavailable():
    reg = load_registry()
    assert len(reg) == 24
    assert reg["cms_2018_z4mu"].available is False
    assert "cms_2018_z4mu" not in default_searches()
    curves = limit_curves("Lmu-Ltau", 0.0, searches="all")
    entry = [c for c in curves if c["search"] == "cms_2018_z4mu"][0]
    assert entry["available"] is False and entry["mass_gev"].size == 0
    with pytest.raises(BayesU1XError, match="unavailable"):
        term.delta_chi2(effective_couplings("Lmu-Ltau", 1e-3, 0.0, 0.5), DATA, searches="cms_2018_z4mu")


def test_limit_interpolation_is_log_linear_and_vetoes_windows():
    s = get_search("babar_2014_ee_mumu")
    m = _unique_masses(s)
    i = 100
    mid = 0.5 * (m[i] + m[i + 1])
    g0, g1 = _published("babar_2014_ee_mumu", m[i:i + 2])
    # log-linear midway between two rows = geometric mean (rounding only)
    assert _published("babar_2014_ee_mumu", mid) == pytest.approx(np.sqrt(g0 * g1), rel=1e-12)
    # J/psi (3.097 GeV) is vetoed in BaBar 2014: no limit there; none outside the range either
    assert np.isnan(_published("babar_2014_ee_mumu", 3.097))
    assert np.isnan(_published("babar_2014_ee_mumu", 0.015))
    assert np.isnan(_published("babar_2014_ee_mumu", 11.0))


# --- recasting the reference model onto itself --------------------------------------------------------
SELF_VISIBLE = [k for k, s in load_registry().items()
                if s.available and s.reference_model == "dark_photon" and not s.is_invisible
                and s.reference_br == "dark_photon_full_width"]
SELF_INVISIBLE = [k for k, s in load_registry().items() if s.available and s.is_invisible]


@pytest.mark.parametrize("search", SELF_VISIBLE)
def test_dark_photon_onto_itself_gives_published_limit(search):
    m = _unique_masses(get_search(search))
    g = g_limits("dark-photon", 1.0, m, searches=search)[search]
    # every factor is 1 (lifetime windows solved by Newton to machine precision)
    np.testing.assert_allclose(g, _published(search, m), rtol=1e-12)


@pytest.mark.parametrize("search", SELF_INVISIBLE)
def test_invisible_dark_photon_onto_itself_gives_published_limit(search):
    # the reference of the invisible searches is a dark photon with BR(dark sector) = 0.99
    m = _unique_masses(get_search(search))
    m = m[m > 2.1 * 0.000511]  # below 2 m_e the SM width vanishes and BR(inv) = 1 != 0.99
    g = g_limits("dark-photon", 1.0, m, searches=search, br_dark=0.99)[search]
    np.testing.assert_allclose(g, _published(search, m), rtol=1e-12)  # rounding only


def test_lmu_ltau_onto_babar_2016_gives_published_limit():
    m = _unique_masses(get_search("babar_2016_muonic_4mu"))
    g = g_limits("Lmu-Ltau", 0.0, m, searches="babar_2016_muonic_4mu")["babar_2016_muonic_4mu"]
    np.testing.assert_allclose(g, _published("babar_2016_muonic_4mu", m), rtol=1e-12)  # rounding only


def test_kloe_2012_leptonic_reference():
    # KLOE 2012 assumed BR(ee) = Gamma_ee/(Gamma_ee + Gamma_mumu): identical to the physical dark photon
    # below the first hadronic channel (pi0 gamma, table from 0.14 GeV), weaker for it above
    s = "kloe_2012_phi_eta_ee"
    m = _unique_masses(get_search(s))
    g = g_limits("dark-photon", 1.0, m, searches=s)[s]
    lo = m < 0.135
    np.testing.assert_allclose(g[lo], _published(s, m[lo]), rtol=1e-12)  # rounding only
    assert np.all(g[~lo] >= _published(s, m[~lo]) * (1 - 1e-12))


# --- physics of the recast -----------------------------------------------------------------------------
def test_invisible_search_needs_an_invisible_branching_ratio():
    m = np.array([0.02, 0.1, 0.5])
    # the dark photon has q_e = -1 (production as the reference) but no neutrino coupling
    physical = g_limits("dark-photon", 1.0, m, searches="na64_2019_invisible,babar_2017_invisible")
    for v in physical.values():
        assert np.all(np.isnan(v))
    cp = effective_couplings("dark-photon", 1e-2, 1.0, m)
    assert np.all(Recaster(cp).production(get_search("na64_2019_invisible")) == 1.0)
    # only the BR convention changes: BR = 0.99 (DarkCast) gives back the published limit
    dc = g_limits("dark-photon", 1.0, m, searches="na64_2019_invisible", invisible="darkcast")
    np.testing.assert_allclose(dc["na64_2019_invisible"], _published("na64_2019_invisible", m), rtol=1e-12)
    # and an invisible dark sector restores it physically, scaling as sqrt(0.99/BR_dark)
    half = g_limits("dark-photon", 1.0, m, searches="na64_2019_invisible", br_dark=0.5)
    np.testing.assert_allclose(half["na64_2019_invisible"],
                               _published("na64_2019_invisible", m) * np.sqrt(0.99 / 0.5), rtol=1e-12)


def test_b_minus_l_physical_vs_darkcast_invisible_ratio():
    # B-L below 2 m_mu: BR(inv) = 1.5/(1.5 + f_e) = 0.6000 (hand, see test_hadrons) -> factor sqrt(0.99/0.6)
    m = np.array([0.05, 0.1])
    phys = g_limits("B-L", 0.0, m, searches="na64_2019_invisible")["na64_2019_invisible"]
    dc = g_limits("B-L", 0.0, m, searches="na64_2019_invisible", invisible="darkcast")["na64_2019_invisible"]
    np.testing.assert_allclose(phys / dc, np.sqrt(0.99 / 0.6), rtol=1e-4)  # f_e = 0.99999 at 50 MeV
    # production through q_e = -1: the DarkCast-convention limit is the published e*eps itself
    np.testing.assert_allclose(dc, _published("na64_2019_invisible", m), rtol=1e-12)


def test_lmu_ltau_has_no_electron_or_quark_production():
    m = np.array([0.05, 0.3, 1.0])
    lim = g_limits("Lmu-Ltau", 0.0, m, searches="na64_2019_invisible,babar_2014_ee_mumu,lhcb_2019_prompt_mumu")
    for v in lim.values():
        assert np.all(np.isnan(v))
    # the README hand check: NA64 at 1 MeV with the loop mixing r = e^2 ln(m_tau/m_mu)/(6 pi^2)
    r = E_CHARGE ** 2 * np.log(1.77686 / M_MU) / (6 * np.pi ** 2)
    g = g_limits("Lmu-Ltau", -r, 0.001, searches="na64_2019_invisible", invisible="darkcast")
    # README: 7.544e-6 * 0.302822 / 4.371e-3 = 5.23e-4 (3 digits quoted)
    assert float(g["na64_2019_invisible"]) == pytest.approx(5.23e-4, rel=2e-3)


def test_pi0_production_factor_limit():
    # pi0 -> gamma X at m << m_rho: Pi -> (2 q_u + q_d)^2 (README, production factors)
    q = {"u": 1 / 3 - 0.1, "d": 1 / 3 + 0.2, "s": 1 / 3 + 0.2, "c": 0.0, "b": 0.0, "e2": 0.0, "mu2": 0.0}
    # Breit-Wigner corrections are O(m^2/m_rho^2) = 7e-4 at 20 MeV
    assert production_factor("pi0_to_gamma_X", q, np.array(0.02)) == pytest.approx(
        (2 * q["u"] + q["d"]) ** 2, rel=2e-3)
    photon = {"u": 2 / 3, "d": -1 / 3, "s": -1 / 3, "c": 2 / 3, "b": -1 / 3, "e2": 1.0, "mu2": 1.0}
    for mech in ("pi0_to_gamma_X", "eta_to_gamma_X", "phi_to_eta_X", "omega_to_pi0_X", "rho0_mixing",
                 "omega_mixing", "phi_mixing", "uu_annihilation", "dd_annihilation", "ss_annihilation",
                 "cc_annihilation", "bb_annihilation", "e_brem", "ee_to_gamma_X", "ee_to_mumu_X"):
        # every factor is 1 for the dark photon (rounding only)
        np.testing.assert_allclose(production_factor(mech, photon, np.array([0.05, 0.4, 0.9])), 1.0, rtol=1e-12)


def test_rate_scales_as_g_squared_for_prompt_searches():
    m = np.linspace(0.22, 0.9, 7)
    cp1 = effective_couplings("3,-6,7,-10", 1e-4, -6.26, m)
    cp2 = effective_couplings("3,-6,7,-10", 3e-4, -6.26, m)
    for s in ("babar_2014_ee_mumu", "babar_2016_muonic_4mu", "na64_2019_invisible"):
        np.testing.assert_allclose(Recaster(cp2).ratio(s), 9.0 * Recaster(cp1).ratio(s), rtol=1e-12)  # rounding


def test_lifetime_window_solver_and_long_lived_limit():
    u0 = np.array([1e-12, 1e-8, 1e-4])
    a = np.array([1e3, 1e9, 1e12])
    u = _solve_window(u0, a)
    np.testing.assert_allclose(u * -np.expm1(-a * u), u0, rtol=1e-12)  # Newton to machine precision
    # acceptance: E(t1 = inf) = 1, E -> t1 Gamma/hbar for tiny widths
    assert acceptance(np.inf, 1e-10) == 1.0
    assert acceptance(1e-12, 1e-20) == pytest.approx(1e-12 * 1e-20 / 6.582119569e-25, rel=1e-6)


def test_batched_equals_pointwise():
    rng = np.random.default_rng(3)
    g = 10 ** rng.uniform(-5, -2, 40)
    r = rng.uniform(-8, 1, 40)
    m = 10 ** rng.uniform(-2, np.log10(4), 40)
    cp = effective_couplings("3,-6,7,-10", g, r, m)
    batch = term.delta_chi2(cp, DATA, mode="smooth")
    single = [float(term.delta_chi2(effective_couplings("3,-6,7,-10", g[i], r[i], m[i]), DATA, mode="smooth"))
              for i in range(0, 40, 7)]
    np.testing.assert_allclose(batch[::7], single, rtol=1e-12)  # same arithmetic


def test_chiral_model_is_supported():
    lim = g_limits("tilde-Lmu-Ltau", 0.0, np.array([0.05, 0.5]), searches="na64_2019_invisible,babar_2016_muonic_4mu")
    assert np.isfinite(lim["na64_2019_invisible"]).all()  # axial electron coupling produces X too
    assert np.isnan(lim["babar_2016_muonic_4mu"][0]) and np.isfinite(lim["babar_2016_muonic_4mu"][1])


# --- the paper's statements ------------------------------------------------------------------------------
def test_babar_2016_excludes_lmu_ltau_g2_band_above_dimuon_threshold():
    # Fig. 3 of arXiv:2203.13731: L_mu - L_tau at eps = 0 is excluded above 2 m_mu by BaBar 2016
    s = get_search("babar_2016_muonic_4mu")
    m = _unique_masses(s)
    m = m[(m >= 0.22) & (m <= 4.0)]
    g = g_limits("Lmu-Ltau", 0.0, m, searches=s.key)[s.key]
    central, sigma = DATA.delta_amu
    unit = delta_a(1.0, 0.0, m)
    g_central = np.sqrt(central / unit)
    g_low = np.sqrt((central - 2 * sigma) / unit)
    assert np.all(g < g_central)                 # the central g-2 line is excluded everywhere
    assert np.all(g[m > 0.54] < g_low[m > 0.54])  # the whole 2 sigma band above 0.54 GeV
    # near threshold the digitised curve fluctuates around the band's lower edge
    assert np.mean(g < g_low) > 0.95


TABLE1 = [((3, -7, -1, -1), -6.97, 2.17e-4), ((3, -6, 7, -10), -6.26, 1.02e-4),
          ((3, -6, 6, -9), -6.21, 9.9e-5), ((3, -6, 5, -8), -6.16, 1.19e-4),
          ((3, -6, 4, -7), -6.11, 1.31e-4), ((3, -6, 3, -6), -6.08, 1.30e-4),
          ((0, 0, 1, -1), 0.01, 1.44e-3)]


@pytest.mark.parametrize("charges,r_eps,g", TABLE1)
def test_table1_best_fits_pass_na64_and_babar_2014(charges, r_eps, g):
    # Table 1 of arXiv:2203.13731 at m_X = 0.2 GeV: these points passed NA64 and BaBar 2014 (App. B)
    for inv in ("physical", "darkcast"):
        cp = effective_couplings(charges, g, r_eps, 0.2)
        assert float(term.delta_chi2(cp, DATA, mode="paper", invisible=inv)) == 0.0
        ratios = term.exclusion_ratios(cp, mode="paper", invisible=inv)
        assert max(float(v) for v in ratios.values()) < 0.05  # far from the limits, not marginal


# --- the likelihood term ---------------------------------------------------------------------------------
def test_sm_value_is_zero_in_every_mode():
    m = np.geomspace(0.01, 4.0, 30)
    for model, r in (("dark-photon", 1.0), ("Lmu-Ltau", 0.3), ("B-L", -2.0)):
        cp = effective_couplings(model, 0.0, r, m)
        for mode in term.MODES:
            assert np.all(term.delta_chi2(cp, DATA, mode=mode) == 0.0)


def test_hard_modes_are_0_or_100_and_paper_is_subset_of_full():
    rng = np.random.default_rng(7)
    n = 3000
    g, r, m = 10 ** rng.uniform(-5, -1.5, n), rng.uniform(-8, 2, n), 10 ** rng.uniform(-2, np.log10(4), n)
    cp = effective_couplings("3,-6,5,-8", g, r, m)
    paper = term.delta_chi2(cp, DATA, mode="paper")
    full = term.delta_chi2(cp, DATA, mode="full")
    assert set(np.unique(paper)) <= {0.0, 100.0} and set(np.unique(full)) <= {0.0, 100.0}
    assert np.all(full[paper == 100.0] == 100.0)
    assert 0 < np.mean(paper == 100.0) < np.mean(full == 100.0) < 1


def test_smooth_and_hard_agree_away_from_the_boundary():
    rng = np.random.default_rng(11)
    n = 20000
    g, r, m = 10 ** rng.uniform(-5.5, -1.5, n), rng.uniform(-8, 2, n), 10 ** rng.uniform(-2, np.log10(4), n)
    for model in ("3,-6,7,-10", "Lmu-Ltau", "B-L", "dark-photon"):
        cp = effective_couplings(model, g, r, m)
        ratios = term.exclusion_ratios(cp, mode="full")
        rmax = np.max(np.stack(list(ratios.values())), axis=0)
        hard = term.delta_chi2(cp, DATA, mode="full") > 0
        smooth = term.delta_chi2(cp, DATA, mode="smooth")
        # smooth "excluded" = above the one-sided 90 % CL value z^2 = 1.642 of a single search
        smooth_excl = smooth > 1.2816 ** 2
        away = (rmax < 0.5) | (rmax > 2.0)  # g_X at least a factor sqrt(2) from every limit
        assert np.sum(away & hard) > 100 and np.sum(away & ~hard) > 100
        assert np.array_equal(hard[away], smooth_excl[away])


def test_smooth_is_calibrated_to_the_cl_on_the_limit():
    m = np.array([0.05, 0.3, 0.9])
    for search, z in (("babar_2014_ee_mumu", 1.2815516), ("hps_2018_ee", 1.6448536)):
        mm = m[np.isfinite(_published(search, m))]
        g_lim = g_limits("B-L", 0.5, mm, searches=search)[search]
        cp = effective_couplings("B-L", g_lim, 0.5, mm)
        # on the published limit the smooth term is the one-sided CL quantile z^2 (90 %: 1.642, 95 %: 2.706)
        np.testing.assert_allclose(term.delta_chi2(cp, DATA, mode="smooth", searches=search), z ** 2, rtol=1e-6)


def test_composite_likelihood_uses_the_term():
    lk = CompositeLikelihood("Lmu-Ltau", terms="amu,resonances", term_options={"resonances": {"mode": "full"}}, data="2021")
    assert lk.sm_terms()["resonances"] == 0.0
    vals = lk.terms_physical(np.array([1.44e-3, 3e-3]), np.array([0.0, 0.0]), np.array([0.2, 0.5]))
    assert vals["resonances"][0] == 0.0 and vals["resonances"][1] == 100.0  # BaBar 2016 at 0.5 GeV


def test_bad_options_are_clear_errors():
    cp = effective_couplings("B-L", 1e-4, 0.0, 0.3)
    with pytest.raises(BayesU1XError, match="mode"):
        term.delta_chi2(cp, DATA, mode="strict")
    with pytest.raises(BayesU1XError, match="invisible"):
        term.delta_chi2(cp, DATA, invisible="0.99")
    with pytest.raises(BayesU1XError, match="br_dark"):
        term.delta_chi2(cp, DATA, br_dark=1.0)
    with pytest.raises(BayesU1XError, match="unknown search"):
        term.delta_chi2(cp, DATA, searches="na64")


# --- CLI ------------------------------------------------------------------------------------------------
def test_cli_limits_json(capsys):
    rc = main(["limits", "--data", "2021", "--model", "Lmu-Ltau", "--eps-ratio", "0", "--search", "all", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    names = [e["search"] for e in out]
    assert names == list(load_registry())
    for e in out:
        assert {"search", "mass_gev", "g_limit"} <= set(e)
        assert len(e["mass_gev"]) == len(e["g_limit"])
    babar16 = out[names.index("babar_2016_muonic_4mu")]
    assert min(v for v in babar16["g_limit"] if v is not None) == pytest.approx(6.7e-4, rel=0.01)  # BaBar: "as low as 7e-4"
    assert all(v is None for v in out[names.index("na64_2019_invisible")]["g_limit"])
    assert out[names.index("cms_2018_z4mu")]["available"] is False


def test_cli_limits_errors(capsys):
    assert main(["limits", "--data", "2021", "--model", "nonsense", "--eps-ratio", "0"]) == 2
    assert main(["limits", "--data", "2021", "--model", "B-L", "--search", "nope"]) == 2
    assert "unknown search" in capsys.readouterr().err


def test_cli_plot_limits(tmp_path):
    out = tmp_path / "lim.png"
    assert main(["plot", "limits", "--data", "2021", "--model", "B-L", "--eps-ratio", "0", "--out", str(out)]) == 0
    assert out.stat().st_size > 10000


def test_fast_ratios_match_recaster():
    """The tabulated reference rates (resonances.fast) reproduce Recaster.ratio: to rounding at
    each search's digitised masses, and closely between them."""
    from bayes_u1x.physics.resonances.rate_tables import fast_ratios
    keys = default_searches()
    rng = np.random.default_rng(7)
    for model in ("3,-6,7,-10", "dark-photon"):
        m = 10 ** rng.uniform(-2, np.log10(4), 3000)
        cp = effective_couplings(model, 10 ** rng.uniform(-5, -2, m.size), rng.uniform(-8, 1, m.size), m)
        fast = fast_ratios(cp, keys)
        rc = Recaster(cp)
        for j, k in enumerate(keys):
            # interpolation of the smooth BR_ref x width_ref between grid nodes (measured <= 5e-5)
            np.testing.assert_allclose(fast[j], rc.ratio(k), rtol=1e-3, atol=0)
    for k in keys:  # at the digitised masses the tables hold the exact values
        s = get_search(k)
        m = np.unique(s.mass[(s.mass >= 1e-2) & (s.mass <= 4.0)])  # supported m_X range
        if m.size == 0:  # CMS (above 11 GeV)
            continue
        cp = effective_couplings("Lmu-Ltau", np.full(m.size, 1e-3), 0.3, m)
        # exp(log(x)) round trips only: 1e-12 is far below any interpolation error (>~1e-8)
        np.testing.assert_allclose(fast_ratios(cp, (k,))[0], Recaster(cp).ratio(k), rtol=1e-12, atol=0)


@pytest.mark.parametrize("invisible,br_dark", [("physical", 0.0), ("darkcast", 0.0), ("physical", 0.4)])
def test_one_point_ratios_equal_the_batched_tables(invisible, br_dark):
    # PointRatios (floats, one point) computes fast_ratios term by term: the same numbers to rounding
    # (1e-13 relative; measured 3e-15), also on grid nodes (0.2 GeV is a digitised mass) and for
    # every convention; a point outside the grid has no reference rate (R = 0 everywhere)
    from bayes_u1x.physics.resonances.point_ratios import PointRatios
    from bayes_u1x.physics.resonances.rate_tables import common_grid, fast_ratios
    keys = tuple(default_searches())
    pr = PointRatios(keys, invisible, br_dark)
    rng = np.random.default_rng(4)
    grid = common_grid()
    m = np.concatenate([10 ** rng.uniform(-2.0, np.log10(4.0), 60), [0.2, 0.05, 1.0, 0.2113],
                        grid[(grid > 0.01) & (grid < 4.0)][::3000]])
    for model in ("3,-6,7,-10", "B-L", "tilde-Lmu-Ltau"):
        g = 10 ** rng.uniform(-5.0, -2.0, m.size)
        r = rng.uniform(-3.0, 3.0, m.size)
        batch = fast_ratios(effective_couplings(model, g, r, m), keys, invisible, br_dark)
        one = np.array([pr.ratios(effective_couplings(model, float(a), float(b), float(c))) for a, b, c in zip(g, r, m)]).T
        assert np.allclose(one, batch, rtol=1e-13, atol=0.0), model
        assert np.count_nonzero(batch) > m.size           # the comparison is not between zeros
    cp = effective_couplings("B-L", 1e-3, 0.0, 20.0, check_mass_range=False)
    assert pr.ratios(cp) == fast_ratios(cp, keys, invisible, br_dark).reshape(-1).tolist()


def test_prepared_term_equals_delta_chi2():
    # the likelihood's bound term (options resolved once) is the module function, batched and one point
    data = load_measurements("2021")
    rng = np.random.default_rng(9)
    g, r, m = 10 ** rng.uniform(-5, -2, 40), rng.uniform(-5, 5, 40), 10 ** rng.uniform(-2, 0.6, 40)
    for opts in ({}, {"mode": "full"}, {"mode": "paper"}, {"invisible": "darkcast", "br_dark": 0.2}):
        fn = term.prepare(data, **opts)
        cp = effective_couplings("3,-6,7,-10", g, r, m)
        assert np.array_equal(fn(cp), term.delta_chi2(cp, data, **opts))
        one = [float(fn(effective_couplings("3,-6,7,-10", float(a), float(b), float(c)))) for a, b, c in zip(g, r, m)]
        assert np.allclose(one, term.delta_chi2(cp, data, **opts), rtol=1e-12, atol=0.0)
    with pytest.raises(BayesU1XError, match="mode"):
        term.prepare(data, mode="soft")
    with pytest.raises(BayesU1XError, match="br_dark"):
        term.prepare(data, br_dark=1.0)
