"""The entry points of the public API: they take objects (a likelihood, a prior), not configuration strings.

>>> import bayes_u1x as bx
>>> lk = bx.CompositeLikelihood("Lmu-Ltau")                 # the default likelihood
>>> minima = bx.profile(lk, mass=0.2)                       # iminuit profile minima at 200 MeV
>>> res = bx.sample(lk, "default", out="results/lmu")        # emcee posterior -> res.idata
>>> z = bx.evidence(lk, "default", method="is")              # ln Z, the same path as the command line
"""
from __future__ import annotations

from pathlib import Path


def _likelihood(likelihood):
    from .likelihood import CompositeLikelihood

    if likelihood is None:
        raise TypeError("give a likelihood (a CompositeLikelihood, or a model for the default likelihood)")
    return likelihood if hasattr(likelihood, "terms_theta") else CompositeLikelihood(likelihood)


def sample(likelihood=None, prior="default", *, run=None, out=None, seed: int | None = None, label=None,
           resume: bool = False, force: bool = False, progress: bool = False, **sampler):
    """Sample the posterior of a likelihood under a prior with emcee; returns a
    :class:`~bayes_u1x.inference.sample.SampleResult` (``.idata``: ArviZ InferenceData).

    Either pass ``likelihood`` (a :class:`~bayes_u1x.likelihood.CompositeLikelihood`, a model for the
    default likelihood, or any object with ``terms`` and ``terms_theta``) and ``prior`` (a
    :class:`~bayes_u1x.inference.priors.Prior` or a prior file / shipped name), or ``run`` (a run file,
    a shipped run's name or a :class:`~bayes_u1x.inference.config.RunConfig`). ``sampler`` keywords
    override the [sampler] settings (``walkers``, ``max_steps``, ...); ``seed`` the root seed.
    Results go to ``out`` or the run's folder ``results/<name>`` (``-<label>`` appended if given), the
    same folder the command line uses (:mod:`bayes_u1x.inference.run_folder`).
    """
    from .inference.config import RunConfig, default_run, load_run
    from .inference.sample import run_sampler

    over = {f"sampler__{k}": v for k, v in sampler.items()}
    over["seed"] = seed
    if run is not None:
        cfg = run if isinstance(run, RunConfig) else load_run(run)
        cfg = cfg.override(**over)
        resolved = cfg.resolve(likelihood=None if likelihood is None else _likelihood(likelihood),
                               prior=None if likelihood is None and prior == "default" else prior)
    else:
        lk = _likelihood(likelihood)
        resolved = default_run(**over).resolve(likelihood=lk, prior=prior)
    out_dir = Path(out) if out is not None else resolved.output_dir
    if label:
        out_dir = out_dir.with_name(f"{out_dir.name}-{label}")
    return run_sampler(resolved, out_dir=out_dir, resume=resume, force=force, progress=progress)


def profile(likelihood, *, mass: float | None = None, bounds=None, within: float = 1.0, **kw):
    """Profile-likelihood minima (iminuit) of a likelihood: every distinct local minimum within
    ``within`` of the best, best first (:func:`bayes_u1x.inference.profile.find_minima`).
    ``mass`` [GeV] fixes m_X; None frees it."""
    from .inference.profile import find_minima

    return find_minima(_likelihood(likelihood), bounds=bounds, fixed_mass=mass, within=within, **kw)


def evidence(likelihood, prior="default", method: str = "is", *, seed: int = 1, settings=None):
    """ln Z of a likelihood under a prior (:func:`bayes_u1x.inference.evidence.evidence`: importance
    sampling from the profile + pilot reference the command line uses, TI as its fallback)."""
    from .inference.evidence import evidence as _evidence

    return _evidence(_likelihood(likelihood), prior, method, seed=seed, settings=settings)


def compare(models, *, prior="default", terms="default", data=None, method: str = "is", seed: int = 1,
            settings=None, profile: bool = True):
    """The evidence comparison table (a pandas DataFrame, best model first) of several models."""
    from .inference.compare import scan_table
    from .inference.evidence import model_evidence

    from .measurements import DEFAULT_SET

    data = DEFAULT_SET if data is None else data
    recs = [model_evidence(m, terms=terms, data=data, prior=prior, method=method, seed=seed, settings=settings,
                           profile=profile) for m in models]
    return scan_table(recs)
