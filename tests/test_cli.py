"""CLI: counts, JSON output, one-line errors with non-zero exit."""
import json
import subprocess
import sys

from bayes_u1x.cli import main


def test_models_count(capsys):
    assert main(["models", "list", "--count"]) == 0
    assert capsys.readouterr().out.strip() == "419"


def test_models_show_json(capsys):
    assert main(["models", "show", "3,-6,7,-10", "--eps-ratio", "-6.26", "--mass", "0.2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["charges"]["table1"] == [3, -6, 7, -10]
    assert abs(out["effective_charges"]["e"]["vector"] - 0.26) < 1e-12
    assert all(v == 0 for v in out["anomaly_coefficients"].values())
    assert abs(sum(v for k, v in out["branching_ratios"].items() if k != "invisible") - 1) < 1e-12


def test_chi2_json(capsys):
    assert main(["chi2", "--data", "2021", "--sm", "--terms", "amu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"total", "terms"} and abs(out["terms"]["amu"] - 17.85) < 0.05


def _run(*args):
    return subprocess.run([sys.executable, "-m", "bayes_u1x.cli", *args], capture_output=True, text=True)


def test_bad_input_one_line_error_no_traceback():
    for args in (["models", "show", "1,2,3,4"], ["models", "show", "nonsense"],
                 ["models", "show", "1,2"], ["chi2", "--g", "1e-3", "--mass", "50", "--terms", "amu"],
                 ["chi2", "--g", "nan", "--terms", "amu"], ["chi2", "--g", "1e-3", "--terms", "bogus"]):
        r = _run(*args)
        assert r.returncode != 0, args
        assert "Traceback" not in r.stderr, args
        assert len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert r.stderr.startswith("bayes-u1x: error:"), r.stderr


def test_one_default_likelihood_everywhere(capsys):
    # every entry point defaults to 'default'; with m_X free the App. B likelihood (NA64 + BaBar 2014
    # only, no CCFR) would leave L_mu-L_tau minima at 0.72 and 1.47 GeV that BaBar's 4mu search and
    # CCFR exclude, so profile frees the mass by default and uses every term
    assert main(["profile", "--data", "2021", "--model", "Lmu-Ltau", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "ccfr" in out["terms"] and "ew_t" in out["terms"] and out["fixed_mass_gev"] is None
    assert all(m["m_x_gev"] < 2 * 0.10566 for m in out["minima"])  # below the dimuon threshold
    # the example: a point table1 calls allowed (0.60) that the default likelihood excludes
    assert main(["chi2", "--data", "2021", "--model", "Lmu-Ltau", "--g", "2e-3", "--mass", "0.3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "ccfr" in out["terms"] and out["total"] > 9
    # table1 only when asked, and warned about away from its 200 MeV
    assert main(["chi2", "--data", "2021", "--model", "Lmu-Ltau", "--g", "2e-3", "--mass", "0.3", "--terms", "table1", "--json"]) == 0
    cap = capsys.readouterr()
    assert "table1" in cap.err and "200 MeV" in cap.err and len(cap.err.strip().splitlines()) == 1
    assert main(["chi2", "--data", "2021", "--model", "Lmu-Ltau", "--g", "2e-3", "--mass", "0.2", "--terms", "table1", "--json"]) == 0
    assert capsys.readouterr().err == ""
