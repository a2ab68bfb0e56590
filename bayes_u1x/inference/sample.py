"""Posterior sampling with emcee: vectorised likelihood, per-term Δχ² blobs, safe checkpoints.

The posterior is p(θ | data) ∝ π(θ) exp(−Δχ²(θ)/2) over θ = (log10 g_X, εe/g_X, log10 m_X/GeV),
with Δχ² the composite likelihood of arXiv:2203.13731, Eq. B.1 (terms as chosen by the run file).

Pieces, each usable on its own:

- :class:`LogPosterior` — vectorised log posterior returning ``[ln p, Δχ²_term1, ...]`` rows, so
  that emcee (``vectorize=True``) stores every term's Δχ² as blobs.
- :func:`initial_walkers` — start from the profile minimum (``bayes_u1x.inference.profile`` if
  present) or the best of a large prior draw: half the walkers in a small ball around it, the rest
  prior draws whose Δχ² is within ``init.max_delta_chi2`` of the best, so no walker starts on the
  flat g_X → 0 plateau unless that plateau is itself compatible with the best fit.
- :func:`convergence` — integrated autocorrelation time τ (emcee, walker-averaged; the run must
  be ≥ ``tau_multiple`` τ long for every parameter), plus ArviZ rank-normalised split R̂ and bulk
  and tail ESS of the burnt-in, thinned chain (walkers as chains).
- :func:`run_sampler` — the run: seeded (numpy SeedSequence: children for the initialisation,
  the emcee RandomState and the stored prior draws), checkpointed, resumable, writes
  ``posterior.nc`` (ArviZ InferenceData, :mod:`.results`).

Checkpoints: ``chain.h5`` in emcee's HDFBackend layout (group ``mcmc``: ``chain``, ``log_prob``,
``blobs``, ``accepted``, attrs ``iteration`` and ``random_state_*``), readable with
``emcee.backends.HDFBackend(path, read_only=True)``, plus our attrs (run identity, settings,
term names). The chain is held in memory and every checkpoint is written to a temporary file that
replaces ``chain.h5`` atomically (``os.replace``), so ``chain.h5`` is always a complete,
consistent file: a run killed at any moment (even ``kill -9``) loses only the steps after the last
checkpoint. SIGTERM triggers a final checkpoint. Because emcee's random state is stored with every
checkpoint and steps are deterministic, a resumed run is bit-identical to an uninterrupted one.
"""
from __future__ import annotations

import importlib
import json
import math
import os
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..constants import M_X_MAX, M_X_MIN
from ..errors import BayesU1XError

CHECKPOINT_NAME = "chain.h5"
RESULT_NAME = "posterior.nc"
_GROUP = "mcmc"
_CHUNK = 4096  # points per likelihood call during the initial prior scan


class SamplingError(BayesU1XError):
    """Bad sampler set-up, refused resume, or an unusable likelihood/prior combination."""


class Interrupted(BayesU1XError):
    """The run was stopped by a signal after writing a checkpoint."""


# --- the log posterior ---------------------------------------------------------------------------
class LogPosterior:
    """Vectorised ln p(θ) = ln π(θ) − Σ_t Δχ²_t(θ)/2, returning rows ``[ln p, Δχ²_1, …, Δχ²_T]``.

    ``likelihood``: a :class:`~bayes_u1x.likelihood.CompositeLikelihood` or any object with a
    ``terms`` tuple and ``terms_theta(theta (n, 3)) -> {term: (n,)}``. Points outside the prior
    support get ln p = −inf and Δχ² = +inf without calling the likelihood.
    """

    def __init__(self, likelihood, prior):
        self.likelihood = likelihood
        self.prior = prior
        self.terms = tuple(likelihood.terms)
        self.n_calls = 0
        self.n_points = 0

    def __call__(self, theta) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        n = theta.shape[0]
        out = np.full((n, 1 + len(self.terms)), np.inf)
        out[:, 0] = -np.inf
        lp = self.prior.log_prob(theta)
        ok = np.isfinite(lp)
        if np.any(ok):
            self.n_calls += 1
            self.n_points += int(ok.sum())
            vals = self.likelihood.terms_theta(theta[ok])
            chi = np.stack([np.asarray(vals[t], dtype=float).reshape(-1) for t in self.terms], axis=-1)
            total = chi.sum(axis=-1)
            good = np.isfinite(total)
            logp = np.where(good, lp[ok] - 0.5 * np.where(good, total, 0.0), -np.inf)
            out[ok, 0] = logp
            out[ok, 1:] = chi
        return out

    def delta_chi2(self, theta) -> np.ndarray:
        """Total Δχ² (inf outside the prior), evaluated in chunks."""
        theta = np.asarray(theta, dtype=float)
        res = [self(theta[i:i + _CHUNK])[:, 1:].sum(axis=-1) for i in range(0, len(theta), _CHUNK)]
        return np.concatenate(res) if res else np.zeros(0)


def check_prior_against_likelihood(prior, likelihood) -> None:
    """Refuse a prior whose support leaves the likelihood's validity (mass range, terms)."""
    terms = getattr(likelihood, "terms", None)
    if terms is None or not hasattr(likelihood, "terms_theta"):
        raise SamplingError("the likelihood must provide 'terms' and 'terms_theta(theta)'")
    if not hasattr(likelihood, "model"):
        return  # a toy likelihood: no physical range to check
    lo, hi = prior.bounds[2]
    m_lo, m_hi = math.log10(M_X_MIN), math.log10(M_X_MAX)
    tol = 1e-9
    if lo < m_lo - tol or hi > m_hi + tol:
        raise SamplingError(f"prior support of log10_m [{lo:g}, {hi:g}] leaves the supported mass range "
                            f"[{m_lo:.4g}, {m_hi:.4g}] (10 MeV - 4 GeV); bound the prior "
                            "(e.g. truncated-normal)")
    if not np.all(np.isfinite(prior.bounds[0])):
        raise SamplingError("prior on log10_g must be bounded (the likelihood is flat as g_X -> 0)")
    for t in terms:
        try:
            mod = importlib.import_module(f"bayes_u1x.observables.{t}")
        except ModuleNotFoundError:
            continue
        rng = getattr(mod, "VALID_MASS_RANGE", None)
        if rng is not None:
            vlo, vhi = (math.log10(x) for x in rng)
            if lo < vlo - tol or hi > vhi + tol:
                raise SamplingError(
                    f"likelihood term {t!r} is valid only for {rng[0]:g} <= m_X <= {rng[1]:g} GeV, "
                    f"but the prior reaches m_X = {10**lo:.4g} - {10**hi:.4g} GeV: narrow the prior "
                    "on log10_m or drop the term")


# --- initialisation --------------------------------------------------------------------------------
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


def _profile_minimum(likelihood, prior):
    """Best minimum from ``bayes_u1x.inference.profile.find_minima`` or None if unavailable."""
    try:
        prof = importlib.import_module("bayes_u1x.inference.profile")
    except ModuleNotFoundError as exc:
        if exc.name == "bayes_u1x.inference.profile":
            return None
        raise
    fm = getattr(prof, "find_minima", None)
    if fm is None:
        return None
    bounds = {nm: (float(lo), float(hi)) for nm, (lo, hi) in zip(prior.names, prior.bounds)}
    minima = fm(likelihood, bounds, fixed_mass=None)
    minima = [m for m in minima if np.all(np.isfinite(np.asarray(m.theta, dtype=float)))]
    if not minima:
        return None
    best = min(minima, key=lambda m: float(m.delta_chi2))
    return np.asarray(best.theta, dtype=float).reshape(3), float(best.delta_chi2)


def initial_walkers(logpost: LogPosterior, nwalkers: int, init: dict, rng) -> tuple[np.ndarray, InitInfo]:
    """Starting positions (nwalkers, 3): a ball around the best point plus good prior draws."""
    prior = logpost.prior
    method = init.get("method", "auto")
    notes = []
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
        prof = _profile_minimum(logpost.likelihood, prior) if hasattr(logpost.likelihood, "model") else None
        if prof is None:
            if method == "profile":
                raise SamplingError("init.method = 'profile' but bayes_u1x.inference.profile.find_minima "
                                    "is not available")
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


# --- convergence -------------------------------------------------------------------------------------
def autocorr_time(chain: np.ndarray) -> np.ndarray:
    """Integrated autocorrelation time per parameter of a (steps, walkers, d) chain (emcee)."""
    import emcee
    if chain.shape[0] < 8:
        return np.full(chain.shape[-1], np.inf)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return emcee.autocorr.integrated_time(chain, c=5, tol=0, quiet=True)


def convergence(chain: np.ndarray, sampler_settings: dict, burn_rule, thin_rule,
                names=("log10_g", "eps_ratio", "log10_m")) -> dict:
    """Diagnostics of a (steps, walkers, d) chain and whether every criterion is met."""
    import arviz as az
    n = chain.shape[0]
    tau = autocorr_time(chain)
    tau_max = float(np.max(tau))
    tau_min = float(np.min(tau))
    from .runs import apply_tau_rule
    burn = min(apply_tau_rule(burn_rule, tau_max), max(n - 4, 0))
    thin = max(apply_tau_rule(thin_rule, tau_max, tau_min, minimum=1), 1)
    kept = chain[burn::thin]
    out = {"steps": int(n), "tau": [float(t) for t in tau], "burn_in": int(burn), "thin": int(thin),
           "draws": int(kept.shape[0]), "rhat": None, "ess_bulk": None, "ess_tail": None}
    steps_ok = bool(np.isfinite(tau_max) and n >= float(sampler_settings["tau_multiple"]) * tau_max)
    out["tau_ok"] = steps_ok
    if kept.shape[0] >= 4:
        ds = {nm: np.swapaxes(kept[..., i], 0, 1) for i, nm in enumerate(names)}  # (chain=walker, draw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhat = az.rhat(ds)
            eb = az.ess(ds, method="bulk")
            et = az.ess(ds, method="tail")
        out["rhat"] = [float(rhat[nm]) for nm in names]
        out["ess_bulk"] = [float(eb[nm]) for nm in names]
        out["ess_tail"] = [float(et[nm]) for nm in names]
        rhat_ok = all(np.isfinite(r) and r < float(sampler_settings["rhat_max"]) for r in out["rhat"])
        ess_ok = all(np.isfinite(e) and e >= float(sampler_settings["min_ess"])
                     for e in out["ess_bulk"] + out["ess_tail"])
    else:
        rhat_ok = ess_ok = False
    out["rhat_ok"], out["ess_ok"] = bool(rhat_ok), bool(ess_ok)
    out["converged"] = bool(steps_ok and rhat_ok and ess_ok)
    return out


# --- checkpoints ---------------------------------------------------------------------------------------
@dataclass
class ChainState:
    """Everything stored in a checkpoint."""

    chain: np.ndarray          # (N, W, d)
    log_prob: np.ndarray       # (N, W)
    blobs: np.ndarray          # (N, W, T)
    accepted: np.ndarray       # (W,)
    random_state: tuple | None
    initial: np.ndarray        # (W, d)
    initial_log_prob: np.ndarray  # (W,)
    initial_blobs: np.ndarray  # (W, T)
    attrs: dict

    @property
    def iteration(self) -> int:
        return int(self.chain.shape[0])


def write_checkpoint(path: Path, st: ChainState) -> None:
    """Write the complete state to ``path`` atomically (temporary file + ``os.replace``)."""
    import h5py
    path = Path(path)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    n, w, d = st.chain.shape
    t = st.blobs.shape[-1]
    try:
        with h5py.File(tmp, "w") as f:
            g = f.create_group(_GROUP)
            g.attrs["version"] = "3.1.6"  # emcee HDFBackend layout version it was modelled on
            g.attrs["nwalkers"] = w
            g.attrs["ndim"] = d
            g.attrs["has_blobs"] = True
            g.attrs["iteration"] = n
            g.create_dataset("accepted", data=st.accepted.astype(float))
            g.create_dataset("chain", data=st.chain, maxshape=(None, w, d))
            g.create_dataset("log_prob", data=st.log_prob, maxshape=(None, w))
            bl = g.create_dataset("blobs", shape=(n, w), dtype=np.dtype((float, (t,))), maxshape=(None, w))
            if n:
                bl[...] = st.blobs.reshape(n, w, t)
            if st.random_state is not None:
                for i, v in enumerate(st.random_state):
                    g.attrs[f"random_state_{i}"] = v
            ex = f.create_group("bayes_u1x")
            ex.create_dataset("initial", data=st.initial)
            ex.create_dataset("initial_log_prob", data=st.initial_log_prob)
            ex.create_dataset("initial_blobs", data=st.initial_blobs)
            for k, v in st.attrs.items():
                ex.attrs[k] = v
            f.flush()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_checkpoint(path: Path) -> ChainState:
    import h5py
    path = Path(path)
    try:
        with h5py.File(path, "r") as f:
            g = f[_GROUP]
            n = int(g.attrs["iteration"])
            chain = np.asarray(g["chain"][:n])
            log_prob = np.asarray(g["log_prob"][:n])
            blobs = np.asarray(g["blobs"][:n])
            accepted = np.asarray(g["accepted"][:])
            rs = [v for k, v in sorted(g.attrs.items()) if k.startswith("random_state_")]
            ex = f["bayes_u1x"]
            initial = np.asarray(ex["initial"][:])
            ilp = np.asarray(ex["initial_log_prob"][:])
            ibl = np.asarray(ex["initial_blobs"][:])
            attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in ex.attrs.items()}
    except (OSError, KeyError) as exc:
        raise SamplingError(f"checkpoint {path} is unreadable or not a bayes_u1x checkpoint ({exc}); "
                            "use --force to start over") from exc
    w = initial.shape[0]
    blobs = blobs.reshape(n, w, ibl.reshape(w, -1).shape[1])
    rstate = None
    if len(rs) == 5:
        rstate = (str(rs[0].decode() if isinstance(rs[0], bytes) else rs[0]), np.asarray(rs[1], dtype=np.uint32),
                  int(rs[2]), int(rs[3]), float(rs[4]))
    return ChainState(chain, log_prob, blobs, accepted, rstate, initial, ilp, ibl.reshape(w, -1), attrs)


# --- signals ---------------------------------------------------------------------------------------------
class _StopFlag:
    """SIGTERM/SIGINT -> flag, checked after every step (main thread only)."""

    def __init__(self):
        self.signum = None
        self._old = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, frame):
        self.signum = signum

    def __exit__(self, *exc):
        for sig, old in self._old.items():
            signal.signal(sig, old)
        return False


# --- the run -----------------------------------------------------------------------------------------------
@dataclass
class SampleResult:
    out_dir: Path
    result_path: Path
    checkpoint_path: Path
    converged: bool
    diagnostics: dict
    wall_time: float
    n_steps_run: int
    idata: object = None


def _make_moves(spec):
    import emcee

    from .moves import LocalKDEMove
    table = {"stretch": emcee.moves.StretchMove, "de": emcee.moves.DEMove,
             "desnooker": emcee.moves.DESnookerMove, "walk": emcee.moves.WalkMove,
             "kde": emcee.moves.KDEMove, "lkde": LocalKDEMove}
    return [(table[name](), w) for name, w in spec]


def _seeds(seed: int):
    root = np.random.SeedSequence(int(seed))
    init_ss, sampler_ss, prior_ss = root.spawn(3)
    return init_ss, sampler_ss, prior_ss


def run_sampler(config, out_dir=None, resume: bool = False, force: bool = False, progress: bool = False,
                likelihood=None, prior=None, write_result: bool = True, log=None) -> SampleResult:
    """Run (or resume) the posterior sampling described by a :class:`~.runs.RunConfig`.

    ``likelihood``/``prior`` default to the run's; pass a toy likelihood (``terms``,
    ``terms_theta``) to exercise the same code path on a known posterior. Returns a
    :class:`SampleResult`; ``posterior.nc`` and ``chain.h5`` are written to ``out_dir``
    (default: the run's output folder).
    """
    import emcee
    from tqdm.auto import tqdm

    log = log or (lambda msg: print(msg, file=sys.stderr))
    t_start = time.perf_counter()
    out_dir = Path(out_dir) if out_dir is not None else config.output_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt = out_dir / CHECKPOINT_NAME
    result_path = out_dir / RESULT_NAME

    prior = prior if prior is not None else config.prior()
    likelihood = likelihood if likelihood is not None else config.likelihood()
    check_prior_against_likelihood(prior, likelihood)
    logpost = LogPosterior(likelihood, prior)
    terms = logpost.terms
    s = config.sampler
    nwalkers, ndim = int(s["walkers"]), prior.ndim
    max_steps, check_every = int(s["max_steps"]), int(s["check_every"])
    identity = config.identity_json() if likelihood is None or hasattr(likelihood, "model") else \
        json.dumps({**json.loads(_toy_identity(config, prior)), "terms": list(terms)}, sort_keys=True)
    init_ss, sampler_ss, prior_ss = _seeds(config.run["seed"])

    # --- fresh start or resume ---
    state: ChainState | None = None
    if ckpt.exists():
        if not resume and not force:
            raise SamplingError(f"{ckpt} exists: pass --resume to continue it or --force to start over")
        if resume:
            try:
                state = read_checkpoint(ckpt)
            except SamplingError:
                if not force:
                    raise
                state = None
            if state is not None and state.attrs.get("identity") != identity:
                diff = _identity_diff(state.attrs.get("identity", "{}"), identity)
                if not force:
                    raise SamplingError(f"cannot resume {ckpt}: settings changed ({diff}); use --force to "
                                        "discard the checkpoint and start over")
                log(f"settings changed ({diff}): --force given, starting over")
                state = None
    if state is None:
        for p in (ckpt, result_path):
            if p.exists():
                p.unlink()
        rng_init = np.random.default_rng(init_ss)
        p0, info = initial_walkers(logpost, nwalkers, config.init, rng_init)
        rows = logpost(p0)
        state = ChainState(chain=np.zeros((0, nwalkers, ndim)), log_prob=np.zeros((0, nwalkers)),
                           blobs=np.zeros((0, nwalkers, len(terms))), accepted=np.zeros(nwalkers),
                           random_state=np.random.RandomState(np.random.MT19937(sampler_ss)).get_state(),
                           initial=p0, initial_log_prob=rows[:, 0], initial_blobs=rows[:, 1:],
                           attrs={"identity": identity, "settings": config.to_json(),
                                  "run_text": config.text or "", "terms": json.dumps(list(terms)),
                                  "init": json.dumps(info.to_dict())})
        for note in info.notes:
            log(f"init: {note}")
        write_checkpoint(ckpt, state)
    else:
        state.attrs["settings"] = config.to_json()  # stopping rules may have changed
        log(f"resuming {ckpt} at step {state.iteration}")

    # --- emcee with an in-memory backend pre-filled from the checkpoint ---
    backend = emcee.backends.Backend()
    backend.reset(nwalkers, ndim)
    n0 = state.iteration
    backend.grow(n0, _emcee_blobs(state.initial_blobs))
    backend.chain[:n0] = state.chain
    backend.log_prob[:n0] = state.log_prob
    backend.blobs[:n0] = state.blobs.reshape(backend.blobs[:n0].shape)
    backend.accepted = state.accepted.astype(float).copy()
    backend.iteration = n0
    sampler = emcee.EnsembleSampler(nwalkers, ndim, logpost, vectorize=True, moves=_make_moves(config.moves()),
                                    backend=backend)
    sampler.random_state = state.random_state
    if n0 == 0:
        cur = emcee.State(state.initial, log_prob=state.initial_log_prob,
                          blobs=_emcee_blobs(state.initial_blobs), random_state=state.random_state)
    else:
        cur = emcee.State(state.chain[-1], log_prob=state.log_prob[-1],
                          blobs=_emcee_blobs(state.blobs[-1]), random_state=state.random_state)

    burn_rule, thin_rule = config.burn_rule(), config.thin_rule()
    diag = convergence(state.chain, s, burn_rule, thin_rule, prior.names) if n0 >= check_every else \
        {"converged": False}
    n_run = 0
    last_ckpt = time.perf_counter()

    def snapshot() -> ChainState:
        it = backend.iteration
        return ChainState(chain=backend.chain[:it].copy(), log_prob=backend.log_prob[:it].copy(),
                          blobs=np.asarray(backend.blobs[:it]).reshape(it, nwalkers, -1).copy(),
                          accepted=backend.accepted.copy(), random_state=backend.random_state,
                          initial=state.initial, initial_log_prob=state.initial_log_prob,
                          initial_blobs=state.initial_blobs, attrs=state.attrs)

    bar = tqdm(total=max_steps, initial=n0, disable=not progress, desc="sampling", unit="step",
               file=sys.stderr, dynamic_ncols=True)
    try:
        with _StopFlag() as stop:
            while not diag.get("converged") and backend.iteration < max_steps:
                it = backend.iteration
                n_next = min((it // check_every + 1) * check_every, max_steps) - it
                for cur in sampler.sample(cur, iterations=n_next, store=True, skip_initial_state_check=True):
                    n_run += 1
                    bar.update(1)
                    if stop.signum is not None:
                        write_checkpoint(ckpt, snapshot())
                        raise Interrupted(f"stopped by signal {stop.signum} at step {backend.iteration}; "
                                          f"checkpoint {ckpt} written (continue with --resume)")
                    if time.perf_counter() - last_ckpt > float(s["checkpoint_seconds"]):
                        write_checkpoint(ckpt, snapshot())
                        last_ckpt = time.perf_counter()
                cur = emcee.State(cur.coords, log_prob=cur.log_prob, blobs=cur.blobs,
                                  random_state=sampler.random_state)
                snap = snapshot()
                write_checkpoint(ckpt, snap)
                last_ckpt = time.perf_counter()
                if backend.iteration % check_every == 0 or backend.iteration >= max_steps:
                    diag = convergence(snap.chain, s, burn_rule, thin_rule, prior.names)
                    bar.set_postfix(tau=f"{max(diag['tau']):.0f}",
                                    ess=f"{min(diag['ess_bulk'] + diag['ess_tail']) if diag['ess_bulk'] else 0:.0f}",
                                    rhat=f"{max(diag['rhat']) if diag['rhat'] else float('nan'):.3f}")
    finally:
        bar.close()

    final = snapshot()
    if not diag.get("steps"):
        diag = convergence(final.chain, s, burn_rule, thin_rule, prior.names)
    diag["acceptance"] = float(np.mean(final.accepted) / max(final.iteration, 1))
    diag["likelihood_calls"] = logpost.n_calls
    diag["likelihood_points"] = logpost.n_points
    wall = time.perf_counter() - t_start
    idata = None
    if write_result:
        from .results import build_inference_data, save_results
        rng_prior = np.random.default_rng(prior_ss)
        prior_draws = prior.sample(int(config.settings["output"]["prior_draws"]), rng_prior)
        idata = build_inference_data(final, terms=terms, names=prior.names, diagnostics=diag,
                                     config=config, likelihood=likelihood, prior=prior,
                                     prior_draws=prior_draws)
        save_results(idata, result_path)
    return SampleResult(out_dir=out_dir, result_path=result_path, checkpoint_path=ckpt,
                        converged=bool(diag.get("converged")), diagnostics=diag, wall_time=wall,
                        n_steps_run=n_run, idata=idata)


def _emcee_blobs(blobs):
    """Blobs in the shape emcee produces (it squeezes a single term to (W,))."""
    b = np.asarray(blobs, dtype=float)
    return b[:, 0] if b.ndim == 2 and b.shape[1] == 1 else b


def _toy_identity(config, prior) -> str:
    return json.dumps({"prior": prior.spec(), "seed": config.run["seed"], "walkers": config.sampler["walkers"],
                       "moves": config.moves(), "init": config.init}, sort_keys=True, default=str)


def _identity_diff(old: str, new: str) -> str:
    try:
        a, b = json.loads(old), json.loads(new)
    except json.JSONDecodeError:
        return "unreadable stored settings"
    keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    return ", ".join(f"{k}: {a.get(k)!r} -> {b.get(k)!r}" for k in keys) or "none"
