"""Fig. 1 / Eq. 4.2 of arXiv:2203.13731: χ²(a_μ + CCFR + T) minimised over (g x_L2, g x_E2, ε_Y)."""
import json

import numpy as np
import pytest

from bayes_u1x.paper import fig1
from bayes_u1x.cli import main


@pytest.fixture(scope="module")
def chi2():
    return fig1.Fig1Chi2()


def test_sm_value(chi2):
    # sum of the three SM values: a_mu 17.847 (251/59.4)^2, CCFR (0.18/0.28)^2, T (0.03/0.12)^2
    expect = (251 / np.hypot(41, 43)) ** 2 + (0.18 / 0.28) ** 2 + 0.0625
    for m in (1.0, 50.0):
        assert fig1.minimise(chi2, m, "sm")[0] == pytest.approx(expect, rel=1e-9)


def test_nested_hypotheses(chi2):
    # the global fit contains every restricted hypothesis (minimiser tolerance 1e-3)
    for m in (1.5, 6.0):
        g = fig1.minimise(chi2, m, "global")[0]
        for h in ("eps_zero", "kinetic_mixing", "sm"):
            assert g <= fig1.minimise(chi2, m, h)[0] + 1e-3


def test_light_x_explains_g2(chi2):
    # at 1 GeV pure kinetic mixing needs eps_Y ≈ 0.02 << 0.076: g-2 explained, chi2 ≈ CCFR+T SM parts
    val, p = fig1.minimise(chi2, 1.0, "kinetic_mixing")
    assert val < 1.0 and abs(p[2]) < 0.076


def test_eps_zero_excluded_by_trident(chi2):
    # ε_Y = 0: muon and ν_μ couplings tied (Sec. 4.1), trident forbids the g-2 solution above 1 GeV
    assert fig1.minimise(chi2, 2.0, "eps_zero")[0] > 9.0


def test_upper_bound_eq_4_2():
    masses = np.geomspace(2.0, 10.0, 8)
    res = fig1.fig1_curves(masses)
    ub = fig1.upper_bound(masses, res["chi2"]["global"])
    # Eq. 4.2: m_X ≲ 4 GeV; acceptance window 3–5 GeV (criterion chi2_min = 4 is documented)
    assert 3.0 < ub < 5.0


def test_z_pole_dip_and_lepton_universality(chi2):
    # at m_X ≈ m_Z the r²/(1 − r²) J_Z admixture of Eq. 3.18 can offset the ν_μ coupling (the
    # "conspiracy" of Sec. 4.1): a + CCFR + T dip to ≈ 7.9 but stay above 4; R_μe (Eqs. 3.16–3.17),
    # not in the paper's Fig. 1, removes most of it (measured 14.3). The dip is narrow (at 89 and
    # 93 GeV χ²_min is already 15.6 and 14.7); 12 and 4 leave room for the minimiser's multistart.
    dip = fig1.minimise(chi2, 91.0, "global")[0]
    assert 4.0 < dip < 12.0
    with_r = fig1.minimise(fig1.Fig1Chi2(with_r_mue=True), 91.0, "global")[0]
    assert with_r > 12.0
    # away from the Z both agree (R_μe is then negligible for the best fit)
    assert fig1.minimise(fig1.Fig1Chi2(with_r_mue=True), 3.0, "global")[0] == pytest.approx(
        fig1.minimise(chi2, 3.0, "global")[0], abs=0.05)


def test_upper_bound_helper():
    m = np.array([1.0, 2.0, 4.0, 8.0])
    assert fig1.upper_bound(m, [0.0, 2.0, 6.0, 10.0]) == pytest.approx(np.exp(np.log(2) + 0.5 * np.log(2)))
    assert np.isnan(fig1.upper_bound(m, [0.0, 1.0, 2.0, 3.0]))


def test_cli_json(capsys, tmp_path):
    png = tmp_path / "fig1.png"
    rc = main(["reproduce", "fig1", "--json", "--n-masses", "4", "--n-zoom", "2", "--out", str(png)])
    assert rc == 0 and png.stat().st_size > 1000
    out = json.loads(capsys.readouterr().out)
    # 4 log-spaced masses plus 2 in 80-100 GeV around the m_Z dip
    assert "m_x_upper_bound_gev" in out and len(out["chi2_global"]) == 6
    assert sum(80.0 <= m <= 100.0 for m in out["m_x_gev"]) == 2
    assert main(["reproduce", "fig1", "--n-masses", "1"]) == 2
