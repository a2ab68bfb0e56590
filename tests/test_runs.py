"""Run files: shipped runs are valid and cover Table 1; overrides; bad files refused clearly."""
import math

import pytest

from bayes_u1x.errors import BayesU1XError
from bayes_u1x.errors import ConfigError as RunError
from bayes_u1x.inference.config import DEFAULTS, apply_tau_rule, default_run, load_run, parse_tau_rule
from bayes_u1x.package_data import shipped_dir

RUN_DIR = shipped_dir("runs")
from bayes_u1x.likelihood import PRESETS

# Table 1 of arXiv:2203.13731: the 7 models with Δχ²_min < 4 at m_X = 200 MeV, as (c_B, c_e, c_mu, c_tau)
TABLE1 = {(0, 0, 1, -1), (3, -7, -1, -1)} | {(3, -6, n, -3 - n) for n in range(3, 8)}


def test_shipped_runs_cover_table1():
    runs = [load_run(f).resolve() for f in sorted(RUN_DIR.glob("*.toml"))]
    charges = {tuple(int(x) for x in r.model.table1) for r in runs}
    assert charges == TABLE1
    for r in runs:
        # the default likelihood: every term valid over 10 MeV - 4 GeV, CCFR trident included
        assert r.likelihood.preset is PRESETS["default"]
        assert r.likelihood.terms == ("amu", "borexino", "nsi", "coherent", "resonances", "ccfr", "ew_t")
        assert r.prior.source.endswith("priors/default.toml") and r.prior.name == "default"


def test_lmu_ltau_run():
    r = load_run("lmu_ltau").resolve()  # a bare name is looked up among the shipped runs
    assert r.model.name == "Lmu-Ltau" and r.name == "lmu_ltau"
    assert str(r.output_dir) == "results/lmu_ltau"
    assert r.sampler.tau_multiple >= 50 and r.sampler.rhat_max <= 1.01 and r.sampler.min_ess >= 1000


def test_overrides_change_only_what_they_name():
    r = load_run("lmu_ltau")
    o = r.override(seed=5, sampler__walkers=64, model="3,-7,-1,-1")
    assert o.settings["run"]["seed"] == 5 and o.settings["sampler"]["walkers"] == 64
    assert o.resolve().model.label() == "(3; -7, -1, -1)"
    for sec in ("sampler", "init", "output"):
        for k, v in r.settings[sec].items():
            if (sec, k) != ("sampler", "walkers"):
                assert o.settings[sec][k] == v
    assert r.settings["sampler"]["walkers"] == DEFAULTS["sampler"]["walkers"]  # the original is untouched


def test_identity_ignores_stopping_rules():
    r = default_run("Lmu-Ltau", terms=["amu"])
    ident = r.resolve().identity_json()
    assert ident == r.override(sampler__max_steps=7, sampler__min_ess=5).resolve().identity_json()
    assert ident != r.override(seed=1).resolve().identity_json()
    assert ident != r.override(terms=["amu", "ew_t"]).resolve().identity_json()


def test_preset_options_travel_with_the_preset():
    # 'table1' is the paper's likelihood *with* App. B's NA64 + BaBar-2014 0/100 rule
    lk = default_run("Lmu-Ltau", terms="table1").resolve().likelihood
    assert lk.preset is PRESETS["table1"] and lk.term_options == {"resonances": {"mode": "paper"}}


def test_tau_rules():
    assert parse_tau_rule(100) == ("steps", 100)
    assert parse_tau_rule("3tau") == ("tau", 3.0)
    assert parse_tau_rule("tau/2") == ("tau", 0.5)
    assert apply_tau_rule(("tau", 3.0), tau_max=10.2) == 31
    assert apply_tau_rule(("tau", 0.5), tau_max=40.0, tau_min=9.0, minimum=1) == 5
    assert apply_tau_rule(("tau", 0.5), tau_max=math.inf, minimum=1) == 1
    with pytest.raises(RunError):
        parse_tau_rule("three tau")


GOOD = """
[run]
model = "Lmu-Ltau"
terms = ["amu"]
prior = "default"
[sampler]
walkers = 16
"""


@pytest.mark.parametrize("old, new, key, reason", [
    ("[sampler]", "[samplr]", "samplr", "unknown section"),
    ("walkers = 16", "walkers = 16\nwalkerz = 3", "sampler.walkerz", "unknown key"),
    ("walkers = 16", 'walkers = "many"', "sampler.walkers", "expected an integer"),
    ("walkers = 16", "walkers = 7", "sampler.walkers", "even number"),
    ("walkers = 16", "walkers = 16\nmoves = [[\"teleport\", 1.0]]", "sampler.moves", "name in"),
    ("walkers = 16", "walkers = 16\nburn_in = \"lots\"", "sampler.burn_in", "expected steps"),
    ('terms = ["amu"]', 'terms = ["amu", "muonium"]', "run.terms", "unknown likelihood term"),
    ('model = "Lmu-Ltau"', 'model = "no-such-model"', "run.model", "unknown model"),
    ('model = "Lmu-Ltau"', 'model = [1, 2]', "run.model", "cB, ce, cmu, ctau"),
    ('prior = "default"', 'prior = "no_such_prior.toml"', "run.prior", "not found"),
    ('terms = ["amu"]', 'terms = ["amu"]\ndata = "1999"', "run.data", "1999"),
    ("[sampler]", "[term_options.ew_t]\nfoo = 1\n[sampler]", "term_options.ew_t", "not in run.terms"),
])
def test_bad_run_files_are_refused(tmp_path, old, new, key, reason):
    assert old in GOOD
    f = tmp_path / "bad.toml"
    f.write_text(GOOD.replace(old, new))
    with pytest.raises(RunError) as err:
        load_run(f).resolve()
    msg = str(err.value)
    assert str(f) in msg and key in msg and reason in msg
    assert isinstance(err.value, BayesU1XError)


def test_bad_prior_file_named_through_run(tmp_path):
    (tmp_path / "p.toml").write_text('[log10_g]\ndistribution = "weird"\n')
    f = tmp_path / "r.toml"
    f.write_text(GOOD.replace('prior = "default"', 'prior = "p.toml"'))  # relative to the run file
    with pytest.raises(RunError, match=r"run\.prior.*p\.toml.*log10_g.*unknown distribution"):
        load_run(f).resolve()


def test_invalid_toml_and_missing_file(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("[run\n")
    with pytest.raises(RunError, match="not valid TOML"):
        load_run(f)
    with pytest.raises(RunError, match="not found"):
        load_run(tmp_path / "nope.toml")


def test_model_is_required():
    with pytest.raises(RunError, match="run.model"):
        default_run(None).resolve()
