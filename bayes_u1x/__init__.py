"""bayes_u1x: probabilistic inference for light anomaly-free U(1)_X gauge bosons and (g-2)_mu.

Reference: A. Greljo, P. Stangl, A. E. Thomsen, J. Zupan, "On (g-2)_mu from gauged U(1)_X",
arXiv:2203.13731.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bayes-u1x")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+local"

from .couplings import Couplings, ParameterError, effective_couplings  # noqa: E402
from .likelihood import CompositeLikelihood, LikelihoodError  # noqa: E402
from .measurements import load_measurements  # noqa: E402
from .models import Model, ModelError, enumerate_vector_models, get_model  # noqa: E402

__all__ = ["__version__", "Couplings", "ParameterError", "effective_couplings",
           "CompositeLikelihood", "LikelihoodError", "load_measurements", "Model", "ModelError",
           "enumerate_vector_models", "get_model"]
