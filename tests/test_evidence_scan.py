"""Evidence scans: resumable (kill midway -> same table), local dask.distributed cluster, loop prior."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from bayes_u1x.inference.compare import scan_table
from bayes_u1x.inference.evidence import evidence_scan, model_evidence
from bayes_u1x.inference.priors import load_prior as resolve_prior
from bayes_u1x.inference.scans import read_scan_file as read_results
from bayes_u1x.physics.kinetic_mixing import one_loop_eps_ratio as loop_kinetic_mixing
from bayes_u1x.models import enumerate_vector_models

# cheap setting: g-2 only, deterministic grid with loose tolerance (the grid is deterministic, so a
# resumed scan must reproduce the uninterrupted one exactly)
KW = dict(terms="amu", data="2021", method="grid", settings={"rtol": 3e-2, "n0": 3}, profile=False)


class Killed(Exception):
    pass


def test_scan_killed_midway_resumes_to_same_table(tmp_path):
    models = enumerate_vector_models(2)
    assert len(models) >= 4
    full = evidence_scan(max_charge=2, out=tmp_path / "full.jsonl", processes=1, **KW)
    part = tmp_path / "part.jsonl"

    def kill(done, total):
        if done == 2:
            raise Killed

    with pytest.raises(Killed):
        evidence_scan(max_charge=2, out=part, processes=1, progress=kill, **KW)
    # a record cut short by the kill must be ignored, not corrupt the table
    with part.open("a") as fh:
        fh.write('{"key": "trunc')
    assert len(read_results(part)) == 2
    calls = []
    resumed = evidence_scan(max_charge=2, out=part, processes=1, progress=lambda d, t: calls.append(d), **KW)
    assert calls[0] == 3  # the two finished models were skipped
    assert [r["log_z"] for r in resumed] == [r["log_z"] for r in full]
    ta, tb = scan_table(full), scan_table(resumed)
    assert ta.index.tolist() == tb.index.tolist()
    np.testing.assert_array_equal(ta["log_z"].to_numpy(), tb["log_z"].to_numpy())
    # every line of the resumed file but the truncated one parses
    lines = part.read_text().splitlines()
    assert sum(1 for ln in lines if ln.startswith('{"key": "trunc')) == 1
    assert len(read_results(part)) == len(models)
    assert json.loads(lines[0])["bayes_u1x_scan"] == 1  # the header records the settings
    # a re-run under other settings is refused, naming the setting, instead of mixing records
    from bayes_u1x.errors import ResultsError
    with pytest.raises(ResultsError, match="method"):
        evidence_scan(max_charge=2, out=part, processes=1, **{**KW, "method": "mc", "settings": {"n": 1000}})


def test_scan_on_local_dask_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    local = evidence_scan(max_charge=2, processes=1, **KW)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        with distributed.Client(cl) as client:
            out = tmp_path / "dask.jsonl"
            viadask = evidence_scan(max_charge=2, out=out, scheduler=cl.scheduler_address, **KW)
            assert client.status == "running"
    assert [r["model"] for r in viadask] == [r["model"] for r in local]
    np.testing.assert_allclose([r["log_z"] for r in viadask], [r["log_z"] for r in local], rtol=0, atol=1e-12)
    assert len(read_results(out)) == len(local)


def test_loop_kinetic_mixing_matches_eq_5_5_structure():
    # L_mu - L_tau: only mu and tau carry X; above m_tau they cancel, so the result must be
    # (e^2/6pi^2) ln(m_tau/m_mu) (Eq. 5.5 structure for a vector-like pair), independent of the UV scale
    e2 = 4 * math.pi / 137.035999084
    expect = e2 / (6 * math.pi ** 2) * math.log(1.77686 / 0.1056583755)
    for uv in (10.0, 1000.0):
        assert loop_kinetic_mixing("Lmu-Ltau", uv_scale=uv) == pytest.approx(expect, rel=1e-9)  # exact formula
    assert loop_kinetic_mixing("dark-photon") == 0.0  # no SM charges, no loop
    p = resolve_prior("kinetic_mixing_loop", "Lmu-Ltau")
    assert p.distributions[1].mean == pytest.approx(expect, rel=1e-9)  # "model_loop" resolved
    assert p.distributions[1].sigma == pytest.approx(0.03)  # sigma_min of the file (|centre| < 0.03)


def test_loop_prior_needs_model():
    from bayes_u1x.errors import BayesU1XError

    with pytest.raises(BayesU1XError):
        resolve_prior("kinetic_mixing_loop")


def test_model_evidence_bf_vs_sm_consistent():
    r = model_evidence("Lmu-Ltau", **KW)
    assert r["log_bf_vs_sm"] == pytest.approx(r["log_z"] - r["log_l_sm"])  # definition
    json.dumps(r)


def test_scan_table_finds_lmu_ltau_by_its_charges():
    # scan records are named by charges; the reference column must not be NaN because of the name
    recs = [{"model": "(0;0,-1,1)", "charges": [0.0, 0.0, -1.0, 1.0], "log_z": -9.6, "log_z_err": 0.1,
             "method": "ti", "log_l_sm": -9.177, "delta_chi2_min": 0.0},
            {"model": "(3;-6,7,-10)", "charges": [3.0, -6.0, 7.0, -10.0], "log_z": -9.5, "log_z_err": 0.1,
             "method": "ti", "log_l_sm": -9.177, "delta_chi2_min": 2.8}]
    df = scan_table(recs)
    assert df.loc["(3;-6,7,-10)", "log_bf_vs_lmu_ltau"] == pytest.approx(0.1)
    assert df.loc["(0;0,-1,1)", "log_bf_vs_lmu_ltau"] == 0.0
