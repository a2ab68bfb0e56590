"""Model-space scans: ONE resumable loop that runs a job per model (or per point) on any executor.

:func:`run_scan` submits every job that is not yet recorded to a ``concurrent.futures`` executor — the
local process pool (both cores by default), a single process, or a Dask cluster through
``distributed.Client(address).get_executor()`` — and appends each result as one JSON line to the
scan file as soon as it arrives (flushed and fsync'ed). The file's first line is a header that
records the settings that made it; a re-run with the same settings skips what is recorded, a line cut
short by a kill is ignored and recomputed, and a re-run with other settings is refused, naming the
differing setting (``force=True`` starts over and keeps the old file as ``<name>.previous``). The file
is locked while a scan writes to it. Worker processes of the local pool die with their parent.

Used by the profile scan (:func:`scan`: every model's Δχ²_min, Sec. 4.2 of arXiv:2203.13731), the
evidence scan (:func:`bayes_u1x.inference.evidence.model_evidence.evidence_scan`), the Fig. 2 map and
the NSI-systematics study.
"""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import os
import signal
import time
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import Interrupted, ResultsError
from ..likelihood import CompositeLikelihood
from ..measurements import DEFAULT_SET
from ..models import Model, get_model
from ..serialization import dumps, to_jsonable
from .profile import find_minima
from .runtime import StopFlag, exclusive_lock
from .thresholds import is_viable

SCAN_FORMAT = 1
#: longest line read from a scan file (a record is < 100 kB; anything longer is not ours)
MAX_LINE = 10_000_000


def charges_key(charges) -> str:
    """The key of a model's record: its Table-1 charges, e.g. "0,0,1,-1"."""
    return ",".join(f"{float(x):g}" for x in charges)


def model_key(model) -> str:
    return charges_key(get_model(model).table1)


def settings_digest(settings: dict) -> str:
    return hashlib.sha256(dumps(settings).encode()).hexdigest()[:16]


# --- the scan file -------------------------------------------------------------------------------
def read_scan_file(path, settings: dict | None = None, kind: str | None = None) -> dict[str, dict]:
    """Complete records of a scan file keyed by ``key``; checks the header against ``settings``/``kind``."""
    p = Path(path)
    if not p.exists():
        return {}
    if not p.is_file():
        raise ResultsError(f"scan output {p} is not a regular file")
    out = {}
    with p.open("rb") as fh:
        first = fh.readline(MAX_LINE)
        if not first.strip():
            return {}
        try:
            head = json.loads(first)
            ok = isinstance(head, dict) and head.get("bayes_u1x_scan") == SCAN_FORMAT
        except (json.JSONDecodeError, UnicodeDecodeError):
            ok = False
        if not ok:
            raise ResultsError(f"{p} exists and is not a bayes_u1x scan file (no header line): "
                               "choose another --out (a scan never appends to other files)")
        if kind is not None and head.get("kind") != kind:
            raise ResultsError(f"{p} holds a {head.get('kind')!r} scan, not a {kind!r} scan: choose another --out")
        if settings is not None:
            old = head.get("settings", {})
            new = to_jsonable(settings)
            diff = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
            if diff:
                k = diff[0]
                raise ResultsError(f"{p} was made with other settings ({k}: {old.get(k)!r}, now {new.get(k)!r}"
                                   + (f"; also {', '.join(diff[1:])}" if len(diff) > 1 else "")
                                   + "): use another --out, or --force to start over")
        while True:
            line = fh.readline(MAX_LINE)
            if not line:
                break
            if not line.endswith(b"\n"):
                continue  # cut short by a kill (or absurdly long): recomputed on resume
            try:
                rec = json.loads(line)
                out[str(rec["key"])] = rec
            except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
                continue
    return out


class ScanFile:
    """Append-only writer of a scan file (header first); ``None`` path keeps nothing on disk."""

    def __init__(self, path, kind: str, settings: dict):
        self.path = None if path is None else Path(path)
        self._fh = None
        if self.path is None:
            return
        try:
            new = not self.path.exists() or self.path.stat().st_size == 0
            self._fh = open(self.path, "ab")
            if new:
                from ..provenance import environment

                self._write({"bayes_u1x_scan": SCAN_FORMAT, "kind": kind, "settings": settings,
                             "settings_sha256": settings_digest(settings), "package_version": __version__,
                             "created": time.strftime("%Y-%m-%d %H:%M:%S"), "environment": environment()})
            else:
                with open(self.path, "rb") as rf:
                    rf.seek(-1, os.SEEK_END)
                    if rf.read(1) != b"\n":
                        self._fh.write(b"\n")  # never glue a record onto a line cut short
        except OSError as exc:
            raise ResultsError(f"cannot write the scan file {self.path}: {exc.strerror or exc}") from None

    def _write(self, obj) -> None:
        try:
            self._fh.write((dumps(obj) + "\n").encode())
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise ResultsError(f"cannot write the scan file {self.path}: {exc.strerror or exc}") from None

    def append(self, record: dict) -> None:
        if self._fh is not None:
            self._write(record)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


# --- executors ---------------------------------------------------------------------------------------
def _die_with_parent() -> None:
    """Pool-worker initializer: SIGTERM this worker when its parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    # a worker forked while the parent's StopFlag is active inherits its Python handlers: restore the
    # default SIGTERM (so the parent-death signal terminates it) and ignore Ctrl-C (the parent stops the pool)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SingleThreaded:
    """``worker(payload)`` with the BLAS/OpenMP pools of its process limited to one thread.

    A scan runs one job per core (pool processes, Dask workers); numpy's OpenBLAS would start its own
    thread per core in each of them, and the oversubscribed BLAS calls (the COHERENT templates, the
    minimiser's small solves) then spin against each other: measured 3.7× slower per point for the
    LAr term with two workers on two cores. Picklable, so it travels to any executor."""

    def __init__(self, worker):
        self.worker = worker

    def __call__(self, payload):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return self.worker(payload)


def local_executor(processes: int | None = None) -> cf.Executor | None:
    """A process pool of ``processes`` workers (default: up to 2 cores); None for one process (inline)."""
    n = processes or min(2, os.cpu_count() or 1)
    if n <= 1:
        return None
    return cf.ProcessPoolExecutor(max_workers=n, initializer=_die_with_parent)


def _stop_pool(ex) -> None:
    # take the worker list first: shutdown() sets the pool's _processes to None (Python 3.11)
    procs = list((getattr(ex, "_processes", None) or {}).values())
    ex.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        try:
            proc.terminate()
        except (OSError, AttributeError):  # pragma: no cover
            pass


def run_scan(jobs, worker, *, kind: str, settings: dict, out=None, executor=None, processes=None,
             progress=None, force: bool = False) -> dict[str, dict]:
    """Run ``worker(payload) -> record`` for every ``(key, payload)`` job not yet in ``out``.

    ``executor``: any ``concurrent.futures.Executor`` (e.g. ``Client.get_executor()``); default a local
    pool of ``processes`` workers (:func:`local_executor`). ``progress(done, total)`` is called after each
    record. Returns {key: record} of every job (recorded earlier or now).
    """
    jobs = list(jobs)
    keys = [k for k, _ in jobs]
    if len(set(keys)) != len(keys):
        raise ResultsError("a scan job is listed twice")
    out = None if out is None else Path(out)
    lock = exclusive_lock(out.with_name(f".{out.name}.lock"), f"scan file {out}", ResultsError) \
        if out is not None else None
    if lock is not None:
        lock.__enter__()
    try:
        if out is not None and force and out.exists():
            os.replace(out, out.with_name(out.name + ".previous"))
        done = read_scan_file(out, settings, kind) if out is not None else {}
        todo = [(k, p) for k, p in jobs if k not in done]
        n_done, total = len(jobs) - len(todo), len(jobs)
        sink = ScanFile(out, kind, settings)
        own = executor is None
        ex = local_executor(processes) if own and len(todo) > 1 else executor
        futures: dict = {}

        def record(key, rec):
            nonlocal n_done
            rec = {"key": key, **rec}
            done[key] = rec
            sink.append(rec)
            n_done += 1
            if progress:
                progress(n_done, total)

        try:
            with StopFlag() as stop:
                if ex is None:
                    for k, p in todo:
                        record(k, worker(p))
                        if stop.signum is not None:
                            raise Interrupted(f"scan stopped by signal {stop.signum}; {n_done} of {total} "
                                              f"recorded in {out} (run again to continue)", stop.signum)
                else:
                    one = SingleThreaded(worker)
                    futures.update({ex.submit(one, p): k for k, p in todo})
                    pending = set(futures)
                    while pending:
                        finished, pending = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
                        for f in finished:
                            # drop the future once recorded: a Dask client holding it keeps the result
                            # on its worker, and a worker lost later takes those results with it and
                            # the scheduler recomputes them (36 finished models redone after one kill)
                            record(futures.pop(f), f.result())
                        finished = f = None
                        if stop.signum is not None:
                            raise Interrupted(f"scan stopped by signal {stop.signum}; {n_done} of {total} "
                                              f"recorded in {out} (run again to continue)", stop.signum)
        except BaseException:
            if own and ex is not None:
                _stop_pool(ex)
                ex = None
            else:
                for f in futures:  # a cluster keeps no work of a stopped scan
                    f.cancel()
            raise
        finally:
            sink.close()
            if own and ex is not None:
                ex.shutdown(wait=True)
    finally:
        if lock is not None:
            lock.__exit__(None, None, None)
    return {k: done[k] for k in keys}


# --- the profile scan (Sec. 4.2) -----------------------------------------------------------------
def profile_model(model, mass: float | None = 0.2, terms="default", data=DEFAULT_SET, term_options=None,
                  grid_shape=(41, 121, 21), max_seeds: int = 4, polish_above: float | None = 10.0) -> dict:
    """Profile one model over (log10 g_X, εe/g_X) (at fixed mass) and summarise its best minimum."""
    model = get_model(model)
    lk = CompositeLikelihood(model, terms=terms, data=data, term_options=term_options or {})
    t0 = time.perf_counter()
    minima = find_minima(lk, fixed_mass=mass, grid_shape=grid_shape, max_seeds=max_seeds,
                         polish_above=polish_above)
    best = minima[0]
    return {"model": model.name, "display": model.display, "charges": [float(x) for x in model.table1],
            "likelihood": lk.label, "data": lk.data.name, "term_options": lk.term_options,
            "delta_chi2": best.delta_chi2, "eps_ratio": best.eps_ratio, "g_x": best.g_x,
            "m_x_gev": best.m_x, "viable": bool(is_viable(best.delta_chi2)), "terms": best.terms,
            "is_valid": best.is_valid, "method": best.method, "at_limit": list(best.at_limit),
            "n_minima": len(minima), "seconds": time.perf_counter() - t0}


def _profile_worker(payload):
    charges, kw = payload
    return profile_model(tuple(charges), **kw)


def scan(models=None, mass: float | None = 0.2, terms="default", data=DEFAULT_SET, out=None,
         processes: int | None = None, max_charge: int = 10, term_options=None, progress=None,
         executor=None, force: bool = False, **profile_kw) -> list[dict]:
    """Profile every model (default: the enumerated vector-like models with |charges| <= max_charge).

    Returns the per-model records in model order; ``out`` (a path) makes the scan resumable.
    """
    from ..models import enumerate_vector_models

    models = enumerate_vector_models(max_charge) if models is None else [get_model(m) for m in models]
    lk = CompositeLikelihood(models[0] if models else "Lmu-Ltau", terms=terms, data=data,
                             term_options=term_options or {})
    kw = dict(mass=mass, terms=lk.preset.name if lk.preset else list(lk.terms), data=lk.data.name,
              term_options=lk.term_options, **profile_kw)
    settings = {"mass_gev": mass, "likelihood": lk.label, "term_options": lk.term_options, "data": lk.data.name,
                "profile": {k: v for k, v in profile_kw.items()}}
    jobs = [(model_key(m), ([float(x) for x in m.table1], kw)) for m in models]
    recs = run_scan(jobs, _profile_worker, kind="profile", settings=settings, out=out, executor=executor,
                    processes=processes, progress=progress, force=force)
    return list(recs.values())


def viable(results) -> list[dict]:
    return [r for r in results if r["viable"]]


def summarize(results) -> dict:
    d = np.array([r["delta_chi2"] for r in results])
    return {"n_models": len(results), "n_viable": int(np.sum(d < 4)),
            "viable": [r["charges"] for r in results if r["viable"]]}


__all__ = ["Model", "ScanFile", "charges_key", "local_executor", "model_key", "profile_model", "read_scan_file",
           "run_scan", "scan", "settings_digest", "summarize", "viable"]
