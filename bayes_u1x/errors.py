"""Every error bayes_u1x raises on purpose, by kind (one module, as in pyhf's ``exceptions``).

All derive from :class:`BayesU1XError`. The kinds that mean "the input was wrong" also derive from
:class:`ValueError`; the command line turns them into a one-line message and exit code 2.
An interrupted run is not an input error: :class:`Interrupted` carries the signal that stopped it.

Exit codes of ``bayes-u1x`` (:mod:`bayes_u1x.cli`):

==========  =====================================================================
0           success
1           unexpected failure (a bug: the traceback is printed)
2           bad input (any :class:`BayesU1XError` except :class:`Interrupted`)
3           finished but not converged (``sample``; the result is written)
130 / 143   stopped by SIGINT / SIGTERM (checkpoint written, resumable)
==========  =====================================================================
"""
from __future__ import annotations

import signal

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_CONVERGED = 3


class BayesU1XError(Exception):
    """Base class of every error raised on purpose by bayes_u1x."""


class ModelError(BayesU1XError, ValueError):
    """Charges that do not define an anomaly-free model, or an unknown model name."""


class ParameterError(BayesU1XError, ValueError):
    """A parameter point or grid outside the supported domain (NaN, negative coupling, mass range)."""


class LikelihoodError(BayesU1XError, ValueError):
    """Unknown likelihood term or preset, a bad term option, or a term used outside its validity."""


class DataError(BayesU1XError, ValueError):
    """A measurement set, package data file or cached table that is missing or malformed."""


class ConfigError(BayesU1XError, ValueError):
    """A malformed run file, prior file or setting (the message names the file and key)."""


class SamplingError(BayesU1XError, ValueError):
    """A sampler set-up that cannot run, or a checkpoint that cannot be resumed."""


class EvidenceError(BayesU1XError, ValueError):
    """Bad input to an evidence estimator, a model comparison or an evidence scan."""


class ResultsError(BayesU1XError, ValueError):
    """A result file (posterior, scan records) that is missing, unreadable or not plottable."""


class Interrupted(BayesU1XError):
    """A run stopped by a signal after saving what it had (resumable)."""

    def __init__(self, message: str, signum: int = signal.SIGINT):
        super().__init__(message)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        """128 + the signal number (130 for SIGINT, 143 for SIGTERM), the shell convention."""
        return 128 + self.signum
