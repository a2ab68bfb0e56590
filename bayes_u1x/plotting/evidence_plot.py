"""Bar plot of a model-comparison table (:func:`bayes_u1x.inference.compare.comparison_table`)."""
from __future__ import annotations

import numpy as np

from ..errors import EvidenceError
from ..inference.compare import JEFFREYS


def plot_evidence(df, quantity: str = "log_bf_vs_sm", ax=None, jeffreys: bool = True):
    """Horizontal bars of ``quantity`` (ln B vs SM by default) with 1σ error bars, best model on top.

    Dotted lines mark the Jeffreys thresholds |ln B| = 1, 2.5, 5.
    """
    import matplotlib.pyplot as plt

    if quantity not in df.columns:
        raise EvidenceError(f"no column {quantity!r} in the table")
    errcol = {"log_bf_vs_sm": "log_z_err", "log_z": "log_z_err", "d_log_z": "d_log_z_err",
              "log_bf_vs_lmu_ltau": "log_bf_vs_lmu_ltau_err"}.get(quantity)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.45 * len(df) + 1.2))
    y = np.arange(len(df))[::-1]
    vals = df[quantity].to_numpy(dtype=float)
    err = df[errcol].to_numpy(dtype=float) if errcol else None
    ax.barh(y, vals, xerr=err, color=["C1" if v < 0 else "C0" for v in vals], alpha=0.8, capsize=3)
    ax.set_yticks(y, [str(m) for m in df.index])
    ax.axvline(0, color="k", lw=0.8)
    if jeffreys:
        for t, _ in JEFFREYS[:-1]:
            for s in (-1, 1):
                ax.axvline(s * t, color="grey", ls=":", lw=0.8)
    labels = {"log_bf_vs_sm": r"$\ln B$ (model : SM)", "log_z": r"$\ln Z$", "d_log_z": r"$\Delta\ln Z$",
              "log_bf_vs_lmu_ltau": r"$\ln B$ (model : $L_\mu-L_\tau$)"}
    ax.set_xlabel(labels.get(quantity, quantity))
    methods = sorted(set(df["method"])) if "method" in df.columns else []
    ax.set_title("Bayesian evidence" + (f" ({', '.join(methods)})" if methods else ""))
    return ax


def save_evidence_plot(df, path, dpi: int = 120, caption: str | None = None):
    """:func:`plot_evidence` of ``df`` saved as a PNG; ``caption`` (prior, likelihood, data, seed,
    version: :func:`bayes_u1x.provenance.caption`) is printed under the axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_evidence(df)
    ax.figure.tight_layout()
    if caption:
        ax.figure.subplots_adjust(bottom=ax.figure.subplotpars.bottom + 0.06)
        ax.figure.text(0.01, 0.01, caption, fontsize=6.5, ha="left", va="bottom", wrap=True)
    ax.figure.savefig(path, dpi=dpi)
    plt.close(ax.figure)
    return path
