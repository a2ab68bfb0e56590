"""``bayes-u1x plot TARGET``: make a PNG plot.

Each target lives in ``bayes_u1x.cli.plot_<target>`` exposing ``register(subparsers)``;
a target whose module is absent is simply not offered.
"""
from __future__ import annotations

import importlib

TARGETS = ("limits", "corner", "exclusion", "evidence")


def register(sub) -> None:
    p = sub.add_parser("plot", help="make a PNG plot")
    tsub = p.add_subparsers(dest="target", metavar="TARGET")
    for name in TARGETS:
        try:
            mod = importlib.import_module(f"bayes_u1x.cli.plot_{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bayes_u1x.cli.plot_{name}":
                continue
            raise
        mod.register(tsub)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
