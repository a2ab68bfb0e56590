"""Named benchmark models and the resolver :func:`get_model` (names, charge strings, mappings).

Benchmarks of arXiv:2203.13731: L_μ−L_τ (Table 1, Fig. 3), the B − 3L_α and B − 2L_e − L_α families
(Fig. 2), B−L, L_e−L_α, the dark photon, the classes 3B−6L_e−3L_τ+N(L_μ−L_τ) and
3B−7L_e−2L_τ+N(L_μ−L_τ) (Sec. 4.2, Table 1) and the chiral L̃_{μ−τ} of Eq. 5.1.
"""
from __future__ import annotations

import re
from fractions import Fraction

from ..errors import ModelError
from .charges import Model, chiral_model, dark_photon, vector_model

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
