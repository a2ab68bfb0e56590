"""Silence Minuit while our own fits run.

Minuit2's C++ core writes diagnostics such as ``E VariableMetricBuilder Initial matrix not pos.def.``
straight to the process's standard output, where they corrupt ``--json`` output (seen in
``bayes-u1x reproduce fig2 --json``). Every fit in this package checks the validity flags itself
(``FMin.is_valid``, parameters at limit, restarts — see ``inference/profile.py``), so the messages
and iminuit's Python warnings are switched off inside :func:`quiet_minuit` and restored after it.
"""
from __future__ import annotations

import warnings
from contextlib import contextmanager


@contextmanager
def quiet_minuit():
    """Context: Minuit2's C++ print level set to silent and Python warnings ignored."""
    try:
        from iminuit._core import MnPrint  # iminuit's binding of Minuit2's printer
        old = MnPrint.global_level
    except (ImportError, AttributeError):  # pragma: no cover - other iminuit layouts
        MnPrint, old = None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if MnPrint is not None:
            MnPrint.global_level = -1
        try:
            yield
        finally:
            if MnPrint is not None:
                MnPrint.global_level = old
