"""The 144-bin "12T,12E" Poisson likelihood of the COHERENT CsI data and its nuisance profiling.

Definition (Denton & Gehrlein, arXiv:2008.06062, as used in arXiv:2203.13731 App. B; see the data
README): 6 ≤ PE < 30 in twelve 2-PE bins, 0 ≤ t < 6 µs in twelve 0.5-µs bins;

    μ_i = (1+α) S_i + (1+β) B_i^BRN + (1+γ) B_i^SS,
    χ²  = 2 Σ_i [μ_i − n_i + n_i ln(n_i/μ_i)] + P(α; 0.28) + P(β; 0.25) + P(γ; 0.171),

with the asymmetric pull P(x; σ) = 2[x − ln(1+x)]/σ² (their NSI scripts) or the Gaussian
P = (x/σ)².  α, β, γ are profiled by a damped Newton iteration that is vectorised over points
(the objective is convex in (α, β, γ), so the minimum is unique).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .inputs import acceptance, detector, raw_data

PULLS = ("asymmetric", "gaussian")
PE_WINDOW = slice(3, 15)        # 2-PE bins [6, 8) ... [28, 30)
T_WINDOW = slice(0, 12)         # 0-6 µs
PE1_WINDOW = slice(6, 30)       # the same window in 1-PE bins


@dataclass(frozen=True)
class Templates:
    n: np.ndarray          #: (144,) observed counts, C beam-on (PE-major, time fastest)
    brn: np.ndarray        #: (144,) beam-related neutrons
    ss: np.ndarray         #: (144,) steady-state background (smoothed)
    t_prompt: np.ndarray   #: (12,) prompt time PDF in the window
    t_delayed: np.ndarray  #: (12,) delayed time PDF in the window
    sigmas: np.ndarray     #: (3,) pull widths of α, β, γ


def pe1_to_pe2(x):
    """Sum pairs of 1-PE bins [2j, 2j+1), [2j+1, 2j+2) into 2-PE bins along the last axis."""
    x = np.asarray(x)
    return x.reshape(x.shape[:-1] + (x.shape[-1] // 2, 2)).sum(axis=-1)


@lru_cache(maxsize=None)
def templates() -> Templates:
    d = detector()
    rd = raw_data()
    n = rd.c_on[PE_WINDOW, T_WINDOW]
    # beam-related neutrons: spectrum x exposure x acceptance at 1-PE centres, prompt-neutron timing
    k = np.arange(rd.brn_pe_per_gwh.size)
    brn_pe1 = rd.brn_pe_per_gwh * d["beam"]["beam_exposure_gwh"] * acceptance(k + 0.5)
    brn = np.outer(pe1_to_pe2(brn_pe1)[PE_WINDOW], rd.t_brn[T_WINDOW])
    # steady state: beam-on-equivalent of AC_on + C_off + AC_off, smoothed as the outer product of
    # its energy and time projections over the analysis window
    on, off = d["beam"]["live_days_beam_on"], d["beam"]["live_days_beam_off"]
    ss_raw = ((rd.ac_on + rd.c_off + rd.ac_off) * on / (on + 2.0 * off))[PE_WINDOW, T_WINDOW]
    ss = np.outer(ss_raw.sum(axis=1), ss_raw.sum(axis=0)) / ss_raw.sum()
    s = d["systematics"]
    sig = np.array([s["signal_norm_frac"], s["brn_norm_frac"], s["steady_state_norm_frac_12t12e"]])
    return Templates(n=n.ravel().astype(float), brn=brn.ravel(), ss=ss.ravel(),
                     t_prompt=rd.t_prompt[T_WINDOW].copy(), t_delayed=rd.t_delayed[T_WINDOW].copy(),
                     sigmas=sig)


def signal_grid(s_prompt, s_delayed, tpl: Templates | None = None):
    """(…, 144) signal from PE spectra (…, 12) of prompt and delayed neutrinos (time outer product)."""
    tpl = tpl or templates()
    out = (np.asarray(s_prompt)[..., :, None] * tpl.t_prompt
           + np.asarray(s_delayed)[..., :, None] * tpl.t_delayed)
    return out.reshape(out.shape[:-2] + (-1,))


def _pull(x, sig, kind):
    """(value, first derivative, second derivative) of the pull term."""
    s2 = sig * sig
    if kind == "gaussian":
        return x * x / s2, 2.0 * x / s2, np.broadcast_to(2.0 / s2, x.shape)
    opx = 1.0 + x
    # clip instead of np.errstate: this runs in the Newton loop, where errstate's overhead dominates
    safe = np.maximum(opx, 1e-150)  # squared below: 1e-300 stays a normal double
    val = np.where(opx > 0, 2.0 * (x - np.log(safe)) / s2, np.inf)
    return val, 2.0 * x / (safe * s2), 2.0 / (safe * safe * s2)


def _poisson(mu, n, nlogn):
    """2 Σ [μ − n + n ln n − n ln μ] along the last axis (+inf where some μ ≤ 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logmu = np.log(np.where(mu > 0, mu, 1.0))
        val = 2.0 * np.sum(mu - n + nlogn - n * logmu, axis=-1)
    return np.where(np.all(mu > 0, axis=-1), val, np.inf)


def chi2_at(S, nuis, pulls="asymmetric", free_signal=False, tpl: Templates | None = None):
    """χ² at given nuisances. S: (N, 144), nuis: (N, 3) = (α, β, γ)."""
    tpl = tpl or templates()
    S = np.atleast_2d(S)
    nuis = np.atleast_2d(nuis)
    mu = ((1 + nuis[:, 0:1]) * S + (1 + nuis[:, 1:2]) * tpl.brn + (1 + nuis[:, 2:3]) * tpl.ss)
    nlogn = np.where(tpl.n > 0, tpl.n * np.log(np.where(tpl.n > 0, tpl.n, 1.0)), 0.0)
    val = _poisson(mu, tpl.n, nlogn)
    for j in range(3):
        if j == 0 and free_signal:
            continue
        val = val + _pull(nuis[:, j], tpl.sigmas[j], pulls)[0]
    return val


_STATS = None        # set to a list to record (active, far) per Newton iteration (diagnostics)


def _initial_alpha(S, pulls, free_signal, fit_signal, tpl):
    """Start value of α from the total-count problem (one Poisson bin), by 1-D damped Newton."""
    s = S.sum(axis=1)
    if not fit_signal:
        return np.zeros_like(s)
    b = tpl.brn.sum() + tpl.ss.sum()
    n = tpl.n.sum()
    sig = tpl.sigmas[0]
    # without the pull the total-count optimum is (1+a) s + b = n (n > b for these data)
    with np.errstate(divide="ignore"):
        a = np.where(s > 0, (n - b) / np.where(s > 0, s, 1.0) - 1.0, 0.0)
    if free_signal:
        return a
    s2 = sig * sig
    act = np.arange(a.size)                 # rows still iterating (converged rows are frozen)
    aa, ss = a, s
    prev = np.full(a.size, np.inf)
    for _ in range(60):
        mu = (1.0 + aa) * ss + b
        g = 2.0 * ss * (1.0 - n / mu)
        h = 2.0 * ss * ss * n / (mu * mu)
        d1, d2 = _pull_derivs(aa, s2, pulls)
        g, h = g + d1, h + d2
        h = np.where(h > 0, h, 1.0)
        step = -g / h
        lam = np.sqrt(np.abs(g * step))
        aa = aa + np.where(lam < 0.3, 1.0, 1.0 / (1.0 + lam)) * step
        # converged, or stuck at the rounding floor (huge signals): freeze the row
        done = (lam < 1e-6) | ((lam < 1e-3) & (lam >= prev))
        if done.any():
            a[act] = aa
            keep = ~done
            if not keep.any():
                break
            act, aa, ss, lam = act[keep], aa[keep], ss[keep], lam[keep]
        prev = lam
    else:
        a[act] = aa
    return a


CHUNK = 1024       # points per Newton batch: work arrays (CHUNK, 144) stay in cache


def profile(S, pulls: str = "asymmetric", free_signal: bool = False, tol: float = 1e-12,
            max_iter: int = 200, tpl: Templates | None = None, fit_signal: bool = True):
    """Minimise χ² over (α, β, γ) for every row of S (N, 144). Returns (χ²_min (N,), nuis (N, 3)).

    χ² is self-concordant in (α, β, γ) (a sum of −c ln(affine) with c ≥ 1 and linear/quadratic
    terms), so the damped Newton step t = 1/(1+λ) (λ² = gᵀH⁻¹g, the Newton decrement) stays in the
    domain and decreases χ², and full steps are safe and converge quadratically once λ < 0.6.
    Where λ ≥ 0.6 the full step is taken only if it lowers χ².  Iteration stops at λ² < tol.
    α starts from the total-count solution.  ``free_signal`` drops the pull on α (free
    normalisation); ``fit_signal=False`` holds α = 0 (only β, γ profiled).
    """
    if pulls not in PULLS:
        raise ValueError(pulls)
    tpl = tpl or templates()
    S = np.atleast_2d(np.asarray(S, dtype=float))
    val = np.empty(S.shape[0])
    x = np.empty((S.shape[0], 3))
    for lo in range(0, S.shape[0], CHUNK):
        val[lo:lo + CHUNK], x[lo:lo + CHUNK] = _profile_chunk(
            np.ascontiguousarray(S[lo:lo + CHUNK]), pulls, free_signal, tol, max_iter, tpl, fit_signal)
    return val, x


_CONSTS: dict = {}


def _chunk_constants(tpl: Templates):
    """Point-independent pieces of the Newton solver for one template set (built once per set)."""
    hit = _CONSTS.get(id(tpl))
    if hit is not None and hit[0] is tpl:
        return hit[1]
    n = tpl.n
    RQ = np.stack([tpl.brn, tpl.ss])                         # (2, 144)
    c = {"RQ": RQ, "RQt": RQ.T.copy(),
         "fixed": np.stack([RQ[0] * RQ[0], RQ[0] * RQ[1], RQ[1] * RQ[1]], axis=1),   # (144, 3)
         "sumRQ": RQ.sum(axis=1),
         "const": np.sum(np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0)), 0.0)) - n.sum(),
         "s2": tpl.sigmas * tpl.sigmas}
    for v in c.values():
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    _CONSTS[id(tpl)] = (tpl, c)
    return c


def _pull_derivs(x, s2, kind):
    """First and second derivative of the pull term (as :func:`_pull`, without its value)."""
    if kind == "gaussian":
        return 2.0 * x / s2, 2.0 / s2
    safe = np.maximum(1.0 + x, 1e-300)
    return 2.0 * x / (safe * s2), 2.0 / (safe * safe * s2)


#: a row whose squared Newton decrement is below this and no longer decreases has reached the
#: rounding floor (in the quadratic regime λ²_{k+1} <~ λ⁴_k, so a non-decreasing λ² is noise);
#: rows with a huge χ² (deeply excluded points) never reach the absolute ``tol`` otherwise and
#: used to run all ``max_iter`` iterations
_STALL_LAM2 = 1e-6


def _profile_chunk(S, pulls, free_signal, tol, max_iter, tpl, fit_signal):
    # Only rows that have not converged are iterated (the active set is compacted as rows
    # converge); every operation is row-wise, so a row's result does not depend on the others.
    N = S.shape[0]
    n = tpl.n
    c = _chunk_constants(tpl)
    RQ, RQt, fixed, sumRQ, const, s2 = c["RQ"], c["RQt"], c["fixed"], c["sumRQ"], c["const"], c["s2"]
    sig = tpl.sigmas
    use_pull = np.array([fit_signal and not free_signal, True, True])
    pull_idx = [j for j in range(3) if use_pull[j]]
    Ssum_all = S.sum(axis=1)

    def mean(xx, SS, out):
        np.matmul(1.0 + xx[:, 1:3], RQ, out=out)
        out += SS * (1.0 + xx[:, 0])[:, None]
        return out

    def objective(xx, m, Ssum):
        """χ² for mean m (k, 144) at nuisances xx; +inf outside the domain."""
        ok = np.min(m, axis=1) > 0
        w = np.log(np.maximum(m, 1e-300))
        tot = (1.0 + xx[:, 0]) * Ssum + (1.0 + xx[:, 1:3]) @ sumRQ
        val = 2.0 * (tot + const - w @ n)
        for j in pull_idx:
            val = val + _pull(xx[:, j], sig[j], pulls)[0]
        return np.where(ok, val, np.inf)

    x_all = np.zeros((N, 3))
    x_all[:, 0] = _initial_alpha(S, pulls, free_signal, fit_signal, tpl)
    mu_all = mean(x_all, S, np.empty_like(S))
    act = np.arange(N)                                       # rows still iterating
    x, mu, SS, Ssum = x_all, mu_all, S, Ssum_all
    prev = np.full(N, np.inf)
    for _ in range(max_iter):
        r = n / mu
        w = r / mu
        k = act.size
        g = np.empty((k, 3))
        g[:, 0] = 2.0 * (Ssum - np.einsum("ij,ij->i", SS, r))
        g[:, 1:] = 2.0 * (sumRQ - r @ RQt)
        hf = 2.0 * (w @ fixed)
        w *= SS                                              # w <- S n/μ²
        H = np.empty((k, 3, 3))
        H[:, 0, 0] = 2.0 * np.einsum("ij,ij->i", w, SS)
        h0 = 2.0 * (w @ RQt)
        H[:, 0, 1] = H[:, 1, 0] = h0[:, 0]
        H[:, 0, 2] = H[:, 2, 0] = h0[:, 1]
        H[:, 1, 1], H[:, 1, 2], H[:, 2, 2] = hf[:, 0], hf[:, 1], hf[:, 2]
        H[:, 2, 1] = hf[:, 1]
        for j in pull_idx:
            d1, d2 = _pull_derivs(x[:, j], s2[j], pulls)
            g[:, j] += d1
            H[:, j, j] += d2
        # a vanishing signal leaves α flat without its pull: keep H invertible
        H[:, 0, 0] += (H[:, 0, 0] <= 1e-300) * 1.0
        if not fit_signal:
            g[:, 0] = 0.0
            H[:, 0, :] = 0.0
            H[:, :, 0] = 0.0
            H[:, 0, 0] = 1.0
        step = -np.linalg.solve(H, g[:, :, None])[:, :, 0]
        lam2 = np.maximum(-np.sum(g * step, axis=1), 0.0)
        conv = (lam2 < tol) | ((lam2 < _STALL_LAM2) & (lam2 >= prev))
        if conv.any():
            x_all[act] = x
            mu_all[act] = mu
            keep = ~conv
            if not keep.any():
                act = act[:0]
                break
            act, x, mu, SS, Ssum = act[keep], x[keep], mu[keep], SS[keep], Ssum[keep]
            step, lam2 = step[keep], lam2[keep]
        prev = lam2
        lam = np.sqrt(lam2)
        t = np.ones(act.size)
        far = lam >= 0.6
        if _STATS is not None:
            _STATS.append((int(act.size), int(np.sum(far))))
        if far.any():
            cur = objective(x, mu, Ssum)
            cand = x + step
            worse = far & ~(objective(cand, mean(cand, SS, np.empty_like(mu)), Ssum) <= cur)
            t = np.where(worse, 1.0 / (1.0 + lam), t)
        r = np.empty_like(mu)
        for _safety in range(60):                            # guard against rounding at the domain edge
            new_x = x + t[:, None] * step
            mean(new_x, SS, r)
            bad = np.min(r, axis=1) <= 0
            if pulls == "asymmetric":
                bad |= np.any(new_x[:, use_pull] <= -1.0, axis=1)
            if not bad.any():
                break
            t = np.where(bad, 0.5 * t, t)
        x = new_x
        mu = r
    if act.size:                                             # max_iter reached
        x_all[act] = x
        mu_all[act] = mu
    val = objective(x_all, mu_all, Ssum_all)
    return val, x_all
