"""The U(1)_X model space: charges, anomaly conditions, named benchmarks, enumeration, the (α, R) plane.

Field content (arXiv:2203.13731, Sec. 2.1): the SM fermions plus three right-handed neutrinos N_i,
the Higgs neutral under U(1)_X (x_H = 0, Sec. 2.2), quark charges flavour universal.

- :mod:`.charges` — :class:`Model` and its constructors (:func:`vector_model`, :func:`chiral_model`,
  :func:`dark_photon`);
- :mod:`.anomalies` — the six anomaly coefficients and :func:`check_anomaly_free`;
- :mod:`.catalogue` — named benchmarks and :func:`get_model` (names, "cB,ce,cmu,ctau", mappings);
- :mod:`.enumeration` — the 419 models with |x| <= 10 (:func:`enumerate_vector_models`);
- :mod:`.plane` — the (α, R) parametrisation of Eq. 4.4.
"""
from ..errors import ModelError
from .anomalies import ANOMALY_NAMES, anomaly_coefficients, check_anomaly_free
from .catalogue import TILDE_LMU_LTAU, get_model, n_class, named_models
from .charges import FLAVOURS, MAX_ABS_CHARGE, Model, chiral_model, dark_photon, vector_model
from .enumeration import (MAX_ENUMERATION_CHARGE, count_charge_assignments, count_vector_models,
                          enumerate_vector_models)
from .plane import alpha_r_to_charges, charges_to_alpha_r

__all__ = ["ANOMALY_NAMES", "FLAVOURS", "MAX_ABS_CHARGE", "MAX_ENUMERATION_CHARGE", "Model", "ModelError",
           "TILDE_LMU_LTAU", "alpha_r_to_charges", "anomaly_coefficients", "charges_to_alpha_r",
           "check_anomaly_free", "chiral_model", "count_charge_assignments", "count_vector_models",
           "dark_photon", "enumerate_vector_models", "get_model", "n_class", "named_models", "vector_model"]
