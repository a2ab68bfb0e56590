"""Helpers of the fault-injection tests: run the command line in a subprocess, as a user would."""
from __future__ import annotations

import os
import subprocess
import sys



def run_cli(*args, env=None, timeout=300, cwd=None):
    """``bayes-u1x ARGS`` in a fresh interpreter: (exit code, stdout, stderr)."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([sys.executable, "-m", "bayes_u1x", *map(str, args)], capture_output=True, text=True,
                       timeout=timeout, env=e, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def one_line_error(stderr: str) -> bool:
    """A user-facing error: no traceback, one ``bayes-u1x ...: error:`` line."""
    return "Traceback" not in stderr and any(": error:" in line for line in stderr.splitlines())

