"""Command-line interface ``bayes-u1x`` (thin: parse, call the library, print).

Each command lives in its own module ``bayes_u1x.cli.<name>_cmd`` exposing
``register(subparsers)``, which adds a sub-parser whose ``func(args) -> int`` runs it.
Nothing here parses ``sys.argv`` at import.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import BayesU1XError

#: command modules, in the order they appear in ``--help``; a missing module is skipped
COMMAND_MODULES = ("models", "chi2", "limits", "profile", "scan", "sample", "summary", "compare",
                   "reproduce", "plot")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="bayes-u1x",
        description="Light anomaly-free U(1)_X gauge bosons and the muon g-2 (arXiv:2203.13731).")
    parser.add_argument("--version", action="version", version=f"bayes-u1x {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"bayes_u1x.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"bayes_u1x.cli.{name}_cmd":
                continue
            raise
        mod.register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if args.command is None else 2
    try:
        return int(args.func(args) or 0)
    except BayesU1XError as exc:
        print(f"bayes-u1x: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"bayes-u1x: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bayes-u1x: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into a reader that closed early (e.g. `| head`): not an error of ours
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
