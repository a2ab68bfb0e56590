"""Effective couplings (docs/conventions.md, Sec. 4.2 of arXiv:2203.13731) and partial widths (textbook limits)."""
import numpy as np
import pytest

from bayes_u1x.constants import M_MU
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import ParameterError
from bayes_u1x.parameters import theta_to_physical
from bayes_u1x.physics.widths import branching_ratios, fermion_pair_width, neutrino_width, partial_widths


def test_n_class_effective_charges_sec_4_2():
    r = np.array([-7.2, -6.0, 0.0, 2.5])
    for N in (0, 3, 7):
        cp = effective_couplings(f"3B-6Le-3Ltau+{N}(Lmu-Ltau)", 1e-4, r, 0.2)
        np.testing.assert_array_equal(cp.qV["e"], -6 - r)      # electron: -6 - eps e/g_X
        np.testing.assert_array_equal(cp.qV["mu"], N - r)      # muon: N - eps e/g_X
        np.testing.assert_allclose(cp.qV["p"], 3 + r, atol=1e-12)  # proton: 3 + eps e/g_X
        np.testing.assert_allclose(cp.qV["n"], 3 + 0 * r, atol=1e-12)  # neutron: 3
        np.testing.assert_array_equal(cp.q_nu["mu"], N + 0 * r)  # neutrinos: no kinetic-mixing shift
        assert np.all(cp.qA["e"] == 0) and np.all(cp.qA["mu"] == 0)  # vector-like


def test_quark_couplings_and_nucleons_from_quarks():
    cp = effective_couplings("B-L", 1e-3, np.array([0.0, 1.0]), 0.5)
    np.testing.assert_allclose(cp.qV["u"], [1 / 3, 1 / 3 + 2 / 3])
    np.testing.assert_allclose(cp.qV["d"], [1 / 3, 1 / 3 - 1 / 3])
    np.testing.assert_allclose(cp.qV["p"], [1, 2])
    np.testing.assert_allclose(cp.qV["n"], [1, 1])


def test_chiral_model_vector_axial_split():
    # Eq. 2.4: q_V = (x_L + x_E)/2, q_A = (x_L - x_E)/2; Eq. 5.1 charges
    cp = effective_couplings("tilde-Lmu-Ltau", 1e-3, 0.0, 0.1)
    assert cp.qV["e"] == 0 and cp.qA["e"] == -1      # electron purely axial
    assert cp.qV["mu"] == 6.5 and cp.qA["mu"] == 0.5
    assert cp.q_nu["mu"] == 7 and cp.qV["u"] == 0


def test_dark_photon_couplings_are_eps_e_Q():
    eps_e = 3e-4
    g = 1e-2
    cp = effective_couplings("dark-photon", g, eps_e / g, 0.1)
    assert np.isclose(cp.vector("e"), -eps_e) and np.isclose(cp.vector("p"), eps_e)
    assert cp.vector("n") == 0 and cp.q_nu["e"] == 0


def test_bad_points_are_refused_with_named_problem():
    with pytest.raises(ParameterError, match="NaN"):
        effective_couplings("Lmu-Ltau", np.nan, 0, 0.2)
    with pytest.raises(ParameterError, match="outside the supported range"):
        effective_couplings("Lmu-Ltau", 1e-3, 0, 5.0)
    with pytest.raises(ParameterError, match="non-negative"):
        effective_couplings("Lmu-Ltau", -1e-3, 0, 0.2)
    with pytest.raises(ParameterError, match="last dimension 3"):
        theta_to_physical(np.zeros((4, 2)))


def test_width_textbook_limits():
    g, m = 1e-3, 3.0
    # massless vector: Gamma = g^2 m / (12 pi)
    assert np.isclose(fermion_pair_width(g, 0.0, m, 1e-9), g ** 2 * m / (12 * np.pi), rtol=1e-12)
    # massless: vector and axial give the same width (chirality conservation)
    assert np.isclose(fermion_pair_width(0.0, g, m, 1e-9), fermion_pair_width(g, 0.0, m, 1e-9), rtol=1e-12)
    # one left-handed neutrino = half a massless Dirac fermion with q_V = q_A = q/2 ... = g^2 m/(24 pi)
    assert np.isclose(neutrino_width(g, m), fermion_pair_width(g / 2, g / 2, m, 0.0), rtol=1e-12)
    # closed below threshold, P-wave (beta^3) for axial and S-wave (beta) for vector near threshold
    assert fermion_pair_width(g, g, 2 * M_MU * 0.999, M_MU) == 0
    m1, m2 = 2 * M_MU * (1 + 1e-4), 2 * M_MU * (1 + 4e-4)
    rv = fermion_pair_width(g, 0, m2, M_MU) / fermion_pair_width(g, 0, m1, M_MU)
    ra = fermion_pair_width(0, g, m2, M_MU) / fermion_pair_width(0, g, m1, M_MU)
    assert np.isclose(rv, 2.0, rtol=1e-3)  # beta doubles when (m - 2 m_mu) quadruples
    assert np.isclose(ra, 8.0, rtol=1e-3)  # beta^3


def test_widths_scale_as_g_squared_and_brs_sum_to_one():
    m = np.array([0.05, 0.2, 0.5])
    cp1 = effective_couplings("B-L", 1e-4, 0.3, m)
    cp2 = effective_couplings("B-L", 3e-4, 0.3, m)
    for k, v in partial_widths(cp1).items():
        np.testing.assert_allclose(partial_widths(cp2)[k], 9 * v, rtol=1e-12)
    br = branching_ratios(cp1)
    total = sum(v for k, v in br.items() if k != "invisible")
    np.testing.assert_allclose(total, 1.0, rtol=1e-12)


def test_lmu_ltau_below_dimuon_threshold_is_invisible():
    cp = effective_couplings("Lmu-Ltau", 1e-3, 0.0, np.array([0.05, 0.2]))
    np.testing.assert_allclose(branching_ratios(cp)["invisible"], 1.0)
    # above: BR(mu mu) = beta(1+2r^2)/(1 + beta(1+2r^2)), two neutrino flavours = g^2 m/(12 pi)
    m = 0.3
    cp = effective_couplings("Lmu-Ltau", 1e-3, 0.0, m)
    r2 = (M_MU / m) ** 2
    f = np.sqrt(1 - 4 * r2) * (1 + 2 * r2)
    assert np.isclose(branching_ratios(cp)["mu"], f / (1 + f), rtol=1e-12)
