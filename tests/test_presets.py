"""A preset is its terms *and* their options: every entry point that takes one must keep both.

The paper's ``table1`` likelihood is Eq. B.1 with App. B's resonance rule (NA64 2019 + BaBar 2014 as a
0/100 cut); the same terms with the sampler's smooth resonance treatment differ at most points of the
prior, so dropping the option silently changes the answer.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

from bayes_u1x.cli import main
from bayes_u1x.errors import LikelihoodError
from bayes_u1x.inference.results import load_results, result_attr
from bayes_u1x.likelihood import PRESETS, CompositeLikelihood

TABLE1_OPTIONS = {"resonances": {"mode": "paper"}}


def test_table1_preset_differs_from_its_bare_terms():
    # why the options matter: the same five terms without App. B's rule are another likelihood
    with_rule = CompositeLikelihood("Lmu-Ltau", terms="table1", data="2021")
    bare = CompositeLikelihood("Lmu-Ltau", terms=list(PRESETS["table1"].terms), data="2021")
    theta = np.array([[-2.5, 0.0, np.log10(0.5)], [-3.0, 0.0, np.log10(0.3)]])  # above 2 m_mu, large g
    assert with_rule.term_options == TABLE1_OPTIONS and bare.term_options == {}
    assert not np.allclose(with_rule.terms_theta(theta)["resonances"], bare.terms_theta(theta)["resonances"])


def test_options_of_terms_outside_the_likelihood_are_refused():
    with pytest.raises(LikelihoodError, match="not in the likelihood"):
        CompositeLikelihood("Lmu-Ltau", terms="amu", term_options={"resonances": {"mode": "full"}}, data="2021")
    with pytest.raises(LikelihoodError, match="unknown option"):
        CompositeLikelihood("Lmu-Ltau", terms="table1", term_options={"resonances": {"mdoe": "full"}}, data="2021")


def test_sample_terms_table1_samples_the_preset(tmp_path, capsys):
    run = tmp_path / "tiny.toml"
    run.write_text('[run]\nmodel = "Lmu-Ltau"\nseed = 3\n[sampler]\nwalkers = 8\nmax_steps = 20\ncheck_every = 10\n'
                   '[init]\nmethod = "prior"\nprior_draws = 500\n[output]\nprior_draws = 10\n')
    out = tmp_path / "out"
    rc = main(["sample", "--data", "2021", "--run", str(run), "--terms", "table1", "--out", str(out), "--no-progress", "--json"])
    assert rc == 3  # 20 steps cannot converge: finished, not converged
    capsys.readouterr()
    like = result_attr(load_results(out / "posterior.nc"), "likelihood")
    assert like["preset"] == "table1" and like["term_options"] == TABLE1_OPTIONS
    assert like["terms"] == list(PRESETS["table1"].terms)


def test_scan_evidence_terms_table1_uses_the_preset(tmp_path, capsys):
    out = tmp_path / "ev.jsonl"
    rc = main(["scan", "--data", "2021", "--evidence", "--terms", "table1", "--max-charge", "1", "--method", "mc", "--processes", "1",
               "--setting", "n=2000", "--setting", "n_chunks=4", "--no-profile", "--out", str(out), "--json"])
    assert rc == 0
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    head, rows = recs[0], recs[1:]
    assert head["settings"]["likelihood"] == "table1" and head["settings"]["term_options"] == TABLE1_OPTIONS
    assert rows and all(r["likelihood"] == "table1" and r["term_options"] == TABLE1_OPTIONS for r in rows)
    assert [r["model"] for r in json.loads(capsys.readouterr().out)] == [r["model"] for r in rows]


def test_newest_data_set_is_the_default_and_reproduce_pins_the_papers():
    # issue "Today's data": sample, compare, scan --evidence and the combined limits default to the
    # newest set, reproduce pins 2021
    from bayes_u1x.cli import build_parser
    from bayes_u1x.cli.point_commands import COMBINED_SETS
    from bayes_u1x.inference.config import run_from_dict
    from bayes_u1x.measurements import DEFAULT_SET, PAPER_SET, available_sets

    assert DEFAULT_SET == max(available_sets()) == "2026" and PAPER_SET == "2021"
    parser = build_parser()
    assert parser.parse_args(["scan", "--evidence"]).data == DEFAULT_SET
    assert parser.parse_args(["chi2", "--sm"]).data == DEFAULT_SET
    assert run_from_dict({"run": {"model": "Lmu-Ltau"}}).settings["run"]["data"] == DEFAULT_SET   # sample, no --data
    assert COMBINED_SETS == (PAPER_SET, DEFAULT_SET)
    assert CompositeLikelihood("Lmu-Ltau").data.name == DEFAULT_SET
    for cmd in (["reproduce", "table1"], ["reproduce", "fig3"]):
        assert parser.parse_args(cmd).data == PAPER_SET, cmd
