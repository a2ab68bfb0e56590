"""Electroweak T parameter and Z–X mixing (arXiv:2203.13731, Sec. 3.1)."""
import numpy as np
import pytest
from scipy.optimize import brentq

from bayes_u1x.physics import electroweak as ew
from bayes_u1x.constants import ALPHA_MZ, E_CHARGE, M_Z, SW2_MZ
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import ew_t

DATA = load_measurements("2021")


def test_sm_value_exact():
    # g_X = 0 or r_eps = 0: T = 0 and the term is its SM value (0.03/0.12)^2
    cp = effective_couplings("Lmu-Ltau", np.array([0.0, 1e-3, 0.0]), np.array([5.0, 0.0, 0.0]),
                             np.array([0.2, 0.2, 1.0]))
    assert np.all(ew_t.delta_chi2(cp, DATA) == (0.03 / 0.12) ** 2)


def test_eq_3_14_light_bound():
    # one-sided 95% CL (Δχ² − Δχ²_SM = 2.71; T is only negative for m_X < m_Z) at m_X = 0.1 GeV
    f = lambda e: ((ew.t_parameter(e, 0.1) - 0.03) / 0.12) ** 2 - (0.03 / 0.12) ** 2 - 2.71
    eps_bound = brentq(f, 1e-4, 0.5)
    # 1%: the paper quotes two significant digits (0.076)
    assert eps_bound == pytest.approx(0.076, rel=0.01)


def test_eq_3_14_via_observable():
    # same bound through the observable module: eps = r_eps g/e, eps_Y = eps/c_w
    g = 1e-3
    eps_y = 0.076
    r_eps = eps_y * ew.C_W * E_CHARGE / g
    cp = effective_couplings("dark-photon", g, r_eps, 0.1)
    d = float(ew_t.delta_chi2(cp, DATA)) - 0.0625
    # within ±0.1 of 2.71: the 1% rounding of 0.076 moves Δχ² by ~0.07
    assert d == pytest.approx(2.71, abs=0.1)


def test_eq_3_13_light_limit():
    eps = np.array([1e-3, 1e-2])
    t = ew.t_parameter(eps, 0.01)
    # O(eps_Y^2, m_X^2/m_Z^2) corrections are < 1e-3 here
    np.testing.assert_allclose(t, ew.t_parameter_light(eps), rtol=1e-3)
    # Eq. 3.13 quotes the coefficient as "≃ 30": s_w^2/alpha(m_Z) = 29.6 (2% from rounding)
    assert SW2_MZ / ALPHA_MZ == pytest.approx(30.0, rel=0.02)


def _diagonalise(eps_y, m_x0):
    """Independent check: eigen-decomposition of the (Z', X') mass matrix after kinetic diagonalisation."""
    a = ew.S_W * ew.eps_hat(eps_y)
    delta2 = 1.0 / (1.0 - eps_y ** 2)
    mass2 = M_Z ** 2 * np.array([[1.0, -a], [-a, a * a + delta2 * (m_x0 / M_Z) ** 2]])
    vals, vecs = np.linalg.eigh(mass2)
    return vals, vecs


@pytest.mark.parametrize("m_x0,eps_y", [(5.0, 0.05), (60.0, 0.02), (200.0, 0.1), (89.0, 0.03)])
def test_rho0_and_mixing_from_mass_matrix(m_x0, eps_y):
    vals, vecs = _diagonalise(eps_y, m_x0)
    # the X is the eigenstate with the larger X' component
    ix = int(np.argmax(np.abs(vecs[1])))
    m_x, m_z = np.sqrt(vals[ix]), np.sqrt(vals[1 - ix])
    # Eq. 3.11 is exact at tree level (machine precision)
    assert ew.rho0(eps_y, m_x) == pytest.approx(M_Z ** 2 / m_z ** 2, rel=1e-9)
    # X = s_θ Z' + c_θ X'  ->  t_θ = (Z' component)/(X' component), upper branch of Eq. 3.6
    t_num = vecs[0, ix] / vecs[1, ix]
    assert ew.tan_theta(eps_y, m_x) == pytest.approx(t_num, rel=1e-9)


def test_eq_3_12_is_linearised_rho():
    # T = (rho0 - 1)/alpha exactly (the paper's linearisation)
    for m, e in [(1.0, 0.05), (150.0, 0.1)]:
        assert ew.t_parameter(e, m) == pytest.approx((ew.rho0(e, m) - 1.0) / ALPHA_MZ, rel=1e-12)


def test_t_positive_above_mz_and_decoupling():
    assert ew.t_parameter(0.05, 200.0) > 0
    # heavy X decouples: T ~ 1/m_X^2 (ratio 4 for m doubling, within 1% at m >> m_Z)
    assert ew.t_parameter(0.05, 2000.0) / ew.t_parameter(0.05, 4000.0) == pytest.approx(4.0, rel=0.01)


def test_branches_continuous():
    # both branches of Eq. 3.6 give |t_θ| = 1 on the boundary |s_w ε̂| = |1 − r_X^2|
    eps = 0.02
    a = ew.S_W * ew.eps_hat(eps)
    m_b = M_Z * np.sqrt(1 - a)
    t = ew.tan_theta(eps, m_b * np.array([1 - 1e-9, 1 + 1e-9]))
    np.testing.assert_allclose(t, [1.0, 1.0], rtol=1e-5)  # O(1e-9) offset from the boundary
    assert ew.degenerate_branch(eps, M_Z) and not ew.degenerate_branch(eps, 10.0)


def test_unphysical_gap_is_flagged():
    eps = 0.05
    a2 = SW2_MZ * ew.eps_hat(eps) ** 2
    m_gap = M_Z * np.sqrt(1 + 0.5 * a2)
    assert np.isnan(ew.t_parameter(eps, m_gap)) and not ew.is_physical(eps, m_gap)


def test_effective_current_low_mass_matches_kinetic_mixing():
    # Eq. 3.19: for m_X << m_Z the photon piece is eps e Q with eps = c_w eps_Y and the Z piece is
    # suppressed by r_X^2/(1 - r_X^2)
    eps_y, m = 0.01, 0.5
    k_a, k_z = ew.current_coefficients(eps_y, m)
    assert k_a == pytest.approx(E_CHARGE * ew.C_W * eps_y, rel=1e-3)  # c_θ, ε̂ corrections O(1e-4)
    r2 = (m / M_Z) ** 2
    assert k_z == pytest.approx(ew.G_Z * ew.S_W * eps_y * r2 / (1 - r2), rel=1e-3)
    g_v, g_a, g_nu = ew.lepton_couplings(0.0, 0.0, eps_y, m)
    assert g_v == pytest.approx(-k_a + k_z * (-0.25 + SW2_MZ))
    assert g_a == pytest.approx(-0.25 * k_z) and g_nu == pytest.approx(0.5 * k_z)


def test_r_mue_universal_charges_vanish():
    # Eq. 3.17: lepton-universal charges give no shift; L_mu-L_tau-like charges do (∝ t_θ)
    assert ew.delta_r_mue(1e-2, 1e-2, 1e-2, 1e-2, 0.05, 10.0) == 0.0
    d1 = ew.delta_r_mue(0, 0, 1e-2, 1e-2, 0.05, 10.0)
    d2 = ew.delta_r_mue(0, 0, 1e-2, 1e-2, 0.10, 10.0)
    assert d1 != 0 and d2 / d1 == pytest.approx(ew.tan_theta(0.1, 10.0) / ew.tan_theta(0.05, 10.0))
    # the R_mu/e term of the Sec. 4.1 fit in the SM: ((1 - 1.0009)/0.0028)^2 (Eq. 3.16)
    from bayes_u1x.paper.fig1 import Fig1Chi2
    sm = Fig1Chi2(ccfr_method="eft", with_r_mue=True).terms(0.0, 0.0, 0.0, 10.0)["r_mue"]
    assert float(sm) == pytest.approx((0.0009 / 0.0028) ** 2)


def test_bad_input():
    with pytest.raises(BayesU1XError):
        ew.t_parameter(1.5, 1.0)
    with pytest.raises(BayesU1XError):
        ew.tan_theta(0.1, -1.0)
