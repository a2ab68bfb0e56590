"""DarkCast-2023 limits (beam dumps, FASER, NA62 dump, NA64 visible, LHCb displaced) and their recast.

Each tolerance carries its reason. "Published curve" = the digitised rows (log-linear in mass between
them, the registry's convention); for the r-value grids, the r = 1 contour of the stored grid.
"""
import csv
import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from bayes_u1x.constants import E_CHARGE, M_E, M_MU
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError
from bayes_u1x.observables import resonances_2023 as term
from bayes_u1x.physics.resonances import g_limits
from bayes_u1x.physics.resonances.beam_dump import acceptance, shield_exponent
from bayes_u1x.physics.resonances.recast_2023 import (combine_by_dataset, dark_photon_decays, exclusion_ratios_2023,
                                              limit_curve_2023, production_factor_2023, reference_quantities)
from bayes_u1x.physics.resonances.registry_2023 import (default_limits_2023, get_limit_2023, load_registry_2023,
                                                resolve_limits_2023)

REG = load_registry_2023()
CURVES = [k for k, s in REG.items() if s.recastable and s.format != "r_values"]
GRIDS = [k for k, s in REG.items() if s.format == "r_values"]
#: the curated source folder of the package data, if available (set BAYES_U1X_SOURCE_DATA to its parent)
SHARED = Path(os.environ.get("BAYES_U1X_SOURCE_DATA", "/nonexistent")) / "resonance_limits_2023"
THRESHOLD = {"e_e": 2 * M_E, "mu_mu": 2 * M_MU, "invisible": 0.0}


def _physical_masses(s):
    """Unique digitised masses at which the reference dark photon can decay into the searched final
    state (NA64 2018 has 3 rows and NOMAD 1 row below 2 m_e, where no A' -> e+e- exists)."""
    m = np.unique(s.mass)
    return m[m > THRESHOLD[s.decay[0]]]


# --- every 2023 limit recast to the dark photon returns its published curve ------------------------
@pytest.mark.parametrize("key", CURVES)
def test_dark_photon_recast_returns_published_curve(key):
    s = get_limit_2023(key)
    m = _physical_masses(s)
    inv = "darkcast" if s.decay == ("invisible",) else "physical"  # LEP: BR(inv) = 0.99 on both sides
    c = limit_curve_2023("dark-photon", 1.0, key, m, invisible=inv)
    lo, up = s.edges(m)
    assert np.all(c["n_intervals"] == 1)
    dev = np.abs(c["g_lower"] / lo - 1)
    if s.format == "two_sided":
        dev = np.concatenate([dev, np.abs(c["g_upper"] / up - 1)])
    else:
        assert np.all(np.isinf(c["g_upper"]))
    assert np.median(dev) <= 0.02               # the acceptance criterion of the issue
    assert np.max(dev) < 1e-9                   # same formulas both ways: bisection / rounding only


@pytest.mark.parametrize("key", [k for k in CURVES if REG[k].format == "two_sided"])
def test_fast_ratio_is_one_on_the_published_band(key):
    s = get_limit_2023(key)
    m = _physical_masses(s)
    mid = np.sqrt(m[1:] * m[:-1])
    for masses, rtol in ((m, 1e-9), (mid, 1e-2)):
        # rows: the tables hold each row's own values (rounding); between rows: log S, log T are
        # interpolated between nodes 1.2e-3 apart in ln m, an error amplified by x_up <~ 60 at g_up
        lo, up = s.edges(masses)
        ok = np.isfinite(lo)
        for g in (lo[ok], up[ok]):
            cp = effective_couplings("dark-photon", g, 1.0, masses[ok], check_mass_range=False)
            fast = exclusion_ratios_2023(cp, [key])[key]
            exact = exclusion_ratios_2023(cp, [key], exact=True)[key]
            np.testing.assert_allclose(exact, 1.0, rtol=1e-9)  # exact path: R = 1 on both edges
            np.testing.assert_allclose(fast, 1.0, rtol=rtol)


def _grid_contour(grid, i):
    """Intervals of log eps where the stored log r <= 0 at grid mass i (own, direct implementation)."""
    lr, le = grid.log_r[i], grid.log_eps
    out, start = [], (le[0] if lr[0] <= 0 else None)
    for j in range(1, le.size):
        if lr[j - 1] > 0 >= lr[j]:
            start = le[j - 1] + (le[j] - le[j - 1]) * lr[j - 1] / (lr[j - 1] - lr[j])
        elif lr[j - 1] <= 0 < lr[j]:
            out.append((start, le[j - 1] + (le[j] - le[j - 1]) * (-lr[j - 1]) / (lr[j] - lr[j - 1])))
            start = None
    if start is not None:
        out.append((start, le[-1]))
    return out


@pytest.mark.parametrize("key", GRIDS)
def test_dark_photon_recast_of_r_value_grid_returns_its_contour(key):
    s = get_limit_2023(key)
    c = limit_curve_2023("dark-photon", 1.0, key)
    dev = []
    for i, m in enumerate(s.grid.mass):
        want = _grid_contour(s.grid, i)
        got = c["intervals"][i]
        assert got.shape[0] == len(want), m
        for (a, b), (ga, gb) in zip(want, got):
            dev += [abs(ga / (E_CHARGE * np.exp(a)) - 1), abs(gb / (E_CHARGE * np.exp(b)) - 1)]
    assert len(dev) > 20 and np.median(dev) <= 0.02
    assert np.max(dev) < 1e-9  # same bilinear interpolant, solved exactly: rounding only
    # R = 1/r at the grid nodes (the dark photon has the lifetime of itself)
    M, Eps = np.meshgrid(s.grid.mass, np.exp(s.grid.log_eps[::37]), indexing="ij")
    cp = effective_couplings("dark-photon", E_CHARGE * Eps, 1.0, M, check_mass_range=False)
    r = np.exp(s.grid.log_r[:, ::37])
    np.testing.assert_allclose(exclusion_ratios_2023(cp, [key], exact=True)[key], 1 / r, rtol=1e-9)
    # fast path: the dark-photon width is interpolated between 20001 nodes (~2e-7), which shifts
    # eps_1 and is amplified by the steepness of the grid, |d ln r / d ln eps| up to ~1e2
    np.testing.assert_allclose(exclusion_ratios_2023(cp, [key])[key], 1 / r, rtol=1e-4)


@pytest.mark.parametrize("key", GRIDS)
def test_stored_r_is_excluded_over_predicted(key):
    # at the grid's smallest eps the A' lives so long that LHCb sees almost no signal: nothing can be
    # excluded there, so there r must be >= 1 under the "r < 1 excluded" reading (and the excluded
    # cells must be a closed island, away from every grid edge)
    g = get_limit_2023(key).grid
    assert np.all(g.log_r[:, 0] > 0) and np.all(g.log_r[:, -1] > 0)
    assert np.all(g.log_r[0] > 0) or np.all(g.log_r[-1] > 0)
    assert 0 < np.mean(g.log_r < 0) < 0.2


@pytest.mark.skipif(not SHARED.exists(), reason="curated source data not available (BAYES_U1X_SOURCE_DATA)")
def test_package_data_equals_the_curated_source():
    for key, s in REG.items():
        src = SHARED / (key + ".csv")
        rows = [r for r in csv.reader(src.open()) if r][1:]
        if s.format == "r_values":
            a = np.array(rows, dtype=float)
            r = np.exp(s.grid.log_r).ravel()
            np.testing.assert_allclose(r, a[:, 2], rtol=1e-6)  # float32 storage of 4 printed digits
            assert np.array_equal(np.repeat(s.grid.mass, s.grid.log_eps.size), a[:, 0])
            continue
        uniq = list(dict.fromkeys(tuple(r) for r in rows))  # exact duplicates dropped, order kept
        assert np.array_equal(s.mass, [float(r[0]) for r in uniq])
        np.testing.assert_allclose(np.exp(s.log_lower), [float(r[1]) for r in uniq], rtol=1e-14)  # exp(log)


# --- no coupling, no exclusion ----------------------------------------------------------------------
def test_zero_coupling_gives_zero_ratio_and_sm_term():
    m = np.geomspace(1.1e-3, 0.8, 300)
    for model, r in (("dark-photon", 1.0), ("B-L", 0.0), ("3,-6,7,-10", -6.26)):
        cp = effective_couplings(model, 0.0, r, m, check_mass_range=False)
        for k, R in exclusion_ratios_2023(cp, "all").items():
            assert np.all(R == 0.0), k
        assert np.all(term.delta_chi2(cp) == 0.0)
        assert np.all(term.delta_chi2(cp, mode="full") == 0.0)


def test_small_coupling_rate_scales_as_g4_in_beam_dumps():
    # far below the band X decays behind the detector: E ~ lratio x, rate ~ g^2 * x ~ g^4
    m = np.array([0.005, 0.02, 0.1])
    keys = ("e137_andreas2012mt", "nucal_blumlein1991xh", "charm_bergsma1985qz")
    R1 = exclusion_ratios_2023(effective_couplings("B-L", 1e-10, 0.0, m, check_mass_range=False), keys)
    R2 = exclusion_ratios_2023(effective_couplings("B-L", 1e-11, 0.0, m, check_mass_range=False), keys)
    for k in keys:
        np.testing.assert_allclose(R2[k] / R1[k], 1e-4, rtol=1e-6)  # x ~ 1e-8: corrections O(x)


def test_lmu_ltau_without_kinetic_mixing_is_not_constrained():
    # no electron and no quark coupling: no e- bremsstrahlung, no p bremsstrahlung, no meson decays
    m = np.geomspace(1.1e-3, 0.8, 400)
    cp = effective_couplings("Lmu-Ltau", 1e-2, 0.0, m, check_mass_range=False)
    for k, R in exclusion_ratios_2023(cp, "all").items():
        assert np.all(R == 0.0), k
    q = {"e2": 0.0, "mu2": 1.0, "u": 0.0, "d": 0.0, "s": 0.0, "c": 0.0, "b": 0.0, "p": 0.0}
    for mech in ("e_brem", "p_brem", "pi0_to_gamma_X", "eta_to_gamma_X", "etaprime_to_gamma_X"):
        assert np.all(production_factor_2023(mech, q, m) == 0.0)


# --- physics of the recast ----------------------------------------------------------------------------
@pytest.mark.parametrize("mech", ["pi0_to_gamma_X", "eta_to_gamma_X", "etaprime_to_gamma_X", "p_brem"])
def test_production_factors_at_low_mass_are_anomaly_trace_ratios(mech):
    # m -> 0 (B_V -> 1): P -> gamma X ~ Tr(T_P {Q, Q_X}) (U(3) generators of pars, Q = photon);
    # p_brem ~ the proton's vector charge. Photon charges give 1 everywhere.
    T = {"pi0_to_gamma_X": np.array([1, -1, 0]) / 2, "eta_to_gamma_X": np.array([1, 1, -1]) / 6 ** 0.5,
         "etaprime_to_gamma_X": np.array([1, 1, 2]) / (2 * 3 ** 0.5)}
    Q = np.array([2, -1, -1]) / 3
    rng = np.random.default_rng(7)
    for _ in range(20):
        qu, qd, qs = rng.normal(size=3)
        q = {"u": qu, "d": qd, "s": qs, "p": 2 * qu + qd, "e2": 0.0, "mu2": 0.0, "c": qu, "b": qd}
        got = production_factor_2023(mech, q, np.array([1e-6]))[0]
        if mech == "p_brem":
            want = (2 * qu + qd) ** 2
        else:
            want = (np.sum(T[mech] * Q * np.array([qu, qd, qs])) / np.sum(T[mech] * Q * Q)) ** 2
        assert got == pytest.approx(want, rel=1e-6)  # B_V(1e-6 GeV) = 1 + O(m^2/m_V^2) ~ 1e-12
    photon = {"u": 2 / 3, "d": -1 / 3, "s": -1 / 3, "p": 1.0, "e2": 1.0, "mu2": 1.0, "c": 2 / 3, "b": -1 / 3}
    np.testing.assert_allclose(production_factor_2023(mech, photon, np.geomspace(1e-3, 0.9, 50)), 1.0, rtol=1e-12)


def _edges(model, r_eps, key, m, **kw):
    c = limit_curve_2023(model, r_eps, key, m, **kw)
    return c["g_lower"], c["g_upper"]


def _second_order_lower_edge(y1, kappa, lratio):
    """g_2/g_1 - 1 of two models with the same Pi Gamma_ee (so the same long-lived signal ~ T g^4
    Gamma_ee F(y), F(y) = E(y)/(lratio y) = 1 - a y + b y^2 + ...) whose total widths differ by
    kappa, expanded to second order in y1 = T Gamma_1 g_1^2 (model 1 at its lower edge)."""
    a = 1 + lratio / 2
    beta = (0.5 + lratio / 2 + lratio ** 2 / 6) - a ** 2 / 2   # ln F = -a y + beta y^2 + ...
    L1 = a * y1 * (kappa - 1) / 2                              # ln(g_2^2/g_1^2), first order
    L2 = L1 + (a * kappa * y1 * L1 + beta * y1 ** 2 * (1 - kappa ** 2)) / 2
    return np.expm1(L2 / 2), 2 * (a * kappa * y1) ** 3 + 1e-9  # (prediction, third-order bound)


@pytest.mark.parametrize("key", ["e137_andreas2012mt", "nucal_blumlein1991xh", "orsay_davier1989wz"])
def test_lower_edge_is_set_by_the_electron_width_only(key):
    # long-lived regime: signal = g^2 Pi (Gamma_ee/Gamma) E(y), E(y) ~ lratio y, y = T Gamma g^2, i.e.
    # ~ Pi Gamma_ee T g^4 whatever the total width: a B-L boson (same q_e, q_p = 1, extra neutrino
    # width) has the dark photon's lower edge, and a dark-sector width (BR_dark = 0.5 doubles Gamma)
    # does not move it, up to the O(y) corrections predicted by _second_order_lower_edge
    from bayes_u1x.physics.widths import total_width
    s = get_limit_2023(key)
    m = _physical_masses(s)
    m = m[m < 2 * M_MU]
    lo_dp, _ = _edges("dark-photon", 1.0, key, m)
    lo_bl, _ = _edges("B-L", 0.0, key, m)
    lo_dark, _ = _edges("B-L", 0.0, key, m, br_dark=0.5)
    T = reference_quantities(s, m)["T"]
    _, w_dp = dark_photon_decays(m)
    w_bl = total_width(effective_couplings("B-L", 1.0, 0.0, m, check_mass_range=False))
    for g1, g2, y1, kappa in ((lo_dp, lo_bl, T * w_dp * lo_dp ** 2, w_bl / w_dp),
                              (lo_bl, lo_dark, T * w_bl * lo_bl ** 2, 2.0)):
        pred, bound = _second_order_lower_edge(y1, kappa, s.lratio)
        ok = (1 + s.lratio / 2) * kappa * y1 < 0.3   # the expansion's domain (away from the tip)
        assert ok.sum() > 50
        assert np.all(np.abs(g2[ok] / g1[ok] - 1 - pred[ok]) <= bound[ok])
        assert np.max(np.abs(g2[ok] / g1[ok] - 1)) > 1e-3   # the corrections are really there


@pytest.mark.parametrize("key", ["e137_andreas2012mt", "nucal_blumlein1991xh", "charm_bergsma1985qz"])
def test_upper_edge_follows_the_lifetime(key):
    # short-lived regime: signal ~ g^2 A exp(-y), y = T Gamma_1 g^2 ~ 10-60; the edge keeps y up to
    # y_X - y_A' = ln[A_X Gamma_A' / (A_A' Gamma_X)] + ln(y_X / y_A'): first order in 1/y
    s = get_limit_2023(key)
    m = _physical_masses(s)
    m = m[(m < 2 * M_MU) & (m > 2e-3)]
    _, up_bl = _edges("B-L", 0.0, key, m)
    _, up_dp = _edges("dark-photon", 1.0, key, m)
    pw_dp, w_dp = dark_photon_decays(m)
    cp = effective_couplings("B-L", 1.0, 0.0, m, check_mass_range=False)
    from bayes_u1x.physics.widths import partial_widths
    pw = partial_widths(cp)
    w_bl = sum(pw.values())
    A_ratio = (pw["e"] / w_bl) / (pw_dp["e"] / w_dp)  # Pi = 1 for B-L in e/p bremsstrahlung, eta at low m
    if key.startswith("charm"):
        A_ratio = A_ratio * production_factor_2023("eta_to_gamma_X", {"u": 1 / 3, "d": 1 / 3, "s": 1 / 3}, m)
    y = reference_quantities(s, m)["T"] * w_dp * up_dp ** 2
    ratio = up_bl ** 2 * w_bl / (up_dp ** 2 * w_dp) - 1
    est = np.log(A_ratio * w_dp / w_bl) / y
    assert np.all(y > 5)
    assert np.all(np.abs(ratio - est) <= 2 * (np.abs(est) / y + est ** 2) + 2 * np.exp(-s.lratio * y))
    assert np.all(np.abs(ratio) > 0.5 * np.abs(est))  # the shift is there and has the predicted size


@pytest.mark.parametrize("key", [k for k in CURVES if REG[k].format == "two_sided"])
def test_implied_boost_is_physical(key):
    # t0 = L_sh/(gamma beta c) solved from the published band must correspond to an X energy
    # E = m sqrt(1 + (gamma beta)^2) between m and the beam energy (an X carries at most the beam
    # energy). Known exceptions, documented in limits_2023.toml: NA64's 4/1 is a bare ratio (no
    # absolute L_sh), and E137 Bjorken 2009 above 2 m_mu reads as if mu mu decays did not count.
    from bayes_u1x.physics.resonances.beam_dump import implied_boost
    if key.startswith("na64"):
        pytest.skip("NA64: DarkCast's lratio 4/1 gives no absolute shield length (E scales with L_sh)")
    s = get_limit_2023(key)
    m = _physical_masses(s)
    m = m[m > THRESHOLD[s.decay[0]] * 1.001]
    gb = implied_boost(reference_quantities(s, m)["T"], s.efficiency["l_shield"])
    E = m * np.sqrt(1 + gb ** 2)
    if key == "e137_bjorken2009mm":
        assert np.all(E[m < 2 * M_MU] < s.beam_energy_gev) and np.any(E[m > 2 * M_MU] > s.beam_energy_gev)
        return
    assert np.all(gb > 1) and np.all(E < s.beam_energy_gev)


def test_shield_exponent_gives_equal_signal_at_both_edges():
    for lratio in (35 / 0.12, 204 / 179, 7.5 / 835):
        rho = np.array([1.0, 1.5, 30.0, 1e4, 1e9])
        x = shield_exponent(rho, lratio)
        np.testing.assert_allclose(rho * acceptance(rho * x, lratio), acceptance(x, lratio), rtol=1e-12)


# --- published statements for models other than the dark photon ------------------------------------------
def _x17(eps_e, m):
    """Protophobic X17 (Feng et al., arXiv:1608.03591): e coupling e*eps_e, q_p = 0, no neutrinos."""
    cp = effective_couplings("dark-photon", E_CHARGE * eps_e, 1.0, m, check_mass_range=False)
    z = 0.0 * cp.r_eps
    qV = dict(cp.qV, u=z - 10 / 3, c=z - 10 / 3, d=z + 20 / 3, s=z + 20 / 3, p=z, n=z + 10.0)
    return dataclasses.replace(cp, qV=qV)


def _x17_window(key, m=0.0167):
    eps = np.geomspace(1e-5, 3e-3, 4000)
    R = exclusion_ratios_2023(_x17(eps, np.full(eps.shape, m)), [key], exact=True)[key]
    ex = eps[R >= 1]
    return ex.min(), ex.max()


def test_na64_2019_x17_window():
    # NA64, arXiv:1912.11389 (abstract): X17 with 1.2e-4 < eps_e < 6.8e-4 excluded; 2 significant
    # figures (+-4 %) plus the digitisation of the curve (a few %): 5 %
    lo, hi = _x17_window("na64_banerjee2019hmi")
    assert lo == pytest.approx(1.2e-4, rel=0.05) and hi == pytest.approx(6.8e-4, rel=0.05)


@pytest.mark.xfail(strict=True, reason="DarkCast's digitised NA64-2018 curve gives [1.41e-4, 3.63e-4] at 16.7 MeV, "
                                        "9 % / 14 % inside the abstract's X17 window 1.3e-4 - 4.2e-4 (arXiv:1803.07748)")
def test_na64_2018_x17_window():
    lo, hi = _x17_window("na64_banerjee2018vgk")
    assert lo == pytest.approx(1.3e-4, rel=0.05) and hi == pytest.approx(4.2e-4, rel=0.05)


def _faser_new_region(model, r_eps, m):
    """FASER's recast band minus every other 2023 default limit (union of bands) and capped by the 2020
    prompt searches and, for B-L, the nu-e scattering limits: per mass (g_min, g_max) or None."""
    f = limit_curve_2023(model, r_eps, "faser_petersen2023hgm", m)
    others = [limit_curve_2023(model, r_eps, k, m)["intervals"]
              for k in default_limits_2023() if k != "faser_petersen2023hgm"]
    cap = np.full(m.size, np.inf)
    for v in g_limits(model, r_eps, m).values():
        cap = np.minimum(cap, np.where(np.isfinite(v), v, np.inf))
    if model == "B-L":
        for k in ("texono_bauer2018onh", "borexino_bauer2018onh", "charmii_bauer2018onh"):
            lo, _ = get_limit_2023(k).edges(m)
            cap = np.minimum(cap, np.where(np.isfinite(lo), lo, np.inf))
    out = []
    for i in range(m.size):
        a, b = f["g_lower"][i], min(f["g_upper"][i], cap[i])
        if not (np.isfinite(a) and b > a):
            out.append(None)
            continue
        g = np.geomspace(a, b, 400)
        free = np.ones(g.size, bool)
        for iv in others:
            for lo, up in iv[i]:
                free &= ~((g >= lo) & (g <= up))
        out.append((g[free].min(), g[free].max()) if free.any() else None)
    return out


M_FASER = np.geomspace(0.008, 0.08, 120)


def test_faser_b_minus_l_newly_excluded_region():
    # FASER, arXiv:2308.05587 (abstract): B-L with g ~ 5e-6 - 2e-5, m ~ 15 - 40 MeV excluded for the
    # first time. One significant figure and "~": factor 2 in g; every mass in 15-40 MeV newly covered
    reg = _faser_new_region("B-L", 0.0, M_FASER)
    new = np.array([x is not None for x in reg])
    window = (M_FASER >= 0.015) & (M_FASER <= 0.040)
    assert np.all(new[window])
    g_min = min(x[0] for x in reg if x)
    g_max = max(x[1] for x in reg if x)
    assert 0.5 <= g_min / 5e-6 <= 2 and 0.5 <= g_max / 2e-5 <= 2
    # the same construction for the dark photon against the abstract's eps ~ 2e-5 - 1e-4, 17 - 70 MeV
    dp = _faser_new_region("dark-photon", 1.0, M_FASER)
    ms = M_FASER[[x is not None for x in dp]]
    assert 0.5 <= min(x[0] for x in dp if x) / E_CHARGE / 2e-5 <= 2
    assert 0.5 <= max(x[1] for x in dp if x) / E_CHARGE / 1e-4 <= 2
    assert ms.min() == pytest.approx(0.017, rel=0.3) and ms.max() == pytest.approx(0.070, rel=0.3)


@pytest.mark.xfail(strict=True, reason="the recast B-L region newly excluded by FASER ends at 59 MeV, not ~40 MeV "
                                        "(+48 %; the same construction gives +13 % for the dark photon)")
def test_faser_b_minus_l_region_ends_near_40_mev():
    reg = _faser_new_region("B-L", 0.0, M_FASER)
    assert M_FASER[[x is not None for x in reg]].max() == pytest.approx(0.040, rel=0.3)


# --- fast path, batching, term, errors -------------------------------------------------------------
def test_fast_path_matches_exact_path():
    rng = np.random.default_rng(3)
    n = 4000
    for model in ("dark-photon", "B-L", "3,-6,7,-10"):
        cp = effective_couplings(model, 10 ** rng.uniform(-9, -2, n), rng.uniform(-8, 1, n),
                                 10 ** rng.uniform(-3, 0, n), check_mass_range=False)
        fast = exclusion_ratios_2023(cp, "all")
        exact = exclusion_ratios_2023(cp, "all", exact=True)
        for k in fast:
            sel = (exact[k] > 1e-3) & (exact[k] < 1e3)
            # interpolation between nodes (<= 1e-4 in ln T) times the exponent (<~ 60 in this band)
            np.testing.assert_allclose(fast[k][sel], exact[k][sel], rtol=1e-2)
            assert np.all((fast[k] == 0) == (exact[k] == 0)), k


def test_batch_equals_pointwise_and_keeps_shape():
    m = np.geomspace(2e-3, 0.5, 12).reshape(3, 4)
    g = np.full(m.shape, 3e-7)
    cp = effective_couplings("B-L", g, 0.1, m, check_mass_range=False)
    batch = exclusion_ratios_2023(cp)
    for k, R in batch.items():
        assert R.shape == (3, 4)
        for i in (0, 5, 11):
            one = effective_couplings("B-L", 3e-7, 0.1, m.ravel()[i], check_mass_range=False)
            assert exclusion_ratios_2023(one, [k])[k] == pytest.approx(R.ravel()[i], rel=1e-12)


def test_default_set_and_datasets():
    d = default_limits_2023()
    assert "na64_banerjee2018vgk" not in d and "lhcb_aaij2017rft_displaced" not in d   # superseded
    assert "nucal_tsai2019mtm" not in d and "lep_fox2011fx" not in d                    # flagged
    assert not any(k.endswith("bauer2018onh") for k in d)                               # not recastable
    assert all(REG[k].recastable and REG[k].flag == "" for k in d)
    ratios = {"nucal_blumlein1990ay": np.array([0.2, 3.0]), "nucal_blumlein1991xh": np.array([0.5, 1.0]),
              "e141_riordan1987aw": np.array([0.1, 0.0])}
    comb = combine_by_dataset(ratios)
    np.testing.assert_array_equal(comb["nucal"], [0.5, 3.0])
    np.testing.assert_array_equal(comb["e141"], [0.1, 0.0])


def test_term_is_calibrated_on_the_published_limit():
    s = get_limit_2023("e137_andreas2012mt")
    m = _physical_masses(s)[::10]
    lo, up = s.edges(m)
    one = ["e137_andreas2012mt"]
    for g in (lo, up):
        cp = effective_couplings("dark-photon", g, 1.0, m, check_mass_range=False)
        np.testing.assert_allclose(term.delta_chi2(cp, limits=one), s.cl_z ** 2, rtol=1e-9)
    for g, value in ((lo * 1.01, 100.0), (up * 0.99, 100.0), (lo * 0.99, 0.0), (up * 1.01, 0.0)):
        cp = effective_couplings("dark-photon", g, 1.0, m, check_mass_range=False)
        assert np.all(term.delta_chi2(cp, mode="full", limits=one) == value)


def test_bad_input_is_a_clear_error():
    cp = effective_couplings("B-L", 1e-6, 0.0, 0.05)
    with pytest.raises(BayesU1XError, match="unknown 2023 limit"):
        exclusion_ratios_2023(cp, ["e137"])
    with pytest.raises(BayesU1XError, match="cannot be recast"):
        exclusion_ratios_2023(cp, ["borexino_bauer2018onh"])
    with pytest.raises(BayesU1XError, match="invisible convention"):
        exclusion_ratios_2023(cp, invisible="dark")
    with pytest.raises(BayesU1XError, match="br_dark"):
        exclusion_ratios_2023(cp, br_dark=1.0)
    with pytest.raises(BayesU1XError, match="Couplings"):
        exclusion_ratios_2023(np.ones(3))
    with pytest.raises(BayesU1XError, match="masses"):
        limit_curve_2023("B-L", 0.0, "e137_andreas2012mt", [0.01, -1.0])
    with pytest.raises(BayesU1XError, match="eps e/g_X"):
        limit_curve_2023("B-L", float("nan"), "e137_andreas2012mt")
    with pytest.raises(BayesU1XError, match="mode"):
        term.delta_chi2(cp, mode="paper")
    assert resolve_limits_2023("all")  # every recastable limit
