"""Checkpoints of an emcee run: ``chain.h5`` in emcee's HDFBackend layout, written atomically.

The chain lives in memory in a :class:`CheckpointBackend` — emcee's in-memory ``Backend`` (the
interface ``EnsembleSampler`` writes to) extended with the run's starting ensemble and attributes —
and every checkpoint is a complete HDF5 file written to a temporary name next to ``chain.h5`` and
renamed over it (``os.replace``), so ``chain.h5`` is always complete and consistent: a run killed at
any moment (even ``kill -9``) loses only the steps after the last checkpoint. Layout: group ``mcmc``
(``chain``, ``log_prob``, ``blobs``, ``accepted``, attrs ``iteration``, ``nwalkers``, ``ndim`` and
``random_state_*``), readable with ``emcee.backends.HDFBackend(path, read_only=True)``, plus group
``bayes_u1x`` (the initial ensemble and the run's identity, settings and term names).

Because emcee's random state is stored with every checkpoint and the steps are deterministic, a
resumed run is bit-identical to an uninterrupted one. A checkpoint read back is validated (shapes,
finite values inside the prior support) before a run continues from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import emcee
import numpy as np

from ..errors import SamplingError
from ..serialization import atomic_path, ensure_free_space

CHECKPOINT_NAME = "chain.h5"
_GROUP = "mcmc"


@dataclass
class ChainState:
    """Everything stored in a checkpoint (a snapshot of the backend)."""

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


def emcee_blobs(blobs):
    """Blobs in the shape emcee produces (it squeezes a single term to (W,))."""
    b = np.asarray(blobs, dtype=float)
    return b[:, 0] if b.ndim == 2 and b.shape[1] == 1 else b


class CheckpointBackend(emcee.backends.Backend):
    """emcee's in-memory backend, pre-filled from a :class:`ChainState` and able to snapshot itself."""

    def __init__(self, state: ChainState):
        super().__init__()
        nwalkers, ndim = state.initial.shape
        self.reset(nwalkers, ndim)
        n0 = state.iteration
        self.grow(n0, emcee_blobs(state.initial_blobs))
        self.chain[:n0] = state.chain
        self.log_prob[:n0] = state.log_prob
        self.blobs[:n0] = state.blobs.reshape(self.blobs[:n0].shape)
        self.accepted = state.accepted.astype(float).copy()
        self.iteration = n0
        self._template = state

    def snapshot(self) -> ChainState:
        it = self.iteration
        t = self._template
        return ChainState(chain=self.chain[:it].copy(), log_prob=self.log_prob[:it].copy(),
                          blobs=np.asarray(self.blobs[:it]).reshape(it, self.nwalkers, -1).copy(),
                          accepted=self.accepted.copy(), random_state=self.random_state,
                          initial=t.initial, initial_log_prob=t.initial_log_prob,
                          initial_blobs=t.initial_blobs, attrs=t.attrs)


def write_checkpoint(path: Path, st: ChainState) -> None:
    """Write the complete state to ``path`` atomically (temporary file + ``os.replace``)."""
    import h5py
    path = Path(path)
    n, w, d = st.chain.shape
    t = st.blobs.shape[-1]
    arrays = (st.chain, st.log_prob, st.blobs, st.initial, st.initial_log_prob, st.initial_blobs)
    ensure_free_space(path, sum(a.nbytes for a in arrays) + sum(len(str(v)) for v in st.attrs.values()),
                      "checkpoint", SamplingError)
    try:
        with atomic_path(path) as tmp, h5py.File(tmp, "w") as f:
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
    except OSError as exc:
        raise SamplingError(f"cannot write the checkpoint {path}: {exc.strerror or exc}") from exc


def read_checkpoint(path: Path) -> ChainState:
    """The state stored in ``path`` (a clear error if it is not a readable bayes_u1x checkpoint)."""
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
        w = initial.shape[0]
        blobs = blobs.reshape(n, w, ibl.reshape(w, -1).shape[1])
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise SamplingError(f"checkpoint {path} is unreadable or not a bayes_u1x checkpoint ({exc}); "
                            "use --force to start over") from exc
    rstate = None
    if len(rs) == 5:
        rstate = (str(rs[0].decode() if isinstance(rs[0], bytes) else rs[0]), np.asarray(rs[1], dtype=np.uint32),
                  int(rs[2]), int(rs[3]), float(rs[4]))
    return ChainState(chain, log_prob, blobs, accepted, rstate, initial, ilp, ibl.reshape(w, -1), attrs)


def validate_state(st: ChainState, prior, nwalkers: int, n_terms: int, path) -> None:
    """Refuse a checkpoint whose arrays do not fit the run or hold values a run cannot have produced."""
    d = prior.ndim
    shapes = {"chain": (st.chain.shape, (st.iteration, nwalkers, d)),
              "log_prob": (st.log_prob.shape, (st.iteration, nwalkers)),
              "blobs": (st.blobs.shape, (st.iteration, nwalkers, n_terms)),
              "accepted": (st.accepted.shape, (nwalkers,)), "initial": (st.initial.shape, (nwalkers, d))}
    for name, (got, want) in shapes.items():
        if got != want:
            raise SamplingError(f"checkpoint {path}: {name} has shape {got}, this run needs {want}; "
                                "use --force to start over")
    pts = np.concatenate([st.initial[None], st.chain]) if st.iteration else st.initial[None]
    if not np.all(np.isfinite(pts)) or not np.all(prior.in_support(pts.reshape(-1, d))):
        raise SamplingError(f"checkpoint {path} holds walker positions that are not finite or lie outside "
                            "the prior support (corrupted file); use --force to start over")
    lp = st.log_prob if st.iteration else st.initial_log_prob[None]
    if np.any(np.isnan(lp)) or np.any(lp == np.inf):
        raise SamplingError(f"checkpoint {path} holds NaN or +inf log posteriors (corrupted file); "
                            "use --force to start over")
    if np.any(st.accepted < 0) or np.any(st.accepted > max(st.iteration, 0)):
        raise SamplingError(f"checkpoint {path}: acceptance counts outside [0, steps] (corrupted file); "
                            "use --force to start over")


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete temporary files a killed writer left in ``folder`` (call only while holding its lock)."""
    removed = []
    for p in Path(folder).glob(".*.tmp"):
        try:
            p.unlink()
            removed.append(p)
        except OSError:
            pass
    return removed
