"""Profile minimisation: multimodality, validity flags, agreement with a brute-force grid."""
import numpy as np
import pytest

from bayes_u1x.inference import thresholds
from bayes_u1x.errors import ParameterError as ProfileError
from bayes_u1x.inference.profile import find_minima, minos_intervals, profile_curve


class Toy:
    """Two separated minima in eps ratio (depths 0.5 and 1.2), quadratic in log10 g."""

    def terms_theta(self, theta):
        theta = np.atleast_2d(theta)
        lg, r = theta[:, 0], theta[:, 1]
        a = (lg + 3.0) ** 2 / 0.01 + (r - 2.0) ** 2 / 0.25 + 0.5
        b = (lg + 4.0) ** 2 / 0.01 + (r + 6.0) ** 2 / 0.09 + 1.2
        return {"toy": np.minimum(a, b)}

    def delta_chi2(self, theta):
        return self.terms_theta(theta)["toy"]


def test_finds_both_minima_best_first():
    res = find_minima(Toy(), fixed_mass=0.2, within=1.0)
    assert len(res) == 2
    assert np.allclose(res[0].theta[:2], [-3.0, 2.0], atol=1e-3)   # Minuit tolerance on a quadratic
    assert np.allclose(res[1].theta[:2], [-4.0, -6.0], atol=1e-3)
    assert np.isclose(res[0].delta_chi2, 0.5, atol=1e-4) and np.isclose(res[1].delta_chi2, 1.2, atol=1e-4)
    assert all(r.is_valid and not r.at_limit for r in res)
    # 'within' drops the second minimum when it is further than that from the best
    assert len(find_minima(Toy(), fixed_mass=0.2, within=0.5)) == 1


def test_minimum_outside_bounds_flagged_at_limit():
    res = find_minima(Toy(), fixed_mass=0.2, bounds={"eps_ratio": (-1.0, 1.0)}, within=100)
    assert any("eps_ratio" in r.at_limit for r in res)


def test_minos_and_profile_curve_on_quadratic():
    best = find_minima(Toy(), fixed_mass=0.2)[0]
    iv = minos_intervals(Toy(), best)
    # exact 1-sigma half-widths of the quadratic: sqrt(0.01) = 0.1 and sqrt(0.25) = 0.5
    assert np.isclose(iv["log10_g"]["upper"] - iv["log10_g"]["lower"], 0.2, rtol=1e-2)
    assert np.isclose(iv["eps_ratio"]["upper"] - iv["eps_ratio"]["lower"], 1.0, rtol=1e-2)
    x, y, ok = profile_curve(Toy(), best, "eps_ratio", size=11)
    assert np.all(ok) and np.isclose(y.min(), 0.5, atol=1e-3)


def test_bad_settings():
    with pytest.raises(ProfileError, match="outside the supported range"):
        find_minima(Toy(), fixed_mass=10.0)
    with pytest.raises(ProfileError, match="unknown parameter"):
        find_minima(Toy(), fixed_mass=0.2, bounds={"mass": (0, 1)})


def test_thresholds():
    # textbook Wilks values: 1D 1 sigma -> 1, 2 sigma -> 4; 2D 68.27% -> 2.30, 95% -> 5.99
    assert np.isclose(thresholds.delta_chi2_for_sigma(1), 1.0)
    assert np.isclose(thresholds.delta_chi2_for_sigma(2), 4.0)
    assert np.isclose(thresholds.delta_chi2_for_sigma(1, ndof=2), 2.2957, atol=1e-4)
    assert np.isclose(thresholds.delta_chi2_for_cl(0.95, ndof=2), 5.9915, atol=1e-4)
    assert list(thresholds.is_viable([3.99, 4.0, 4.01])) == [True, False, False]


# --- physics: the paper's Table-1 likelihood --------------------------------------------------
from bayes_u1x.likelihood import CompositeLikelihood  # noqa: E402


@pytest.mark.parametrize("model,box", [
    ("Lmu-Ltau", ((-3.3, -2.3), (-0.5, 0.5))),
    ("3,-6,7,-10", ((-4.5, -3.5), (-7.5, -5.5))),
])
def test_profile_not_worse_than_brute_force_grid(model, box):
    lk = CompositeLikelihood(model, terms="table1", data="2021")
    best = find_minima(lk, fixed_mass=0.2)[0]
    assert best.is_valid and best.method == "migrad"
    lg = np.linspace(*box[0], 161)
    r = np.linspace(*box[1], 161)
    G, R = np.meshgrid(lg, r, indexing="ij")
    theta = np.column_stack([G.ravel(), R.ravel(), np.full(G.size, np.log10(0.2))])
    grid_min = lk.delta_chi2(theta).min()
    # the minimiser may beat the grid (finer than its spacing) but never lose to it by more than
    # the grid's own discretisation error, which is far below 1e-2 for these smooth valleys
    assert best.delta_chi2 <= grid_min + 1e-3
    assert best.delta_chi2 >= grid_min - 0.2


def test_viability_of_benchmarks_at_200_mev():
    # Sec. 4.2: L_mu - L_tau is viable (Table 1); B - L and the dark photon are not (Fig. 2 / text)
    ok = find_minima(CompositeLikelihood("Lmu-Ltau", terms="table1", data="2021"), fixed_mass=0.2)[0]
    assert thresholds.is_viable(ok.delta_chi2)
    for name in ("B-L", "dark-photon"):
        res = find_minima(CompositeLikelihood(name, terms="table1", data="2021"), fixed_mass=0.2)[0]
        assert not thresholds.is_viable(res.delta_chi2), name


def test_minuit_c_level_messages_do_not_reach_stdout(capfd):
    # Minuit2 prints "E VariableMetricBuilder Initial matrix not pos.def." to the process's
    # stdout on a saddle start; inside quiet_minuit nothing may reach stdout (it broke --json)
    from iminuit import Minuit

    from bayes_u1x._minuit import quiet_minuit

    def saddle(x, y):
        return -x ** 2 + 1e-3 * x ** 4 + y ** 2

    m = Minuit(saddle, x=0.0, y=0.0)
    m.errordef = 1
    with quiet_minuit():
        m.migrad()
    assert "VariableMetricBuilder" not in capfd.readouterr().out
    m = Minuit(saddle, x=0.0, y=0.0)
    m.errordef = 1
    m.migrad()  # the check above is meaningful only if this case does print outside the context
    assert "VariableMetricBuilder" in capfd.readouterr().out
