"""APV (Sec. 5.1): Eq. 5.3 limit, Eq. 5.4 bounds, general-coupling formula, vector-like zero."""
import math

import numpy as np
import pytest
from scipy.optimize import brentq

from bayes_u1x.constants import E_CHARGE, G_F
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError
from bayes_u1x.likelihood import CompositeLikelihood
from bayes_u1x.measurements import load_measurements
from bayes_u1x.models import chiral_model, enumerate_vector_models
from bayes_u1x.observables import apv

DATA = load_measurements("2021")
TILDE = "tilde-Lmu-Ltau"


def _cp(model, g, r, m):
    return effective_couplings(model, g, r, m, check_mass_range=False)


def _bound_coefficient(r_eps, m=1.0):
    """C of Eq. 5.4 (g_X < (m_X/GeV) r^-1/2 C) from Δχ² = 4 on the side away from the data."""
    if r_eps > 0:   # ΔQ_W > 0 for ε > 0: the bound is above the best fit ΔQ_W = 0.65
        g_best = math.sqrt(0.65 * G_F * m ** 2 / (55 * r_eps * 2 * math.sqrt(2)))
        lo, hi = g_best, 1.0
    else:
        lo, hi = 1e-9, 1.0
    g = brentq(lambda g: apv.delta_chi2(_cp(TILDE, g, r_eps, m), DATA) - 4.0, lo, hi, xtol=1e-14)
    return g * math.sqrt(abs(r_eps)) / m


@pytest.mark.parametrize("r_eps", [E_CHARGE / 10, 1.0])
def test_eq_5_4_positive_eps(r_eps):
    # Eq. 5.4 prints 3.4e-4: half a unit of its last digit (0.05e-4) plus 0.005e-4 for inputs (G_F, Z)
    assert abs(_bound_coefficient(r_eps) - 3.4e-4) <= 0.055e-4


@pytest.mark.parametrize("r_eps", [-E_CHARGE / 10, -1.0])
def test_eq_5_4_negative_eps(r_eps):
    # Eq. 5.4 prints 1.3e-4: half a unit of its last digit (0.05e-4) plus 0.005e-4 for inputs
    assert abs(_bound_coefficient(r_eps) - 1.3e-4) <= 0.055e-4


def test_bound_scales_linearly_with_mass():
    # contact interaction: ΔQ_W ∝ g²/m², so the bound on g is ∝ m_X exactly
    assert np.isclose(_bound_coefficient(0.5, m=0.05), _bound_coefficient(0.5, m=2.0), rtol=1e-9)


def test_reduces_to_eq_5_3():
    g, r, m = np.array([1e-4, 3e-4, 2e-3]), np.array([0.03, -0.5, 2.0]), np.array([0.02, 0.2, 1.5])
    got = apv.delta_qw(_cp(TILDE, g, r, m), Z=55, N=78)
    eq_5_3 = 55 * r * g ** 2 * 2 * math.sqrt(2) / (G_F * m ** 2)  # Z εe g_X 2√2/(G_F m_X²)
    assert np.allclose(got, eq_5_3, rtol=1e-12)  # identical algebra, rounding only


def test_general_couplings_match_quark_level_c1q():
    # a chiral model with quark charges (anomaly check off: this only tests the algebra)
    model = chiral_model(x_L=(-1, 2, 0), x_E=(2, 1, 0), x_N=(0, 0, 0), x_Q=1, x_u=3, x_d=-2, check=False)
    g, r, m = 2e-4, 0.7, 0.3
    cp = _cp(model, g, r, m)
    # independent route: ΔC_1q = √2 g² q_A^e q_V^q/(G_F m²); Q_W = −2[Z(2C1u+C1d) + N(C1u+2C1d)] (PDG)
    c1u = math.sqrt(2) * g ** 2 * float(cp.qA["e"]) * float(cp.qV["u"]) / (G_F * m ** 2)
    c1d = math.sqrt(2) * g ** 2 * float(cp.qA["e"]) * float(cp.qV["d"]) / (G_F * m ** 2)
    expected = -2 * (55 * (2 * c1u + c1d) + 78 * (c1u + 2 * c1d))
    assert float(cp.qA["e"]) != 0 and float(cp.qV["n"]) != 0
    assert np.isclose(float(apv.delta_qw(cp)), expected, rtol=1e-12)  # same physics, rounding only


def test_sm_value_exact():
    cp = _cp(TILDE, np.zeros(3), np.array([0.0, 1.0, -3.0]), np.array([0.01, 0.2, 4.0]))
    assert np.all(apv.delta_chi2(cp, DATA) == (0.65 / 0.43) ** 2)


def test_vectorlike_models_give_zero():
    models = enumerate_vector_models(10)
    assert len(models) == 419
    for mod in models[::7] + [m for m in models if m.name == "dark-photon"]:
        cp = _cp(mod, np.array([1e-3, 1e-2]), np.array([-5.0, 3.0]), np.array([0.02, 1.0]))
        assert np.all(apv.delta_qw(cp) == 0.0)
        assert np.all(apv.delta_chi2(cp, DATA) == (0.65 / 0.43) ** 2)


def test_sign_positive_eps_raises_qw():
    # Eq. 5.3: ΔQ_W > 0 for ε > 0 in L~mu-tau (this is why the ε > 0 bound is the weaker one)
    assert float(apv.delta_qw(_cp(TILDE, 1e-4, 0.1, 0.1))) > 0
    assert float(apv.delta_qw(_cp(TILDE, 1e-4, -0.1, 0.1))) < 0


def test_bad_option_is_a_package_error():
    with pytest.raises(BayesU1XError, match="no options"):
        apv.delta_chi2(_cp(TILDE, 1e-4, 0.1, 0.1), DATA, nucleus="Tl")


def test_through_the_composite_likelihood():
    lk = CompositeLikelihood(TILDE, terms="apv,ae,texono,charm2", data="2021")
    theta = np.array([[-4.0, 0.03, -1.0], [-3.5, -0.03, -0.5]])
    out = lk.terms_theta(theta)
    assert set(out) == {"apv", "ae", "texono", "charm2"}
    assert all(v.shape == (2,) and np.all(np.isfinite(v)) for v in out.values())
    sm = lk.sm_terms()
    assert sm["texono"] == 0.0 and sm["charm2"] == 0.0
