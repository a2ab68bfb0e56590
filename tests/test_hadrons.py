"""X -> hadrons through VMD, and the branching ratios of X including hadrons."""
import numpy as np
import pytest

from bayes_u1x.physics import hadrons, widths
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError


def _unit_bracket(model, r_eps, m):
    """Gamma(X -> hadrons, light quarks) / (g^2 m / 12 pi)."""
    m = np.atleast_1d(np.asarray(m, dtype=float))
    cp = effective_couplings(model, 1.0, r_eps, m, check_mass_range=False)
    return hadrons.hadronic_width(cp) / (m / (12 * np.pi))


def test_dark_photon_r_ratio_matches_reference_table():
    # R_had for photon-like charges, reference values of data/vmd README (Ilten et al., 1801.04847)
    m = [0.30, 0.50, 0.7755, 0.78265, 0.90, 1.0195, 1.20, 1.50, 2.00]
    ref = [0.01705, 0.5049, 12.375, 19.577, 1.8272, 49.119, 1.0331, 2.2398, 2.1801]
    # the README quotes 4-5 significant digits: half a unit of the 4th digit of 0.01705 is 3e-4
    np.testing.assert_allclose(_unit_bracket("dark-photon", 1.0, m), ref, rtol=3e-4)


def test_b_minus_l_bracket_matches_reference_table():
    # B-L: q_u = q_d = q_s = 1/3 -> c_rho = 0, c_omega = 2, c_phi = -1 (data/vmd README)
    m = [0.5, 0.78265, 1.0195, 1.5, 2.0]
    ref = [0.00051, 49.157, 48.386, 0.69127, 0.99999]
    # 0.00051 is quoted with 2 digits; the others with 5
    np.testing.assert_allclose(_unit_bracket("B-L", 0.0, m), ref, rtol=1e-2)


def test_charge_combinations_photon_and_baryon():
    c = hadrons.charge_combinations(2 / 3, -1 / 3, -1 / 3)
    np.testing.assert_allclose(c, (1.0, 1.0, 1.0), rtol=1e-15)  # exact up to rounding
    c = hadrons.charge_combinations(1 / 3, 1 / 3, 1 / 3)
    np.testing.assert_allclose(c, (0.0, 2.0, -1.0), atol=1e-15)  # exact up to rounding


def test_pure_baryon_coupling_has_no_rho_part_but_kinetic_mixing_adds_one():
    m = np.linspace(0.3, 1.9, 50)
    cp_b = effective_couplings("B-L", 1e-3, 0.0, m, check_mass_range=False)
    assert np.all(hadrons.hadronic_channel_widths(cp_b)["pi+_pi-"] == 0.0)
    assert np.all(hadrons.hadronic_channel_widths(cp_b)["4pi"] == 0.0)
    # with kinetic mixing r: q_u - q_d = r (Q_u - Q_d) = r -> pi+pi- = r^2 x (dark-photon pi+pi- per e^2)
    r = 0.3
    cp_k = effective_couplings("B-L", 1e-3, r, m, check_mass_range=False)
    cp_dp = effective_couplings("dark-photon", 1e-3, 1.0, m, check_mass_range=False)
    pipi_k = hadrons.hadronic_channel_widths(cp_k)["pi+_pi-"]
    pipi_dp = hadrons.hadronic_channel_widths(cp_dp)["pi+_pi-"]
    np.testing.assert_allclose(pipi_k, r ** 2 * pipi_dp, rtol=1e-12)  # same formula, rounding only


def test_channels_sum_to_total_and_widths_scale_as_g_squared():
    m = np.geomspace(0.15, 3.9, 80)
    for model, r in (("dark-photon", 1.0), ("B-L", -0.4), ("3,-6,7,-10", -6.26)):
        cp = effective_couplings(model, 1e-3, r, m)
        ch = hadrons.hadronic_channel_widths(cp)
        np.testing.assert_allclose(sum(ch.values()), hadrons.hadronic_width(cp), rtol=1e-12)  # rounding
        cp2 = effective_couplings(model, 3e-3, r, m)
        for k, v in widths.partial_widths(cp).items():
            np.testing.assert_allclose(widths.partial_widths(cp2)[k], 9.0 * v, rtol=1e-12)  # rounding


def test_below_threshold_and_frozen_above_2gev():
    cp = effective_couplings("dark-photon", 1.0, 1.0, np.array([0.01, 0.1]), check_mass_range=False)
    assert np.all(hadrons.hadronic_width(cp) == 0.0)  # table starts at 0.14 GeV (pi0 gamma threshold)
    light_2 = _unit_bracket("dark-photon", 1.0, 2.0)
    m = np.array([2.5, 2.99])  # below the c cbar threshold 2 m_c = 3 GeV
    np.testing.assert_allclose(_unit_bracket("dark-photon", 1.0, m), light_2[0], rtol=1e-12)  # frozen R


def test_open_charm_is_perturbative():
    m = 3.6
    cp = effective_couplings("dark-photon", 1.0, 1.0, m, check_mass_range=False)
    r2 = (1.5 / m) ** 2
    expected = 3 * (2 / 3) ** 2 * m / (12 * np.pi) * (1 + 2 * r2) * np.sqrt(1 - 4 * r2)
    np.testing.assert_allclose(hadrons.hadronic_channel_widths(cp)["c_cbar"], expected, rtol=1e-12)  # rounding


# Branching ratios at 10 MeV, 300 MeV, 1 GeV, computed by hand.
# Units of g^2 m/(12 pi): Gamma_ll = q_l^2 f(m_l), f = (1 + 2 r^2) sqrt(1 - 4 r^2), r = m_l/m;
# Gamma(nu_a nu_a) = q_nu^2 / 2; Gamma_had = VMD bracket (rows of data/vmd/vmd_r_ratios.csv).
#   f_e(0.01) = 0.999959, f_e(0.3) = f_e(1) = 1.000000; f_mu(0.3) = 0.885906, f_mu(1) = 0.999241.
#   Row 0.3000: R_pipi_rho = 0.017048, R_pi0gamma_omega = 5.6893e-6 -> photon R = 0.0170537,
#               B-L bracket (c_omega = 2) = 4 * 5.6893e-6 = 2.27572e-5.
#   Row 1.0000: rho: 0.68638 + 0.012238 + 0.057474; omega: 0.085283 + 0.00073459;
#               phi: 0.081986 + 0.091093; omega-phi: 0.08486
#               -> photon R = 0.7560920 + 0.0860176 + 0.173079 + 2(0.08486) = 1.184909,
#               -> B-L bracket = 4(0.0860176) + 0.173079 - 4(0.08486) = 0.177709.
# dark photon (q_l = -1, quarks Q): BR = (f_e, f_mu, R) / (f_e + f_mu + R)
# L_mu - L_tau (q_mu = 1, q_numu = 1, q_nutau = -1): BR_mumu = f_mu / (f_mu + 1)
# B - L (q_l = -1, 3 nu with q = -1): BR = (f_e, f_mu, 1.5, bracket) / (f_e + f_mu + 1.5 + bracket)
HAND_BR = {
    ("dark-photon", 1.0, 0.01): {"e": 1.0, "mu": 0.0, "hadrons": 0.0, "invisible": 0.0},
    ("dark-photon", 1.0, 0.3): {"e": 0.525497, "mu": 0.465541, "hadrons": 0.0089617, "invisible": 0.0},
    ("dark-photon", 1.0, 1.0): {"e": 0.314056, "mu": 0.313817, "hadrons": 0.372127, "invisible": 0.0},
    ("Lmu-Ltau", 0.0, 0.01): {"e": 0.0, "mu": 0.0, "hadrons": 0.0, "invisible": 1.0},
    ("Lmu-Ltau", 0.0, 0.3): {"e": 0.0, "mu": 0.469751, "hadrons": 0.0, "invisible": 0.530249},
    ("Lmu-Ltau", 0.0, 1.0): {"e": 0.0, "mu": 0.499810, "hadrons": 0.0, "invisible": 0.500190},
    ("B-L", 0.0, 0.01): {"e": 0.399990, "mu": 0.0, "hadrons": 0.0, "invisible": 0.600010},
    ("B-L", 0.0, 0.3): {"e": 0.295340, "mu": 0.261643, "hadrons": 6.7211e-6, "invisible": 0.443010},
    ("B-L", 0.0, 1.0): {"e": 0.271965, "mu": 0.271758, "hadrons": 0.0483306, "invisible": 0.407947},
}


@pytest.mark.parametrize("key", list(HAND_BR))
def test_branching_ratios_match_hand_computation(key):
    model, r_eps, m = key
    br = widths.branching_ratios(effective_couplings(model, 1e-3, r_eps, m))
    for ch, val in HAND_BR[key].items():
        # hand values carry 5-6 significant digits; absolute floor for the exact zeros
        assert float(br[ch]) == pytest.approx(val, rel=2e-5, abs=1e-9), (key, ch)
    total = sum(v for k, v in br.items() if k != "invisible")
    assert float(total) == pytest.approx(1.0, rel=1e-12)  # BRs are normalised exactly


def test_unknown_channel_is_a_clear_error():
    with pytest.raises(BayesU1XError, match="unknown hadronic channel"):
        hadrons.r_components(0.5, channel="pi_pi")
