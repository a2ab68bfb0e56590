"""One Δχ²_min from every entry point (issue "Trustworthy answers"): the shared global-minimum finder,
the search-coverage gaps it seeds from, and the check that no sampled point lies below a reported
minimum."""
import numpy as np
import pytest

from bayes_u1x.inference import coverage
from bayes_u1x.inference.minimum import global_minimum, lower_point
from bayes_u1x.inference.priors import load_prior
from bayes_u1x.likelihood import CompositeLikelihood


@pytest.fixture(scope="module")
def dark_photon():
    lk = CompositeLikelihood("dark-photon", data="2021")
    return lk, load_prior("default", lk.model)


def test_phi_window_is_a_gap_of_the_default_searches(dark_photon):
    lk, _ = dark_photon
    gaps = coverage.gaps(lk, 1.0)
    # BaBar 2014 has no limit over 0.998-1.059 GeV (arXiv:1406.2980), LHCb 2019 none over 0.96-1.16 GeV
    # (arXiv:1910.06926); only BaBar's 4mu search reaches there, much weaker: the window is a gap.
    # 1 % mass steps of the coverage grid bound how well its edges are located (0.02 GeV)
    phi = [w for w in gaps if w.lo < 1.019 < w.hi]
    assert phi and phi[0].lo == pytest.approx(1.0, abs=0.02) and phi[0].hi == pytest.approx(1.06, abs=0.02)
    # L_mu - L_tau without kinetic mixing couples to no electron: the electron-beam searches never
    # reach it, but nothing is a *gap* (an uncovered window between covered masses) at 200 MeV
    lmt = CompositeLikelihood("Lmu-Ltau", data="2021")
    assert not any(w.contains(0.2) for w in coverage.gaps(lmt, 0.0))


def test_dark_photon_minimum_agrees_across_entry_points(dark_photon):
    from bayes_u1x.inference.evidence import model_evidence
    from bayes_u1x.inference.initialisation import initial_walkers
    from bayes_u1x.inference.posterior import LogPosterior
    from bayes_u1x.inference.scans import profile_model

    lk, prior = dark_photon
    prof = global_minimum(lk, prior)[0]
    # the phi-window point of the issue (g = 8.9e-4, eps e/g = -6.09, m = 1.019 GeV) has Δχ² = 1.45;
    # the old grid-only profile reported 4.91 (and compare 8.83)
    assert prof.delta_chi2 <= 1.5 and 1.0 < prof.m_x < 1.06
    assert prof.is_valid  # minimised in log10 eps (the dark photon's one coupling): a valid Minuit minimum
    scan = profile_model("dark-photon", mass=None, data="2021")["delta_chi2"]
    mc = model_evidence("dark-photon", data="2021", method="mc", settings={"n": 20_000, "n_chunks": 4})["delta_chi2_min"]
    p0, info = initial_walkers(LogPosterior(lk, prior), 16, {"method": "auto", "prior_draws": 20_000,
                                                          "ball_scale": 1e-2, "ball_fraction": 0.5,
                                                          "max_delta_chi2": 11.34}, np.random.default_rng(1))
    # 0.01: MIGRAD's tolerance (EDM 2e-5) and the seeds' different starting points
    for name, value in {"scan": scan, "compare": mc, "sampler start": info.best_delta_chi2}.items():
        assert value == pytest.approx(prof.delta_chi2, abs=0.01), name


def test_lmu_ltau_table1_at_200_mev_is_unchanged():
    # Table 1 row 1 (paper 0.41; ours 0.357 since the COHERENT cross-check, docs/paper_comparison.md):
    # the extra seeds must not move the fixed-mass profile of the paper's likelihood (0.005: MIGRAD tol)
    lk = CompositeLikelihood("Lmu-Ltau", terms="table1", data="2021")
    assert global_minimum(lk, fixed_mass=0.2, n_draws=2000)[0].delta_chi2 == pytest.approx(0.357, abs=0.005)


def test_lower_point_is_found_and_polished():
    lk = CompositeLikelihood("Lmu-Ltau", terms="closed-form", data="2021")
    best = global_minimum(lk, n_draws=0)[0]
    far = np.array([[-5.5, 3.0, -1.0], best.theta + np.array([0.02, 0.01, 0.0])])
    found = lower_point(lk, best.delta_chi2 + 1.0, far)  # a "reported" minimum 1 too high
    assert found is not None and found["delta_chi2"] <= best.delta_chi2 + 1e-3
    assert lower_point(lk, best.delta_chi2, far) is None  # nothing below the true minimum


@pytest.mark.slow
def test_no_draw_below_the_reported_minimum_for_20_models():
    import emcee

    from bayes_u1x.models import enumerate_vector_models

    models = enumerate_vector_models(10)
    rng = np.random.default_rng(2022)
    worst = []
    for i in rng.choice(len(models), 20, replace=False):
        model = models[i]
        lk = CompositeLikelihood(model, data="2021")
        prior = load_prior("default", model)
        reported = global_minimum(lk, prior)[0].delta_chi2
        draws = prior.sample(20_000, rng)
        chi = lk.delta_chi2(draws)
        # posterior draws: a short emcee run started from the prior draws resampled with weights L
        w = np.exp(-0.5 * (chi - chi.min()))
        start = draws[rng.choice(len(draws), 32, p=w / w.sum())]
        start = start + 1e-4 * rng.standard_normal(start.shape)
        start = np.clip(start, prior.bounds[:, 0] + 1e-9, prior.bounds[:, 1] - 1e-9)

        def log_post(th):
            inside = np.all((th >= prior.bounds[:, 0]) & (th <= prior.bounds[:, 1]), axis=1)
            out = np.full(len(th), -np.inf)
            if inside.any():
                out[inside] = -0.5 * lk.delta_chi2(th[inside]) + prior.log_prob(th[inside])
            return out

        sampler = emcee.EnsembleSampler(32, 3, log_post, vectorize=True)
        sampler.random_state = np.random.RandomState(int(rng.integers(2 ** 31))).get_state()
        sampler.run_mcmc(start, 150, progress=False)
        post = sampler.get_chain(flat=True)
        lowest = min(float(chi.min()), float(lk.delta_chi2(post).min()))
        worst.append((model.display, reported - lowest))
    # 0.05: the tolerance; a missed basin (the phi window) is worth > 1
    assert max(d for _, d in worst) <= 0.05, sorted(worst, key=lambda x: -x[1])[:3]


@pytest.mark.slow
def test_api_evidence_takes_the_command_lines_path_and_agrees_with_prior_monte_carlo(capsys):
    import json

    import bayes_u1x as bx
    from bayes_u1x.cli import main

    lk = bx.CompositeLikelihood("Lmu-Ltau", data="2021")
    api = bx.evidence(lk, "default")                       # the default estimator: importance sampling
    assert main(["compare", "--data", "2021", "--models", "Lmu-Ltau", "--no-profile", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)[0]["log_z"]
    mc = bx.evidence(lk, "default", method="mc", settings={"n": 2_000_000, "n_chunks": 40})
    # the tolerance, 0.1 in ln Z; measured: IS -10.036 +- 0.018 (ESS 3213), MC (2e6 draws)
    # -9.995 +- 0.026. The direct estimator call without the reference read -10.20 +- 0.30 before it
    # defaulted to it.
    assert api.log_z == pytest.approx(cli, abs=1e-9)       # same seed, same path: identical
    assert api.log_z == pytest.approx(mc.log_z, abs=0.1)
    # TI on the same reference: its ladders scatter (measured -9.29 ... -10.26 over 4 ladders, quoted
    # +- 0.20), so it is held to its own error: within 3 sigma (plus MC's) of the Monte-Carlo truth
    ti = bx.evidence(lk, "default", method="ti")
    assert abs(ti.log_z - mc.log_z) <= 3 * (ti.log_z_err + mc.log_z_err)
    from bayes_u1x.inference.evidence import thermodynamic_integration
    direct = thermodynamic_integration(lk.log_likelihood, load_prior("default", lk.model), seed=1)
    assert abs(direct.log_z - mc.log_z) <= 3 * (direct.log_z_err + mc.log_z_err)


def test_phi_mass_notch_is_found():
    # (3; -6, -5, 2): at m_X ≈ 1.019 GeV (the phi mass) X-phi mixing opens a notch ~0.1 % wide in the
    # dimuon searches, below the best point a 0.7 % mass step away (14.62), which the finder reported
    # before the phi mass was seeded. Independent check: a dense grid over the notch (0.05 % mass steps)
    lk = CompositeLikelihood((3, -6, -5, 2), data="2021")
    best = global_minimum(lk, load_prior("default", lk.model), n_draws=0)[0]
    g, r, m = np.meshgrid(np.linspace(-6, -1, 101), np.linspace(-15, 15, 121),
                          np.log10(np.linspace(1.012, 1.027, 31)), indexing="ij")
    grid = float(np.min(lk.delta_chi2(np.stack([g.ravel(), r.ravel(), m.ravel()], axis=-1))))
    assert grid < 10.0                              # the notch is real: 4.6 below the reported 14.62
    # the minimiser starts from the notch and polishes: never above the grid (1e-6: rounding)
    assert best.delta_chi2 <= grid + 1e-6
    assert abs(best.m_x - 1.0195) < 2e-3            # inside the notch (the phi mass, PDG 1.019461 GeV)
