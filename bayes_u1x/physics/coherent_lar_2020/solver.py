"""Vectorised profiling of the CENNS-10 likelihood over its nuisances (one minimum per point).

Parameters p = (a_c, a_p, a_d, a_s, θ_CEvNS..., θ_BRN...) as in
:mod:`bayes_u1x.physics.coherent_lar_2020.likelihood`.  Method, per point and all points at once:

1. a_c alone by damped 1-D Newton from the start value (the signal size is what differs most
   between points; this keeps the full iteration from overshooting to a_c < 0 for large signals);
2. projected Newton on all parameters: exact Hessian (μ is bilinear in normalisations and shape
   θ's, so χ² is not convex everywhere), the Fisher (Gauss–Newton) matrix where the exact step is
   not a descent direction, normalisations at their bound a = 0 held there while the gradient
   pushes outwards, steps projected onto a ≥ 0, Armijo backtracking.  A point stops when its squared Newton decrement is below
   ``tol`` (then χ² is within tol/2 of the minimum) or no longer decreases.

Gradient and Hessians are assembled from weighted sums of the basis templates and of their
pairwise products (:class:`~bayes_u1x.physics.coherent_lar_2020.likelihood.Templates`), i.e.
matrix products over the 960 bins for a whole chunk of points.  Rows are
processed in chunks of :data:`CHUNK` and only unconverged rows are iterated, so a row's result
does not depend on the other rows.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...errors import LikelihoodError
from .likelihood import (
    PULLS,
    chi2_at,
    coefficients,
    n_params,
    poisson,
    prior,
    templates,
)

CHUNK = 128
_STALL = 1e-7        # a decrement below this that no longer decreases is at the rounding floor
_LAST = 1e-6        # below this decrement a full exact Newton step is the last one (error ~λ⁴)


def profile(R, shapes: str = "all", free_signal: bool = False, start=None, tol: float = 1e-10,
            max_iter: int = 100, fix_signal: bool = False, pulls: str = "gaussian"):
    """Minimise χ² over the nuisances for every re-weighting R (N, 960).

    Returns (χ²_min (N,), parameters (N, 4 + k)): (a_c, a_p, a_d, a_s) then the shape θ's in the
    order of ``templates(shapes).shapes``.  ``start`` (4 + k,) or (N, 4 + k) is the first guess
    (default a = 1, θ = 0).  ``free_signal`` drops the CEvNS prior; ``fix_signal`` holds a_c at its
    start value (profile scans).
    """
    if pulls not in PULLS:
        raise LikelihoodError(f"COHERENT-LAr option pulls={pulls!r} unknown; use one of {PULLS}")
    tpl = templates(shapes)
    R = np.atleast_2d(np.asarray(R, dtype=float))
    if R.shape[1] != tpl.n.size:
        raise LikelihoodError(f"re-weighting has {R.shape[1]} bins, the likelihood has {tpl.n.size}")
    k = n_params(tpl)
    if start is None:
        p0 = np.concatenate([np.ones(4), np.zeros(k - 4)])
    else:
        p0 = np.asarray(start, dtype=float)
        if p0.shape[-1] != k:
            raise LikelihoodError(f"start has {p0.shape[-1]} parameters, shapes={shapes!r} needs {k}")
    cfg = (tpl, free_signal, pulls, fix_signal)
    val, par = np.empty(R.shape[0]), np.empty((R.shape[0], k))
    for lo in range(0, R.shape[0], CHUNK):
        Rc = np.ascontiguousarray(R[lo:lo + CHUNK, :tpl.n_sig])
        pc = np.array(np.broadcast_to(p0 if p0.ndim == 1 else p0[lo:lo + CHUNK], (Rc.shape[0], k)))
        if not fix_signal:
            pc[:, 0] = _signal_start(pc, Rc, cfg)
        val[lo:lo + CHUNK], par[lo:lo + CHUNK] = _newton(Rc, pc, cfg, tol, max_iter)
    return val, par


def _signal_start(p, Rs, cfg, n_iter: int = 40, tol: float = 1e-2):
    """a_c minimising χ² with the other parameters held at p: a start for :func:`_newton`.

    χ²(a_c) is convex; its minimum is at a_c = 0 when the slope there is positive (a signal far
    above the data, Gaussian pull), else found by Newton in u = ln a_c (steps |Δu| ≤ 5), started at the smaller of the start value
    and the data excess over background divided by the signal: for a
    large signal μ ≈ a_c S, in u the problem is nearly the exponential-plus-linear 2Σ(e^u S − n u),
    where Newton converges in a few steps from any start.  Rows stop when |Δu| < ``tol``.
    """
    tpl, free_signal, pulls, _ = cfg
    ks, ns = tpl.ks, tpl.n_sig
    a = p[:, :4].copy()
    unit = coefficients(np.column_stack([np.ones(len(a)), p[:, 1:]]), tpl)[:, :ks]  # a_c = 1
    RS = Rs * (unit @ tpl.phi_s)
    rest = (coefficients(p, tpl)[:, ks:] @ tpl.phi_b)[:, :ns]
    n = tpl.n[:ns]
    s_tot = RS.sum(axis=1)
    zero = np.zeros_like(a)
    if pulls == "gaussian" or free_signal:
        g0 = 2.0 * (s_tot - np.einsum("ij,ij->i", RS, n / rest)) + prior(zero, tpl, free_signal, pulls)[1][:, 0]
        at_zero = g0 >= 0.0
        a[at_zero, 0] = 0.0
    else:
        at_zero = np.zeros(len(a), bool)
    # first guess: the start value, or the data excess over the background in units of the
    # signal if that is smaller (a signal many times the SM)
    excess = np.maximum((n - rest).sum(axis=1), 0.0) / s_tot
    a[~at_zero, 0] = np.clip(np.minimum(a[~at_zero, 0], excess[~at_zero]), 1e-12, None)
    act = np.nonzero(~at_zero)[0]
    RS, rest, s_tot = RS[act], rest[act], s_tot[act]
    for _ in range(n_iter):
        if act.size == 0:
            break
        aa = a[act]
        mu = aa[:, 0:1] * RS + rest
        q = n / mu
        g = 2.0 * (s_tot - np.einsum("ij,ij->i", RS, q))           # dχ²/da
        h = 2.0 * np.einsum("ij,ij->i", RS * RS, q / mu)              # d²χ²/da²
        _, pg, ph = prior(aa, tpl, free_signal, pulls)
        g, h = g + pg[:, 0], h + ph[:, 0]
        x = aa[:, 0]
        gu, hu = x * g, x * x * h + x * g                            # derivatives in u = ln a
        du = np.where(hu > 0, -gu / np.where(hu > 0, hu, 1.0), -np.sign(gu) * 3.0)
        du = np.clip(du, -5.0, 5.0)
        a[act, 0] = x * np.exp(du)
        keep = np.abs(du) >= tol
        act, RS, rest, s_tot = act[keep], RS[keep], rest[keep], s_tot[keep]
    return a[:, 0]


@lru_cache(maxsize=None)
def _pair_index(K: int) -> np.ndarray:
    """(K·K,) position of (α, β) in the upper-triangle enumeration of :func:`numpy.triu_indices`."""
    iu = np.triu_indices(K)
    pos = np.empty((K, K), dtype=np.intp)
    pos[iu] = np.arange(iu[0].size)
    pos[iu[1], iu[0]] = np.arange(iu[0].size)
    return pos.ravel()


def _unpack(flat, K):
    """(N, K(K+1)/2) upper-triangle values -> symmetric (N, K, K)."""
    return flat[:, _pair_index(K)].reshape(flat.shape[0], K, K)


def _grad_hess(p, Rs, cfg):
    """χ², gradient (N, k), exact Hessian and Fisher matrix (N, k, k).

    With μ = Σ_α m_α ρ_α φ_α (:mod:`~bayes_u1x.physics.coherent_lar_2020.likelihood`),
    r = 1 − n/μ, w = n/μ², C_pα = ∂m_α/∂p:  g = 2 C v, v_α = Σ_b r ρ_α φ_α;
    Fisher = 2 C G Cᵀ, G_αβ = Σ_b w ρ_α ρ_β φ_α φ_β;  Hessian = Fisher + 2 Σ_α v_α ∂²m_α/∂p∂p'.
    """
    tpl, free_signal, pulls, _ = cfg
    N, k = p.shape
    ks, ns = tpl.ks, tpl.n_sig
    K = len(tpl.basis)
    m = coefficients(p, tpl)
    mu = m[:, ks:] @ tpl.phi_b
    mu[:, :ns] += Rs * (m[:, :ks] @ tpl.phi_s)
    n = tpl.n
    inv = np.divide(1.0, mu)
    r = np.multiply(n, inv)                                   # n/μ, then 1 − n/μ below
    w = np.multiply(r, inv)                                   # n/μ²
    np.subtract(1.0, r, out=r)
    v = np.empty((N, K))
    v[:, :ks] = (r[:, :ns] * Rs) @ tpl.phi_s.T
    v[:, ks:] = r @ tpl.phi_b.T
    G = np.empty((N, K, K))
    wR = w[:, :ns] * Rs
    G[:, :ks, :ks] = _unpack((wR * Rs) @ tpl.pairs_s.T, ks)
    G[:, ks:, ks:] = _unpack(w @ tpl.pairs_b.T, K - ks)
    sb = (wR @ tpl.pairs_sb.T).reshape(N, ks, K - ks)
    G[:, :ks, ks:] = sb
    G[:, ks:, :ks] = sb.transpose(0, 2, 1)
    C = np.zeros((N, k, K))
    E = np.zeros((N, k, k))                                    # Σ_α v_α ∂²m_α/∂p∂p'
    for al, (i, j, q) in enumerate(tpl.basis):
        if q == 0:
            C[:, i, al] = 1.0
            continue
        th, a = p[:, j], p[:, i]
        C[:, i, al] = th ** q
        C[:, j, al] = q * a * th ** (q - 1)
        mix = v[:, al] * q * th ** (q - 1)
        E[:, i, j] += mix
        E[:, j, i] += mix
        if q == 2:
            E[:, j, j] += v[:, al] * 2.0 * a
    g = 2.0 * np.matmul(C, v[:, :, None])[:, :, 0]
    F = 2.0 * np.matmul(np.matmul(C, G), C.transpose(0, 2, 1))
    H = F + 2.0 * E
    pv, pg, ph = prior(p[:, :4], tpl, free_signal, pulls)
    g[:, :4] += pg
    g[:, 4:] += 2.0 * p[:, 4:]
    d = np.concatenate([ph, np.full((N, k - 4), 2.0)], axis=1)
    idx = np.arange(k)
    H[:, idx, idx] += d
    F[:, idx, idx] += d
    val = poisson(mu, tpl) + pv + np.sum(p[:, 4:] ** 2, axis=1)
    return val, g, H, F


def _solve(H, g):
    try:
        return -np.linalg.solve(H, g[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return -np.stack([np.linalg.lstsq(h, v, rcond=None)[0] for h, v in zip(H, g)])


def _newton(R, p, cfg, tol, max_iter):
    tpl, free_signal, pulls, fix_signal = cfg
    k = p.shape[1]
    eye = np.eye(k, dtype=bool)[None]
    val_all = chi2_at(p, R, tpl, free_signal, pulls)
    act = np.arange(R.shape[0])
    prev = np.full(act.size, np.inf)
    for _ in range(max_iter):
        if act.size == 0:
            break
        pa, Ra = p[act], R[act]
        cur, g, H, F = _grad_hess(pa, Ra, cfg)
        # normalisations at their bound 0 with the gradient pushing outwards are held there
        hold = np.zeros(g.shape, bool)
        hold[:, :4] = (pa[:, :4] <= 0.0) & (g[:, :4] > 0.0)
        at_bound = np.any(hold, axis=1)
        if fix_signal:
            hold[:, 0] = True
        gr = np.where(hold, 0.0, g)
        if hold.any():
            for M in (H, F):
                M[hold] = 0.0
                M.transpose(0, 2, 1)[hold] = 0.0
                M[hold[:, :, None] & eye] = 1.0
        step = _solve(H, gr)
        bad = ~(np.sum(gr * step, axis=1) < 0) | ~np.all(np.isfinite(step), axis=1)
        bad &= np.any(gr != 0, axis=1)
        if bad.any():
            step[bad] = _solve(F[bad], gr[bad])
        slope = np.sum(g * step, axis=1)
        lam2 = np.maximum(-slope, 0.0)
        done = (lam2 < tol) | ((lam2 < _STALL) & (lam2 >= prev))
        # a full exact-Hessian step from λ² < _LAST lands within O(λ⁴) of the minimum: no check needed
        last = ~done & (lam2 < _LAST) & ~bad & ~at_bound
        val_all[act[done]] = cur[done]
        keep = ~done
        act, pa, Ra, step, slope, cur, lam2, last = (act[keep], pa[keep], Ra[keep], step[keep],
                                                     slope[keep], cur[keep], lam2[keep], last[keep])
        if act.size == 0:
            break
        t = np.ones(act.size)
        todo = np.ones(act.size, bool)
        new, new_val = pa.copy(), cur.copy()
        for _ls in range(40):                        # Armijo backtracking on the projected step
            idx = np.nonzero(todo)[0]
            cand = pa[idx] + t[idx, None] * step[idx]
            cand[:, :4] = np.maximum(cand[:, :4], 0.0)
            v = chi2_at(cand, Ra[idx], tpl, free_signal, pulls)
            ok = v <= cur[idx] + 1e-4 * t[idx] * slope[idx] + 1e-13 * np.abs(cur[idx])
            new[idx[ok]], new_val[idx[ok]] = cand[ok], v[ok]
            todo[idx[ok]] = False
            if not todo.any():
                break
            t[todo] *= 0.5
        p[act], val_all[act] = new, new_val
        # rows where no step lowers χ² have reached the rounding floor; rows that took a full
        # last step are converged
        go = ~todo & ~(last & (t == 1.0))
        act, prev = act[go], lam2[go]
    return val_all, p
