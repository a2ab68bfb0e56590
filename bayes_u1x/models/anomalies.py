"""Gauge and gravitational anomalies of a U(1)_X charge assignment (arXiv:2203.13731, Sec. 2.2).

The six anomaly coefficients [SU(3)^2 X, SU(2)^2 X, Y^2 X, Y X^2, X^3, grav^2 X] are computed
directly from the field content (SM fermions plus three right-handed neutrinos), independently of
the enumeration formula, so that they check it.
"""
from __future__ import annotations

from fractions import Fraction

from ..errors import ModelError

ANOMALY_NAMES = ("SU(3)^2 U(1)_X", "SU(2)^2 U(1)_X", "U(1)_Y^2 U(1)_X",
                 "U(1)_Y U(1)_X^2", "U(1)_X^3", "grav^2 U(1)_X")


def _fmt(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def anomaly_coefficients(model) -> tuple[Fraction, ...]:
    """The six gauge/gravitational anomaly coefficients involving U(1)_X.

    Computed from the field content, summing over left-handed Weyl fermions (right-handed fields
    enter with a minus sign), three generations, colour and isospin multiplicities. Hypercharges
    Q(1/6), u(2/3), d(-1/3), L(-1/2), e(-1), N(0). Order as in :data:`ANOMALY_NAMES`.
    """
    if model.x_N is None:
        raise ModelError(f"model {model.name} has no right-handed-neutrino charges: "
                         "anomaly freedom cannot be checked")
    Q, u, d = model.x_Q, model.x_u, model.x_d
    # (multiplicity incl. colour x isospin, hypercharge, chirality sign, charge) per Weyl field
    fields = []
    for i in range(3):
        fields += [(6, Fraction(1, 6), +1, Q), (3, Fraction(2, 3), -1, u),
                   (3, Fraction(-1, 3), -1, d), (2, Fraction(-1, 2), +1, model.x_L[i]),
                   (1, Fraction(-1), -1, model.x_E[i]), (1, Fraction(0), -1, model.x_N[i])]
    su3 = Fraction(0)
    su2 = Fraction(0)
    for i in range(3):
        # SU(3)^2 X: Dynkin index 1/2 per triplet; Q is an SU(2) doublet of triplets (2 copies)
        su3 += Fraction(1, 2) * (2 * Q - u - d)
        # SU(2)^2 X: index 1/2 per doublet; Q has 3 colours
        su2 += Fraction(1, 2) * (3 * Q + model.x_L[i])
    y2x = sum(s * mult * y * y * x for mult, y, s, x in fields)
    yx2 = sum(s * mult * y * x * x for mult, y, s, x in fields)
    x3 = sum(s * mult * x ** 3 for mult, y, s, x in fields)
    grav = sum(s * mult * x for mult, y, s, x in fields)
    return (su3, su2, y2x, yx2, x3, grav)


def check_anomaly_free(model) -> None:
    """Raise :class:`ModelError` naming every anomaly condition the model violates."""
    coeffs = anomaly_coefficients(model)
    bad = [f"{n} = {_fmt(c)}" for n, c in zip(ANOMALY_NAMES, coeffs) if c != 0]
    if bad:
        raise ModelError(f"charges of {model.name!r} are not anomaly-free: " + "; ".join(bad))
