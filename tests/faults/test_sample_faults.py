"""Faults of posterior runs (issue 'Nothing lost, nothing silently wrong', cases 2, 3, 5, 7, 8, 9, 13).

Small settings: the g-2 term only, 16 walkers, a few hundred steps, 2000 prior draws to start from.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from bayes_u1x.errors import SamplingError
from bayes_u1x.inference.checkpoint import read_checkpoint
from bayes_u1x.inference.config import run_from_dict
from bayes_u1x.inference.runtime import exclusive_lock
from bayes_u1x.inference.sample import run_sampler

from faultkit import one_line_error

TINY = {"run": {"model": "Lmu-Ltau", "terms": ["amu"], "seed": 7},
        "sampler": {"walkers": 16, "max_steps": 200, "check_every": 100, "tau_multiple": 1e9},
        "init": {"method": "prior", "prior_draws": 2000}, "output": {"prior_draws": 50}}


def _run(**over):
    return run_from_dict(TINY).override(**over).resolve()


def _tiny_run_file(tmp_path, **sampler):
    f = tmp_path / "tiny.toml"
    s = "\n".join(f"{k} = {v}" for k, v in {"walkers": 16, "max_steps": 200, "check_every": 100, **sampler}.items())
    f.write_text(f'[run]\nmodel = "Lmu-Ltau"\nterms = ["amu"]\nseed = 7\n[sampler]\n{s}\n'
                 '[init]\nmethod = "prior"\nprior_draws = 2000\n[output]\nprior_draws = 50\n')
    return f


def test_2_nothing_is_deleted_before_its_replacement_exists(tmp_path, cli):
    out = tmp_path / "out"
    run_sampler(_run(), out_dir=out, log=lambda m: None)
    post = (out / "posterior.nc").read_bytes()
    (out / "chain.h5").unlink()  # a user cleaned the checkpoint, kept the result
    rc, _, err = cli("sample", "--run", _tiny_run_file(tmp_path), "--out", out, "--no-progress")
    assert rc == 2 and one_line_error(err) and "--force" in err
    assert (out / "posterior.nc").read_bytes() == post  # still there, untouched
    # --force keeps the previous result until the new one exists (moved to previous/, not deleted)
    run_sampler(_run(seed=8), out_dir=out, force=True, log=lambda m: None)
    assert (out / "previous" / "posterior.nc").read_bytes() == post and (out / "posterior.nc").exists()


def test_2_an_interrupt_right_after_a_forced_start_leaves_the_old_results(tmp_path):
    out = tmp_path / "out"
    run_sampler(_run(), out_dir=out, log=lambda m: None)
    old_chain = read_checkpoint(out / "chain.h5").chain
    script = tmp_path / "go.py"
    script.write_text("import sys\nfrom bayes_u1x.inference.config import run_from_dict\n"
                      "from bayes_u1x.inference.sample import run_sampler\n"
                      f"run = run_from_dict({TINY!r}).override(seed=9, sampler__max_steps=100000).resolve()\n"
                      "run_sampler(run, out_dir=sys.argv[1], force=True)\n")
    proc = subprocess.Popen([sys.executable, str(script), str(out)], stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while time.time() - t0 < 60 and not (out / "previous" / "chain.h5").exists():
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    np.testing.assert_array_equal(read_checkpoint(out / "previous" / "chain.h5").chain, old_chain)


def test_3_a_second_run_into_the_same_folder_is_refused_naming_the_holder(tmp_path):
    out = tmp_path / "out"
    with exclusive_lock(out / ".lock", "output folder"):
        with pytest.raises(SamplingError, match=rf"in use by pid {os.getpid()}"):
            run_sampler(_run(), out_dir=out, log=lambda m: None)
    assert not (out / "chain.h5").exists()


def test_5_corrupted_checkpoint_values_are_refused_on_resume(tmp_path):
    out = tmp_path / "out"
    run_sampler(_run(sampler__max_steps=100), out_dir=out, log=lambda m: None)
    with h5py.File(out / "chain.h5", "r+") as f:
        c = f["mcmc/chain"]
        flat = c[...].reshape(-1)
        flat[np.random.default_rng(0).choice(flat.size, 40, replace=False)] = 1e3  # far outside the prior
        c[...] = flat.reshape(c.shape)
    with pytest.raises(SamplingError, match="outside the prior support"):
        run_sampler(_run(), out_dir=out, resume=True, log=lambda m: None)


def test_7_os_errors_are_one_line_errors(tmp_path, cli):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    rc, _, err = cli("sample", "--run", _tiny_run_file(tmp_path), "--out", not_a_dir / "sub", "--no-progress")
    assert rc == 2 and one_line_error(err) and "output folder" in err
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('[run]\nmodel = "Lmu-Ltau"\ndescription = "m\xfcon"\n'.encode("latin-1"))
    rc, _, err = cli("sample", "--run", bad, "--no-progress")
    assert rc == 2 and one_line_error(err) and "not UTF-8" in err
    opts = tmp_path / "opts.toml"
    opts.write_text('[run]\nmodel = "Lmu-Ltau"\nterms = "table1"\n[term_options.resonances]\nmdoe = "full"\n')
    rc, _, err = cli("sample", "--run", opts, "--no-progress")
    assert rc == 2 and one_line_error(err) and "mdoe" in err
    loop = tmp_path / "loop.toml"
    loop.write_text(_prior_file("kinetic_mixing_loop").read_text().replace("uv_scale = 1000.0", 'uv_scale = "big"'))
    rc, _, err = cli("compare", "--models", "Lmu-Ltau", "--prior", loop, "--method", "mc", "--setting", "n=400",
                     "--setting", "n_chunks=4", "--no-profile")
    assert rc == 2 and one_line_error(err) and "loop.uv_scale" in err


def _prior_file(name):
    from bayes_u1x.package_data import shipped_file
    return shipped_file("priors", name)


def test_7_a_full_disk_is_a_clean_error_and_the_last_checkpoint_survives(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    out = tmp_path / "out"
    run_sampler(_run(sampler__max_steps=100), out_dir=out, log=lambda m: None)
    before = read_checkpoint(out / "chain.h5").chain
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10 ** 9, 10 ** 9, 1000))
    with pytest.raises(SamplingError, match="not enough free space"):
        run_sampler(_run(sampler__max_steps=200), out_dir=out, resume=True, log=lambda m: None)
    np.testing.assert_array_equal(read_checkpoint(out / "chain.h5").chain, before)


def test_7_an_unwritable_cache_computes_in_memory_with_one_warning(tmp_path, cli):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    rc, out, err = cli("chi2", "--model", "B-L", "--g", "1e-4", "--terms", "coherent", "--json",
                       env={"BAYES_U1X_CACHE": str(blocker / "cache")})
    assert rc == 0 and err.count("computing tables in memory") == 1 and '"coherent"' in out


def test_8_an_out_of_range_seed_is_refused_before_any_work(tmp_path, cli):
    t0 = time.time()
    rc, _, err = cli("sample", "--run", _tiny_run_file(tmp_path), "--seed", 2 ** 63, "--out", tmp_path / "o",
                     "--no-progress")
    assert rc == 2 and one_line_error(err) and "run.seed" in err and time.time() - t0 < 30
    assert not (tmp_path / "o").exists()


def test_9_a_short_run_with_undefined_tau_exits_3_with_a_warning(tmp_path, cli):
    out = tmp_path / "o"
    rc, stdout, err = cli("sample", "--run", _tiny_run_file(tmp_path, max_steps=5), "--out", out, "--no-progress")
    assert rc == 3 and "Traceback" not in err and "not converged" in err and "tau = nan" in stdout
    rc, stdout, err = cli("summary", out / "posterior.nc")
    assert rc == 0 and "Traceback" not in err and "converged: NO" in stdout


def test_13_stale_temporaries_names_and_negative_numbers(tmp_path, cli):
    out = tmp_path / "o"
    out.mkdir()
    stale = out / ".chain.h5.abc123.tmp"  # what a kill -9 during a checkpoint write leaves
    stale.write_bytes(b"half")
    run_sampler(_run(sampler__max_steps=100), out_dir=out, log=lambda m: None)
    assert not stale.exists()
    bad = tmp_path / "escape.toml"
    bad.write_text('[run]\nmodel = "Lmu-Ltau"\nname = "../../elsewhere"\n')
    rc, _, err = cli("sample", "--run", bad, "--no-progress")
    assert rc == 2 and one_line_error(err) and "run.name" in err and "not a path" in err
    rc, _, err = cli("chi2", "--g", "-1e-3")
    assert rc == 2 and one_line_error(err) and "non-negative" in err  # the value reached the check
