"""Enumeration of the quark-universal, vector-like, anomaly-free models (arXiv:2203.13731, Sec. 2.2).

Counting: integer charges |x| <= K for *all* fields (quarks, leptons, N_i), modulo overall sign
and scale. With K = 10 there are 419 phenomenologically distinct vector-like models (ordered lepton
charges, N_i charges ignored since the N_i are heavy; dark photon included) --
:func:`enumerate_vector_models`. Counting instead distinct charge assignments of all fields
including the N_i, up to flavour permutations (of charged leptons and of N_i separately), gives
255: :func:`count_charge_assignments`.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..errors import ModelError
from .charges import Model, dark_photon, vector_model

#: largest K accepted by the enumeration: K = 30 gives 10,370 models (arXiv:2203.13731 stops at 10);
#: the neutrino-charge table grows as K^3 and the lepton grid as (2K+1)^3
MAX_ENUMERATION_CHARGE = 50


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
    if K > MAX_ENUMERATION_CHARGE:
        raise ModelError(f"max charge {K} is above the supported {MAX_ENUMERATION_CHARGE} (K = 30 already "
                         "gives 10,370 models; the enumeration's memory grows as K^3)")
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
    if not 1 <= K <= MAX_ENUMERATION_CHARGE:
        raise ModelError(f"max charge must be an integer in [1, {MAX_ENUMERATION_CHARGE}], got {max_charge!r}")
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
