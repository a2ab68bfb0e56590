"""Starting positions of the walkers: a ball around the best point plus good prior draws.

The best point is the global minimum over the prior box (:func:`bayes_u1x.inference.minimum.global_minimum`,
mass free, started also from the best of a large vectorised prior draw), or that draw if better. Half the walkers (the
``init.ball_fraction``) start in a small ball around it, the rest at prior draws whose Δχ² is within
``init.max_delta_chi2`` of the best, so no walker starts on the flat g_X → 0 plateau unless that
plateau is itself compatible with the best fit, and every good-fit region of the prior (the g−2
sheet, the φ-mass islands) is populated from the start in proportion to its prior volume.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import SamplingError
from .posterior import LogPosterior


@dataclass
class InitInfo:
    method: str
    best_theta: np.ndarray
    best_delta_chi2: float
    n_ball: int
    n_draw: int
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"method": self.method, "best_theta": [float(x) for x in self.best_theta],
                "best_delta_chi2": float(self.best_delta_chi2), "n_ball": self.n_ball,
                "n_draw": self.n_draw, "notes": list(self.notes)}


def _profile_minimum(likelihood, prior, draws):
    """(θ, Δχ²) of the global minimum over the prior box (mass free; the shared finder, also
    started from the best of ``draws``), or None."""
    from .minimum import global_minimum

    minima = [m for m in global_minimum(likelihood, prior, points=draws, n_draws=0)
              if np.all(np.isfinite(np.asarray(m.theta, dtype=float)))]
    if not minima:
        return None
    best = min(minima, key=lambda m: float(m.delta_chi2))
    return np.asarray(best.theta, dtype=float).reshape(3), float(best.delta_chi2)


def initial_walkers(logpost: LogPosterior, nwalkers: int, init, rng, log=None) -> tuple[np.ndarray, InitInfo]:
    """Starting positions (nwalkers, 3) and what was done (``init``: :class:`~.config.InitSettings` or dict).
    ``log``: called with one line per initialisation stage (progress)."""
    import time

    say = log or (lambda msg: None)
    t0 = time.perf_counter()
    init = init.as_dict() if hasattr(init, "as_dict") else dict(init)
    prior = logpost.prior
    method = init.get("method", "auto")
    notes = []
    say(f"init 1/3: Δχ² at {int(init['prior_draws'])} prior draws ...")
    draws = prior.sample(int(init["prior_draws"]), rng)
    chi = logpost.delta_chi2(draws)
    finite = np.isfinite(chi)
    if not np.any(finite):
        raise SamplingError(f"no finite likelihood value in {len(draws)} prior draws: check the prior "
                            "and the likelihood terms")
    i_best = int(np.argmin(np.where(finite, chi, np.inf)))
    best, best_chi = draws[i_best], float(chi[i_best])
    used = "prior"
    if method in ("auto", "profile"):
        say(f"init 2/3: best draw Δχ² = {best_chi:.4g} ({time.perf_counter() - t0:.1f} s); global minimum "
            "(grid, g-2 sheet, search gaps, best draws; iminuit) ...")
        best_draws = draws[np.argsort(np.where(finite, chi, np.inf))[:500]]  # Δχ² already known: no re-evaluation
        prof = _profile_minimum(logpost.likelihood, prior, best_draws) if hasattr(logpost.likelihood, "model") else None
        if prof is None:
            if method == "profile":
                raise SamplingError("init.method = 'profile' needs a physics likelihood with a profile minimum")
            notes.append("profile minimiser unavailable: started from the best prior draw")
        else:
            th, _ = prof
            th = np.clip(th, prior.bounds[:, 0], prior.bounds[:, 1])
            th_chi = float(logpost.delta_chi2(th[None, :])[0])
            if np.isfinite(th_chi) and th_chi <= best_chi + 1e-9:
                best, best_chi, used = th, th_chi, "profile"
            else:
                notes.append(f"profile minimum (Δχ² = {th_chi:.4g}) worse than the best prior draw "
                             f"({best_chi:.4g}): used the draw")
    say(f"init 3/3: start at Δχ² = {best_chi:.4g} ({used}); placing {nwalkers} walkers "
        f"({time.perf_counter() - t0:.1f} s so far)")
    # ball scale: a fraction of the prior's central 99% width in every parameter
    width = np.quantile(draws, 0.995, axis=0) - np.quantile(draws, 0.005, axis=0)
    scale = float(init["ball_scale"]) * width
    n_ball = max(int(round(float(init["ball_fraction"]) * nwalkers)), 1)
    good = np.flatnonzero(finite & (chi <= best_chi + float(init["max_delta_chi2"])))
    good = good[good != i_best]
    n_draw = min(nwalkers - n_ball, len(good))
    n_ball = nwalkers - n_draw
    if n_draw < nwalkers - max(int(round(float(init["ball_fraction"]) * nwalkers)), 1):
        notes.append(f"only {len(good)} prior draws within Δχ² {init['max_delta_chi2']} of the best: "
                     f"{n_ball} walkers start in the ball")
    picked = draws[rng.choice(good, size=n_draw, replace=False)] if n_draw else np.zeros((0, 3))
    ball = np.empty((0, prior.ndim))
    for _ in range(100):
        cand = best + scale * rng.standard_normal((4 * n_ball, prior.ndim))
        ok = np.isfinite(logpost(cand)[:, 0])
        ball = np.concatenate([ball, cand[ok]])[:n_ball]
        if len(ball) >= n_ball:
            break
    if len(ball) < n_ball:
        raise SamplingError(f"could not place {n_ball} walkers with finite posterior around the best "
                            f"point {best.tolist()}")
    p0 = np.concatenate([ball, picked])
    p0 = p0[rng.permutation(len(p0))]
    return p0, InitInfo(used, best, best_chi, n_ball, n_draw, notes)
