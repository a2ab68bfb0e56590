"""Bad values and tampered tables (issue 'Nothing lost, nothing silently wrong', cases 4, 6, 12)."""
from __future__ import annotations

import time

import numpy as np
import pytest

from bayes_u1x import cache
from bayes_u1x.errors import LikelihoodError, ModelError, ParameterError, SamplingError
from bayes_u1x.inference.config import run_from_dict
from bayes_u1x.likelihood import CompositeLikelihood
from bayes_u1x.models import enumerate_vector_models, vector_model

from faultkit import one_line_error


def test_4_a_cache_file_with_wrong_values_or_keys_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("BAYES_U1X_CACHE", str(tmp_path))
    from bayes_u1x.observables import coherent
    from bayes_u1x.physics.coherent_csi_2017 import response_tables

    def clear():  # the in-process copies: the table and the fast fit built from it
        response_tables.response_table.cache_clear()
        coherent.fast_fit.cache_clear()

    clear()
    point = (np.array([1e-4]), np.array([-6.0]), np.array([0.05]))
    honest = CompositeLikelihood("B-L", terms="coherent", data="2021").terms_physical(*point)["coherent"][0]
    [f] = tmp_path.glob("coherent_csi_response-*.npz")
    with np.load(f) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["A"] = arrays["A"] * 0.5  # altered values, stale content hash
    np.savez(f, **arrays)
    clear()
    with pytest.warns(RuntimeWarning, match="failed its content check"):
        again = CompositeLikelihood("B-L", terms="coherent", data="2021").terms_physical(*point)["coherent"][0]
    assert again == honest
    np.savez(f, unrelated=np.ones(3))  # a file with the wrong keys
    clear()
    cache._warned.clear()
    with pytest.warns(RuntimeWarning, match="failed its content check"):
        assert CompositeLikelihood("B-L", terms="coherent", data="2021").terms_physical(*point)["coherent"][0] == honest


def test_6_non_finite_results_and_arguments_are_errors_not_output(cli):
    rc, out, err = cli("chi2", "--g", "1e-3", "--eps-ratio", "1e300")
    assert rc == 2 and one_line_error(err) and "eps e/g_X" in err and "nan" not in out
    rc, _, err = cli("profile", "--within", "nan")
    assert rc == 2 and "--within" in err and "finite" in err
    rc, _, err = cli("profile", "--within", "nan", "--minos")
    assert rc == 2 and "Traceback" not in err
    with pytest.raises(ParameterError, match="exceeds"):
        CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021").delta_chi2(np.array([[-3.0, 1e300, -1.0]]))


def test_6_a_term_returning_nan_is_named_not_summed(monkeypatch):
    from bayes_u1x.observables import amu
    monkeypatch.setattr(amu, "prepare", lambda data: (lambda cp: np.full(np.shape(cp.m), np.nan)))
    with pytest.raises(LikelihoodError, match="'amu' is not a number"):
        CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021").delta_chi2(np.array([[-3.0, 0.0, -1.0]]))
    # and at one point, where the terms answer with floats (the one-point path of terms_physical)
    monkeypatch.setattr(amu, "prepare", lambda data: (lambda cp: float("nan")))
    with pytest.raises(LikelihoodError, match="'amu' is not a number at g_X = 0.001"):
        CompositeLikelihood("Lmu-Ltau", terms="amu", data="2021").delta_chi2(np.array([-3.0, 0.0, -1.0]))


def test_12_unbounded_work_is_refused_up_front(cli, tmp_path):
    t0 = time.time()
    rc, _, err = cli("models", "list", "--max-charge", "1000")
    assert rc == 2 and one_line_error(err) and time.time() - t0 < 20
    with pytest.raises(ModelError, match="exceeds"):
        vector_model(3e35, -9e35, 0, 0)
    with pytest.raises(ModelError, match="above the supported"):
        enumerate_vector_models(1000)
    prior = tmp_path / "wide.toml"
    prior.write_text('[log10_g]\ndistribution = "uniform"\nbounds = [-6.0, 0.5]\n'
                     '[eps_ratio]\ndistribution = "uniform"\nbounds = [-15.0, 15.0]\n'
                     '[log10_m]\ndistribution = "uniform"\nbounds = [-2.0, 0.6]\n')
    from bayes_u1x.inference.sample import run_sampler
    run = run_from_dict({"run": {"model": "Lmu-Ltau", "prior": str(prior)}}).resolve()
    t0 = time.time()
    with pytest.raises(SamplingError, match="perturbative"):
        run_sampler(run, out_dir=tmp_path / "o", log=lambda m: None)
    assert time.time() - t0 < 10
