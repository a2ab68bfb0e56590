"""Where a result came from: package and dependency versions, command line, git commit.

Every product (posterior file, evidence record, scan header, comparison table, plot caption)
carries :func:`environment` next to its physics settings (model, prior, terms, data set, seed), so
a number can be traced to the code and inputs that made it. Nothing here runs at import time.
"""
from __future__ import annotations

import functools
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

#: the libraries whose versions change numbers
DEPENDENCIES = ("numpy", "scipy", "emcee", "iminuit", "arviz", "dynesty")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The commit of the checkout the package runs from (None for an installed wheel)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5, check=False)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    if out.returncode != 0 or not sha:
        return None
    return sha + ("+dirty" if dirty.returncode == 0 and dirty.stdout.strip() else "")


def command_line() -> str | None:
    """The command that is running, if it is the bayes-u1x command line (else None)."""
    argv = list(sys.argv)
    if not argv:
        return None
    head = Path(argv[0]).name
    if head in ("bayes-u1x", "__main__.py") or head.startswith("bayes_u1x"):
        return " ".join(["bayes-u1x", *argv[1:]])
    return None


def environment() -> dict:
    """{package_version, dependencies, python, platform, git_commit, command, created}."""
    from . import __version__

    return {"package_version": __version__,
            "dependencies": {d: _version(d) for d in DEPENDENCIES},
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "git_commit": git_commit(), "command": command_line(),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def caption(model: str | None = None, likelihood: str | None = None, data: str | None = None,
            prior: str | None = None, seed=None, extra: str | None = None) -> str:
    """One-line figure caption naming the physics inputs and the code version."""
    from . import __version__

    parts = [p for p in (model, likelihood and f"likelihood {likelihood}", data and f"data {data}",
                         prior and f"prior {prior}", seed is not None and f"seed {seed}", extra) if p]
    commit = git_commit()
    parts.append(f"bayes_u1x {__version__}" + (f" ({commit[:10]})" if commit else ""))
    return "; ".join(parts)
