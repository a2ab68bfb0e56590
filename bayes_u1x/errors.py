"""The package's error base class: every user-facing error derives from :class:`BayesU1XError`.

The CLI turns these into a one-line message and a non-zero exit code (no traceback).
"""


class BayesU1XError(ValueError):
    """Base class of all bayes_u1x input/usage errors (bad charges, points, files, options)."""
