"""Exclusion planes (bayes_u1x.exclusion): masks vs direct term evaluation, the g-2 band, limits
the physics guarantees, and the paper's Fig. 6 statements (arXiv:2203.13731, Sec. 5)."""
import json
import math

import numpy as np
import pytest

from bayes_u1x import exclusion as ex
from bayes_u1x.constants import E_CHARGE, M_MU, M_TAU
from bayes_u1x.errors import LikelihoodError, ParameterError
from bayes_u1x.likelihood import delta_chi2_point
from bayes_u1x.observables import TERMS
from bayes_u1x.paper.exclusion_figures import fig6_checks, fig6_eps_ratio
from bayes_u1x.physics.kinetic_mixing import muon_loop_eps_ratio
from bayes_u1x.measurements import load_measurements
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.observables.amu import delta_a

M_SMALL = np.geomspace(0.012, 3.0, 9)


def _plane(model, r, terms, g=(1e-5, 1e-2), n_g=8, **kw):
    return ex.exclusion_plane(model, r, terms=terms, m_grid=M_SMALL, g_grid=np.geomspace(*g, n_g), **kw)


@pytest.mark.parametrize("model,r,terms", [
    ("3B-6Le-3Ltau+5(Lmu-Ltau)", -6.16, ["borexino", "nsi", "ccfr", "ew_t"]),
    ("tilde-Lmu-Ltau", E_CHARGE / 10, ["borexino", "apv", "ae", "texono"]),
])
def test_masks_match_direct_term_evaluation(model, r, terms):
    res = _plane(model, r, terms)
    rng = np.random.default_rng(1)
    for _ in range(12):
        i, j = rng.integers(0, len(res["g_grid"])), rng.integers(0, len(res["m_grid"]))
        _, per = delta_chi2_point(model, res["g_grid"][i], r, res["m_grid"][j], terms=terms, data="2021",
                                  term_options={"ccfr": {}} if "ccfr" in terms else None)
        for t in terms:
            assert res["masks"][t][i, j] == (per[t] > 4.0), (t, i, j, per[t])
            # same arithmetic on the same inputs: agreement to rounding
            assert res["delta_chi2"][t][i, j] == pytest.approx(per[t], rel=1e-9, abs=1e-12)


def test_resonance_searches_union_is_the_hard_cut_term():
    res_s = _plane("Lmu-Ltau", 0.0, ["resonances"], g=(1e-4, 1e-1))
    res_t = _plane("Lmu-Ltau", 0.0, ["resonances"], g=(1e-4, 1e-1), per_search=False)
    union = ex.union_mask(res_s["masks"], ["resonances"])
    assert np.array_equal(union, res_t["masks"]["resonances"])
    assert union.any()  # BaBar/LHCb exclude the top of this plane above the dimuon threshold
    assert all(k.startswith("resonances:") for k in res_s["masks"])


def test_amu_band_solves_the_amu_equation():
    central, sigma = load_measurements("2021").delta_amu
    for model, r in (("Lmu-Ltau", 0.004), ("3,-7,-1,-1", -6.97), ("tilde-Lmu-Ltau", E_CHARGE / 10)):
        m = np.geomspace(0.02, 4.0, 7)
        b = ex.amu_band(model, r, m)
        cp = effective_couplings(model, 1.0, r, m)
        for key, target in (("g_central", central), ("g_low", central - 2 * sigma),
                            ("g_high", central + 2 * sigma)):
            g = b[key]
            da = delta_a(g * cp.qV["mu"], g * cp.qA["mu"], m)
            # closed-form inversion of a g^2-homogeneous function: exact up to rounding
            np.testing.assert_allclose(da, target, rtol=1e-10)
        assert np.all(b["g_low"] < b["g_central"]) and np.all(b["g_central"] < b["g_high"])


def test_band_absent_where_axial_muon_coupling_dominates():
    # L~mu-tau has q_A^mu = 1/2: at small m_X the axial term (2x^3 m_mu^2/m_X^2) wins and
    # Delta a_mu < 0 for every g_X, so no g-2 solution exists there
    m = np.array([0.010, 0.012, 0.05])
    b = ex.amu_band("tilde-Lmu-Ltau", 0.0, m)
    cp = effective_couplings("tilde-Lmu-Ltau", 1.0, 0.0, m)
    unit = delta_a(cp.qV["mu"], cp.qA["mu"], m)
    assert np.array_equal(np.isnan(b["g_central"]), unit <= 0)
    assert np.isnan(b["g_central"][0]) and np.isfinite(b["g_central"][-1])


def test_no_borexino_exclusion_without_electron_coupling():
    # L_mu - L_tau without kinetic mixing: the electron is neutral, R_Be = 1 exactly (0.44 < 4)
    res = _plane("Lmu-Ltau", 0.0, ["borexino", "nsi", "apv"], g=(1e-5, 1.0))
    assert not res["masks"]["borexino"].any()
    assert not res["masks"]["nsi"].any()   # no electron or quark charge: no matter potential
    assert not res["masks"]["apv"].any()   # vector-like: no axial electron coupling
    # with kinetic mixing the electron couples and Borexino bites at large g_X
    res2 = _plane("Lmu-Ltau", 0.3, ["borexino"], g=(1e-5, 1.0))
    assert res2["masks"]["borexino"].any()


def test_exclusion_monotonic_for_tree_level_bounds():
    # NSI and Borexino on vector-like models exclude g_X above a mass-dependent bound (the bound
    # g/m for contact interactions): along g at fixed m the mask switches at most once
    res = _plane("3B-6Le-3Ltau+3(Lmu-Ltau)", -6.08, ["nsi"], g=(1e-6, 1e-2), n_g=30)
    mk = res["masks"]["nsi"].astype(int)
    assert np.all(np.diff(mk, axis=0) >= 0)


def test_every_registered_constraint_is_drawn_and_errors_are_not_swallowed():
    # the planes take their constraints from the registry: a new term cannot silently vanish
    assert ex.default_terms("Lmu-Ltau") == tuple(n for n, t in TERMS.items() if t.constraint and not t.chiral_only)
    assert set(ex.default_terms("tilde-Lmu-Ltau")) == {n for n, t in TERMS.items() if t.constraint}
    # a term that cannot be evaluated is an error of the plane, never a missing region
    with pytest.raises(LikelihoodError, match="CCFR method 'nope'"):
        _plane("Lmu-Ltau", 0.0, ["borexino", "ccfr"], term_options={"ccfr": {"method": "nope"}})


def test_loop_induced_mixing_matches_eq_5_5():
    # Eq. 5.5: eps(m_mu) - eps(m_tau) = 13 e g/(12 pi^2) ln(m_tau/m_mu) = 0.31 e g for L~mu-tau
    r = muon_loop_eps_ratio("tilde-Lmu-Ltau")
    assert r / E_CHARGE ** 2 == pytest.approx(13 / (12 * math.pi ** 2) * math.log(M_TAU / M_MU), rel=1e-12)
    assert r / E_CHARGE ** 2 == pytest.approx(0.31, rel=0.01)  # paper prints two digits
    # L_mu - L_tau: q_V^mu = 1, i.e. 2/13 of the L~mu-tau value
    assert muon_loop_eps_ratio("Lmu-Ltau") == pytest.approx(r * 2 / 13, rel=1e-12)


def test_bad_input():
    with pytest.raises(ParameterError):
        ex.exclusion_plane("Lmu-Ltau", 0.0, m_grid=[0.001, 0.1])      # below 10 MeV
    with pytest.raises(ParameterError):
        ex.exclusion_plane("Lmu-Ltau", 0.0, m_grid=[0.1, 0.05])       # not increasing
    with pytest.raises(ParameterError):
        ex.exclusion_plane("Lmu-Ltau", "abc")
    with pytest.raises(ParameterError):
        ex.exclusion_plane("Lmu-Ltau", 0.0, terms=["amu"])
    with pytest.raises(ParameterError):
        ex.exclusion_plane("Lmu-Ltau", 0.0, terms=["nope"])


def test_mass_intervals():
    m = np.arange(6.0)
    assert ex.mass_intervals(m, [0, 1, 1, 0, 1, 1]) == [(1.0, 2.0), (4.0, 5.0)]
    assert ex.mass_intervals(m, [0] * 6) == []


@pytest.fixture(scope="module")
def fig6_band():
    return ex.band_exclusion("tilde-Lmu-Ltau", fig6_eps_ratio(), masses=np.geomspace(0.01, 1.0, 150),
                             terms=["borexino", "ccfr", "resonances"])


def test_band_exclusion_whole_within_any(fig6_band):
    for c in fig6_band["constraints"].values():
        assert np.all(c["any"][c["whole"]])


@pytest.mark.parametrize("key", ["ccfr", "resonances:na64_2019_invisible", "resonances:babar"])
def test_fig6_statements(fig6_band, key):
    # issue 9 acceptance: the paper's Sec.-5 statements (CCFR ~400 MeV, NA64 ~100 MeV, BaBar 2 m_mu)
    # hold within 30 %
    check = {c["constraint"]: c for c in fig6_checks(fig6_band)}[key]
    assert check["within_tolerance"], check


@pytest.mark.xfail(strict=True, reason="our Borexino bound for L~mu-tau, g_X < 1.07e-4 m_X/100 MeV, is ~1.4x stronger "
                   "than the ~1.5e-4 the paper's 60 MeV edge implies: whole band excluded up to ~105 MeV")
def test_fig6_borexino_statement(fig6_band):
    check = {c["constraint"]: c for c in fig6_checks(fig6_band)}["borexino"]
    assert check["within_tolerance"], check


def test_cli_plot_exclusion_json(tmp_path, capsys):
    from bayes_u1x.cli import main
    out = tmp_path / "x.png"
    rc = main(["plot", "exclusion", "--data", "2021", "--model", "Lmu-Ltau", "--eps-ratio", "loop", "--terms", "borexino,ccfr",
               "--n-masses", "10", "--n-couplings", "10", "--out", str(out), "--json"])
    assert rc == 0 and out.stat().st_size > 0
    d = json.loads(capsys.readouterr().out)
    assert d["eps_ratio"] == pytest.approx(muon_loop_eps_ratio("Lmu-Ltau"))
    assert {c["key"] for c in d["constraints"]} == {"borexino", "ccfr"}
    ccfr = [c for c in d["constraints"] if c["key"] == "ccfr"][0]
    assert ccfr["band_whole_gev"]  # CCFR removes the g-2 band at high mass (Eq. 4.1)


def test_cli_bad_eps_ratio(capsys):
    from bayes_u1x.cli import main
    assert main(["plot", "exclusion", "--data", "2021", "--model", "Lmu-Ltau", "--eps-ratio", "big"]) == 2
    assert "eps-ratio" in capsys.readouterr().err
