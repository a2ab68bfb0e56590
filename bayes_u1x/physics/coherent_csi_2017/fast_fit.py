"""Fast χ²_min of the 144-bin COHERENT CsI likelihood: tabulated signal and a Newton profile in 1+α, 1+β, 1+γ.

The same quantity as :func:`.binned_likelihood.profile` (asymmetric pulls, signal fitted with its
prior), organised so that a point costs a few table look-ups and two to four Newton iterations:

* **signal** — the 144 window counts are A + Σ_s c_s Y_s(m) ⊗ τ_s: twelve "slots" s = (B̃ or C̃,
  flavour, isotope) with coefficients c = −2 Q_W^SM x (B̃) and x² (C̃) and the arrival-time PDF τ of
  the flavour. Y_s = exp(spline(ln m)) is read from the cubic-spline coefficients of
  :func:`.response_tables.response_table` (the same polynomials, evaluated without scipy's per-call
  set-up), the slots are folded per flavour before the time PDFs are applied.
* **profile** — Newton in X = (a, b, c) = (1+α, 1+β, 1+γ) (a, not α: for signals of 10¹⁵–10¹⁷ events
  a ~ 10⁻¹⁴, which α = a − 1 resolves to a few per cent only). χ² is standard self-concordant
  (−2 n_i ln μ_i with n_i ≥ 1 and pulls 2(x − ln(1+x))/σ² with 2/σ² ≥ 1), so with the Newton
  decrement λ: full steps stay in the domain for λ < 1, the damped step 1/(1+λ) always decreases χ²,
  and after a full step from λ ≤ 10⁻³ the next decrement is ≤ (λ/(1−λ))² ≈ 10⁻⁶, i.e. χ² is within
  ≈ λ²/2 ≤ 5·10⁻¹³ of its minimum: the iteration stops there without another evaluation.
  Far from the minimum (λ ≥ 0.5) the step is taken in ln a (it keeps a > 0 and is nearly exact for
  large signals, where χ² is almost linear in ln a), during the first ``_LOG_STEPS`` iterations and
  where that Hessian is positive definite; otherwise the damped step. Start: β, γ at their SM
  optimum and a from the total-count problem in closed form, scaled so that the SM signal starts at
  its own optimum. Rows that do not converge in ``MAX_ITER`` iterations are handed to
  :func:`.binned_likelihood.profile` (never seen on the prior box; a safety net).

One point (:meth:`FastFit.chi2_min_one`) runs the same iteration on Python floats with (3, 144) and
(6, 144) template matrices, so that it needs five array operations per iteration.
"""
from __future__ import annotations

import math

import numpy as np

from . import binned_likelihood as _fit

#: Newton decrement² below which one last full step ends the iteration (see the module docstring)
LAM2_STOP = 1e-6
#: decrement above which a step counts as far from the minimum (ln a step, or damped)
LAM_FAR = 0.5
#: iterations in which ln a steps are allowed (afterwards only the guaranteed full / damped steps)
_LOG_STEPS = 8
MAX_ITER = 60
CHUNK = 512         # rows per batch: four (CHUNK, 144) work arrays of 0.6 MB (512-1024 measured best)
_STATS = None      # set to a list to record the active rows per batched iteration (diagnostics)


def _cholesky_step(g0, g1, g2, h00, h01, h02, h11, h12, h22, sqrt):
    """Newton step −H⁻¹g of a symmetric 3×3 system by Cholesky, and λ² = gᵀH⁻¹g.

    Elementwise arithmetic only (arrays or floats; ``sqrt`` of the matching kind). Also returns the
    smallest pivot² (≤ 0: H is not positive definite and the step is meaningless)."""
    p0 = h00
    l00 = sqrt(p0)
    l10, l20 = h01 / l00, h02 / l00
    p1 = h11 - l10 * l10
    l11 = sqrt(p1)
    l21 = (h12 - l20 * l10) / l11
    p2 = h22 - l20 * l20 - l21 * l21
    l22 = sqrt(p2)
    y0 = -g0 / l00
    y1 = (-g1 - l10 * y0) / l11
    y2 = (-g2 - l20 * y0 - l21 * y1) / l22
    s2 = y2 / l22
    s1 = (y1 - l21 * s2) / l11
    s0 = (y0 - l10 * s1 - l20 * s2) / l00
    return s0, s1, s2, y0 * y0 + y1 * y1 + y2 * y2, p1, p2


def total_count_optimum(s_tot, b_tot, n_tot, inv_s2):
    """Optimal 1+α of the one-bin (total count) problem with the asymmetric pull 2(a − 1 − ln a)/σ²:
    the positive root of (s² + s/σ²) u² + (s(b − n) + (b − s)/σ²) u − b/σ² = 0 for signal s,
    background b, data n and ``inv_s2`` = 1/σ², written −2c/(b' + √(b'² − 4ac)), whose denominator
    is positive for every s ≥ 0. A start value for the binned profiles (2017 and 2021 CsI)."""
    qa = s_tot * s_tot + s_tot * inv_s2
    qb = s_tot * (b_tot - n_tot) + (b_tot - s_tot) * inv_s2
    qc = -b_tot * inv_s2
    return -2.0 * qc / (qb + np.sqrt(qb * qb - 4.0 * qa * qc))


class FastFit:
    """Signal and profiled χ² for one response table and template set (built once per options)."""

    def __init__(self, table, tpl: _fit.Templates | None = None):
        tpl = tpl or _fit.templates()
        sp = table.spline
        knots = np.asarray(sp.x, dtype=float)
        h = np.diff(knots)
        if not np.allclose(h, h[0], rtol=1e-9, atol=0.0):
            raise ValueError("the response table must be tabulated on a uniform ln m grid")
        self.x0, self.h, self.n_int = float(knots[0]), float(h[0]), knots.size - 1
        self.knots = knots
        self.coef = np.ascontiguousarray(np.moveaxis(sp.c, 1, 0))       # (intervals, 4, 2·6·12)
        nf, ni, nj = table.A.shape
        self.n_slots = 2 * nf * ni
        self.qw = np.asarray(table.qw_sm, dtype=float)
        self.log_m_lo, self.log_m_hi = table.log_m_lo, table.log_m_hi
        from .response import FLAVOURS
        prompt = np.array([timing == "prompt" for _, _, timing in FLAVOURS])
        self.prompt = prompt
        # slot s = (B/C, flavour, isotope) feeds the prompt (row 0) or delayed (row 1) spectrum
        fl = np.broadcast_to(np.arange(nf)[None, :, None], (2, nf, ni)).ravel()
        self.to_pd = np.stack([prompt[fl], ~prompt[fl]]).astype(float)     # (2, slots)
        self.A_pd = np.stack([table.A[prompt].sum(axis=(0, 1)), table.A[~prompt].sum(axis=(0, 1))])
        self.tau = np.stack([tpl.t_prompt, tpl.t_delayed])                 # (2, 12)
        self.tau_sum = self.tau.sum(axis=1)
        self.tau_sum_rep = np.repeat(self.tau_sum, nj)                         # (2·12,) ΣS = pd · this
        self.knots_list = knots.tolist()
        self.qw_list = self.qw.tolist()
        n = tpl.n
        if not (np.all(tpl.ss > 0) and np.all(tpl.brn >= 0) and np.all(n >= 0)):
            raise ValueError("fast COHERENT profile needs positive steady-state and non-negative BRN templates")
        self.n = n
        self.n_tot = float(n.sum())
        self.const = float(np.sum(np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0)), 0.0)) - n.sum())
        RQ = np.stack([tpl.brn, tpl.ss])
        self.RQ = RQ
        self.sumRQ = RQ.sum(axis=1)
        self.nRQt = np.ascontiguousarray((n * RQ).T)                      # (144, 2)
        self.nfixed = np.ascontiguousarray(np.stack([n * RQ[0] * RQ[0], n * RQ[0] * RQ[1], n * RQ[1] * RQ[1]]).T)
        self.s2 = tpl.sigmas * tpl.sigmas
        self.tpl = tpl
        # one-point constants (floats and the point-independent rows of its matrices)
        self.inv_s2 = (1.0 / self.s2).tolist()
        self.sumRQ_list = self.sumRQ.tolist()
        self._nfixed_rows = np.ascontiguousarray(self.nfixed.T)
        # start values: SM optimum, total-count scaling
        S_sm = self.A_pd.T @ self.tau
        _, x_sm = _fit.profile(S_sm.ravel()[None])
        self.X_sm = 1.0 + x_sm[0]
        self.bg_sm = float(self.X_sm[1:] @ self.sumRQ)
        self.a_scale = self.X_sm[0] / float(self._a_total(np.array([S_sm.sum()]))[0])
        self.a_scale_f = float(self.a_scale)
        self.X_sm_list = self.X_sm.tolist()
        self.chi2_sm = float(self.chi2_min(S_sm.reshape(1, -1), np.array([S_sm.sum()]))[0])

    # --- signal ----------------------------------------------------------------------------------
    def in_range(self, lm):
        return (lm >= self.log_m_lo) & (lm <= self.log_m_hi)

    def slot_coefficients(self, x):
        """(k, slots) coefficients −2 Q_W x (B̃ slots) then x² (C̃ slots) from strengths x (k, 3, 2)."""
        k = x.shape[0]
        c = np.empty((k, 2) + x.shape[1:])
        np.multiply(x, -2.0 * self.qw, out=c[:, 0])
        np.multiply(x, x, out=c[:, 1])
        return c.reshape(k, -1)

    def signal(self, x, lm):
        """(S (k, 144), ΣS (k,)) from strengths x (k, 3, 2) at ln m (k,), inside the table range
        (call with at most a few :data:`CHUNK` rows: the gathered coefficients are 4.6 kB a row)."""
        k = lm.size
        i = np.minimum(np.maximum(((lm - self.x0) / self.h).astype(np.intp), 0), self.n_int - 1)
        dx = lm - self.knots[i]
        pw = np.stack([dx * dx * dx, dx * dx, dx, np.ones_like(dx)], axis=1)       # (k, 4)
        Y = np.exp(np.matmul(pw[:, None, :], self.coef[i]))                       # (k, 1, slots·12)
        w = self.slot_coefficients(x)[:, None, :] * self.to_pd                    # (k, 2, slots)
        pd = np.matmul(w, Y.reshape(k, self.n_slots, -1))                         # (k, 2, 12)
        pd += self.A_pd
        S = np.matmul(pd.transpose(0, 2, 1), self.tau).reshape(k, -1)
        return S, pd.reshape(k, -1) @ self.tau_sum_rep

    def signal_one(self, w, lm: float):
        """As :meth:`signal` for one point from its slot coefficients w (a sequence of 12 floats, see
        :meth:`slot_coefficients`) at ln m (a float): (S (144,), ΣS)."""
        i = min(max(int((lm - self.x0) / self.h), 0), self.n_int - 1)
        dx = lm - self.knots_list[i]
        Y = np.exp(np.array((dx * dx * dx, dx * dx, dx, 1.0)).dot(self.coef[i]))
        pd = (self.to_pd * np.array(w)).dot(Y.reshape(self.n_slots, -1))          # (2, 12) prompt, delayed
        pd += self.A_pd
        S = pd.T.dot(self.tau).ravel()
        return S, float(pd.ravel().dot(self.tau_sum_rep))

    # --- profile ---------------------------------------------------------------------------------
    def _a_total(self, s_tot):
        """:func:`total_count_optimum` with the SM background and this term's α prior width."""
        return total_count_optimum(s_tot, self.bg_sm, self.n_tot, 1.0 / self.s2[0])

    def _value(self, S, Ssum, X):
        mu = np.multiply(S, X[:, 0:1])
        mu += np.matmul(X[:, 1:], self.RQ)
        tot = X[:, 0] * Ssum + X[:, 1:] @ self.sumRQ
        pull = ((X - 1.0) - np.log(X)) @ (2.0 / self.s2)
        return 2.0 * (tot + self.const - np.log(mu, out=mu) @ self.n) + pull

    def chi2_min(self, S, Ssum):
        """χ²_min for signal rows S (N, 144) with totals Ssum (N,)."""
        out = np.empty(S.shape[0])
        for lo in range(0, S.shape[0], CHUNK):
            out[lo:lo + CHUNK] = self._chunk(S[lo:lo + CHUNK], Ssum[lo:lo + CHUNK])
        return out

    def _chunk(self, S, Ssum):
        N = S.shape[0]
        X_all = np.empty((N, 3))
        X_all[:, 0] = self._a_total(Ssum) * self.a_scale
        X_all[:, 1:] = self.X_sm[1:]
        act = np.arange(N)
        X, SS, Ssum_a = X_all, S, Ssum
        n, nRQt, nfixed, RQ, sumRQ = self.n, self.nRQt, self.nfixed, self.RQ, self.sumRQ
        c0, c1, c2 = (2.0 / self.s2).tolist()
        # work buffers, allocated once per chunk (fresh temporaries of this size cost page faults)
        b1, b2, b3 = np.empty_like(S), np.empty_like(S), np.empty_like(S)
        for it in range(MAX_ITER):
            k = act.size
            if _STATS is not None:
                _STATS.append(k)
            rho, q, q2 = b1[:k], b2[:k], b3[:k]
            np.multiply(SS, X[:, 0:1], out=rho)
            np.matmul(X[:, 1:], RQ, out=q)
            rho += q
            np.divide(1.0, rho, out=rho)                             # 1/μ
            np.multiply(SS, rho, out=q)                              # S/μ
            ga = q @ n
            gbc = rho @ nRQt
            np.multiply(q, q, out=q2)
            haa = q2 @ n
            q *= rho                                                 # S/μ²
            habc = q @ nRQt
            rho *= rho                                               # 1/μ²
            hbc = rho @ nfixed
            ia, ib, ic = 1.0 / X[:, 0], 1.0 / X[:, 1], 1.0 / X[:, 2]
            g0 = 2.0 * (Ssum_a - ga) + c0 * (1.0 - ia)
            g1 = 2.0 * (sumRQ[0] - gbc[:, 0]) + c1 * (1.0 - ib)
            g2 = 2.0 * (sumRQ[1] - gbc[:, 1]) + c2 * (1.0 - ic)
            h00 = 2.0 * haa + c0 * ia * ia
            h11 = 2.0 * hbc[:, 0] + c1 * ib * ib
            h22 = 2.0 * hbc[:, 2] + c2 * ic * ic
            h01, h02, h12 = 2.0 * habc[:, 0], 2.0 * habc[:, 1], 2.0 * hbc[:, 1]
            s0, s1, s2, lam2, _, _ = _cholesky_step(g0, g1, g2, h00, h01, h02, h11, h12, h22, np.sqrt)
            lam = np.sqrt(lam2)
            t = np.minimum(1.0, 1.0 / (1.0 + lam))
            t[lam < 1.0] = 1.0                                       # full steps inside the Dikin ellipsoid
            new = np.empty_like(X)
            new[:, 0] = X[:, 0] + t * s0
            new[:, 1] = X[:, 1] + t * s1
            new[:, 2] = X[:, 2] + t * s2
            if it < _LOG_STEPS:
                far = lam >= LAM_FAR
                if far.any():
                    self._log_steps(new, far, X, g0, g1, g2, h00, h01, h02, h11, h12, h22)
            X = new
            done = lam2 < LAM2_STOP
            finite = np.isfinite(lam2)
            if done.any() or not finite.all():
                X_all[act] = X
                keep = ~done & finite
                if not finite.all():
                    X_all[act[~finite]] = np.nan
                if not keep.any():
                    act = act[:0]
                    break
                act, X, SS, Ssum_a = act[keep], X[keep], SS[keep], Ssum_a[keep]
        redo = ~np.isfinite(X_all.sum(axis=1))
        redo[act] = True
        if redo.any():                                               # safety net: the reference solver
            val = np.empty(N)
            ok = ~redo
            val[ok] = self._value(S[ok], Ssum[ok], X_all[ok])
            val[redo] = _fit.profile(S[redo], tpl=self.tpl)[0]
            return val
        return self._value(S, Ssum, X_all)

    @staticmethod
    def _log_steps(new, far, X, g0, g1, g2, h00, h01, h02, h11, h12, h22):
        """Replace ``new`` where ``far`` by the Newton step in (ln a, b, c) if its Hessian is positive
        definite and b, c stay positive."""
        a = X[:, 0]
        ga = a * g0
        hu = a * a * h00 + ga
        with np.errstate(invalid="ignore", divide="ignore"):
            u0, u1, u2, _, p1, p2 = _cholesky_step(ga, g1, g2, hu, a * h01, a * h02, h11, h12, h22, np.sqrt)
            b, c = X[:, 1] + u1, X[:, 2] + u2
            ok = far & (hu > 0) & (p1 > 0) & (p2 > 0) & (b > 0) & (c > 0) & (np.abs(u0) < 30.0)
        new[ok, 0] = a[ok] * np.exp(u0[ok])
        new[ok, 1] = b[ok]
        new[ok, 2] = c[ok]

    def _a_total_one(self, s_tot: float) -> float:
        """:meth:`_a_total` for one float."""
        b, inv = self.bg_sm, self.inv_s2[0]
        qa = s_tot * s_tot + s_tot * inv
        qb = s_tot * (b - self.n_tot) + (b - s_tot) * inv
        qc = -b * inv
        return -2.0 * qc / (qb + math.sqrt(qb * qb - 4.0 * qa * qc))

    def chi2_min_one(self, S, Ssum: float) -> float:
        """χ²_min of one signal row S (144,) with total Ssum: the iteration of :meth:`chi2_min` on
        floats, with the sums as products of (3, 144) and (6, 144) matrices n·[S, B, SS] and
        n·[S², S B, S SS, B², B SS, SS²] with 1/μ and 1/μ²."""
        n = self.n
        K3 = np.concatenate((S[None], self.RQ))
        nK3 = K3 * n
        nK6 = np.concatenate((nK3[0] * K3, self._nfixed_rows))
        i0, i1, i2 = self.inv_s2
        gb0, gc0 = self.sumRQ_list
        a = self._a_total_one(Ssum) * self.a_scale_f
        b, c = self.X_sm_list[1], self.X_sm_list[2]
        try:
            for it in range(MAX_ITER):
                v = np.reciprocal(np.array((a, b, c)).dot(K3))
                v0, v1, v2 = nK3.dot(v).tolist()
                w00, w01, w02, w11, w12, w22 = nK6.dot(v * v).tolist()
                g0 = 2.0 * (Ssum - v0) + 2.0 * i0 * (1.0 - 1.0 / a)
                g1 = 2.0 * (gb0 - v1) + 2.0 * i1 * (1.0 - 1.0 / b)
                g2 = 2.0 * (gc0 - v2) + 2.0 * i2 * (1.0 - 1.0 / c)
                h00 = 2.0 * w00 + 2.0 * i0 / (a * a)
                h11 = 2.0 * w11 + 2.0 * i1 / (b * b)
                h22 = 2.0 * w22 + 2.0 * i2 / (c * c)
                h01, h02, h12 = 2.0 * w01, 2.0 * w02, 2.0 * w12
                s0, s1, s2_, lam2, _, _ = _cholesky_step(g0, g1, g2, h00, h01, h02, h11, h12, h22, math.sqrt)
                lam = math.sqrt(lam2)
                if it < _LOG_STEPS and lam >= LAM_FAR:
                    ga = a * g0
                    hu = a * a * h00 + ga
                    if hu > 0:
                        try:
                            u0, u1, u2, _, p1, p2 = _cholesky_step(ga, g1, g2, hu, a * h01, a * h02, h11, h12,
                                                                   h22, math.sqrt)
                        except (ValueError, ZeroDivisionError):   # not positive definite
                            u0 = None
                        if u0 is not None and b + u1 > 0 and c + u2 > 0 and abs(u0) < 30.0:
                            a, b, c = a * math.exp(u0), b + u1, c + u2
                            continue
                t = 1.0 if lam < 1.0 else 1.0 / (1.0 + lam)
                a, b, c = a + t * s0, b + t * s1, c + t * s2_
                if lam2 < LAM2_STOP:
                    mu = np.array((a, b, c)).dot(K3)
                    tot = a * Ssum + b * gb0 + c * gc0
                    pull = 2.0 * (i0 * (a - 1.0 - math.log(a)) + i1 * (b - 1.0 - math.log(b))
                                  + i2 * (c - 1.0 - math.log(c)))
                    return 2.0 * (tot + self.const - float(np.log(mu).dot(n))) + pull
        except (ValueError, ZeroDivisionError, OverflowError):
            pass
        return float(_fit.profile(S[None], tpl=self.tpl)[0][0])      # safety net (never seen on the prior box)
