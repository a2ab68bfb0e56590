"""Priors over θ = (log10 g_X, εe/g_X, log10 m_X/GeV), read from TOML files in ``priors/``.

A prior is a product of independent one-dimensional distributions, one per parameter (uniform,
log-uniform, normal, truncated-normal: the table in :mod:`.distributions`).

File format (every parameter must appear exactly once, nothing else is allowed)::

    description = "free text"            # optional
    [log10_g]
    distribution = "uniform"
    bounds = [-6.0, -1.0]
    [eps_ratio]
    ...

The default prior (``priors/default.toml``) is uniform in log10 g_X ∈ [−6, −1],
εe/g_X ∈ [−15, 15] and log10 m_X/GeV ∈ [−2, log10 4]: the lower mass edge is the BBN bound
m_X ≳ 10 MeV (arXiv:2203.13731, Sec. 2.5), the upper edge the trident + T bound m_X ≲ 4 GeV
(Sec. 4.1, Eq. 4.2).

The unit-cube transform :meth:`Prior.ppf` makes a prior usable by nested samplers; random draws
use it too, so a draw depends only on the generator's uniforms.

Modules: :mod:`.distributions` (1-D densities), :mod:`.prior` (the product prior), :mod:`.files`
(finding and reading prior files, model-dependent entries).
"""
from .distributions import Distribution1D, LogUniform, TruncatedNormal, Uniform, make_distribution
from .files import default_prior, load_prior, prior_from_file_data, read_toml_file, resolve_prior_path
from .prior import Prior, prior_from_dict

__all__ = ["Distribution1D", "LogUniform", "Prior", "TruncatedNormal", "Uniform", "default_prior", "load_prior",
           "make_distribution", "prior_from_dict", "prior_from_file_data", "read_toml_file", "resolve_prior_path"]
