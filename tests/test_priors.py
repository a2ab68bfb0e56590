"""Priors: the default prior of the issue, the four distributions, unit-cube transform, bad files."""
import math

import numpy as np
import pytest
from scipy import integrate, stats

from bayes_u1x.errors import BayesU1XError
from bayes_u1x.errors import ConfigError as PriorError
from bayes_u1x.inference.priors import Prior, default_prior, load_prior, make_distribution
from bayes_u1x.package_data import shipped_dir
from bayes_u1x.parameters import NAMES as PARAMETER_NAMES

PRIOR_DIR = shipped_dir("priors")


def test_default_prior_is_the_issue_prior():
    p = default_prior()
    assert p.names == ("log10_g", "eps_ratio", "log10_m") == PARAMETER_NAMES
    # issue 7: log10 g in [-6, -1], eps e/g in [-15, 15], log10 m in [-2, log10 4] (BBN, trident+T)
    np.testing.assert_allclose(p.bounds, [[-6, -1], [-15, 15], [-2, math.log10(4)]], rtol=0, atol=1e-15)
    assert p.is_uniform
    assert p.log_volume == pytest.approx(math.log(5 * 30 * (2 + math.log10(4))), rel=1e-14)


def test_uniform_density_and_support():
    p = default_prior()
    x = p.sample(1000, np.random.default_rng(1))
    assert x.shape == (1000, 3)
    assert np.all((x >= p.bounds[:, 0]) & (x <= p.bounds[:, 1]))
    # an all-uniform prior has density exp(-log_volume) inside its support
    np.testing.assert_allclose(p.log_prob(x), -p.log_volume, rtol=1e-14)
    out = np.array([[-0.5, 0, -1], [-3, 16, -1], [-3, 0, 0.7], [np.nan, 0, -1]])
    assert np.all(np.isneginf(p.log_prob(out)))


def test_ppf_maps_unit_cube_corners_to_bounds():
    p = default_prior()
    np.testing.assert_allclose(p.ppf(np.zeros(3)), p.bounds[:, 0])
    np.testing.assert_allclose(p.ppf(np.ones(3)), p.bounds[:, 1])
    np.testing.assert_allclose(p.ppf(np.full(3, 0.5)), p.bounds.mean(axis=1))
    with pytest.raises(PriorError):
        p.ppf(np.array([0.5, 1.2, 0.1]))


@pytest.mark.parametrize("spec, ref", [
    ({"distribution": "log-uniform", "bounds": [0.1, 10.0]}, stats.loguniform(0.1, 10.0)),
    ({"distribution": "normal", "mean": 1.0, "sigma": 2.0}, stats.norm(1.0, 2.0)),
    ({"distribution": "truncated-normal", "mean": 0.5, "sigma": 1.0, "bounds": [0.0, 3.0]},
     stats.truncnorm(-0.5, 2.5, loc=0.5, scale=1.0)),
])
def test_distributions_match_scipy(spec, ref):
    d = make_distribution(spec)
    x = np.linspace(ref.ppf(0.01), ref.ppf(0.99), 7)
    # independent implementations of the same density: agree to rounding
    np.testing.assert_allclose(d.logpdf(x), ref.logpdf(x), rtol=1e-10)
    u = np.linspace(0.01, 0.99, 7)
    np.testing.assert_allclose(d.ppf(u), ref.ppf(u), rtol=1e-10)
    # a normalised density
    lo, hi = ref.ppf(1e-12), ref.ppf(1 - 1e-12)
    norm = integrate.quad(lambda t: math.exp(d.logpdf(t)), lo, hi, limit=200)[0]
    assert norm == pytest.approx(1.0, abs=1e-8)  # quad accuracy; tails beyond 1e-12 left out


def test_sample_follows_the_distribution_ks():
    d = make_distribution({"distribution": "truncated-normal", "mean": 0.0, "sigma": 1.0,
                           "bounds": [-15.0, 15.0]})
    p = Prior({"log10_g": make_distribution({"distribution": "uniform", "bounds": [-6, -1]}),
               "eps_ratio": d,
               "log10_m": make_distribution({"distribution": "uniform", "bounds": [-2, 0.6]})})
    x = p.sample(4000, np.random.default_rng(7))
    # independent draws: a correct sampler fails this at the 1e-3 level only once in 1000 seeds
    assert stats.kstest(x[:, 1], stats.norm.cdf).pvalue > 1e-3
    assert stats.kstest(x[:, 0], stats.uniform(-6, 5).cdf).pvalue > 1e-3


def test_seeded_sampling_is_reproducible():
    p = default_prior()
    np.testing.assert_array_equal(p.sample(10, np.random.default_rng(3)), p.sample(10, np.random.default_rng(3)))


def test_every_shipped_prior_file_loads():
    files = sorted(PRIOR_DIR.glob("*.toml"))
    assert any(f.name == "default.toml" for f in files)
    for f in files:
        # model-dependent priors (loop-induced kinetic mixing) resolve with a model
        assert isinstance(load_prior(f, model="Lmu-Ltau"), Prior)


def _write(tmp_path, text, name="bad.toml"):
    f = tmp_path / name
    f.write_text(text)
    return f


GOOD = """
[log10_g]
distribution = "uniform"
bounds = [-6.0, -1.0]
[eps_ratio]
distribution = "uniform"
bounds = [-15.0, 15.0]
[log10_m]
distribution = "uniform"
bounds = [-2.0, 0.6]
"""


@pytest.mark.parametrize("old, new, key, reason", [
    ('distribution = "uniform"\nbounds = [-6.0', 'distribution = "cauchy"\nbounds = [-6.0',
     "distribution", "unknown distribution"),
    ("bounds = [-6.0, -1.0]", "bounds = [-1.0, -6.0]", "bounds", "not below"),
    ("bounds = [-6.0, -1.0]", "bounds = [-6.0]", "bounds", "list [lo, hi]"),
    ("bounds = [-6.0, -1.0]", 'bounds = [-6.0, "a"]', "bounds", "must be a number"),
    ("bounds = [-6.0, -1.0]", "", "bounds", "missing key"),
    ("bounds = [-6.0, -1.0]", "bounds = [-6.0, -1.0]\nsigma = 1.0", "sigma", "not allowed"),
    ("[log10_m]", "[log10_mass]", "log10_mass", "unknown parameter"),
    ('[eps_ratio]\ndistribution = "uniform"\nbounds = [-15.0, 15.0]', "", "eps_ratio", "missing"),
    ('[log10_g]\ndistribution = "uniform"\nbounds = [-6.0, -1.0]',
     '[log10_g]\ndistribution = "log-uniform"\nbounds = [-6.0, -1.0]', "bounds", "0 < lo"),
    ('[log10_g]\ndistribution = "uniform"\nbounds = [-6.0, -1.0]',
     '[log10_g]\ndistribution = "normal"\nmean = -3.0\nsigma = -1.0', "sigma", "positive"),
])
def test_malformed_files_are_refused_naming_file_key_reason(tmp_path, old, new, key, reason):
    assert old in GOOD
    f = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(PriorError) as err:
        load_prior(f)
    msg = str(err.value)
    assert str(f) in msg and key in msg and reason in msg
    assert isinstance(err.value, BayesU1XError)


def test_invalid_toml_is_refused(tmp_path):
    f = _write(tmp_path, "[log10_g\ndistribution = ")
    with pytest.raises(PriorError, match="not valid TOML"):
        load_prior(f)


def test_missing_file_is_refused():
    with pytest.raises(PriorError, match="not found"):
        load_prior("no_such_prior_file.toml")
