"""The U(1)_X model space: charges, anomaly conditions, enumeration, named benchmarks.

Field content (arXiv:2203.13731, Sec. 2.1): the SM fermions plus three right-handed neutrinos
N_i, the Higgs neutral under U(1)_X (x_H = 0, Sec. 2.2). Quark charges are flavour universal.

Conventions
-----------
Charges are given per chiral field: lepton doublets ``x_L[i]``, right-handed charged leptons
``x_E[i]``, right-handed neutrinos ``x_N[i]`` (i = e, mu, tau), quark doublet ``x_Q`` and
right-handed quarks ``x_u``, ``x_d``.

A *vector-like* model has x_L = x_E and x_Q = x_u = x_d. It is written in the Table-1 convention
of the paper, ``(c_B; c_e, c_mu, c_tau)``, meaning x_f = c_B B + c_e L_e + c_mu L_mu + c_tau L_tau:
a quark carries c_B/3, a nucleon c_B, lepton flavour alpha carries c_alpha. Anomaly freedom
(Eq. 2.3) needs c_B = -(c_e + c_mu + c_tau)/3 and right-handed-neutrino charges with
sum c_N = sum c_alpha and sum c_N^3 = sum c_alpha^3.

The six anomaly coefficients [SU(3)^2 X, SU(2)^2 X, Y^2 X, Y X^2, X^3, grav^2 X] are computed
directly from the field content in :func:`anomaly_coefficients`, independently of the
enumeration formula.

Counting (Sec. 2.2): integer charges |x| <= K for *all* fields (quarks, leptons, N_i), modulo
overall sign and scale. With K = 10 there are 419 phenomenologically distinct vector-like
models (ordered lepton charges, N_i charges ignored since the N_i are heavy; dark photon
included) -- computed by :func:`enumerate_vector_models`. Counting instead distinct charge
assignments of all fields including the N_i, up to flavour permutations (of charged leptons and
of N_i separately), gives 255: :func:`count_charge_assignments`.
"""
from __future__ import annotations

from .errors import BayesU1XError

import itertools
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

FLAVOURS = ("e", "mu", "tau")
ANOMALY_NAMES = ("SU(3)^2 U(1)_X", "SU(2)^2 U(1)_X", "U(1)_Y^2 U(1)_X",
                 "U(1)_Y U(1)_X^2", "U(1)_X^3", "grav^2 U(1)_X")


class ModelError(BayesU1XError):
    """Raised for charges that do not define a valid (anomaly-free) model, or unknown names."""


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

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return f"{self.name} {self.label()}"


def _fmt(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


# --- anomalies -----------------------------------------------------------------------------------
def anomaly_coefficients(model: Model) -> tuple[Fraction, ...]:
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


def check_anomaly_free(model: Model) -> None:
    """Raise :class:`ModelError` naming every anomaly condition the model violates."""
    coeffs = anomaly_coefficients(model)
    bad = [f"{n} = {_fmt(c)}" for n, c in zip(ANOMALY_NAMES, coeffs) if c != 0]
    if bad:
        raise ModelError(f"charges of {model.name!r} are not anomaly-free: " + "; ".join(bad))


# --- constructors ----------------------------------------------------------------------------------
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
    if check:
        check_anomaly_free(m)
    return m


def dark_photon(name: str = "dark-photon") -> Model:
    """All SM charges zero; N charges (1, -1, 0) keep it an anomaly-free U(1)_X (Sec. 2.2)."""
    return vector_model(0, 0, 0, 0, name=name, x_N=(1, -1, 0),
                        description="couplings only through kinetic mixing (e eps Q_f)")


# --- named benchmarks -----------------------------------------------------------------------------
_NAMED = {
    # name: (c_B, c_e, c_mu, c_tau, description)
    "Lmu-Ltau": (0, 0, 1, -1, "L_mu - L_tau"),
    "B-3Le": (1, -3, 0, 0, "B - 3 L_e"),
    "B-3Lmu": (1, 0, -3, 0, "B - 3 L_mu"),
    "B-3Ltau": (1, 0, 0, -3, "B - 3 L_tau"),
    "B-2Le-Ltau": (1, -2, 0, -1, "B - 2 L_e - L_tau"),
    "B-2Le-Lmu": (1, -2, -1, 0, "B - 2 L_e - L_mu"),
    "B-L": (1, -1, -1, -1, "B - L (lepton number of all three flavours)"),
    "Le-Lmu": (0, 1, -1, 0, "L_e - L_mu"),
    "Le-Ltau": (0, 1, 0, -1, "L_e - L_tau"),
}
_N_CLASS = re.compile(r"^(3B-6Le-3Ltau|3B-7Le-2Ltau)\+?\(?([+-]?\d+)\)?\(Lmu-Ltau\)$")

TILDE_LMU_LTAU = dict(x_L=(-1, 7, -6), x_E=(1, 6, -7), x_N=(-7, -2, 9), x_Q=0)  # Eq. 5.1


def n_class(N: int, kind: str = "3B-6Le-3Ltau") -> Model:
    """The classes 3B-6L_e-3L_tau+N(L_mu-L_tau) and 3B-7L_e-2L_tau+N(L_mu-L_tau) (Sec. 4.2)."""
    N = int(N)
    if kind == "3B-6Le-3Ltau":
        c = (3, -6, N, -3 - N)
    elif kind == "3B-7Le-2Ltau":
        c = (3, -7, N, -2 - N)
    else:
        raise ModelError(f"unknown model class {kind!r}")
    return vector_model(*c, name=f"{kind}+{N}(Lmu-Ltau)", description=f"{kind} + N(L_mu - L_tau), N={N}")


def named_models() -> dict[str, Model]:
    """The named benchmark models (the N classes are parametric: see :func:`get_model`)."""
    out = {k: vector_model(*v[:4], name=k, description=v[4]) for k, v in _NAMED.items()}
    out["dark-photon"] = dark_photon()
    out["tilde-Lmu-Ltau"] = chiral_model(**TILDE_LMU_LTAU, name="tilde-Lmu-Ltau",
                                         description="chiral L~_{mu-tau} of Eq. 5.1")
    return out


def _parse_charges(text: str) -> Model:
    parts = [p for p in re.split(r"[,\s;]+", text.strip().strip("()[]")) if p]
    try:
        vals = [Fraction(p) for p in parts]
    except (ValueError, ZeroDivisionError) as exc:
        raise ModelError(f"malformed charges {text!r}: expected four numbers cB,ce,cmu,ctau") from exc
    if len(vals) != 4:
        raise ModelError(f"malformed charges {text!r}: expected four numbers cB,ce,cmu,ctau, "
                         f"got {len(vals)}")
    cB, ce, cm, ct = vals
    return vector_model(cB, ce, cm, ct)


def get_model(spec) -> Model:
    """Resolve a model from a name, a Table-1 charge string ``"cB,ce,cmu,ctau"``, a 4-sequence,
    a mapping with chiral charges (``x_L``, ``x_E``, ``x_N``, ``x_Q`` ...), or a :class:`Model`."""
    if isinstance(spec, Model):
        return spec
    if isinstance(spec, dict):
        kw = dict(spec)
        if "table1" in kw:
            return vector_model(*kw["table1"], name=kw.get("name"))
        try:
            return chiral_model(**kw)
        except TypeError as exc:
            raise ModelError(f"malformed chiral charges {spec!r}: {exc}") from exc
    if isinstance(spec, (list, tuple)):
        if len(spec) != 4:
            raise ModelError(f"malformed charges {spec!r}: expected (cB, ce, cmu, ctau)")
        return vector_model(*spec)
    if not isinstance(spec, str):
        raise ModelError(f"cannot interpret {spec!r} as a model")
    s = spec.strip()
    named = named_models()
    if s in named:
        return named[s]
    lowered = {k.lower(): v for k, v in named.items()}
    if s.lower() in lowered:
        return lowered[s.lower()]
    m = _N_CLASS.match(s.replace(" ", ""))
    if m:
        return n_class(int(m.group(2)), m.group(1))
    if re.fullmatch(r"[\s()\[\]0-9+\-/.,;]+", s):
        return _parse_charges(s)
    raise ModelError(f"unknown model {spec!r}: use a name ({', '.join(sorted(named))}, "
                     "3B-6Le-3Ltau+N(Lmu-Ltau), 3B-7Le-2Ltau+N(Lmu-Ltau)) or charges 'cB,ce,cmu,ctau'")


# --- enumeration ------------------------------------------------------------------------------------
def _neutrino_sums(K: int) -> dict[tuple[int, int], tuple[int, int, int]]:
    """Map (sum, sum of cubes) -> one multiset of three integer N charges in [-K, K]."""
    out: dict[tuple[int, int], tuple[int, int, int]] = {}
    r = range(-K, K + 1)
    for n in itertools.combinations_with_replacement(r, 3):
        out.setdefault((n[0] + n[1] + n[2], n[0] ** 3 + n[1] ** 3 + n[2] ** 3), n)
    return out


def _primitive(v: tuple[int, ...]) -> tuple[int, ...]:
    g = 0
    for x in v:
        g = math.gcd(g, abs(x))
    if g == 0:
        return v
    v = tuple(x // g for x in v)
    first = next(x for x in v if x)
    return v if first > 0 else tuple(-x for x in v)


@lru_cache(maxsize=8)
def _enumerate(K: int):
    """Primitive (x_q, c_e, c_mu, c_tau) rays realisable with integer |charges| <= K.

    x_q is the quark charge (= c_B/3). Anomaly freedom: 9 x_q + sum c = 0 and an integer N
    multiset with sum N = sum c, sum N^3 = sum c^3, all within [-K, K].
    Returns sorted (ray, N charges scaled to the primitive ray) pairs; the N charges are the first
    integer solution found at the realising scale, divided by that scale (so possibly fractional).
    """
    if K < 1:
        raise ModelError("max charge must be a positive integer")
    nsum = _neutrino_sums(K)
    rays: dict[tuple[int, int, int, int], tuple[Fraction, Fraction, Fraction]] = {}
    r = np.arange(-K, K + 1)
    ce, cm, ct = np.meshgrid(r, r, r, indexing="ij")
    ce, cm, ct = ce.ravel(), cm.ravel(), ct.ravel()
    s = ce + cm + ct
    ok = (s % 9 == 0) & (np.abs(s // 9) <= K)
    for a, b, c in zip(ce[ok].tolist(), cm[ok].tolist(), ct[ok].tolist()):
        s_ = a + b + c
        key = (s_, a ** 3 + b ** 3 + c ** 3)
        if key not in nsum:
            continue
        v = (-s_ // 9, a, b, c)
        ray = _primitive(v)
        if ray in rays:
            continue
        g = math.gcd(*v) or 1
        scale = g if tuple(x // g for x in v) == ray else -g  # v = scale * ray
        rays[ray] = tuple(Fraction(n, scale) for n in nsum[key])
    return tuple(sorted(rays.items()))


def enumerate_vector_models(max_charge: int = 10) -> list[Model]:
    """All phenomenologically distinct quark-universal vector-like anomaly-free models.

    Integer charges |x| <= ``max_charge`` for every field (quarks, leptons, N_i), up to overall
    sign and scale; ordered lepton charges; N_i charges do not distinguish models (the model
    carries one valid N assignment). Each model is returned in Table-1 normalisation c_B = 3 x_q
    with the primitive integer charge vector. ``max_charge=10`` gives the paper's 419.
    """
    out = []
    for (xq, a, b, c), xn in _enumerate(int(max_charge)):
        if (xq, a, b, c) == (0, 0, 0, 0):
            out.append(dark_photon())
            continue
        out.append(vector_model(3 * xq, a, b, c, name=f"({3 * xq};{a},{b},{c})", x_N=xn))
    return out


def count_vector_models(max_charge: int = 10) -> int:
    return len(_enumerate(int(max_charge)))


def count_charge_assignments(max_charge: int = 10) -> int:
    """Distinct integer charge assignments of *all* fields (incl. N_i), |x| <= K, modulo overall
    sign and scale and flavour permutations (charged leptons and N_i permuted separately).

    This is the counting of Sec. 2.2 behind the paper's "255 vector-like charge assignments"
    (dark photon included). It differs from :func:`count_vector_models` (419) in two ways:
    permutations of e, mu, tau are identified here, and different N_i charges count as different
    assignments here while they are phenomenologically equivalent there.
    """
    K = int(max_charge)
    from collections import defaultdict

    ns: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    for n in itertools.combinations_with_replacement(range(-K, K + 1), 3):
        ns[(sum(n), sum(x ** 3 for x in n))].append(n)
    seen = set()
    for c in itertools.combinations_with_replacement(range(-K, K + 1), 3):
        s = sum(c)
        if s % 9 or abs(s // 9) > K:
            continue
        for n in ns.get((s, sum(x ** 3 for x in c)), ()):
            v = (-s // 9, *c, *n)
            g = 0
            for x in v:
                g = math.gcd(g, abs(x))
            g = g or 1
            forms = []
            for sign in (1, -1):
                w = tuple(sign * x // g for x in v)
                forms.append((w[0], *sorted(w[1:4]), *sorted(w[4:])))
            seen.add(min(forms))
    return len(seen)


# --- (alpha, R) parametrisation, Eq. 4.4 ------------------------------------------------------------
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
