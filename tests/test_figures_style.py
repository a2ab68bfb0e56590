"""Figures: palette without repeats, LaTeX model names, plots that must draw (exclusion with marks and a
posterior overlay, combined limits, dark-photon limits in epsilon), and Fig. 2's (α, R) mapping."""
import numpy as np
import pytest

from bayes_u1x.plotting.style import PALETTE, assign_colours, model_tex, search_name


def test_palette_has_no_repeats_and_assignment_never_reuses():
    assert len(set(c.lower() for c in PALETTE)) == len(PALETTE)
    keys = [f"k{i}" for i in range(len(PALETTE))] + ["k0"]
    col = assign_colours(keys)
    assert len(set(col.values())) == len(col) == len(PALETTE)
    with pytest.raises(ValueError):
        assign_colours([f"x{i}" for i in range(len(PALETTE) + 1)])


@pytest.mark.parametrize("name,tex", [
    ("Lmu-Ltau", r"$L_\mu-L_\tau$"), ("B-L", r"$B-L$"), ("tilde-Lmu-Ltau", r"$\tilde L_{\mu-\tau}$"),
    ("3,-7,-1,-1", r"$3B-7L_e-L_\mu-L_\tau$"), ("3B-6Le-3Ltau+7(Lmu-Ltau)", r"$3B-6L_e-3L_\tau+7(L_\mu-L_\tau)$"),
])
def test_model_tex(name, tex):
    assert model_tex(name) == tex


def test_search_names_are_readable():
    assert search_name("na64_2019_invisible", "NA64 (CERN SPS)") == "NA64 2019 (invisible)"
    assert search_name("na48_2_2015_pi0_ee", "NA48/2 (CERN SPS)") == "NA48/2 2015 (pi0 ee)"


def _posterior(path, model="Lmu-Ltau"):
    import arviz as az
    rng = np.random.default_rng(1)
    n = 4000
    post = {"log10_g": rng.normal(-3.2, 0.1, (2, n)), "eps_ratio": rng.normal(0.0, 0.01, (2, n)),
            "log10_m": rng.normal(-1.5, 0.2, (2, n))}
    idata = az.from_dict(posterior=post)
    idata.posterior.attrs.update({"model_name": model, "bayes_u1x_result": "posterior"})
    path = path / model
    path.mkdir()
    idata.to_netcdf(str(path / "posterior.nc"), engine="h5netcdf")
    return path


def test_exclusion_plot_with_marks_and_posterior(tmp_path):
    from bayes_u1x.exclusion import exclusion_plane
    from bayes_u1x.plotting.exclusion_plot import plot_exclusion
    from bayes_u1x.plotting.posterior_overlay import overlay_from, posterior_regions, load_posterior
    res = exclusion_plane("Lmu-Ltau", 0.0, terms="borexino,ccfr,resonances", m_grid=np.geomspace(0.01, 1, 12),
                          g_grid=np.geomspace(1e-4, 1e-1, 12))
    run = _posterior(tmp_path)
    _, x = load_posterior(run)
    m, g, H, (t95, t68) = posterior_regions(x)
    # the super-level sets hold the stated probability (to one histogram bin's worth after smoothing)
    assert H[H >= t68].sum() / H.sum() == pytest.approx(0.68, abs=0.02)
    assert H[H >= t95].sum() / H.sum() == pytest.approx(0.95, abs=0.02)
    marks = [{"key": "ccfr", "paper_gev": 0.4, "ours_gev": 0.39, "kind": "lower",
              "statement": "CCFR excludes the band above ~400 MeV"}]
    out = plot_exclusion(res, str(tmp_path / "x.png"), marks=marks, overlay=overlay_from(run, res))
    assert (tmp_path / "x.png").stat().st_size > 20000 and out
    from bayes_u1x.errors import ResultsError
    with pytest.raises(ResultsError, match="model"):
        overlay_from(_posterior(tmp_path, "B-L"), res)


def test_cli_plot_exclusion_posterior(tmp_path):
    from bayes_u1x.cli import main
    run = _posterior(tmp_path)
    out = tmp_path / "p.png"
    assert main(["plot", "exclusion", "--data", "2021", "--model", "Lmu-Ltau", "--eps-ratio", "0", "--terms", "ccfr",
                 "--n-masses", "8", "--n-couplings", "8", "--posterior", str(run), "--out", str(out)]) == 0
    assert out.stat().st_size > 10000


def test_dark_photon_limits_are_drawn_in_epsilon(tmp_path):
    from bayes_u1x.plotting import limits_plot
    from bayes_u1x.constants import E_CHARGE
    from bayes_u1x.models import get_model
    scale, label = limits_plot._y_scale(get_model("dark-photon"), 1.0)
    assert scale == pytest.approx(1 / E_CHARGE) and "varepsilon" in label
    assert limits_plot._y_scale(get_model("B-L"), 0.0)[0] == 1.0


def test_fig2_plane_model_at_an_integer_models_alpha_r_is_that_model():
    # Fig. 2's markers and map use one profile; a plane model at an integer model's (α, R) is the same
    # physics up to the normalisation (g_X and εe/g_X rescale by λ = |(3 c_B, c_e)|), so the same Δχ²_min
    from bayes_u1x.models import charges_to_alpha_r, vector_model
    from bayes_u1x.paper.fig2 import _profile_model, plane_model
    for ch in [(3, -7, -1, -1), (3, -8, 0, -1)]:
        a, R = charges_to_alpha_r(*ch)
        d_int, r_int, _ = _profile_model(vector_model(*ch, check=False), 0.2, "2021")
        d_pl, r_pl, _ = _profile_model(plane_model(float(a), float(R)), 0.2, "2021")
        assert d_pl == pytest.approx(d_int, abs=0.02)   # the profile's tolerance is 0.01 per fit
        assert r_pl == pytest.approx(r_int / np.hypot(3 * ch[0], ch[1]), rel=0.02)


def test_model_space_map_places_each_model_at_its_own_alpha_r(tmp_path):
    # three records: two on the (α, R) plane, L_μ−L_τ (R = ∞) listed beside it by its benchmark name
    from bayes_u1x.models.plane import charges_to_alpha_r
    from bayes_u1x.plotting.model_space_plot import direction_key, model_space_points, plot_model_space

    recs = [{"model": "a", "charges": [3, -6, 7, -10], "log_bf_vs_sm": -0.6, "log_z_err": 0.01},
            {"model": "b", "charges": [3, -7, -1, -1], "log_bf_vs_sm": -0.9, "log_z_err": 0.01},
            {"model": "c", "charges": [0, 0, 1, -1], "log_bf_vs_sm": -0.7, "log_z_err": 0.02}]
    pts = model_space_points(recs)
    a, r = charges_to_alpha_r(3, -7, -1, -1)
    assert pts["alpha"][1] == pytest.approx(float(a)) and pts["R"][1] == pytest.approx(float(r))
    assert [n for n, _ in pts["others"]] == ["Lmu-Ltau (0; 0, 1, -1)"]
    # one physics direction whatever the normalisation: 3(B−L) and B−L share a key
    assert direction_key([3, -3, -3, -3]) == direction_key([1, -1, -1, -1])
    out = plot_model_space(recs, tmp_path / "m.png")
    assert (tmp_path / "m.png").stat().st_size > 10_000 and str(out).endswith("m.png")
