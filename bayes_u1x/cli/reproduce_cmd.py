"""``bayes-u1x reproduce TARGET``: reproduce a table or figure of arXiv:2203.13731.

Each target lives in ``bayes_u1x.cli.reproduce_<target>`` exposing ``register(subparsers)``;
a target whose module is absent is simply not offered.
"""
from __future__ import annotations

import importlib

TARGETS = ("table1", "table2", "fig1", "fig2", "fig3", "fig4", "fig5", "fig6", "nsi_systematics")


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="reproduce a table or figure of arXiv:2203.13731")
    tsub = p.add_subparsers(dest="target", metavar="TARGET")
    for name in TARGETS:
        try:
            mod = importlib.import_module(f"bayes_u1x.cli.reproduce_{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bayes_u1x.cli.reproduce_{name}":
                continue
            raise
        mod.register(tsub)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
