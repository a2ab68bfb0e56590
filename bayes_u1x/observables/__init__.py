"""Observables: one module per measurement, each a pure, vectorised Δχ² of the couplings.

Contract for a term module ``bayes_u1x.observables.<name>``:

``delta_chi2(cp: Couplings, data: MeasurementSet, **options) -> ndarray``
    Δχ² of the term at every point of ``cp`` (shape ``cp.shape``), relative to the term's own
    reference (App. B of arXiv:2203.13731). At g_X = 0 it returns the term's SM value exactly.

Optional module attributes: ``VALID_MASS_RANGE = (lo, hi)`` in GeV (a term used outside it is
refused by the likelihood unless forced) and ``DESCRIPTION``.
"""
