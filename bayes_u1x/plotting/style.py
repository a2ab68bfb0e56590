"""What every figure shares: a qualitative palette without repeats, LaTeX model names, readable
search names, and in-plot labels placed along contour lines.
"""
from __future__ import annotations

import re
from fractions import Fraction

import numpy as np

#: qualitative colours (Okabe–Ito and Paul Tol's muted/dark sets), all distinct and readable on white;
#: a figure hands them out in order and never twice
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#117733",
           "#332288", "#999933", "#AA4499", "#44AA99", "#661100", "#6699CC", "#888888", "#B8860B",
           "#000000", "#8B4513", "#4B0082", "#2F4F4F")

_NAMED = {
    "Lmu-Ltau": r"$L_\mu-L_\tau$",
    "B-L": r"$B-L$",
    "tilde-Lmu-Ltau": r"$\tilde L_{\mu-\tau}$",
    "dark-photon": "dark photon",
}
_FLAVOUR = (("B", "B"), ("e", "L_e"), ("mu", r"L_\mu"), ("tau", r"L_\tau"))


def assign_colours(keys) -> dict:
    """{key: colour}, one palette colour per distinct key in order (an error past the palette)."""
    out = {}
    for k in keys:
        if k not in out:
            if len(out) >= len(PALETTE):
                raise ValueError(f"more than {len(PALETTE)} constraints in one figure; hide some")
            out[k] = PALETTE[len(out)]
    return out


def _coef(c: Fraction, first: bool) -> str:
    sign = "-" if c < 0 else ("" if first else "+")
    a = abs(c)
    num = "" if a == 1 else (f"{a.numerator}" if a.denominator == 1 else rf"\frac{{{a.numerator}}}{{{a.denominator}}}")
    return sign + num


def model_tex(model) -> str:
    """A model's name as matplotlib mathtext: L_μ−L_τ, B−L, the named N class, or x = Σ c_i L_i.

    ``model``: a Model, a name, or a plane/limit result dict (its ``"model"``)."""
    if isinstance(model, dict):
        model = model["model"]
    if isinstance(model, str):
        from ..models import get_model
        try:
            model = get_model(model)
        except Exception:  # noqa: BLE001 - a label is never worth an error; fall back to the name
            return model
    name = getattr(model, "name", str(model))
    if name in _NAMED:
        return _NAMED[name]
    m = re.fullmatch(r"3B-6Le-3Ltau\+(\d+)\(Lmu-Ltau\)", name)
    if m:
        return rf"$3B-6L_e-3L_\tau+{m.group(1)}(L_\mu-L_\tau)$"
    if not getattr(model, "is_vectorlike", False):
        return name
    parts, first = [], True
    for c, (_, sym) in zip(model.table1, _FLAVOUR):
        c = Fraction(c)
        if c == 0:
            continue
        parts.append(_coef(c, first) + sym)
        first = False
    return "$" + "".join(parts) + "$" if parts else name


def search_name(key: str, experiment: str = "", signature: str = "") -> str:
    """'NA64 2019 (invisible)' from the registry key and experiment ('na64_2019_invisible')."""
    m = re.match(r"^([a-z0-9]+?)(?:_(\d))?_(\d{4})_(.*)$", key)
    if not m:
        return key
    name = experiment.split(" (")[0] if experiment else m.group(1).upper()
    what = signature or m.group(4).replace("_", " ")
    return f"{name} {m.group(3)} ({what})"


def place_labels(ax, items, avoid=(), fontsize: float = 7.0):
    """Write each (text, colour, vertices in data coordinates) once, on its own line.

    Greedy: for every label, the vertices of its line (inside the axes, away from the edges) are
    tried from the one farthest from the points of ``avoid`` (e.g. the g−2 band) down, and the first
    whose text box overlaps no label placed before is taken (else the best one). Returns the boxes
    in axes coordinates.
    """
    to_axes = ax.transData + ax.transAxes.inverted()
    avoid_pts = [to_axes.transform(np.asarray(a)) for a in avoid if len(a)]
    avoid_pts = np.concatenate(avoid_pts) if avoid_pts else np.empty((0, 2))
    bbox = ax.get_position()
    w_in, h_in = bbox.width * ax.figure.get_figwidth(), bbox.height * ax.figure.get_figheight()
    char_w, line_h = 0.52 * fontsize / 72 / w_in, 1.5 * fontsize / 72 / h_in
    boxes = []
    for text, colour, verts in items:
        v = np.asarray(verts, dtype=float)
        if v.size == 0:
            continue
        p = to_axes.transform(v)
        half_w = 0.5 * char_w * len(text) + 0.01
        ok = (p[:, 0] > half_w + 0.01) & (p[:, 0] < 0.99 - half_w) & (p[:, 1] > 0.04) & (p[:, 1] < 0.96)
        if not ok.any():
            continue
        p = p[ok][:: max(1, int(ok.sum()) // 400)]
        if avoid_pts.size:
            d = np.min(np.hypot(p[:, None, 0] - avoid_pts[None, :, 0], p[:, None, 1] - avoid_pts[None, :, 1]), axis=1)
        else:
            d = np.ones(len(p))
        order = np.argsort(-np.minimum(d, 0.12))
        choice = p[order[0]]
        for i in order:
            x, y = p[i]
            if all(abs(x - bx) > half_w + bw or abs(y - by) > line_h for bx, by, bw in boxes):
                choice = p[i]
                break
        ax.text(choice[0], choice[1], text, transform=ax.transAxes, color=colour, fontsize=fontsize, ha="center",
                va="center", zorder=30,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.8))
        boxes.append((choice[0], choice[1], half_w))
    return boxes


def contour_vertices(cs) -> np.ndarray:
    """All vertices of a single-level contour set (data coordinates), (n, 2)."""
    paths = cs.get_paths()
    vs = [p.vertices for p in paths if len(p.vertices)]
    return np.concatenate(vs) if vs else np.empty((0, 2))
