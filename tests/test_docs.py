"""Every code block of the README and docs/ works as printed.

* ```python blocks run (in order, one namespace per file, in a scratch folder); when a block is
  followed by a ```text block, the printed output must match it: words exactly, numbers to the
  precision they are printed with (half a unit of their last digit).
* ```bash blocks: every ``bayes-u1x ...`` line must parse with the command line's own parser, so a
  renamed flag or command in the docs fails here. (The commands themselves are exercised by the CLI
  tests; several take minutes.)
"""
from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\s*$")
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def blocks(path: Path):
    """[(language, text, line)] of the fenced blocks of a Markdown file."""
    out, lang, buf, start = [], None, [], 0
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = FENCE.match(line)
        if m and lang is None:
            lang, buf, start = m.group(1) or "text", [], i
        elif line.strip() == "```" and lang is not None:
            out.append((lang, "\n".join(buf), start))
            lang = None
        elif lang is not None:
            buf.append(line)
    return out


def _tokens(text: str):
    return [t for t in re.split(r"(\s+)", text.strip()) if t and not t.isspace()]


def _same(expected: str, got: str) -> bool:
    """Words equal; numbers equal within half a unit of the last digit printed in ``expected``."""
    e, g = _tokens(expected), _tokens(got)
    if len(e) != len(g):
        return False
    for a, b in zip(e, g):
        na, nb = NUMBER.fullmatch(a.strip(",;:()[]")), NUMBER.fullmatch(b.strip(",;:()[]"))
        if na and nb:
            s = na.group(0)
            mant = s.lower().split("e")[0]
            decimals = len(mant.split(".")[1]) if "." in mant else 0
            exp = int(s.lower().split("e")[1]) if "e" in s.lower() else 0
            if abs(float(s) - float(nb.group(0))) > 0.5 * 10.0 ** (exp - decimals) * (1 + 1e-9):
                return False
        elif a != b:
            return False
    return True


PY_FILES = [p for p in DOCS if any(lang == "python" for lang, _, _ in blocks(p))]


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: p.name)
def test_python_blocks_run_and_print_what_they_say(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ns: dict = {"__name__": "__docs__"}
    bl = blocks(path)
    for k, (lang, code, line) in enumerate(bl):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{path.name}:{line}", "exec"), ns)  # noqa: S102 - the docs' own code
        nxt = bl[k + 1] if k + 1 < len(bl) else None
        if nxt and nxt[0] == "text":
            assert _same(nxt[1], out.getvalue()), (f"{path.name}:{line} printed\n{out.getvalue()}\n"
                                                   f"but the docs show\n{nxt[1]}")


def _command_lines():
    for path in DOCS:
        for lang, code, line in blocks(path):
            if lang not in ("bash", "sh", "console"):
                continue
            for j, raw in enumerate(code.splitlines()):
                cmd = raw.split(" #")[0].strip().removeprefix("$ ")
                if cmd.startswith("bayes-u1x "):
                    yield pytest.param(cmd, id=f"{path.name}:{line + j + 1}")


@pytest.mark.parametrize("cmd", list(_command_lines()))
def test_documented_commands_parse(cmd):
    from bayes_u1x.cli import build_parser

    argv = shlex.split(cmd)[1:]
    try:
        build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: unknown flag or command
        pytest.fail(f"documented command does not parse ({exc.code}): {cmd}")
