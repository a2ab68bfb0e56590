"""What a long run needs from the operating system: an exclusive lock on its output and signal handling.

* :func:`exclusive_lock` — an exclusive, non-blocking lock (``filelock``) on an output folder or
  result file, so two runs never write into the same place; the holder (pid, host, command, start
  time) is recorded next to the lock and named in the refusal. The lock is released when the holder
  exits, however it exits (the operating system drops the ``flock``).
* :class:`StopFlag` — SIGTERM/SIGINT turn into a flag that the run checks between steps, so it can
  save what it has before it stops (:class:`~bayes_u1x.errors.Interrupted`).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import BayesU1XError


def _holder_file(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name + ".holder")


def _describe_holder(lock_path: Path) -> str:
    try:
        h = json.loads(_holder_file(lock_path).read_text())
        return (f"pid {h.get('pid')} on {h.get('host')}, started {h.get('started')}: "
                f"{h.get('command') or '(library call)'}")
    except (OSError, ValueError):
        return "another process"


@contextmanager
def exclusive_lock(lock_path, what: str, error=BayesU1XError):
    """Hold an exclusive lock on ``lock_path`` for the block; refuse at once if another process has it."""
    lock_path = Path(lock_path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), timeout=0)
        lock.acquire()
    except Timeout:
        raise error(f"{what} is in use by {_describe_holder(lock_path)}; wait for it to finish or "
                    "choose another output") from None
    except OSError as exc:
        raise error(f"cannot lock {what} ({lock_path}): {exc.strerror or exc}") from None
    try:
        try:
            _holder_file(lock_path).write_text(json.dumps({
                "pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(sys.argv),
                "started": time.strftime("%Y-%m-%d %H:%M:%S")}))
        except OSError:
            pass
        yield lock_path
    finally:
        try:
            _holder_file(lock_path).unlink()
        except OSError:
            pass
        lock.release()


class StopFlag:
    """SIGTERM/SIGINT -> ``signum``, checked by the run between steps (main thread only)."""

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
