"""Electron g-2 (Sec. 5.2): Eq. 5.6 with Cs and Rb inputs, limits, SM value, options."""
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from bayes_u1x.constants import M_E
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.errors import BayesU1XError
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import ae

DATA = load_measurements("2021")
TILDE = "tilde-Lmu-Ltau"


def _cp(model, g, r, m):
    return effective_couplings(model, g, r, m, check_mass_range=False)


def _bound(alpha, m=1.0):
    """Largest g_X with Δχ² <= 4 (above the best fit) for L~mu-tau at ε = 0."""
    central, _ = ae.measurement(DATA, alpha)
    target = min(central, 0.0)  # an axial coupling only lowers a_e
    g_best = brentq(lambda g: float(ae.delta_a_e(_cp(TILDE, g, 0.0, m))) - target, 0.0, 1.0) if target < 0 else 0.0
    return brentq(lambda g: float(ae.delta_chi2(_cp(TILDE, g, 0.0, m), DATA, alpha=alpha)) - 4.0,
                  g_best, 1.0, xtol=1e-14)


def test_eq_5_6_cs():
    # Eq. 5.6 prints 1.2e-2 at m_X = 1 GeV: half a unit of the last digit
    assert abs(_bound("Cs") - 1.2e-2) <= 0.05e-2


def test_eq_5_6_rb():
    # Eq. 5.6 prints 3.3e-3 at m_X = 1 GeV: half a unit of the last digit
    assert abs(_bound("Rb") - 3.3e-3) <= 0.05e-3


def test_heavy_limit():
    # m_X ≫ m_e: Δa_e = g²(m_e²/m_X²)(q_V² − 5 q_A²)/(12π²); corrections O(m_e²/m_X² ln) < 1e-5 at 1 GeV
    g, m = 1e-3, 1.0
    pref = g ** 2 * M_E ** 2 / (12 * math.pi ** 2 * m ** 2)
    cp_ax = _cp(TILDE, g, 0.0, m)                 # q_V^e = 0, q_A^e = -1
    assert np.isclose(float(ae.delta_a_e(cp_ax)), -5 * pref, rtol=1e-4)
    cp_v = _cp("B-3Le", g, 0.0, m)                # vector q_V^e = -3
    assert np.isclose(float(ae.delta_a_e(cp_v)), 9 * pref, rtol=1e-4)


@pytest.mark.parametrize("m", [0.01, 0.1, 4.0])
def test_loop_quadrature_against_adaptive(m):
    g = 1e-3
    rho = (m / M_E) ** 2

    def fa(x):
        return (x * (1 - x) * (4 - x) + 2 * x ** 3 / rho) / (x ** 2 + rho * (1 - x))

    def fv(x):
        return x ** 2 * (1 - x) / (x ** 2 + rho * (1 - x))

    pts = [1 - 1 / rho]
    a = quad(fa, 0, 1, points=pts, epsabs=0, epsrel=1e-12, limit=200)[0]
    v = quad(fv, 0, 1, points=pts, epsabs=0, epsrel=1e-12, limit=200)[0]
    exp = g ** 2 * (0.01 ** 2 * v - a) / (4 * math.pi ** 2)   # L~mu-tau: q_V = -r, r = 0.01; q_A = -1
    got = float(ae.delta_a_e(_cp(TILDE, g, 0.01, m)))
    # 128-node Gauss-Legendre misses only the x -> 1 sliver of width 1/rho (relative ~ ln(rho)/rho)
    assert np.isclose(got, exp, rtol=1e-5)


def test_default_is_rb_and_sm_values():
    cp = _cp(TILDE, np.zeros(2), np.array([0.0, 2.0]), np.array([0.02, 3.0]))
    assert np.all(ae.delta_chi2(cp, DATA) == ae.delta_chi2(cp, DATA, alpha="Rb"))
    # exact: Δa_X = 0, so Δχ² = (Δa_e^exp/σ)² with the stored inputs of Sec. 5.2
    assert np.all(ae.delta_chi2(cp, DATA, alpha="Rb") == (4.8e-13 / 3.0e-13) ** 2)
    assert np.all(ae.delta_chi2(cp, DATA, alpha="Cs") == (-8.8e-13 / 3.6e-13) ** 2)
    assert np.isclose(ae.delta_chi2(cp, DATA, alpha="Rb")[0], 2.56, rtol=1e-12)  # rounding only


def test_no_electron_coupling_gives_sm():
    cp = _cp("Lmu-Ltau", np.array([1e-3, 1e-2]), 0.0, np.array([0.05, 1.0]))
    assert np.all(ae.delta_chi2(cp, DATA) == (4.8e-13 / 3.0e-13) ** 2)


def test_bad_alpha():
    cp = _cp(TILDE, 1e-4, 0.0, 0.1)
    with pytest.raises(BayesU1XError, match="alpha"):
        ae.delta_chi2(cp, DATA, alpha="K")
    with pytest.raises(BayesU1XError, match="unknown option"):
        ae.delta_chi2(cp, DATA, alpah="Rb")
