"""Thermodynamic integration (TI) and stepping-stone (SS) evidence over an adaptive β-ladder (emcee).

Power posteriors p_β(θ) ∝ L(θ)^β π(θ), 0 ≤ β ≤ 1, connect the prior (β = 0) to the posterior
(β = 1). Two identities give ln Z from samples along the ladder 0 = β_0 < β_1 < … < β_K = 1:

* thermodynamic integration (Gelman & Meng 1998; Lartillot & Philippe 2006):
  ln Z = ∫_0^1 E_β[ln L] dβ, evaluated with the variance-corrected trapezoid rule of Friel, Hurn &
  Wyse (arXiv:1209.3198), using d E_β[ln L]/dβ = Var_β[ln L]:
  ∫_{β_{k-1}}^{β_k} ≈ Δβ/2 (E_{k-1} + E_k) − Δβ²/12 (V_k − V_{k-1});
* stepping stone (Xie et al. 2011, Syst. Biol. 60, 150):
  ln Z = Σ_k ln E_{β_{k-1}}[ L^{β_k − β_{k-1}} ]  (each ratio by importance sampling).

The ladder is adaptive, as in sequential Monte Carlo tempering: β_0 = 0 is sampled exactly from the
prior; each next β is the largest for which the importance weights L^{Δβ} of the current samples keep
an effective sample size of ``target_ess`` × N and a predicted TI segment error below ``ti_tol``;
β_{k+1}/β_k ≤ ``max_ratio``. The first non-zero β is at most ``beta_min`` (default 1e−6), so the
ladder always spans [≤1e−6, 1], denser where E_β[ln L] changes fast (for the physics likelihood,
whose ln L reaches −1e12 at the largest couplings, the first β are far below 1e−6).
At each β the walkers are resampled by those weights and moved with emcee (vectorised), so the
relative weights of separated modes are carried by the importance weights, not by MCMC mixing.

Errors: ``n_ladders`` independent ladders (independent seeds); per ladder, a bootstrap over emcee
walkers (each walker's chain is one block, which respects its autocorrelation). The quoted error
is the larger of the between-ladder standard error of the mean and the bootstrap standard error.
The harmonic-mean estimator is deliberately not offered (infinite variance in general).
"""
from __future__ import annotations

from dataclasses import dataclass

import emcee
import numpy as np

from ._base import CountingLogLike, EvidenceError, EvidenceResult, Timer, check_prior, log_mean_exp


@dataclass
class Ladder:
    """One tempering ladder: β_k and, per β, the ln L of the kept samples as (n_walkers, n_keep)."""

    betas: np.ndarray
    log_like: list  # list of (n_walkers, n_keep) arrays
    acceptance: np.ndarray
    floor: float = -np.inf

    def moments(self):
        e = np.array([ll.mean() for ll in self.log_like])
        v = np.array([ll.var(ddof=1) for ll in self.log_like])
        return e, v

    def log_z_ti(self) -> tuple[float, float]:
        """(variance-corrected trapezoid, plain trapezoid)."""
        e, v = self.moments()
        return _ti(self.betas, e, v)

    def log_z_ss(self) -> float:
        db = np.diff(self.betas)
        return float(sum(log_mean_exp(d * ll.ravel()) for d, ll in zip(db, self.log_like[:-1])))

    def bootstrap(self, n_boot: int, rng) -> tuple[np.ndarray, np.ndarray]:
        """Bootstrap replicas of (TI, SS) resampling whole walker chains at every β."""
        db = np.diff(self.betas)
        K = len(self.betas)
        e = np.empty((n_boot, K))
        v = np.empty((n_boot, K))
        ss = np.zeros(n_boot)
        for k, ll in enumerate(self.log_like):
            nw, nk = ll.shape
            counts = rng.multinomial(nw, np.full(nw, 1.0 / nw), size=n_boot).astype(float)  # (B, nw)
            s1 = ll.sum(axis=1)
            s2 = (ll ** 2).sum(axis=1)
            n = counts.sum(axis=1) * nk
            e[:, k] = counts @ s1 / n
            v[:, k] = (counts @ s2 / n - e[:, k] ** 2) * n / (n - 1)
            if k < K - 1:
                x = db[k] * ll
                m = x.max()
                if np.isfinite(m):
                    sw = np.exp(x - m).sum(axis=1)
                    ss += np.log(counts @ sw / n) + m
                else:
                    ss += -np.inf
        ti = np.array([_ti(self.betas, e[b], v[b])[0] for b in range(n_boot)])
        return ti, ss


def _ti(betas, e, v) -> tuple[float, float]:
    db = np.diff(betas)
    # E_0 may be -inf only if the prior has points of zero likelihood with finite mass; guard Δβ=0
    trap = np.sum(db * 0.5 * (e[1:] + e[:-1]))
    corr = -np.sum(db ** 2 / 12.0 * (v[1:] - v[:-1]))
    return float(trap + corr), float(trap)


def _ess_fraction(x):
    """Normalised effective sample size of weights exp(x)."""
    m = np.max(x)
    w = np.exp(x - m)
    return float(w.sum() ** 2 / (len(w) * np.sum(w ** 2)))


def _step_ok(dbeta, ll, target, ti_tol):
    """Accept a step Δβ from samples ``ll`` at β: reweighting ESS and a predicted TI segment error.

    With importance weights w = L^Δβ the next moments are predicted as Ê, V̂; the step must keep
    Δβ |E − Ê| (difference of left and right Riemann sums) and Δβ² |V − V̂| / 12 (the size of the
    Friel correction) below ``ti_tol``, so the trapezoid rule is accurate even where E_β[ln L]
    falls by many decades over a tiny β interval (likelihoods with extreme tails).
    """
    x = dbeta * ll
    w = np.exp(x - np.max(x))
    sw = w.sum()
    if sw ** 2 / (len(w) * np.sum(w ** 2)) < target:
        return False
    e, v = ll.mean(), ll.var()
    e1 = np.sum(w * ll) / sw
    v1 = np.sum(w * (ll - e1) ** 2) / sw
    return dbeta * abs(e - e1) <= ti_tol and dbeta ** 2 * abs(v - v1) / 12.0 <= ti_tol


def _next_beta(beta, ll, target, cap, ti_tol=0.1):
    """Largest β' ≤ cap accepted by :func:`_step_ok` (geometric bisection in Δβ)."""
    hi = cap - beta
    if _step_ok(hi, ll, target, ti_tol):
        return cap
    lo = hi
    for _ in range(400):
        lo *= 0.1
        if lo < 1e-300:
            raise EvidenceError("could not find a next temperature: the likelihood spans too many "
                                "decades on the current samples (check log_like for extreme values)")
        if _step_ok(lo, ll, target, ti_tol):
            break
        hi = lo
    for _ in range(60):
        mid = np.sqrt(lo * hi)
        if _step_ok(mid, ll, target, ti_tol):
            lo = mid
        else:
            hi = mid
        if hi / lo < 1.0 + 1e-3:
            break
    return beta + lo


def _resample_walkers(pool, logw, n_walkers, rng):
    """n_walkers points drawn from ``pool`` with weights exp(logw) (systematic resampling, with
    replacement).

    Resampling must be *with* replacement: drawing distinct points without replacement (an earlier
    version did this so that differential-evolution moves see distinct walkers) flattens the
    weights — a point of weight 0.3 can be drawn only once — so the walkers under-represent the
    high-likelihood region at the next β and ln Z comes out low (by 0.9 for L_μ−L_τ on the 5-term
    likelihood). Duplicated walkers are harmless for the ensemble moves (DEMove adds a small
    Gaussian jitter, and they separate after the first accepted move).
    """
    w = np.exp(logw - np.max(logw))
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    u = (rng.random() + np.arange(n_walkers)) / n_walkers
    idx = np.searchsorted(c, u, side="left")
    return pool[rng.permutation(idx)]


def _default_moves():
    return [(emcee.moves.DEMove(), 0.8), (emcee.moves.StretchMove(), 0.2)]


def run_ladder(log_like, prior, *, rng, n_walkers: int = 64, n_steps: int = 40, n_burn: int = 10,
               target_ess: float = 0.5, beta_min: float = 1e-6, max_ratio: float = 2.0,
               ti_tol: float = 0.05, betas=None, moves=None, max_temps: int = 300,
               floor_depth: float | None = 500.0) -> Ladder:
    """Run one tempering ladder; ``log_like`` must already be a :class:`CountingLogLike`.

    ``floor_depth``: ln L is clipped from below at ``max(ln L of the β=0 draws) − floor_depth``
    (None: no clipping); see :func:`tempered_evidence`.
    """
    d = np.asarray(prior.bounds).shape[0]
    n_keep = n_steps - n_burn
    if n_walkers < 2 * d + 2 or n_keep < 2:
        raise EvidenceError(f"need n_walkers >= {2 * d + 2} and n_steps - n_burn >= 2")
    if not 0.0 < target_ess < 1.0:
        raise EvidenceError("target_ess must lie in (0, 1)")
    if betas is not None:
        betas = np.asarray(betas, dtype=float)
        if betas.ndim != 1 or betas[0] != 0.0 or betas[-1] != 1.0 or np.any(np.diff(betas) <= 0):
            raise EvidenceError("explicit betas must increase strictly from 0 to 1")

    # β = 0: exact draws from the prior
    theta = np.asarray(prior.sample(n_walkers * n_keep, rng), dtype=float)
    lp0 = np.asarray(prior.log_prob(theta), dtype=float)
    if theta.shape != (n_walkers * n_keep, d) or not np.all(np.isfinite(lp0)):
        raise EvidenceError("prior.sample must return (n, d) points inside the prior support")
    ll = log_like(theta)
    floor = -np.inf
    if floor_depth is not None:
        floor = float(np.max(ll)) - float(floor_depth)
        ll = np.maximum(ll, floor)
    beta_list = [0.0]
    lls = [ll.reshape(n_walkers, n_keep)]
    acc = [1.0]
    pool_theta = theta

    while beta_list[-1] < 1.0:
        if len(beta_list) > max_temps:
            raise EvidenceError(f"ladder exceeded max_temps={max_temps} temperatures")
        beta = beta_list[-1]
        flat = lls[-1].ravel()
        if betas is not None:
            nb = float(betas[len(beta_list)])
        else:
            cap = min(1.0, beta * max_ratio) if beta > 0 else min(beta_min, 1.0)
            nb = _next_beta(beta, flat, target_ess, cap, ti_tol)
        p0 = _resample_walkers(pool_theta, (nb - beta) * flat, n_walkers, rng)

        def log_post(x, _b=nb):
            lp = np.asarray(prior.log_prob(x), dtype=float)
            ok = np.isfinite(lp)
            llx = np.full(len(x), -np.inf)
            if ok.any():
                llx[ok] = np.maximum(log_like(x[ok]), floor)
            post = np.where(ok, lp + _b * np.where(ok, llx, 0.0), -np.inf)
            return np.column_stack([post, llx])

        sampler = emcee.EnsembleSampler(n_walkers, d, log_post, vectorize=True,
                                        moves=moves if moves is not None else _default_moves())
        sampler.random_state = np.random.RandomState(int(rng.integers(2 ** 31))).get_state()
        sampler.run_mcmc(p0, n_steps, skip_initial_state_check=True, progress=False)
        chain = sampler.get_chain(discard=n_burn)            # (n_keep, n_walkers, d)
        blobs = sampler.get_blobs(discard=n_burn)            # (n_keep, n_walkers)
        blobs = np.asarray(blobs, dtype=float).reshape(n_keep, n_walkers)
        pool_theta = chain.transpose(1, 0, 2).reshape(-1, d)
        lls.append(blobs.T.copy())
        beta_list.append(nb)
        acc.append(float(np.mean(sampler.acceptance_fraction)))
    lad = Ladder(np.array(beta_list), lls, np.array(acc), floor)
    lad.posterior = pool_theta  # β = 1 samples (n_walkers * n_keep, d)
    return lad


def physics_likelihood(log_like):
    """The :class:`~bayes_u1x.likelihood.CompositeLikelihood` behind ``log_like`` (itself or the owner
    of its bound ``log_likelihood``), or None for any other callable."""
    for obj in (log_like, getattr(log_like, "__self__", None)):
        if obj is not None and hasattr(obj, "delta_chi2") and hasattr(obj, "model"):
            return obj
    return None


def _auto_reference(log_like, prior):
    from .reference import profile_reference

    lk = physics_likelihood(log_like)
    return profile_reference(lk, prior) if lk is not None else None


def tempered_evidence(log_like, prior, *, estimator: str = "ss", n_ladders: int = 4, seed=None,
                      n_walkers: int = 256, n_steps: int = 12, n_burn: int = 4, target_ess: float = 0.5,
                      beta_min: float = 1e-6, max_ratio: float = 2.0, ti_tol: float = 0.05, betas=None,
                      moves=None, n_boot: int = 200, max_temps: int = 300, floor_depth: float | None = 500.0,
                      reference="auto") -> EvidenceResult:
    """ln Z by thermodynamic integration (``estimator="ti"``) or stepping stone (``"ss"``).

    Both estimates come from the same ladders; the other one is kept in ``extra``.

    Parameters
    ----------
    log_like : vectorised ln L, (n, d) -> (n,).
    prior : duck-typed prior (``bounds``, ``sample``, ``log_prob``), see :mod:`._base`.
    n_ladders : independent ladders (error from their scatter and from the walker bootstrap).
    n_walkers, n_steps, n_burn : emcee ensemble size and steps per temperature (the first
        ``n_burn`` are discarded after resampling into the new temperature).
    target_ess : normalised ESS of the reweighting between neighbouring β (smaller → fewer β).
    beta_min : upper bound on the first non-zero β.
    max_ratio : upper bound on β_{k+1}/β_k (keeps the TI quadrature dense on the log-β axis even
        where the sample-based ESS would allow a larger jump).
    ti_tol : bound on the predicted per-step TI quadrature error (see :func:`_step_ok`); forces
        tiny first steps when ln L has extreme tails (e.g. Δχ² ~ 1e12 at the largest couplings).
    betas : optional explicit ladder (0 … 1) instead of the adaptive one.
    floor_depth : clip ln L from below at (largest ln L of the β = 0 draws) − floor_depth. Regions
        that low contribute < exp(−floor_depth) relative to the best point, i.e. nothing, but without
        the clip a likelihood reaching ln L ~ −1e21 (huge couplings) costs ~100 extra temperatures.
        None disables it.
    reference : normalised reference distribution q (duck-typed like the prior, e.g.
        :func:`~.reference.profile_reference`); the ladder then runs from q (β = 0) to the posterior
        and integrates E_β[ln L + ln π − ln q] (generalised TI/SS), which is what makes thin
        good-fit sheets reachable. "auto" (default): the profile + pilot reference when ``log_like``
        is a physics likelihood (a :class:`~bayes_u1x.likelihood.CompositeLikelihood` or its
        ``log_likelihood``), as the command line does; otherwise the prior. None: the prior
        (standard TI/SS, biased low on thin sheets).

    The defaults (256 walkers, 12 steps of which 4 burn-in, 4 ladders) are the command line's.
    """
    if estimator not in ("ti", "ss"):
        raise EvidenceError(f"estimator must be 'ti' or 'ss', got {estimator!r}")
    if n_ladders < 1:
        raise EvidenceError("n_ladders must be >= 1")
    d = check_prior(prior)
    if isinstance(reference, str):
        if reference != "auto":
            raise EvidenceError(f"reference must be 'auto', None or a distribution, got {reference!r}")
        reference = _auto_reference(log_like, prior)
    ll = CountingLogLike(log_like, d)
    base, target = prior, ll
    if reference is not None:
        check_prior(reference)
        if not np.allclose(np.asarray(reference.bounds, float), np.asarray(prior.bounds, float)):
            raise EvidenceError("the reference distribution must live on the prior's box")

        def target(theta):
            theta = np.atleast_2d(theta)
            return (ll(theta) + np.asarray(prior.log_prob(theta), float)
                    - np.asarray(reference.log_prob(theta), float))

        base = reference
    rng = np.random.default_rng(seed)
    ti, ti_plain, ss, ti_bvar, ss_bvar, n_temps, accs = [], [], [], [], [], [], []
    with Timer() as timer:
        for _ in range(n_ladders):
            lad = run_ladder(target, base, rng=rng, n_walkers=n_walkers, n_steps=n_steps, n_burn=n_burn,
                             target_ess=target_ess, beta_min=beta_min, max_ratio=max_ratio,
                             ti_tol=ti_tol, betas=betas, moves=moves, max_temps=max_temps,
                             floor_depth=floor_depth)
            t, tp = lad.log_z_ti()
            ti.append(t)
            ti_plain.append(tp)
            ss.append(lad.log_z_ss())
            bt, bs = lad.bootstrap(n_boot, rng)
            ti_bvar.append(np.var(bt, ddof=1))
            ss_bvar.append(np.var(bs[np.isfinite(bs)], ddof=1))
            n_temps.append(len(lad.betas))
            accs.append(float(np.mean(lad.acceptance[1:])))
            last = lad
    ti, ss = np.array(ti), np.array(ss)

    def combine(vals, bvar):
        n = len(vals)
        boot_se = float(np.sqrt(np.sum(bvar)) / n)
        between_se = float(np.std(vals, ddof=1) / np.sqrt(n)) if n > 1 else 0.0
        return float(np.mean(vals)), max(boot_se, between_se), boot_se, between_se

    ti_mean, ti_err, ti_boot, ti_between = combine(ti, ti_bvar)
    ss_mean, ss_err, ss_boot, ss_between = combine(ss, ss_bvar)
    extra = {
        "ti": {"log_z": ti_mean, "log_z_err": ti_err, "per_ladder": ti.tolist(),
               "plain_trapezoid": [float(x) for x in ti_plain], "bootstrap_se": ti_boot,
               "between_ladder_se": ti_between},
        "ss": {"log_z": ss_mean, "log_z_err": ss_err, "per_ladder": ss.tolist(), "bootstrap_se": ss_boot,
               "between_ladder_se": ss_between},
        "n_temperatures": n_temps, "mean_acceptance": accs, "betas_last_ladder": last.betas.tolist(),
        "settings": {"n_ladders": n_ladders, "n_walkers": n_walkers, "n_steps": n_steps, "n_burn": n_burn,
                     "target_ess": target_ess, "beta_min": beta_min, "max_ratio": max_ratio, "ti_tol": ti_tol,
                     "seed": seed, "floor_depth": floor_depth, "reference": reference is not None},
        "floor": float(last.floor),
    }
    extra["posterior_samples"] = last.posterior
    extra["best_point"] = ll.best_point()
    if reference is not None and hasattr(reference, "info"):
        extra["reference"] = reference.info
    if estimator == "ti":
        return EvidenceResult(ti_mean, ti_err, "ti", ll.n_evals, timer.elapsed, extra)
    return EvidenceResult(ss_mean, ss_err, "ss", ll.n_evals, timer.elapsed, extra)


def thermodynamic_integration(log_like, prior, **kwargs) -> EvidenceResult:
    """ln Z by thermodynamic integration (variance-corrected trapezoid); see :func:`tempered_evidence`."""
    return tempered_evidence(log_like, prior, estimator="ti", **kwargs)


def stepping_stone(log_like, prior, **kwargs) -> EvidenceResult:
    """ln Z by the stepping-stone estimator; see :func:`tempered_evidence`."""
    return tempered_evidence(log_like, prior, estimator="ss", **kwargs)
