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
    assert main(["chi2", "--sm", "--terms", "amu", "--json"]) == 0
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
