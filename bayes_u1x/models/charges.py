"""A U(1)_X charge assignment and its constructors (vector-like, chiral, dark photon).

Charges are given per chiral field: lepton doublets ``x_L[i]``, right-handed charged leptons
``x_E[i]``, right-handed neutrinos ``x_N[i]`` (i = e, mu, tau), quark doublet ``x_Q`` and
right-handed quarks ``x_u``, ``x_d`` (arXiv:2203.13731, Sec. 2.1; the Higgs is neutral, x_H = 0).

A *vector-like* model has x_L = x_E and x_Q = x_u = x_d. It is written in the Table-1 convention
of the paper, ``(c_B; c_e, c_mu, c_tau)``, meaning x_f = c_B B + c_e L_e + c_mu L_mu + c_tau L_tau:
a quark carries c_B/3, a nucleon c_B, lepton flavour alpha carries c_alpha. Anomaly freedom
(Eq. 2.3) needs c_B = -(c_e + c_mu + c_tau)/3 and right-handed-neutrino charges with
sum c_N = sum c_alpha and sum c_N^3 = sum c_alpha^3 (:mod:`.anomalies`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import ModelError
from .anomalies import _fmt, anomaly_coefficients, check_anomaly_free

FLAVOURS = ("e", "mu", "tau")
#: largest |charge| accepted for any field: beyond it g_X x_f overflows the physics (Δχ² ~ 1e140
#: was seen for charges of 1e35); rescale the charges and the coupling instead
MAX_ABS_CHARGE = 1000


def _frac(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        if not math.isfinite(x):
            raise ModelError(f"charge {x!r} is not finite")
        return Fraction(x).limit_denominator(10**6)
    try:
        return Fraction(x)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"charge {x!r} is not a number") from exc


@dataclass(frozen=True)
class Model:
    """A U(1)_X charge assignment (per chiral field). Construct via the helpers below."""

    name: str
    x_L: tuple[Fraction, Fraction, Fraction]
    x_E: tuple[Fraction, Fraction, Fraction]
    x_Q: Fraction
    x_u: Fraction
    x_d: Fraction
    x_N: tuple[Fraction, ...] | None = None
    description: str = ""
    aliases: tuple[str, ...] = field(default=(), compare=False)

    # --- derived -----------------------------------------------------------------------------
    @property
    def is_vectorlike(self) -> bool:
        return self.x_L == self.x_E and self.x_Q == self.x_u == self.x_d

    @property
    def is_dark_photon(self) -> bool:
        return all(x == 0 for x in (*self.x_L, *self.x_E, self.x_Q, self.x_u, self.x_d))

    @property
    def c_B(self) -> Fraction:
        """Baryon-number coefficient (nucleon charge) for quark-vector-like models."""
        if not self.x_Q == self.x_u == self.x_d:
            raise ModelError(f"model {self.name} has chiral quark charges: c_B undefined")
        return 3 * self.x_Q

    @property
    def c_lep(self) -> tuple[Fraction, Fraction, Fraction]:
        """Vector lepton charges (c_e, c_mu, c_tau) = (x_L + x_E)/2."""
        return tuple((a + b) / 2 for a, b in zip(self.x_L, self.x_E))

    @property
    def table1(self) -> tuple[Fraction, Fraction, Fraction, Fraction]:
        """(c_B, c_e, c_mu, c_tau) in the Table-1 convention (vector-like models only)."""
        if not self.is_vectorlike:
            raise ModelError(f"model {self.name} is chiral: no (c_B; c_e, c_mu, c_tau) form")
        return (self.c_B, *self.x_L)

    def charges_dict(self) -> dict:
        d = {
            "x_L": [str(x) for x in self.x_L], "x_E": [str(x) for x in self.x_E],
            "x_Q": str(self.x_Q), "x_u": str(self.x_u), "x_d": str(self.x_d),
            "x_N": None if self.x_N is None else [str(x) for x in self.x_N],
        }
        if self.is_vectorlike:
            d["table1"] = [float(x) for x in self.table1]
        return d

    def anomalies(self) -> tuple[Fraction, ...]:
        return anomaly_coefficients(self)

    def label(self) -> str:
        if self.is_vectorlike:
            cB, ce, cm, ct = self.table1
            return f"({_fmt(cB)}; {_fmt(ce)}, {_fmt(cm)}, {_fmt(ct)})"
        return self.name

    @property
    def display(self) -> str:
        """The one way a model is shown: ``name (c_B; c_e, c_μ, c_τ)``, or the charges alone for an
        unnamed model (whose name is its charges)."""
        lab = self.label()
        if lab == self.name or lab.replace(" ", "") == self.name:
            return lab
        return f"{self.name} {lab}" if self.is_vectorlike else self.name

    @property
    def slug(self) -> str:
        """A folder name: the lower-cased name (``lmu_ltau``), for an unnamed vector-like model its
        generator (``3b_7le_lmu_ltau`` for 3B − 7L_e − L_μ − L_τ); '+' is kept so signs stay apart."""
        text = self.name
        if self.is_vectorlike and self.label().replace(" ", "") == self.name:
            text = generator_name(self.table1)
        out = re.sub(r"[^a-z0-9+]+", "_", text.lower()).strip("_")
        return out or "model"

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.display




def generator_name(table1) -> str:
    """The charge combination as a generator, e.g. (3; -7, -1, -1) -> '3B-7Le-Lmu-Ltau'."""
    parts = []
    for coef, sym in zip(table1, ("B", "Le", "Lmu", "Ltau")):
        c = Fraction(coef)
        if c == 0:
            continue
        mag = "" if abs(c) == 1 else _fmt(abs(c))
        sign = "-" if c < 0 else ("+" if parts else "")
        parts.append(f"{sign}{mag}{sym}")
    return "".join(parts) or "dark-photon"


def _check_size(values, name: str) -> None:
    big = [v for v in values if abs(v) > MAX_ABS_CHARGE]
    if big:
        raise ModelError(f"charge {float(big[0]):g} of {name!r} exceeds |x| <= {MAX_ABS_CHARGE}: only the "
                         "ratios of charges are physical, so rescale them (and g_X) to smaller numbers")


def _find_neutrino_charges(leptons: tuple[Fraction, ...], max_charge: int = 30):
    """Right-handed neutrino charges solving sum N = sum L and sum N^3 = sum L^3.

    Prefers the universal solution c_N = c (which always exists, Sec. 2.2) so that a
    vector-like model is always completed; returns a tuple of Fractions.
    """
    return tuple(leptons)


def vector_model(c_B, c_e, c_mu, c_tau, name: str | None = None, x_N=None,
                 description: str = "", check: bool = True) -> Model:
    """Vector-like model from Table-1 charges (c_B; c_e, c_mu, c_tau).

    Anomaly freedom requires c_B = -(c_e + c_mu + c_tau)/3; with ``x_N=None`` the right-handed
    neutrinos take the charges (c_e, c_mu, c_tau), which always solves the N conditions.
    """
    cB, ce, cm, ct = (_frac(v) for v in (c_B, c_e, c_mu, c_tau))
    xN = tuple(_frac(v) for v in x_N) if x_N is not None else _find_neutrino_charges((ce, cm, ct))
    if len(xN) != 3:
        raise ModelError("three right-handed-neutrino charges are needed")
    _check_size((cB, ce, cm, ct, *xN), name or "model")
    m = Model(name=name or f"({_fmt(cB)};{_fmt(ce)},{_fmt(cm)},{_fmt(ct)})",
              x_L=(ce, cm, ct), x_E=(ce, cm, ct), x_Q=cB / 3, x_u=cB / 3, x_d=cB / 3,
              x_N=xN, description=description)
    if check:
        check_anomaly_free(m)
    return m


def chiral_model(x_L, x_E, x_N, x_Q=0, x_u=None, x_d=None, name: str = "user-chiral",
                 description: str = "", check: bool = True) -> Model:
    """Model from full chiral charges. ``x_u``/``x_d`` default to ``x_Q``."""
    xQ = _frac(x_Q)
    m = Model(name=name, x_L=tuple(_frac(v) for v in x_L), x_E=tuple(_frac(v) for v in x_E),
              x_Q=xQ, x_u=_frac(x_u) if x_u is not None else xQ,
              x_d=_frac(x_d) if x_d is not None else xQ,
              x_N=tuple(_frac(v) for v in x_N), description=description)
    if len(m.x_L) != 3 or len(m.x_E) != 3 or len(m.x_N) != 3:
        raise ModelError("x_L, x_E and x_N each need three charges (e, mu, tau)")
    _check_size((*m.x_L, *m.x_E, *m.x_N, m.x_Q, m.x_u, m.x_d), name)
    if check:
        check_anomaly_free(m)
    return m


def dark_photon(name: str = "dark-photon") -> Model:
    """All SM charges zero; N charges (1, -1, 0) keep it an anomaly-free U(1)_X (Sec. 2.2)."""
    return vector_model(0, 0, 0, 0, name=name, x_N=(1, -1, 0),
                        description="couplings only through kinetic mixing (e eps Q_f)")
