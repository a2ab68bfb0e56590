"""CompositeLikelihood: terms, presets, SM limit, errors."""
import numpy as np
import pytest

from bayes_u1x.errors import ParameterError
from bayes_u1x.errors import LikelihoodError
from bayes_u1x.likelihood import ALL_TERMS, CompositeLikelihood

# every term of the registry (none may be missing: the registry imports each module)
AVAILABLE = list(ALL_TERMS)


def test_amu_available():
    assert "amu" in AVAILABLE


@pytest.mark.parametrize("model", ["Lmu-Ltau", "B-L", "3,-6,7,-10", "dark-photon", "tilde-Lmu-Ltau"])
def test_g_to_zero_reproduces_sm_exactly(model):
    lk = CompositeLikelihood(model, terms=AVAILABLE, data="2021")
    sm = lk.sm_terms()
    rng = np.random.default_rng(3)
    n = 20
    r = rng.uniform(-15, 15, n)
    m = 10 ** rng.uniform(-2, np.log10(4), n)
    vals = lk.terms_physical(np.zeros(n), r, m)
    for t in AVAILABLE:
        # exact: at g_X = 0 no term may depend on eps e/g_X or m_X
        np.testing.assert_array_equal(vals[t], np.full(n, sm[t]), err_msg=t)


def test_terms_reported_and_total_is_sum():
    lk = CompositeLikelihood("Lmu-Ltau", terms=AVAILABLE, data="2021")
    theta = np.array([[-3.0, 0.0, np.log10(0.2)], [-2.5, 1.0, -1.5]])
    total, per = lk.evaluate(theta)
    assert set(per) == set(AVAILABLE)
    np.testing.assert_allclose(total, sum(per.values()))
    np.testing.assert_allclose(lk.log_likelihood(theta), -0.5 * total)


def test_term_errors():
    with pytest.raises(LikelihoodError, match="unknown likelihood term"):
        CompositeLikelihood("Lmu-Ltau", terms="amu,bogus", data="2021")
    with pytest.raises(LikelihoodError, match="twice"):
        CompositeLikelihood("Lmu-Ltau", terms=["amu", "amu"], data="2021")
    with pytest.raises(ParameterError, match="NaN"):
        CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021").delta_chi2(np.array([np.nan, 0, -1]))
    with pytest.raises(ParameterError, match="outside the supported range"):
        CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021").delta_chi2(np.array([-3, 0, 1.0]))


def test_never_raises_inside_domain():
    lk = CompositeLikelihood("3,-6,7,-10", terms=AVAILABLE, data="2021")
    rng = np.random.default_rng(0)
    theta = np.column_stack([rng.uniform(-6, -1, 500), rng.uniform(-15, 15, 500),
                             rng.uniform(-2, np.log10(4), 500)])
    total = lk.delta_chi2(theta)
    assert total.shape == (500,) and np.all(np.isfinite(total)) and np.all(total >= 0)
