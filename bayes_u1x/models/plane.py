"""The continuous (α, R) plane of vector-like models, Eq. 4.4 of arXiv:2203.13731 (Fig. 2)."""
from __future__ import annotations

import numpy as np


def alpha_r_to_charges(alpha, R):
    """Eq. 4.4: x ∝ sin(a)(L_e - L_mu) + cos(a)(B/3 - L_mu) + R(L_mu - L_tau).

    Returns Table-1 coefficients (c_B, c_e, c_mu, c_tau) = (cos a / 3, sin a,
    -sin a - cos a + R, -R), vectorised over arrays. Anomaly-free for any (a, R).
    """
    a = np.asarray(alpha, dtype=float)
    R = np.asarray(R, dtype=float)
    s, c = np.sin(a), np.cos(a)
    return c / 3.0, s, -s - c + R, -R + 0 * a


def charges_to_alpha_r(c_B, c_e, c_mu, c_tau):
    """Inverse of :func:`alpha_r_to_charges` up to the overall normalisation (Eq. 4.4).

    The charges are rescaled by lambda so that (3 c_B, c_e)/lambda lies on the unit circle:
    alpha = atan2(c_e, 3 c_B), R = -c_tau/lambda. Returns R >= 0 by using alpha -> alpha + pi,
    R -> -R (footnote 9). Charges with c_B = c_e = 0 (L_mu - L_tau) map to R = inf.
    """
    cB, ce, cm, ct = (np.asarray(v, dtype=float) for v in (c_B, c_e, c_mu, c_tau))
    lam = np.hypot(3 * cB, ce)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.arctan2(ce, 3 * cB)
        R = np.where(lam > 0, -ct / np.where(lam > 0, lam, 1.0), np.inf)
    neg = R < 0
    alpha = np.where(neg, alpha + np.pi, alpha)
    R = np.abs(R)
    alpha = (alpha + np.pi) % (2 * np.pi) - np.pi
    return alpha, R