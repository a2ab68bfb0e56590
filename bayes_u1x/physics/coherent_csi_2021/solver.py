"""Vectorised damped Newton profile of the CsI 2021 χ² over its seven nuisances (one chunk of points).

``prob`` is a :class:`~bayes_u1x.physics.coherent_csi_2021.likelihood._Problem` (χ², gradient, full
and Gauss–Newton Hessians of the rows still active).  Steps: full Hessian where it gives a descent
direction, Gauss–Newton otherwise; while the decrement λ ≥ :data:`LAM_FAR` the α step is taken in
u = ln(1+α) (:func:`_log_step`); Armijo backtracking by factors of 4, which also keeps every μ_i > 0;
the stopping rules are described in the likelihood module's docstring.
"""
from __future__ import annotations

import numpy as np

#: Newton decrement λ above which the step in 1+α is taken in ln(1+α) instead (asymmetric pull)
LAM_FAR = 0.5
#: Newton decrement² below which one last full step ends the iteration
LAM2_FINAL = 1e-8
#: ... and below which a step that gains only rounding noise ends it
LAM2_NOISE = 1e-5
_UNCONVERGED = None       # set to a list to record rows left at max_iter (diagnostics)


def _solve(H, g):
    with np.errstate(all="ignore"):
        try:
            return -np.linalg.solve(H, g[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            out = np.empty_like(g)
            for i in range(g.shape[0]):
                try:
                    out[i] = -np.linalg.solve(H[i], g[i])
                except np.linalg.LinAlgError:
                    out[i] = np.nan
            return out


def newton(prob, x, tol, max_iter):
    N = x.shape[0]
    f = prob.chi2(x, None)
    x_all, f_all = x.copy(), f.copy()
    act = np.arange(N)                                         # original index of each current row

    def retire(mask):
        nonlocal act
        x_all[act[mask]], f_all[act[mask]] = x[mask], f[mask]
        keep = ~mask
        act = act[keep]
        prob.compact(keep)
        return keep

    log_ok = bool(prob.asym[0] and prob.active[0])       # 1+α > 0 is guaranteed by its pull
    for _ in range(max_iter):
        g, H, Hgn = prob.derivatives(x, None)
        step = _solve(H, g)
        dec = np.einsum("kp,kp->k", g, step)
        bad = ~np.isfinite(dec) | (dec >= 0.0)
        if bad.any():
            step[bad] = _solve(Hgn[bad], g[bad])
            dec[bad] = np.einsum("kp,kp->k", g[bad], step[bad])
        lam2 = np.maximum(-dec, 0.0)
        done = (lam2 < tol + 1e-13 * np.abs(f)) | ~np.isfinite(lam2)
        if done.any():
            keep = retire(done)
            x, f, step, dec, g, H = x[keep], f[keep], step[keep], dec[keep], g[keep], H[keep]
            lam2 = lam2[keep]
            if act.size == 0:
                break
        # far from the minimum: the step in u = ln(1+α) (χ² is nearly linear in u for signals far
        # above the data, where a step in α is cut down by the line search many times)
        logrow = _log_step(x, g, H, step, dec, lam2) if log_ok else None
        # full Newton step first, then Armijo backtracking by factors of 4 (also restores μ > 0)
        t = np.ones(act.size)
        new_x = _advance(x, step, t, logrow)
        new_f = prob.chi2(new_x, None)
        for _ls in range(20):
            bad = ~(new_f <= f + 1e-4 * t * dec)
            if not bad.any():
                break
            idx = np.nonzero(bad)[0]
            t[idx] *= 0.25
            new_x[idx] = _advance(x[idx], step[idx], t[idx], None if logrow is None else logrow[idx])
            new_f[idx] = prob.chi2(new_x[idx], idx)
        stalled = ~(new_f <= f + 1e-4 * t * dec)               # no progress possible: rounding floor
        gain = f - new_f
        x = np.where(stalled[:, None], x, new_x)
        f = np.where(stalled, f, new_f)
        # a full Newton step from λ² < LAM2_FINAL ends the iteration: the convergence is quadratic
        # there, so χ² is within ~λ⁴ of its minimum (further iterations only chase rounding noise).
        # So does a step near the minimum that gains nothing above rounding: for signals 10¹⁵× the
        # data 1+α ~ 10⁻¹⁵ is resolved only to a few per cent by α, which leaves λ² at ~10⁻⁷ noise
        # (χ² then within ~λ²/2 of its minimum)
        final = stalled | ((lam2 < LAM2_FINAL) & (t == 1.0))
        final |= (lam2 < LAM2_NOISE) & (gain <= 1e-12 * np.abs(f) + 1e-10)
        if final.any():
            keep = retire(final)
            x, f = x[keep], f[keep]
            if act.size == 0:
                break
    if act.size:
        x_all[act], f_all[act] = x, f
        if _UNCONVERGED is not None:
            _UNCONVERGED.append((act.copy(), x.copy(), lam2.copy()))
    return f_all, x_all


def _log_step(x, g, H, step, dec, lam2):
    """Where λ ≥ :data:`LAM_FAR`, replace ``step``/``dec`` in place by the Newton step in
    (u = ln(1+α), z, β) when that is a descent direction; returns the rows so changed.

    With a = 1+α: ∂χ²/∂u = a g_α, ∂²χ²/∂u² = a² H_αα + a g_α, ∂²χ²/∂u∂θ = a H_αθ."""
    far = np.nonzero(lam2 >= LAM_FAR ** 2)[0]
    logrow = np.zeros(x.shape[0], dtype=bool)
    if far.size == 0:
        return logrow
    a = 1.0 + x[far, 0]
    gu = g[far].copy()
    gu[:, 0] *= a
    Hu = H[far].copy()
    Hu[:, 0, :] *= a[:, None]
    Hu[:, :, 0] *= a[:, None]
    Hu[:, 0, 0] += a * g[far, 0]
    su = _solve(Hu, gu)
    du = np.einsum("kp,kp->k", gu, su)
    ok = np.isfinite(du) & (du < 0.0) & (np.abs(su[:, 0]) < 30.0)
    rows = far[ok]
    step[rows], dec[rows] = su[ok], du[ok]
    logrow[rows] = True
    return logrow


def _advance(x, step, t, logrow):
    """x + t·step, except that α moves as 1+α → (1+α) exp(t·Δu) in the ``logrow`` rows."""
    new = x + t[:, None] * step
    if logrow is not None and logrow.any():
        new[logrow, 0] = (1.0 + x[logrow, 0]) * np.exp(t[logrow] * step[logrow, 0]) - 1.0
    return new
