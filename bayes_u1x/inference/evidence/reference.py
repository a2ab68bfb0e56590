"""Reference distributions for tempering: TI/SS from a distribution q that already covers the modes.

Why: the physics posteriors have *thin sheets*. For L_μ−L_τ (5-term likelihood) the good-fit
region sits at εe/g_X = 0.002 ± 0.003 at m_X = 10 MeV (Borexino: Δχ² rises by 250 for δε = 0.01),
a prior fraction ~1e−4 of the εe/g_X range, yet it carries about half of Z. Tempering from the prior
(β=0 draws) never puts a walker there, and no emcee move finds it later, so TI/SS from the prior
*underestimate* ln Z (measured: −10.3 instead of −9.25, see docs/model_comparison.md).

Fix (generalised TI / stepping stone; Lefebvre et al. 2010, Fan et al., Mol. Biol. Evol. 28 (2011)
523): temper along p_β ∝ q^{1−β} (L π)^β from a *normalised* reference q to the posterior. Then

    ln Z = ∫_0^1 E_β[ ln L + ln π − ln q ] dβ ,

exactly, for any q whose support covers that of π. We take the defensive mixture

    q = w_0 π + (1 − w_0) Σ_k w_k Π_i q_{k,i}(θ_i),

with product components centred on the profile-likelihood minima (heavy-tailed Student-t in the
coupling and mixing directions, each truncated and renormalised to the prior box, uniform in the
mass) — normalised analytically, so no Monte-Carlo normalisation enters ln Z. The prior component
keeps q ≥ w_0 π, so no region of the prior is lost; the minima components put walkers in the
sheets from β = 0 on. q only changes the path, not the target: a poor q costs efficiency, not bias.
"""
from __future__ import annotations

import numpy as np
from scipy import stats
from scipy.special import gammaln, logsumexp, stdtrit

from ._base import EvidenceError


class Truncated1D:
    """A scipy continuous distribution restricted to [lo, hi] and renormalised."""

    def __init__(self, dist, lo: float, hi: float):
        self.dist, self.lo, self.hi = dist, float(lo), float(hi)
        self.c_lo, self.c_hi = float(dist.cdf(lo)), float(dist.cdf(hi))
        mass = self.c_hi - self.c_lo
        if not mass > 1e-300:
            raise EvidenceError(f"reference component has no mass in [{lo}, {hi}]")
        self.log_mass = float(np.log(mass))

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = (x >= self.lo) & (x <= self.hi)
        return np.where(inside, self.dist.logpdf(np.clip(x, self.lo, self.hi)) - self.log_mass, -np.inf)

    def sample(self, n, rng):
        u = rng.uniform(self.c_lo, self.c_hi, size=n)
        return np.clip(self.dist.ppf(u), self.lo, self.hi)


class MixtureReference:
    """q = w_0 π + (1 − w_0) Σ_k w_k Π_i q_{k,i}: duck-typed like a prior (``bounds``, ``sample``,
    ``log_prob``), normalised on the prior box.

    Parameters
    ----------
    prior : the model prior π (its ``sample``/``log_prob``/``bounds`` are used).
    components : list of lists of 1-D objects with ``logpdf``/``sample`` (e.g. :class:`Truncated1D`),
        one per parameter, each normalised on the prior's range of that parameter.
    weights : component weights (normalised internally); prior_weight : w_0 in (0, 1].
    """

    def __init__(self, prior, components, weights=None, prior_weight: float = 0.5):
        self.prior = prior
        self.bounds = np.asarray(prior.bounds, dtype=float)
        self.names = getattr(prior, "names", None)
        d = self.bounds.shape[0]
        self.components = [list(c) for c in components]
        for c in self.components:
            if len(c) != d:
                raise EvidenceError(f"each reference component needs {d} one-dimensional factors")
        if not 0.0 < prior_weight <= 1.0:
            raise EvidenceError("prior_weight must lie in (0, 1]")
        if not self.components:
            prior_weight = 1.0
        k = len(self.components)
        w = np.ones(k) if weights is None else np.asarray(weights, dtype=float)
        if k and (w.shape != (k,) or np.any(w < 0) or w.sum() <= 0):
            raise EvidenceError("reference weights must be non-negative, one per component")
        self.prior_weight = float(prior_weight)
        self.log_w = np.log(np.concatenate([[prior_weight], (1 - prior_weight) * w / w.sum()])) if k else np.zeros(1)

        self._vectorised = None
        if self.components and all(isinstance(f, Truncated1D) and f.dist.dist.name in ("t", "uniform")
                                   for c in self.components for f in c):
            # Student-t / uniform factors: evaluate all components at once in numpy
            K = len(self.components)
            self._vectorised = {
                "is_t": np.array([[f.dist.dist.name == "t" for f in c] for c in self.components]),
                "df": np.array([[f.dist.args[0] if f.dist.dist.name == "t" else 1.0 for f in c]
                                for c in self.components]),
                "loc": np.array([[f.dist.kwds.get("loc", 0.0) for f in c] for c in self.components]),
                "scale": np.array([[f.dist.kwds.get("scale", 1.0) for f in c] for c in self.components]),
                "log_mass": np.array([[f.log_mass for f in c] for c in self.components]),
                "c_lo": np.array([[f.c_lo for f in c] for c in self.components]),
                "c_hi": np.array([[f.c_hi for f in c] for c in self.components]),
            }
            v = self._vectorised
            nu = v["df"]
            v["const"] = (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi)
                          - np.log(v["scale"]) - v["log_mass"])
            v["uconst"] = -np.log(v["scale"]) - v["log_mass"]  # uniform(loc, scale): density 1/scale
            assert v["const"].shape[0] == K
            v["inv_scale"], v["inv_df"] = 1.0 / v["scale"], 1.0 / nu
            v["half_nu1"] = np.where(v["is_t"], 0.5 * (nu + 1), 0.0)
            v["const_sum"] = np.where(v["is_t"], v["const"], v["uconst"]).sum(axis=1)

    def sample(self, n, rng):
        n = int(n)
        which = rng.choice(len(self.log_w), size=n, p=np.exp(self.log_w))
        out = np.empty((n, self.bounds.shape[0]))
        sel = which == 0
        if sel.any():
            out[sel] = self.prior.sample(int(sel.sum()), rng)
        if self._vectorised is not None and not sel.all():
            # every factor by its inverse CDF at once: u uniform in [F(lo), F(hi)] of the factor
            v = self._vectorised
            j = which[~sel] - 1
            u = v["c_lo"][j] + (v["c_hi"][j] - v["c_lo"][j]) * rng.uniform(size=(j.size, out.shape[1]))
            with np.errstate(all="ignore"):
                t = stdtrit(v["df"][j], u)
            x = v["loc"][j] + v["scale"][j] * np.where(v["is_t"][j], t, u)
            out[~sel] = np.clip(x, self.bounds[:, 0], self.bounds[:, 1])
            return out
        for j, comp in enumerate(self.components, start=1):
            sel = which == j
            m = int(sel.sum())
            if m:
                out[sel] = np.column_stack([f.sample(m, rng) for f in comp])
        return out

    def log_prob(self, theta):
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        lp0 = np.asarray(self.prior.log_prob(theta), dtype=float)
        parts = [self.log_w[0] + lp0]
        if self._vectorised is not None:
            v = self._vectorised
            # (d, n, K) layout: the sum over the d = 3 factors is then two contiguous additions
            z = (theta.T[:, :, None] - v["loc"].T[:, None, :]) * v["inv_scale"].T[:, None, :]
            z *= z
            z *= v["inv_df"].T[:, None, :]
            np.log1p(z, out=z)
            z *= v["half_nu1"].T[:, None, :]                                      # 0 for uniform factors
            lp = v["const_sum"][None] - z[0]
            for zi in z[1:]:
                lp -= zi                                                          # (n, K)
            lp = lp + self.log_w[None, 1:]
            inside = np.isfinite(lp0)
            lp = np.where(inside[:, None], lp, -np.inf)
            top = np.maximum(lp.max(axis=1), parts[0])
            safe = np.where(np.isfinite(top), top, 0.0)
            tot = np.exp(parts[0] - safe) + np.exp(lp - safe[:, None]).sum(axis=1)
            with np.errstate(divide="ignore"):
                return np.where(np.isfinite(top), safe + np.log(tot), -np.inf)
        for j, comp in enumerate(self.components, start=1):
            lp = sum(f.logpdf(theta[:, i]) for i, f in enumerate(comp))
            parts.append(self.log_w[j] + lp)
        return logsumexp(np.vstack(parts), axis=0)


def minima_reference(prior, centres, scales, *, prior_weight: float = 0.5, df: float = 1.0,
                     free_axes=None) -> MixtureReference:
    """Mixture reference with one Student-t product component per centre.

    ``centres``/``scales``: (k, d) arrays; an axis listed in ``free_axes`` (e.g. the mass, along
    which the good-fit sheets extend) is uniform over the prior range instead.
    """
    bounds = np.asarray(prior.bounds, dtype=float)
    centres, scales = np.atleast_2d(centres), np.atleast_2d(scales)
    free_axes = set(free_axes or ())
    comps = []
    for c, s in zip(centres, scales):
        comp = []
        for i, (lo, hi) in enumerate(bounds):
            if i in free_axes:
                comp.append(Truncated1D(stats.uniform(loc=lo, scale=hi - lo), lo, hi))
            else:
                comp.append(Truncated1D(stats.t(df, loc=float(np.clip(c[i], lo, hi)),
                                                scale=float(max(s[i], 1e-9 * (hi - lo)))), lo, hi))
        comps.append(comp)
    return MixtureReference(prior, comps, prior_weight=prior_weight)


def _axis_width(f, theta, i, lo, hi, rise=1.0, max_step=None):
    """Distance along axis i (mean of both sides) at which f rises by ``rise`` above f(theta)."""
    f0 = f(theta)
    widths = []
    for sgn in (1.0, -1.0):
        step = max_step if max_step is not None else (hi - lo)
        a, b = 0.0, step  # bracket: f(a) - f0 < rise <= f(b) - f0 (or hit the box edge)
        x = theta.copy()
        x[i] = np.clip(theta[i] + sgn * b, lo, hi)
        if f(x) - f0 < rise:
            widths.append(abs(x[i] - theta[i]))
            continue
        for _ in range(40):
            mid = 0.5 * (a + b)
            x[i] = np.clip(theta[i] + sgn * mid, lo, hi)
            if f(x) - f0 < rise:
                a = mid
            else:
                b = mid
            if b - a < 1e-6 * (hi - lo):
                break
        widths.append(b)
    return max(float(np.mean(widths)), 1e-6 * (hi - lo))


def pilot_components(log_like, prior, n_pilot: int, n_components: int, rng, shrink: float = 0.25):
    """Student-t components on prior draws resampled with weights L (a coarse posterior from a pilot).

    Finds modes with prior mass ≳ 1/n_pilot that the profile minima miss (e.g. the narrow allowed
    notch at the φ mass, m_X ≈ 1.02 GeV, for kinetic-mixing-dominated points). Scales are the
    weighted posterior spread × ``shrink``.
    """
    th = prior.sample(n_pilot, rng)
    ll = np.asarray(log_like(th), dtype=float)
    w = np.exp(ll - ll.max())
    w /= w.sum()
    idx = rng.choice(len(th), size=n_components, p=w)
    mean = w @ th
    sd = np.sqrt(w @ (th - mean) ** 2)
    return th[idx], np.tile(np.maximum(sd * shrink, 1e-6), (n_components, 1)), ll, th


def profile_reference(likelihood, prior, *, minima=None, prior_weight: float = 0.4, max_components: int = 6,
                      grid_shape=(41, 121, 17), width_factor: float = 2.0, df: float = 1.0,
                      n_pilot: int = 50_000, n_pilot_components: int = 64, seed=0) -> MixtureReference:
    """Reference q for the physics likelihood: profile minima + a pilot posterior.

    For each minimum (``bayes_u1x.inference.profile.find_minima`` over the prior box, mass free)
    the Δχ² = 1 half-widths along log10 g_X and εe/g_X set the Student-t scales (× ``width_factor``);
    the mass factor is uniform over the prior range because the good-fit sheets run along m_X.
    In addition ``n_pilot_components`` components sit on prior draws resampled by their likelihood
    (:func:`pilot_components`, ``n_pilot`` draws). Weights: prior ``prior_weight``, the rest split
    evenly between the minima and pilot groups.
    """
    rng = np.random.default_rng(seed)
    from ..minimum import global_minimum

    bounds = np.asarray(prior.bounds, dtype=float)
    pilot = None
    if n_pilot and n_pilot_components:
        pilot = pilot_components(likelihood.log_likelihood, prior, n_pilot, n_pilot_components, rng)
    if minima is None:
        # the shared global-minimum finder, also started from the best pilot draws
        best_draws = None
        if pilot is not None:
            th, ll = pilot[3], pilot[2]
            best_draws = th[np.argsort(-ll)[:500]]
        minima = global_minimum(likelihood, prior, points=best_draws, n_draws=0, grid_shape=grid_shape,
                                max_seeds=max_components, within=50.0)
    centres = np.array([np.asarray(m.theta, dtype=float) for m in minima[:max_components]])

    def f(x):
        return float(np.ravel(likelihood.delta_chi2(np.asarray(x, dtype=float)))[0])   # one point: float path

    scales = np.empty_like(centres)
    for k, c in enumerate(centres):
        for i in range(2):
            scales[k, i] = width_factor * _axis_width(f, c.copy(), i, *bounds[i])
        scales[k, 2] = bounds[2, 1] - bounds[2, 0]
    comps = minima_reference(prior, centres, scales, df=df, free_axes={2}).components
    weights = [1.0 / len(comps)] * len(comps)
    if pilot is not None:
        pc, ps = pilot[0], pilot[1]
        pcomps = minima_reference(prior, pc, ps, df=df).components
        comps += pcomps
        weights += [1.0 / len(pcomps)] * len(pcomps)
    ref = MixtureReference(prior, comps, weights=weights, prior_weight=prior_weight)
    ref.info = {"centres": centres.tolist(), "scales": scales.tolist(),
                "delta_chi2": [float(m.delta_chi2) for m in minima[:max_components]],
                "n_pilot": n_pilot, "n_pilot_components": n_pilot_components}
    return ref
