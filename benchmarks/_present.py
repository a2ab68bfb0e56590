"""The likelihood as it was before the fast-likelihood work, importable next to the current one.

``present_package()`` extracts ``bayes_u1x/`` of a pinned commit with ``git archive`` into a
temporary folder as the package ``bayes_u1x_present`` (its imports are relative; the three places
that name the data package by its absolute name are rewritten) and imports it. Both versions then
run in the same process, so a benchmark can interleave them and quote ratios measured under the
same machine load, and the reference values of ``tests/data`` can be regenerated from it.

Needs ``git`` and a checkout whose history holds the commit (a plain clone does; a source tarball
does not). The on-disk table cache is shared: its keys carry every input, so both versions read
the same tables.
"""
from __future__ import annotations

import importlib
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: the last commit before the fast-likelihood branch (main at 8c3cb85): "the present implementation"
BASELINE = "8c3cb853fd2b6a22d4247520b4d4a6106e07846b"
NAME = "bayes_u1x_present"
REPO = Path(__file__).resolve().parents[1]
_DIR: list[str] = []


def present_package(commit: str = BASELINE):
    """The package ``bayes_u1x`` of ``commit``, imported as ``bayes_u1x_present``."""
    if NAME in sys.modules:
        return sys.modules[NAME]
    # priors/ and runs/ too: bayes_u1x/data/priors and data/runs are links to them
    blob = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, "bayes_u1x", "priors", "runs"],
                          check=True, capture_output=True).stdout
    root = Path(tempfile.mkdtemp(prefix="bayes_u1x_present_"))
    _DIR.append(str(root))
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        try:
            tar.extractall(root, filter="tar")
        except TypeError:                      # Python < 3.11.4: no extraction filters (our own archive)
            tar.extractall(root)
    pkg = root / NAME
    (root / "bayes_u1x").rename(pkg)
    for path in pkg.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if '"bayes_u1x.data"' in text:
            path.write_text(text.replace('"bayes_u1x.data"', f'"{NAME}.data"'), encoding="utf-8")
    sys.path.insert(0, str(root))
    return importlib.import_module(NAME)


def cleanup() -> None:
    for d in _DIR:
        shutil.rmtree(d, ignore_errors=True)
    _DIR.clear()
