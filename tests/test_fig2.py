"""Fig. 2 of arXiv:2203.13731: the (α, R) plane without COHERENT, and the integer models on it."""
import numpy as np
import pytest

from bayes_u1x.models import charges_to_alpha_r
from bayes_u1x.paper.fig2 import _profile_charges
from bayes_u1x.plotting.fig2_plot import plot_fig2


@pytest.mark.parametrize("n, viable", [(-3, False), (-2, True), (3, True)])
def test_n_class_boundary_without_coherent(n, viable):
    # Sec. 4.2: "In Fig. 2 [no COHERENT], only the models with N < -2 were excluded" for
    # 3B - 6L_e - 3L_tau + N(L_mu - L_tau); measured here: N = -3 -> 8.6, N = -2 -> 2.3, N = 3 -> 1.9
    rec = _profile_charges(((3, -6, n, -3 - n), 0.2, "2021"))
    dchi, eps = rec["delta_chi2"], rec["eps_ratio"]
    assert (dchi < 4) == viable, dchi
    # the viable solutions sit at the atom-neutral cancellation, Eq. 4.6 (εe/g_X ≈ -6)
    assert eps == pytest.approx(-6.0, abs=0.3)


def test_n_class_lies_on_the_tan_alpha_line():
    a, r = charges_to_alpha_r(3, -6, 7, -10)
    assert np.tan(a) == pytest.approx(-2 / 3, rel=1e-12) and r > 0


def test_plot_two_panels_with_models(tmp_path):
    grid = {"alpha": np.linspace(-np.pi, np.pi, 4), "R": np.array([0.1, 0.5, 5, 50]),
            "delta_chi2": np.arange(16.0).reshape(4, 4)}
    zoom = {"alpha": np.linspace(-0.85, -0.45, 3), "R": np.array([0.1, 0.6, 1.1]),
            "delta_chi2": np.full((3, 3), 2.0)}
    a, r = charges_to_alpha_r(np.array([3, 3.0]), np.array([-6, -7.0]), np.array([7, -1.0]), np.array([-10, -1.0]))
    models = {"alpha": a, "R": r, "delta_chi2": np.array([2.8, 5.0])}
    out = plot_fig2(grid, tmp_path / "f.png", zoom=zoom, models=models)
    assert out.stat().st_size > 10_000
