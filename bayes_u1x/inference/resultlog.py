"""Append-only JSON-lines result files shared by the model-space scans (profile and evidence).

One record per model, keyed by its Table-1 charges. Every record is flushed and fsync'ed, so a
killed scan loses at most the record being written; a line cut short by the kill is ignored on
reading (and its model recomputed), and the next record never glues onto it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path


def charges_key(charges) -> str:
    return ",".join(f"{float(x):g}" for x in charges)


def read_results(path) -> dict[str, dict]:
    """Complete records of a result file keyed by charges; truncated/garbled lines are skipped."""
    out = {}
    p = Path(path)
    if not p.exists():
        return out
    with p.open() as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
                out[charges_key(rec["charges"])] = rec
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                continue  # a line cut short by a kill: recomputed on resume
    return out


class ResultLog:
    """Append records to ``path`` (None: keep nothing on disk). Use as a context manager.

    ``done`` (a dict keyed by charges) is updated with every record, and ``progress(n_done, total)``
    is called after each, counting from ``n_done``.
    """

    def __init__(self, path, done: dict | None = None, progress=None, n_done: int = 0, total: int = 0):
        self.path = path
        self.done = done if done is not None else {}
        self.progress = progress
        self.n_done = n_done
        self.total = total
        self._fh = None
        if path is not None:
            self._fh = open(path, "a")
            if self._fh.tell() > 0:
                with open(path, "rb") as rf:
                    rf.seek(-1, os.SEEK_END)
                    if rf.read(1) != b"\n":
                        self._fh.write("\n")

    def append(self, record: dict) -> None:
        self.done[charges_key(record["charges"])] = record
        if self._fh is not None:
            self._fh.write(json.dumps(record) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())
        self.n_done += 1
        if self.progress:
            self.progress(self.n_done, self.total)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
