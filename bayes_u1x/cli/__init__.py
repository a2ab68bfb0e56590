"""Command-line interface ``bayes-u1x``: thin — parse the arguments, call the library, print.

Commands, by topic module:

- :mod:`.model_commands` — ``models list``, ``models show``;
- :mod:`.point_commands` — ``chi2``, ``profile``, ``limits``;
- :mod:`.scan_commands` — ``scan`` (profile or evidence of every model);
- :mod:`.bayes_commands` — ``sample``, ``summary``, ``compare``;
- :mod:`.reproduce_commands` — ``reproduce table1|table2|fig1|...|nsi-systematics``;
- :mod:`.plot_commands` — ``plot corner|exclusion|limits``.

Exit codes (:mod:`bayes_u1x.errors`): 0 ok, 1 unexpected, 2 bad input, 3 not converged,
130/143 stopped by SIGINT/SIGTERM. Nothing here parses ``sys.argv`` at import.
"""
from __future__ import annotations

import os
import sys

from ..errors import EXIT_BAD_INPUT, BayesU1XError, Interrupted
from . import bayes_commands, model_commands, plot_commands, point_commands, reproduce_commands, scan_commands
from .common import Parser

#: topic modules in the order their commands appear in ``--help``
TOPICS = (model_commands, point_commands, scan_commands, bayes_commands, reproduce_commands, plot_commands)


def build_parser() -> Parser:
    from .. import __version__

    parser = Parser(
        prog="bayes-u1x",
        description="Light anomaly-free U(1)_X gauge bosons and the muon g-2 (arXiv:2203.13731).")
    parser.add_argument("--version", action="version", version=f"bayes-u1x {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for topic in TOPICS:
        topic.register(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings on the command line: one line each, no source location (they are about the inputs)."""
    print(f"bayes-u1x: warning: {message}", file=sys.stderr if file is None else file)


def main(argv=None) -> int:
    import warnings

    warnings.showwarning = _show_warning
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except Interrupted as exc:
        print(f"bayes-u1x: {exc}", file=sys.stderr)
        return exc.exit_code
    except BayesU1XError as exc:
        print(f"bayes-u1x: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("bayes-u1x: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into a reader that closed early (e.g. `| head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"bayes-u1x: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
