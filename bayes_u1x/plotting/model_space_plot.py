"""The Bayesian counterpart of Fig. 2 of arXiv:2203.13731: ln B(model : SM) of every integer model on the (α, R) plane.

Each enumerated vector-like model (|x| ≤ 10) sits at its own (α, R) of Eq. 4.4 (R linear below 1,
logarithmic above, as in Fig. 2), coloured by ln B vs the SM from an evidence scan
(``bayes-u1x scan --evidence``, mass marginalised). The paper's seven viable models (Table 1,
Δχ²_min < 4 at m_X = 200 MeV) are ringed; L_μ−L_τ (R = ∞) and the dark photon (no (α, R)) are
listed in the side box with their ln B. A zoom panel shows the tan α ≈ −2/3 window where the
N-class models live.
"""
from __future__ import annotations

from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import TwoSlopeNorm  # noqa: E402

from ..models.plane import charges_to_alpha_r  # noqa: E402


def _ymap(r):
    r = np.asarray(r, dtype=float)
    return np.where(r < 1, r, 1 + np.log10(np.maximum(r, 1)))


def direction_key(c) -> tuple:
    """Charges up to overall normalisation (divided by the first non-zero one): one physics direction."""
    c = np.asarray(c, dtype=float)
    nz = c[np.nonzero(c)[0][0]] if np.any(c) else 1.0
    return tuple(np.round(c / nz, 9))


@lru_cache(maxsize=1)
def _named_directions() -> dict:
    from ..models.catalogue import named_models

    return {direction_key(m.table1): m.display for m in named_models().values() if m.is_vectorlike}


def display_name(record) -> str:
    """A scan record's model as shown everywhere: the benchmark name if its charges are one."""
    return _named_directions().get(direction_key(record["charges"]), record.get("display", record["model"]))


def model_space_points(records) -> dict:
    """Arrays alpha, R, log_bf_vs_sm, log_z_err, charges (n, 4) of the records with finite (α, R),
    and ``others`` [(display, ln B)] for L_μ−L_τ-like (R = ∞) and dark-photon-like records."""
    ch = np.array([r["charges"] for r in records], dtype=float)
    lnb = np.array([r["log_bf_vs_sm"] for r in records], dtype=float)
    err = np.array([r["log_z_err"] for r in records], dtype=float)
    alpha, R = charges_to_alpha_r(*ch.T)
    fin = np.isfinite(R) & np.isfinite(alpha) & (np.hypot(3 * ch[:, 0], ch[:, 1]) > 0)
    others = [(display_name(r), float(b)) for r, b, f in zip(records, lnb, fin) if not f]
    return {"alpha": alpha[fin], "R": R[fin], "log_bf_vs_sm": lnb[fin], "log_z_err": err[fin],
            "charges": ch[fin], "others": others}


def plot_model_space(records, out, title: str = "", viable=None, vlim=None):
    """Scatter of ln B(model : SM) over the (α, R) plane (left) and the tan α ≈ −2/3 zoom (right).

    ``viable``: charges to ring (default: the seven of Table 1); ``vlim``: colour range (default
    symmetric about 0 from the data).
    """
    from ..paper.fig2 import ZOOM_ALPHA, ZOOM_R
    from ..paper.reference import TABLE1

    pts = model_space_points(records)
    viable = [row["charges"] for row in TABLE1] if viable is None else viable
    vkeys = {direction_key(c) for c in viable}
    ring = np.array([direction_key(c) in vkeys for c in pts["charges"]], dtype=bool)
    b = pts["log_bf_vs_sm"]
    if vlim is None:   # white at ln B = 0 (as good as the SM), each side stretched to its own extreme
        vlim = (min(float(np.nanmin(b)), -0.05) if b.size else -1.0, max(float(np.nanmax(b)), 0.05) if b.size else 1.0)
    norm = TwoSlopeNorm(vcenter=0.0, vmin=vlim[0], vmax=vlim[1])
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.4), gridspec_kw={"width_ratios": [1.35, 1]})
    fig.subplots_adjust(bottom=0.17, right=0.9, wspace=0.18)
    order = np.argsort(b)                      # best models drawn last, on top
    for ax, ymap, window in ((axes[0], _ymap, None), (axes[1], lambda r: np.asarray(r, float), (ZOOM_ALPHA, ZOOM_R))):
        sel = np.ones(b.size, bool) if window is None else (
            (pts["alpha"] >= window[0][0]) & (pts["alpha"] <= window[0][1])
            & (pts["R"] >= window[1][0]) & (pts["R"] <= window[1][1]))
        o = order[sel[order]]
        sc = ax.scatter(pts["alpha"][o], ymap(pts["R"][o]), c=b[o], cmap="RdBu_r", norm=norm,
                        s=22 if window is None else 40, edgecolors="0.3", linewidths=0.3)
        r = o[ring[o]]
        ax.scatter(pts["alpha"][r], ymap(pts["R"][r]), s=110 if window is None else 170, facecolors="none",
                   edgecolors="k", linewidths=1.3, label="the seven viable models of Table 1 (Δχ²_min < 4 at 200 MeV)")
        ax.axvline(np.arctan(-2 / 3), color="k", ls="--", lw=0.7)
        ax.set_xlabel("α")
        if window is None:
            ax.axvline(np.arctan(-2 / 3) + np.pi, color="k", ls="--", lw=0.7)
            ax.set_xlim(-np.pi, np.pi)
            ax.set_yticks([0, 0.5, 1, 2, 3], ["0", "0.5", "1", "10", "100"])
            ax.set_ylabel("R")
            ax.set_title(title or "ln B(model : SM) of the integer models, mass marginalised", fontsize=10)
            ax.legend(loc="upper right", fontsize=7)
        else:
            ax.set_xlim(*window[0])
            ax.set_ylim(*window[1])
            ax.set_ylabel("R (linear)")
            ax.set_title("zoom: tan α ≈ −2/3 (atoms nearly U(1)_X-neutral)", fontsize=10)
    cax = fig.add_axes([0.915, 0.17, 0.012, 0.71])
    fig.colorbar(sc, cax=cax, label="ln B(model : SM)")
    if pts["others"]:
        txt = "off the plane:\n" + "\n".join(f"{n}: ln B = {v:+.2f}" for n, v in pts["others"])
        axes[0].text(0.02, 0.97, txt, transform=axes[0].transAxes, va="top", fontsize=7,
                     bbox={"fc": "white", "ec": "0.6", "alpha": 0.9})
    fig.text(0.01, 0.01, "Each marker: one enumerated model (|x| ≤ 10) at its own (α, R) of Eq. 4.4 of arXiv:2203.13731; "
             "colour: ln Z − ln L_SM from the evidence scan (blue: the SM is preferred). Dashed: tan α = −2/3.",
             fontsize=7, color="0.3")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
