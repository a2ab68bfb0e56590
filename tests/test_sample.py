"""emcee sampling: known-posterior recovery, seeded bit-identity, kill -9 / SIGTERM and resume,
refused resumes, InferenceData layout, initialisation off the g_X -> 0 plateau, CLI."""
import json
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from scipy import stats

from bayes_u1x.cli import main
from bayes_u1x.inference.priors import default_prior
from bayes_u1x.inference.results import load_results
from bayes_u1x.errors import SamplingError
from bayes_u1x.inference.checkpoint import read_checkpoint
from bayes_u1x.inference.config import run_from_dict
from bayes_u1x.inference.initialisation import initial_walkers
from bayes_u1x.inference.posterior import LogPosterior
from bayes_u1x.inference.sample import run_sampler as _run_sampler
from bayes_u1x.likelihood import CompositeLikelihood


class GaussianLikelihood:
    """Toy likelihood with the CompositeLikelihood interface: a correlated 3-D Gaussian whose
    χ² is split into two named terms (exercise the per-term blobs)."""

    MEAN = np.array([-3.0, 1.0, -0.9])
    SIG = np.array([0.3, 2.0, 0.2])
    CORR = np.array([[1.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 1.0]])
    terms = ("half_a", "half_b")

    def __init__(self):
        self.cov = self.CORR * np.outer(self.SIG, self.SIG)
        self.icov = np.linalg.inv(self.cov)

    def terms_theta(self, theta):
        d = np.asarray(theta) - self.MEAN
        q = np.einsum("...i,ij,...j->...", d, self.icov, d)
        return {"half_a": 0.25 * q, "half_b": 0.75 * q}


def _config(**sampler):
    s = {"walkers": 16, "max_steps": 600, "check_every": 200, "tau_multiple": 1e9,
         "checkpoint_seconds": 5.0}
    s.update(sampler)
    return run_from_dict({"run": {"model": "Lmu-Ltau", "terms": ["amu"], "seed": 11, "data": "2021"},
                          "sampler": s, "init": {"method": "prior", "prior_draws": 4000},
                          "output": {"prior_draws": 200}})


def run_sampler(cfg, likelihood=None, prior=None, **kw):
    """The sampler on a run configuration (resolved here), optionally with a toy likelihood."""
    return _run_sampler(cfg.resolve(likelihood=likelihood, prior=prior), **kw)


def _post(path):
    idata = load_results(path)
    return np.stack([idata.posterior[v].values for v in ("log10_g", "eps_ratio", "log10_m")], -1)


# --- a known posterior through the same code path --------------------------------------------------
def test_recovers_known_gaussian_posterior(tmp_path):
    toy = GaussianLikelihood()
    cfg = _config(walkers=32, max_steps=20000, check_every=500, tau_multiple=50, min_ess=1000)
    res = run_sampler(cfg, out_dir=tmp_path, likelihood=toy, prior=default_prior())
    assert res.converged
    d = res.diagnostics
    assert max(d["rhat"]) < 1.01 and min(d["ess_bulk"] + d["ess_tail"]) >= 1000
    idata = res.idata
    x = np.stack([idata.posterior[v].values.ravel() for v in ("log10_g", "eps_ratio", "log10_m")], -1)
    # a random subsample of 400 draws (<< ESS >= 1000) is close to independent; at p > 1e-3 a correct
    # sampler fails one marginal in ~300 seeds, a wrong mean or width by 0.3 sigma fails it
    sub = x[np.random.default_rng(0).choice(len(x), 400, replace=False)]
    for i in range(3):
        p = stats.kstest(sub[:, i], stats.norm(toy.MEAN[i], toy.SIG[i]).cdf).pvalue
        assert p > 1e-3, (i, p)
    # correlation matrix recovered (3 sigma of a correlation estimate from ~1000 effective draws ~ 0.1)
    np.testing.assert_allclose(np.corrcoef(x.T), toy.CORR, atol=0.1)
    # per-term blobs: ln L_term = -Δχ²_term/2 and lp = ln prior + Σ ln L
    ll = idata.log_likelihood
    q = 2 * toy.terms_theta(x)["half_a"] / 0.25 / 2
    np.testing.assert_allclose(-2 * ll["half_a"].values.ravel(), 0.25 * q, rtol=1e-12)
    lp = idata.sample_stats["lp"].values.ravel()
    np.testing.assert_allclose(lp, default_prior().log_prob(x) - 0.5 * q, rtol=1e-10)


def test_log_posterior_outside_prior_skips_likelihood():
    calls = []

    class Spy(GaussianLikelihood):
        def terms_theta(self, theta):
            calls.append(len(theta))
            return super().terms_theta(theta)

    lp = LogPosterior(Spy(), default_prior())
    rows = lp(np.array([[-3.0, 0.0, -1.0], [0.5, 0.0, -1.0]]))
    assert calls == [1]
    assert np.isfinite(rows[0, 0]) and np.isneginf(rows[1, 0]) and np.all(np.isinf(rows[1, 1:]))


# --- initialisation -------------------------------------------------------------------------------
def test_initial_walkers_avoid_the_sm_plateau():
    lk = CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021")
    lp = LogPosterior(lk, default_prior())
    init = {"method": "prior", "prior_draws": 20000, "ball_scale": 1e-3, "ball_fraction": 0.5,
            "max_delta_chi2": 11.34}
    p0, info = initial_walkers(lp, 32, init, np.random.default_rng(1))
    chi = lk.delta_chi2(p0)
    sm = lk.sm_delta_chi2()
    assert sm > 17  # Δa_μ alone: 17.8 in the SM (arXiv:2203.13731, App. B)
    assert info.best_delta_chi2 < 0.5 and np.all(chi <= info.best_delta_chi2 + 11.34)
    assert info.n_draw == 16 and info.n_ball == 16
    # the walkers are not degenerate: the ensemble spans all three directions
    assert np.linalg.matrix_rank(np.cov(p0.T)) == 3


# --- seeded bit-identity ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    cfg = _config(max_steps=1500, check_every=500)
    run_sampler(cfg, out_dir=out)
    return cfg, out


def test_seeded_runs_are_bit_identical(reference_run, tmp_path):
    cfg, ref = reference_run
    run_sampler(cfg, out_dir=tmp_path)
    a, b = read_checkpoint(ref / "chain.h5"), read_checkpoint(tmp_path / "chain.h5")
    assert a.iteration == b.iteration == 1500
    np.testing.assert_array_equal(a.chain, b.chain)
    np.testing.assert_array_equal(a.blobs, b.blobs)
    np.testing.assert_array_equal(_post(ref / "posterior.nc"), _post(tmp_path / "posterior.nc"))
    other = run_sampler(cfg.override(seed=12, sampler__max_steps=200), out_dir=tmp_path / "s12")
    c = read_checkpoint(other.checkpoint_path)
    assert not np.array_equal(c.chain[:200], a.chain[:200])


# --- kill and resume ---------------------------------------------------------------------------------
SCRIPT = textwrap.dedent("""
    import sys
    from bayes_u1x.inference.config import run_from_dict
    from bayes_u1x.inference.sample import run_sampler
    cfg = run_from_dict({"run": {"model": "Lmu-Ltau", "terms": ["amu"], "seed": 11, "data": "2021"},
                         "sampler": {"walkers": 16, "max_steps": 1500, "check_every": 500,
                                     "tau_multiple": 1e9, "checkpoint_seconds": CKPT},
                         "init": {"method": "prior", "prior_draws": 4000},
                         "output": {"prior_draws": 200}}).resolve()
    run_sampler(cfg, out_dir=sys.argv[1])
""")


def _start_and_signal(tmp_path, sig, min_steps=100, ckpt_seconds=0.02):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.replace("CKPT", str(ckpt_seconds)))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    it = 0
    while time.time() < deadline and proc.poll() is None:
        try:
            it = read_checkpoint(out / "chain.h5").iteration
        except (SamplingError, OSError):
            it = 0
        if it >= min_steps:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"run ended before it could be killed: {proc.communicate()}"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return proc, out


def test_kill9_mid_run_then_resume_matches_uninterrupted(reference_run, tmp_path):
    cfg, ref = reference_run
    proc, out = _start_and_signal(tmp_path, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    stored = read_checkpoint(out / "chain.h5")  # the checkpoint survives kill -9 readable
    assert 100 <= stored.iteration < 1500
    res = run_sampler(cfg, out_dir=out, resume=True)
    final = read_checkpoint(res.checkpoint_path)
    assert final.iteration == 1500  # total samples = requested
    # nothing stored was lost or altered, and the continuation is bit-identical to a run never killed
    np.testing.assert_array_equal(final.chain[:stored.iteration], stored.chain)
    np.testing.assert_array_equal(final.chain, read_checkpoint(ref / "chain.h5").chain)


def test_sigterm_writes_checkpoint_then_resume(reference_run, tmp_path):
    cfg, ref = reference_run
    proc, out = _start_and_signal(tmp_path, signal.SIGTERM, ckpt_seconds=1000)
    assert proc.returncode != 0
    assert "stopped by signal" in proc.stderr.read()
    stored = read_checkpoint(out / "chain.h5")
    assert 100 <= stored.iteration < 1500
    run_sampler(cfg, out_dir=out, resume=True)
    np.testing.assert_array_equal(read_checkpoint(out / "chain.h5").chain, read_checkpoint(ref / "chain.h5").chain)


def test_resume_refuses_changed_settings_unless_forced(reference_run, tmp_path):
    cfg, _ = reference_run
    small = cfg.override(sampler__max_steps=100)
    run_sampler(small, out_dir=tmp_path)
    with pytest.raises(SamplingError, match="--resume"):
        run_sampler(small, out_dir=tmp_path)
    with pytest.raises(SamplingError, match="seed"):
        run_sampler(small.override(seed=99), out_dir=tmp_path, resume=True)
    # stopping rules are not part of the chain's identity: more steps may be asked on resume
    res = run_sampler(small.override(sampler__max_steps=200), out_dir=tmp_path, resume=True)
    assert read_checkpoint(res.checkpoint_path).iteration == 200 and res.n_steps_run == 100
    res = run_sampler(small.override(seed=99), out_dir=tmp_path, resume=True, force=True)
    assert read_checkpoint(res.checkpoint_path).iteration == 100


# --- results ---------------------------------------------------------------------------------------------
def test_inference_data_layout(reference_run):
    cfg, ref = reference_run
    idata = load_results(ref / "posterior.nc")
    assert {"posterior", "log_likelihood", "sample_stats", "prior"} <= set(idata.groups())
    assert set(idata.posterior.data_vars) == {"log10_g", "eps_ratio", "log10_m"}
    assert set(idata.log_likelihood.data_vars) == {"amu"}
    assert {"lp", "delta_chi2", "acceptance_rate"} <= set(idata.sample_stats.data_vars)
    assert idata.prior.sizes["draw"] == 200
    a = idata.posterior.attrs
    assert json.loads(a["model_charges"])["table1"] == [0, 0, 1, -1]
    assert a["data_set"] == "2021" and a["package_version"] and a["model_name"] == "Lmu-Ltau"
    assert json.loads(a["terms"]) == ["amu"] and json.loads(a["run_settings"])["run"]["seed"] == 11
    assert idata.posterior.sizes["chain"] == 16


# --- CLI -----------------------------------------------------------------------------------------------------
def test_cli_sample_summary_plot(tmp_path, capsys):
    out = tmp_path / "r"
    rc = main(["sample", "--data", "2021", "--model", "Lmu-Ltau", "--terms", "amu", "--out", str(out), "--max-steps", "300",
               "--walkers", "16", "--seed", "3", "--no-progress", "--json"])
    assert rc == 3  # finished, not converged after 300 steps: distinct exit code
    s = json.loads(capsys.readouterr().out)
    assert s["n_steps"] == 300 and s["terms"] == ["amu"] and not s["converged"]
    assert main(["summary", str(out / "posterior.nc"), "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["parameters"]) == {"log10_g", "eps_ratio", "log10_m"}
    png = tmp_path / "c.png"
    assert main(["plot", "corner", str(out / "posterior.nc"), "--out", str(png)]) == 0
    assert png.stat().st_size > 20_000
    # an existing checkpoint is not overwritten silently
    assert main(["sample", "--data", "2021", "--model", "Lmu-Ltau", "--terms", "amu", "--out", str(out), "--no-progress"]) == 2
    assert "--resume" in capsys.readouterr().err


def test_cli_unknown_term_is_named(tmp_path, capsys):
    rc = main(["sample", "--data", "2021", "--model", "Lmu-Ltau", "--terms", "amu,muonium", "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "'muonium'" in err and "unknown likelihood term" in err


def test_cli_summary_of_missing_file(capsys):
    assert main(["summary", "/nonexistent/posterior.nc"]) == 2
    assert "not found" in capsys.readouterr().err
