"""Model space: enumeration (419), anomaly coefficients, named models, (alpha, R) map."""
import itertools
from fractions import Fraction

import numpy as np
import pytest

from bayes_u1x import models as M
from bayes_u1x.models import enumeration
from bayes_u1x.models import ModelError


def test_paper_count_419():
    # arXiv:2203.13731 Sec. 1 and 2.2: 419 phenomenologically distinct vector-like models
    assert M.count_vector_models(10) == 419
    assert len(M.enumerate_vector_models(10)) == 419


def test_paper_count_255_charge_assignments():
    # Sec. 2.2: 255 vector-category charge assignments (N_i charges distinguish, permutations don't)
    assert M.count_charge_assignments(10) == 255


def test_every_enumerated_model_is_anomaly_free_with_integer_charges():
    for m in M.enumerate_vector_models(10):
        assert all(c == 0 for c in m.anomalies()), m.name
        xs = [m.x_Q, *m.x_L, *m.x_N]
        # the stored charges are a rescaling of an integer assignment with |x| <= 10
        den = 1
        for x in xs:
            den = den * x.denominator // np.gcd(den, x.denominator)
        assert all((x * den).denominator == 1 for x in xs)


def test_table1_models_and_dark_photon_are_enumerated():
    rays = {tuple(int(x) for x in (m.x_Q, *m.x_L)) for m in M.enumerate_vector_models(10)}
    table1 = [(0, 0, 1, -1), (3, -7, -1, -1), (3, -6, 7, -10), (3, -6, 6, -9), (3, -6, 5, -8),
              (3, -6, 4, -7), (3, -6, 3, -6)]
    for cB, *c in table1:
        ray = enumeration._primitive((cB // 3, *c))
        assert ray in rays, (cB, c)
    assert (0, 0, 0, 0) in rays  # dark photon counts as one model (arXiv:2203.13731, Sec. 2.2)


def _brute_force_rays(K):
    """Independent check: every integer assignment of all fields with |x| <= K, anomaly
    coefficients computed from the field content (no enumeration formula), reduced to rays."""
    rays = set()
    rng = range(-K, K + 1)
    for xq, ce, cm, ct in itertools.product(rng, repeat=4):
        for n in itertools.combinations_with_replacement(rng, 3):
            m = M.Model(name="t", x_L=(Fraction(ce), Fraction(cm), Fraction(ct)),
                        x_E=(Fraction(ce), Fraction(cm), Fraction(ct)), x_Q=Fraction(xq),
                        x_u=Fraction(xq), x_d=Fraction(xq), x_N=tuple(Fraction(x) for x in n))
            # cheap necessary condition first (SU(2)^2 X), then the full set of six
            if 9 * xq + ce + cm + ct:
                continue
            if all(c == 0 for c in M.anomaly_coefficients(m)):
                rays.add(enumeration._primitive((xq, ce, cm, ct)))
                break
    return rays


@pytest.mark.parametrize("K", [1, 2])
def test_enumeration_matches_brute_force_from_field_content(K):
    enumerated = {ray for ray, _ in enumeration._enumerate(K)}
    assert enumerated == _brute_force_rays(K)


def test_large_max_charge_runs_and_grows():
    n30 = M.count_vector_models(30)
    # the K=10 set is contained in the K=30 set (larger bound admits more rays)
    assert n30 > 419
    assert {r for r, _ in enumeration._enumerate(10)} <= {r for r, _ in enumeration._enumerate(30)}


def test_named_benchmarks_normalisation():
    assert M.get_model("Lmu-Ltau").table1 == (0, 0, 1, -1)
    assert M.get_model("B-L").table1 == (1, -1, -1, -1)
    assert M.get_model("B-3Le").table1 == (1, -3, 0, 0)
    assert M.get_model("B-2Le-Ltau").table1 == (1, -2, 0, -1)
    assert M.get_model("B-2Le-Lmu").table1 == (1, -2, -1, 0)
    assert M.get_model("dark-photon").is_dark_photon
    for N in (-3, 0, 3, 7, 12):
        assert M.get_model(f"3B-6Le-3Ltau+{N}(Lmu-Ltau)").table1 == (3, -6, N, -3 - N)
        assert M.get_model(f"3B-7Le-2Ltau+{N}(Lmu-Ltau)").table1 == (3, -7, N, -2 - N)
    assert M.get_model("3B-7Le-2Ltau+(-1)(Lmu-Ltau)").table1 == (3, -7, -1, -1)


def test_user_charges_parsed_and_checked():
    assert M.get_model("3,-6,7,-10").table1 == (3, -6, 7, -10)
    assert M.get_model("1/3,-1/3,-1/3,-1/3").table1 == (Fraction(1, 3),) + (Fraction(-1, 3),) * 3
    with pytest.raises(ModelError, match="SU\\(2\\)\\^2"):
        M.get_model("1,2,3,4")
    with pytest.raises(ModelError, match="malformed"):
        M.get_model("1,2,3")
    with pytest.raises(ModelError, match="unknown model"):
        M.get_model("not-a-model")


def test_tilde_lmu_ltau_anomaly_free_and_mutation_refused():
    m = M.get_model("tilde-Lmu-Ltau")  # Eq. 5.1
    assert not m.is_vectorlike
    assert all(c == 0 for c in m.anomalies())
    mutated = dict(M.TILDE_LMU_LTAU)
    mutated["x_E"] = (1, 6, -6)  # change one right-handed tau charge
    with pytest.raises(ModelError) as exc:
        M.chiral_model(**mutated, name="mutant")
    msg = str(exc.value)
    assert "U(1)_X^3" in msg and "grav^2" in msg and "mutant" in msg


def test_alpha_r_round_trip():
    rng = np.random.default_rng(1)
    alpha = rng.uniform(-np.pi, np.pi, 200)
    R = rng.uniform(0.01, 100, 200)
    c = M.alpha_r_to_charges(alpha, R)
    # anomaly freedom for any (alpha, R): c_B = -(c_e + c_mu + c_tau)/3 (Eq. 4.4 text)
    np.testing.assert_allclose(c[0], -(c[1] + c[2] + c[3]) / 3, atol=1e-12)
    a2, R2 = M.charges_to_alpha_r(*c)
    np.testing.assert_allclose(np.cos(a2), np.cos(alpha), atol=1e-10)  # angles mod 2 pi
    np.testing.assert_allclose(np.sin(a2), np.sin(alpha), atol=1e-10)
    np.testing.assert_allclose(R2, R, rtol=1e-10)
    # and from charges: rescaling a model leaves (alpha, R) unchanged
    a3, R3 = M.charges_to_alpha_r(*(5 * np.array([3.0, -6.0, 7.0, -10.0])))
    a4, R4 = M.charges_to_alpha_r(3.0, -6.0, 7.0, -10.0)
    assert np.isclose(a3, a4) and np.isclose(R3, R4)
    # the N class lies on tan(alpha) = -2/3 (Sec. 4.2)
    assert np.isclose(np.tan(a4), -2 / 3)
    # L_mu - L_tau is the R -> infinity limit
    assert np.isinf(M.charges_to_alpha_r(0, 0, 1, -1)[1])


def test_negative_R_equivalent_to_alpha_plus_pi():
    # footnote 9: R -> -R equals alpha -> alpha + pi up to overall sign
    c1 = np.array(M.alpha_r_to_charges(0.3, -2.0))
    c2 = np.array(M.alpha_r_to_charges(0.3 + np.pi, 2.0))
    np.testing.assert_allclose(c1, -c2, atol=1e-12)
