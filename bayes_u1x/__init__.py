"""bayes_u1x: probabilistic inference for light anomaly-free U(1)_X gauge bosons and the muon g−2.

Reference: A. Greljo, P. Stangl, A. E. Thomsen, J. Zupan, "On (g−2)_μ from gauged U(1)_X",
arXiv:2203.13731.

The public API (everything below is importable from ``bayes_u1x``; modules load on first use):

- models — :class:`Model`, :func:`get_model`, :func:`vector_model`, :func:`chiral_model`,
  :func:`named_models`, :func:`enumerate_vector_models`;
- couplings and data — :class:`Couplings`, :func:`effective_couplings`, :class:`MeasurementSet`,
  :func:`load_measurements`, :func:`available_measurement_sets`;
- the likelihood — :class:`CompositeLikelihood`, :class:`Preset`, :data:`PRESETS`, :data:`TERMS`, :class:`Term`;
- priors and runs — :class:`Prior`, :func:`load_prior`, :class:`RunConfig`, :class:`Run`, :func:`load_run`,
  :func:`default_run`;
- inference — :func:`sample`, :func:`profile`, :func:`global_minimum`, :func:`evidence`, :func:`compare`,
  :func:`limits` (combined CL upper limits on g_X), :func:`load_results`, :func:`summarize`;
- errors — :class:`BayesU1XError` and its kinds (:mod:`bayes_u1x.errors`).
"""
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bayes-u1x")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+local"

#: public name -> (module, attribute)
_API = {
    "Model": ("models", "Model"), "get_model": ("models", "get_model"), "vector_model": ("models", "vector_model"),
    "chiral_model": ("models", "chiral_model"), "named_models": ("models", "named_models"),
    "enumerate_vector_models": ("models", "enumerate_vector_models"),
    "Couplings": ("couplings", "Couplings"), "effective_couplings": ("couplings", "effective_couplings"),
    "MeasurementSet": ("measurements", "MeasurementSet"), "load_measurements": ("measurements", "load_measurements"),
    "available_measurement_sets": ("measurements", "available_sets"),
    "CompositeLikelihood": ("likelihood", "CompositeLikelihood"), "Preset": ("likelihood", "Preset"),
    "PRESETS": ("likelihood", "PRESETS"), "TERMS": ("observables", "TERMS"), "Term": ("observables", "Term"),
    "Prior": ("inference.priors", "Prior"), "load_prior": ("inference.priors", "load_prior"),
    "RunConfig": ("inference.config", "RunConfig"), "Run": ("inference.config", "Run"),
    "load_run": ("inference.config", "load_run"), "default_run": ("inference.config", "default_run"),
    "sample": ("api", "sample"), "profile": ("api", "profile"), "evidence": ("api", "evidence"),
    "compare": ("api", "compare"), "limits": ("exclusion.combined", "combined_limits"),
    "global_minimum": ("inference.minimum", "global_minimum"), "load_results": ("inference.results", "load_results"),
    "summarize": ("inference.results", "summarize"),
    "BayesU1XError": ("errors", "BayesU1XError"), "ModelError": ("errors", "ModelError"),
    "ParameterError": ("errors", "ParameterError"), "LikelihoodError": ("errors", "LikelihoodError"),
    "DataError": ("errors", "DataError"), "ConfigError": ("errors", "ConfigError"),
    "SamplingError": ("errors", "SamplingError"), "EvidenceError": ("errors", "EvidenceError"),
    "ResultsError": ("errors", "ResultsError"), "Interrupted": ("errors", "Interrupted"),
}

__all__ = ["__version__", *_API]


def __getattr__(name):
    try:
        module, attr = _API[name]
    except KeyError:
        raise AttributeError(f"module 'bayes_u1x' has no attribute {name!r}") from None
    value = getattr(import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
