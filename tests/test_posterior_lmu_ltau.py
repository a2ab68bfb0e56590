"""The default L_mu-L_tau posterior (runs/lmu_ltau.toml, default likelihood and prior): it converges,
its separated components carry the mass that an independent prior Monte Carlo gives them, and its
g-2 component lies in the Δa_μ band below the dimuon threshold. One full run (~60 s): slow."""
import numpy as np
import pytest
from scipy.special import logsumexp

from bayes_u1x.constants import M_MU
from bayes_u1x.inference.config import load_run
from bayes_u1x.inference.sample import run_sampler

pytestmark = pytest.mark.slow

PHI_NOTCH = (0.99, 1.05)  # GeV: m_X around m_phi, where the dark-photon searches lose reach


def _box_log_z(lk, lo, hi, n, rng):
    """ln ∫_box L dθ / (prior volume) by uniform draws in the box (the default prior is uniform)."""
    x = np.column_stack([rng.uniform(a, b, n) for a, b in zip(lo, hi)])
    ll = lk.log_likelihood(x)
    return logsumexp(ll) - np.log(n) + np.log(np.prod(np.subtract(hi, lo)))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    cfg = load_run("lmu_ltau").resolve()
    res = run_sampler(cfg, out_dir=tmp_path_factory.mktemp("lmu_ltau"), progress=False, log=lambda m: None)
    return cfg, res


def test_converges(run):
    _, res = run
    d = res.diagnostics
    assert res.converged
    assert max(d["rhat"]) < 1.01 and min(d["ess_bulk"]) > 1000 and min(d["ess_tail"]) > 1000
    assert d["steps"] >= 50 * max(d["tau"])


def test_component_masses_match_prior_monte_carlo(run):
    cfg, res = run
    post = res.idata.posterior
    g = post["log10_g"].values.ravel()
    m = 10 ** post["log10_m"].values.ravel()
    notch = (m > PHI_NOTCH[0]) & (m < PHI_NOTCH[1])
    plateau = g < -4
    ratio_mcmc = notch.mean() / plateau.mean()
    # the same ratio from uniform draws in the two boxes (independent of the sampler):
    # Z_notch / Z_plateau with Z_box = ∫_box L π dθ
    lk, prior = cfg.likelihood, cfg.prior
    (g0, g1), (e0, e1), (l0, l1) = prior.bounds
    rng = np.random.default_rng(7)
    z_notch = _box_log_z(lk, (g0, e0, np.log10(PHI_NOTCH[0])), (g1, e1, np.log10(PHI_NOTCH[1])), 300_000, rng)
    z_plat = _box_log_z(lk, (g0, e0, l0), (-4.0, e1, l1), 100_000, rng)
    ratio_mc = np.exp(z_notch - z_plat)
    # measured (7-term default, CCFR included): MCMC 0.241, box MC 0.223-0.262 (2 x 3e6 draws); before
    # CCFR joined the default: MCMC 0.254-0.261 (3 seeds), box MC 0.241. Errors: ~3 % from the MCMC
    # (notch indicator, ESS ~1e4) and ~2 % from 3e5 box draws; 15 % is > 4 combined sigma and still
    # catches a run that misses the phi-mass islands (ratio 0.065 before the initialisation fix)
    assert ratio_mcmc == pytest.approx(ratio_mc, rel=0.15), (ratio_mcmc, ratio_mc)
    # the plateau (log10 g < -4, Δχ² ≈ Δχ²_SM) holds 0.585 ± 0.007 of the posterior under this prior
    # (prior Monte Carlo, 6e6 draws, docs/posterior.md); binomial + MC error ~0.01, 0.05 is a
    # gross-failure bound
    assert plateau.mean() == pytest.approx(0.585, abs=0.05)


def test_g2_component_lies_in_the_band_below_the_dimuon_threshold(run):
    _, res = run
    post, ll = res.idata.posterior, res.idata.log_likelihood
    g = post["log10_g"].values.ravel()
    eps = post["eps_ratio"].values.ravel()
    m = 10 ** post["log10_m"].values.ravel()
    chi_amu = -2 * ll["amu"].values.ravel()
    sheet = (g > -4) & (np.abs(eps) < 0.5) & (m < 2 * M_MU)
    # its mass against the prior Monte Carlo, 0.258 ± 0.002 (6e6 draws); measured 0.256. 0.04 is
    # ~4x the binomial + autocorrelation error of the MCMC fraction (ESS ~1e4); a missing sheet fails
    assert sheet.mean() == pytest.approx(0.258, abs=0.04)
    # its bulk sits near the band centre and most of it inside the Δa_μ 2σ band (Δχ²_amu < 4);
    # measured 0.82 inside and a median Δχ²_amu of 1.0 (0.7 before CCFR joined the default: CCFR
    # grows with g_X and pulls the sheet towards the band's lower edge); the rest is the funnel down to
    # the SM-like plateau (log-uniform g prior). A band shifted by 2σ would give a median ≳ 4 and
    # about half inside; 1.5 and 0.7 leave room for seeds and for the CCFR pull
    assert np.median(chi_amu[sheet]) < 1.5
    assert np.mean(chi_amu[sheet] < 4) > 0.7
