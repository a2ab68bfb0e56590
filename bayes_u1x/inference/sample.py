"""Posterior sampling with emcee: seeded, checkpointed, resumable, locked, and honest about convergence.

:func:`run_sampler` runs (or resumes) a resolved :class:`~.config.Run`:

* one root seed (numpy ``SeedSequence``) spawns the children for the initialisation, emcee's random
  state and the stored prior draws;
* walkers start as described in :mod:`.initialisation`; the log posterior is :mod:`.posterior`;
* the chain is checkpointed to ``chain.h5`` (:mod:`.checkpoint`) every ``checkpoint_seconds`` and at
  every convergence check; SIGTERM/SIGINT write a final checkpoint and raise
  :class:`~bayes_u1x.errors.Interrupted`;
* convergence (:mod:`.convergence`) is checked every ``check_every`` steps; the run stops when it has
  converged or at ``max_steps``;
* the result ``posterior.nc`` (ArviZ InferenceData, :mod:`.results`) is written atomically at the end.

The output folder is locked for the duration of the run. Nothing that exists is deleted: a resume
must match the stored settings exactly (else it is refused, naming the setting); ``force`` starts over
and moves the previous ``chain.h5`` and ``posterior.nc`` to ``previous/`` first.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import Interrupted, SamplingError
from .checkpoint import (CHECKPOINT_NAME, ChainState, CheckpointBackend, emcee_blobs, read_checkpoint,
                         remove_stale_temporaries, validate_state, write_checkpoint)
from .convergence import convergence, format_targets, steps_needed
from .initialisation import initial_walkers
from .posterior import LogPosterior, check_prior_against_likelihood
from .run_folder import SUMMARY_JSON, SUMMARY_TEXT, write_command, write_config, write_summary
from .runtime import StopFlag, exclusive_lock

RESULT_NAME = "posterior.nc"
LOCK_NAME = ".lock"
PREVIOUS_DIR = "previous"


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


def make_moves(spec):
    """emcee moves from [(name, weight), ...] (names of :data:`~.config.MOVES`)."""
    import emcee

    from .moves import LocalKDEMove
    table = {"stretch": emcee.moves.StretchMove, "de": emcee.moves.DEMove,
             "desnooker": emcee.moves.DESnookerMove, "walk": emcee.moves.WalkMove,
             "kde": emcee.moves.KDEMove, "lkde": LocalKDEMove}
    return [(table[name](), w) for name, w in spec]


def child_seeds(seed: int):
    """(initialisation, sampler, prior draws) child seeds of the root seed."""
    return tuple(np.random.SeedSequence(int(seed)).spawn(3))


def _identity_diff(old: str, new: str) -> str:
    try:
        a, b = json.loads(old), json.loads(new)
    except json.JSONDecodeError:
        return "unreadable stored settings"

    def flat(d, prefix=""):
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                out.update(flat(v, f"{prefix}{k}."))
            else:
                out[prefix + k] = v
        return out
    fa, fb = flat(a), flat(b)
    keys = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
    return ", ".join(f"{k}: {fa.get(k)!r} -> {fb.get(k)!r}" for k in keys[:6]) or "none"


def _move_to_previous(out_dir: Path, names, log) -> None:
    present = [out_dir / n for n in names if (out_dir / n).exists()]
    if not present:
        return
    prev = out_dir / PREVIOUS_DIR
    prev.mkdir(exist_ok=True)
    for p in present:
        os.replace(p, prev / p.name)
    log(f"starting over: kept the previous {', '.join(p.name for p in present)} in {prev}")


def _fresh_state(logpost, run, identity, terms, init_ss, sampler_ss, log, progress=False) -> ChainState:
    nwalkers, ndim = run.sampler.walkers, run.prior.ndim
    p0, info = initial_walkers(logpost, nwalkers, run.init, np.random.default_rng(init_ss),
                               log=log if progress else None)
    rows = logpost(p0)
    for note in info.notes:
        log(f"init: {note}")
    return ChainState(chain=np.zeros((0, nwalkers, ndim)), log_prob=np.zeros((0, nwalkers)),
                      blobs=np.zeros((0, nwalkers, len(terms))), accepted=np.zeros(nwalkers),
                      random_state=np.random.RandomState(np.random.MT19937(sampler_ss)).get_state(),
                      initial=p0, initial_log_prob=rows[:, 0], initial_blobs=rows[:, 1:],
                      attrs={"identity": identity, "settings": run.config.to_json(),
                             "run_text": run.config.text or "", "terms": json.dumps(list(terms)),
                             "init": json.dumps(info.to_dict())})


def run_sampler(run, out_dir=None, resume: bool = False, force: bool = False, progress: bool = False,
                write_result: bool = True, log=None) -> SampleResult:
    """Run (or resume) the posterior sampling of a resolved :class:`~.config.Run`.

    ``out_dir`` defaults to the run's output folder. Returns a :class:`SampleResult`; ``posterior.nc``
    and ``chain.h5`` are written to ``out_dir``. A toy likelihood (any object with ``terms`` and
    ``terms_theta``) goes through the same code: ``run.with_likelihood(toy, prior)``.
    """
    log = log or (lambda msg: print(msg, file=sys.stderr))
    out_dir = Path(out_dir) if out_dir is not None else run.output_dir
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SamplingError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from None
    if not out_dir.is_dir():
        raise SamplingError(f"output {out_dir} is not a folder")
    with exclusive_lock(out_dir / LOCK_NAME, f"output folder {out_dir}", SamplingError):
        remove_stale_temporaries(out_dir)
        return _run_locked(run, out_dir, resume, force, progress, write_result, log)


def _run_locked(run, out_dir, resume, force, progress, write_result, log) -> SampleResult:
    import emcee
    from tqdm.auto import tqdm

    t_start = time.perf_counter()
    ckpt, result_path = out_dir / CHECKPOINT_NAME, out_dir / RESULT_NAME
    prior, likelihood = run.prior, run.likelihood
    check_prior_against_likelihood(prior, likelihood)
    logpost = LogPosterior(likelihood, prior)
    terms = logpost.terms
    s = run.sampler
    nwalkers, ndim = s.walkers, prior.ndim
    identity = run.identity_json()
    init_ss, sampler_ss, prior_ss = child_seeds(run.seed)

    state: ChainState | None = None
    if ckpt.exists():
        if not resume and not force:
            raise SamplingError(f"{ckpt} exists: pass --resume to continue it or --force to start over")
        if resume:
            try:
                state = read_checkpoint(ckpt)
                if state.attrs.get("identity") != identity:
                    raise SamplingError(f"cannot resume {ckpt}: settings changed "
                                        f"({_identity_diff(state.attrs.get('identity', '{}'), identity)}); "
                                        "use --force to start over")
                validate_state(state, prior, nwalkers, len(terms), ckpt)
            except SamplingError as exc:
                if not force:
                    raise
                log(f"{exc} -- --force given, starting over")
                state = None
    elif result_path.exists() and not force:
        raise SamplingError(f"{result_path} exists without a checkpoint to resume: pass --force to start "
                            "over (the previous result is kept in previous/)")
    if state is None:
        _move_to_previous(out_dir, (CHECKPOINT_NAME, RESULT_NAME, SUMMARY_JSON, SUMMARY_TEXT), log)
        state = _fresh_state(logpost, run, identity, terms, init_ss, sampler_ss, log, progress)
        write_checkpoint(ckpt, state)
    if getattr(run, "config", None) is not None and hasattr(run.model, "slug"):
        write_config(run, out_dir)
        write_command(out_dir)
    else:
        state.attrs["settings"] = run.config.to_json()  # stopping rules may have changed
        log(f"resuming {ckpt} at step {state.iteration}")

    backend = CheckpointBackend(state)
    sampler = emcee.EnsembleSampler(nwalkers, ndim, logpost, vectorize=True, moves=make_moves(s.moves),
                                    backend=backend)
    sampler.random_state = state.random_state
    n0 = state.iteration
    if n0 == 0:
        cur = emcee.State(state.initial, log_prob=state.initial_log_prob,
                          blobs=emcee_blobs(state.initial_blobs), random_state=state.random_state)
    else:
        cur = emcee.State(state.chain[-1], log_prob=state.log_prob[-1],
                          blobs=emcee_blobs(state.blobs[-1]), random_state=state.random_state)

    diag = convergence(state.chain, s, prior.names) if n0 >= s.check_every else {"converged": False}
    n_run = 0
    last_ckpt = time.perf_counter()
    # the bar's total is the estimated length of the run (τ, ESS and R̂ targets), not max_steps
    est = steps_needed(diag, s) if diag.get("steps") else None
    bar = tqdm(total=est or min(n0 + s.check_every, s.max_steps), initial=n0, disable=None if progress else True,
               desc="sampling (estimated length)", unit="step", file=sys.stderr, dynamic_ncols=True)
    try:
        with StopFlag() as stop:
            while not diag.get("converged") and backend.iteration < s.max_steps:
                it = backend.iteration
                n_next = min((it // s.check_every + 1) * s.check_every, s.max_steps) - it
                for cur in sampler.sample(cur, iterations=n_next, store=True, skip_initial_state_check=True):
                    n_run += 1
                    bar.update(1)
                    if stop.signum is not None:
                        write_checkpoint(ckpt, backend.snapshot())
                        raise Interrupted(f"stopped by signal {stop.signum} at step {backend.iteration}; "
                                          f"checkpoint {ckpt} written (continue with --resume)", stop.signum)
                    if time.perf_counter() - last_ckpt > s.checkpoint_seconds:
                        write_checkpoint(ckpt, backend.snapshot())
                        last_ckpt = time.perf_counter()
                cur = emcee.State(cur.coords, log_prob=cur.log_prob, blobs=cur.blobs,
                                  random_state=sampler.random_state)
                snap = backend.snapshot()
                write_checkpoint(ckpt, snap)
                last_ckpt = time.perf_counter()
                if backend.iteration % s.check_every == 0 or backend.iteration >= s.max_steps:
                    diag = convergence(snap.chain, s, prior.names)
                    est = steps_needed(diag, s)
                    bar.total = max(est or 0, backend.iteration + (0 if diag.get("converged") else s.check_every))
                    bar.total = min(bar.total, s.max_steps)
                    bar.set_postfix_str(format_targets(diag, s), refresh=False)
                    bar.refresh()
                    if progress:  # one line per check (the only progress on a non-terminal)
                        left = bar.total - backend.iteration
                        line = f"step {backend.iteration}: {format_targets(diag, s)}" + (
                            f"; about {left} more steps" if left > 0 and not diag.get("converged") else "")
                        (bar.write(line, file=sys.stderr) if not bar.disable else log(line))
    finally:
        bar.close()

    final = backend.snapshot()
    if not diag.get("steps"):
        diag = convergence(final.chain, s, prior.names)
    diag["acceptance"] = float(np.mean(final.accepted) / max(final.iteration, 1))
    diag["likelihood_calls"] = logpost.n_calls
    diag["likelihood_points"] = logpost.n_points
    wall = time.perf_counter() - t_start
    idata = None
    if write_result:
        from .results import build_inference_data, save_results
        prior_draws = prior.sample(run.output_prior_draws, np.random.default_rng(prior_ss))
        idata = build_inference_data(final, terms=terms, names=prior.names, diagnostics=diag, run=run,
                                     prior_draws=prior_draws)
        save_results(idata, result_path)
        from .results import format_summary, summarize

        summary = summarize(idata)
        write_summary(out_dir, summary, format_summary(summary))
    return SampleResult(out_dir=out_dir, result_path=result_path, checkpoint_path=ckpt,
                        converged=bool(diag.get("converged")), diagnostics=diag, wall_time=wall,
                        n_steps_run=n_run, idata=idata)
