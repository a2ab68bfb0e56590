"""CCFR trident term (arXiv:2203.13731, Sec. 3.2, Eqs. 3.20–3.22)."""
import numpy as np
import pytest
from scipy.optimize import brentq

from bayes_u1x.physics import trident as tr
from bayes_u1x.constants import G_F, SW2_MZ
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError
from bayes_u1x.likelihood import CompositeLikelihood
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import ccfr
from bayes_u1x.observables.amu import delta_a

DATA = load_measurements("2021")


@pytest.mark.parametrize("method", ["eft", "full"])
def test_sm_value(method):
    cp = effective_couplings("Lmu-Ltau", np.array([0.0, 0.0]), np.array([3.0, 0.0]), np.array([0.05, 2.0]))
    np.testing.assert_allclose(ccfr.ratio(cp, method=method), 1.0, rtol=1e-14)
    np.testing.assert_allclose(ccfr.delta_chi2(cp, DATA, method=method), (0.18 / 0.28) ** 2, rtol=1e-12)


def test_eft_formula_eq_3_21():
    # L_mu-L_tau (q_nu = q_V = 1, q_A = 0) at 3 GeV with g = 3e-3: C_V from Eq. 3.22
    g, m = 3e-3, 3.0
    cp = effective_couplings("Lmu-Ltau", g, 0.0, m)
    c_v = g ** 2 / (np.sqrt(2) * G_F * m ** 2)
    gv = 0.5 + 2 * SW2_MZ
    expect = ((gv + c_v) ** 2 + 1.13 * 0.25) / (gv ** 2 + 1.13 / 4)
    assert float(ccfr.ratio(cp, method="eft")) == pytest.approx(expect, rel=1e-12)
    assert ccfr.EFT_VALID_MIN_MASS == 1.0 and "1 GeV" in ccfr.__doc__


def test_no_trident_without_neutrino_charge():
    # B - 2L_e - L_tau-like situation: muon coupling from kinetic mixing only, q_nu_mu = 0 -> no NP
    cp = effective_couplings("dark-photon", 1e-3, -5.0, 0.3)
    assert float(ccfr.ratio(cp)) == pytest.approx(1.0, abs=1e-14)


def test_full_reduces_to_eft_at_heavy_mass():
    m = np.array([20.0, 50.0])
    g = 2e-3 * m
    cp = effective_couplings("Lmu-Ltau", g, 0.0, m, check_mass_range=False)
    full = ccfr.ratio(cp, method="full")
    eft = ccfr.ratio(cp, method="eft", ratio_av=ccfr._ratio_model(tr.E_NU_CCFR, "helm").ratio_av)
    np.testing.assert_allclose(full, eft, rtol=0.01)  # Q²/m² ≲ 1% at ≥ 20 GeV


def test_full_weaker_than_eft_below_mx_1gev():
    # the contact form overestimates the NP effect of a light X (propagator 1/(m²+Q²) < 1/m²)
    m = np.array([0.05, 0.3, 1.0, 2.0])
    cp = effective_couplings("Lmu-Ltau", np.full(4, 2e-3), 0.0, m)
    assert np.all(ccfr.ratio(cp, method="full") < ccfr.ratio(cp, method="eft"))


def test_lmu_ltau_g2_band_excluded_above_half_gev():
    # Eq. 4.1 / ref. [56] (arXiv:1406.2332): trident disfavours the L_mu-L_tau g-2 band for
    # m_X ≳ 0.4–0.5 GeV. The whole 2σ band is excluded (CCFR Δχ² > 4) where its lower edge,
    # Δa_μ = 251 − 2·59.4 (×1e−11), crosses the CCFR bound.
    def excess(m, da):
        g = brentq(lambda x: delta_a(x, 0.0, m) - da, 1e-7, 1.0)
        cp = effective_couplings("Lmu-Ltau", g, 0.0, m)
        return float(ccfr.delta_chi2(cp, DATA)) - 4.0

    m_edge = brentq(excess, 0.05, 3.0, args=((251.0 - 2 * 59.4) * 1e-11,))
    assert 0.3 < m_edge < 0.7  # paper: ~0.5 GeV (Eq. 4.1); window from the issue's acceptance


def test_likelihood_integration_and_options():
    lk = CompositeLikelihood("Lmu-Ltau", terms="ccfr", term_options={"ccfr": {"method": "eft"}}, data="2021")
    lk_full = CompositeLikelihood("Lmu-Ltau", terms="ccfr", data="2021")
    th = np.array([[np.log10(1.4e-3), 0.0, np.log10(2.0)]] * 3)
    a, b = lk.terms_theta(th)["ccfr"], lk_full.terms_theta(th)["ccfr"]
    assert a.shape == (3,) and np.all(a > b) and np.all(np.isfinite(b))
    with pytest.raises(BayesU1XError):
        ccfr.ratio(effective_couplings("Lmu-Ltau", 1e-3, 0.0, 0.2), method="exact")


def test_axial_coupling_enters():
    # chiral model with an axial muon coupling: destructive C_A can lower the ratio below 1
    cp = effective_couplings("tilde-Lmu-Ltau", 1e-2, 0.0, 3.0)
    r_full = float(ccfr.ratio(cp))
    r_eft = float(ccfr.ratio(cp, method="eft"))
    assert np.isfinite(r_full) and r_full != 1.0 and np.sign(r_full - 1) == np.sign(r_eft - 1)


def test_photon_flux_option():
    # the leading-log flux overweights large s, hence larger ⟨Q²⟩ and a weaker light-X effect
    cp = effective_couplings("Lmu-Ltau", np.full(3, 2e-3), 0.0, np.array([0.1, 0.3, 1.0]))
    ww, lg = ccfr.ratio(cp), ccfr.ratio(cp, flux="log")
    assert np.all(ww > lg) and np.all(lg > 1.0)
    with pytest.raises(BayesU1XError):
        ccfr.ratio(cp, flux="nope")
