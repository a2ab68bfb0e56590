"""LocalKDEMove: its proposal draws follow the density used in the acceptance ratio, it leaves a
target invariant, and it moves walkers between a thin sheet and a broad plateau (the L_μ−L_τ
posterior shape) where emcee's global-bandwidth KDE stalls."""
import emcee
import numpy as np
import pytest

from bayes_u1x.inference.moves import LocalKDEMove


def test_proposals_follow_the_mixture_density():
    rng = np.random.RandomState(0)
    c = np.vstack([rng.randn(40, 3), 0.01 * rng.randn(24, 3) + [3.0, 0.0, 1.0]])
    move = LocalKDEMove()
    mix = move.mixture(c)
    # exact moments of the equal-weight mixture
    covs = np.einsum("nij,nkj->nik", mix.chol, mix.chol)
    mean = mix.centres.mean(0)
    cov = covs.mean(0) + np.cov(mix.centres.T, bias=True)
    q, _ = move.get_proposal(np.zeros((200_000, 3)), [c], np.random.RandomState(1))
    # 2e5 draws: standard error of a mean ~ sd/450 ~ 0.005; 5 se tolerance
    np.testing.assert_allclose(q.mean(0), mean, atol=0.025)
    np.testing.assert_allclose(np.cov(q.T), cov, atol=0.03)
    # normalisation of ln q: importance average of 1/q over its own draws = volume-free check
    # E_q[p/q] = 1 for p = a unit Gaussian; 2e5 draws give ~1 % precision
    sub = q[:50_000]
    lq = move.log_density(sub, mix)
    lp = -0.5 * np.sum(sub ** 2, 1) - 1.5 * np.log(2 * np.pi)
    assert np.mean(np.exp(lp - lq)) == pytest.approx(1.0, abs=0.05)


def test_sheet_plus_plateau_weights_recovered():
    # 40 % of the mass in a thin sheet (widths 0.05, 0.05, 0.003), 60 % in a unit Gaussian
    mu1, s1 = np.array([2.0, 1.0, 0.5]), np.array([0.05, 0.05, 0.003])

    def logp(x):
        a = np.log(0.4) - 0.5 * np.sum(((x - mu1) / s1) ** 2, 1) - np.sum(np.log(s1))
        return np.logaddexp(a, np.log(0.6) - 0.5 * np.sum(x ** 2, 1))

    rs = np.random.RandomState(3)
    p0 = np.vstack([mu1 + s1 * rs.randn(32, 3), 2 * rs.randn(32, 3)])
    sam = emcee.EnsembleSampler(64, 3, logp, vectorize=True,
                                moves=[(LocalKDEMove(), 0.4), (emcee.moves.DEMove(), 0.4),
                                       (emcee.moves.StretchMove(), 0.2)])
    sam._random = rs
    sam.run_mcmc(p0, 4000, progress=False)
    chain = sam.get_chain(discard=1000)
    frac = np.mean(np.abs(chain[..., 2] - 0.5) < 0.05)  # the sheet (the plateau has ~4 % there)
    expected = 0.4 + 0.6 * 0.039                        # P(|N(0,1) - 0.5| < 0.05) = 0.0394
    tau = sam.get_autocorr_time(discard=1000, quiet=True)
    # τ ~ 10 measured; 64 walkers x 3000 steps / τ ~ 2e4 effective draws -> se of the fraction
    # ~ 0.004 (mode switching correlates them more): 0.03 is > 5 se
    assert frac == pytest.approx(expected, abs=0.03)
    assert np.all(tau < 50), tau  # emcee's global KDE: 40-200 on this target, DE alone: ~35


def test_bad_settings_refused():
    with pytest.raises(ValueError, match="n_neighbours"):
        LocalKDEMove(n_neighbours=1)
    with pytest.raises(ValueError, match="scale"):
        LocalKDEMove(scale=0)
