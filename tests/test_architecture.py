"""The shape of the package: no import cycle, imports only downwards through the layers, small modules.

The imports are read from the source (``ast``, function-level imports included), so the test holds for
code paths the other tests never run.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "bayes_u1x"

#: layers from the bottom up; a module may import its own layer and the layers below it only
LAYERS = [
    {"errors", "constants", "parameters", "package_data", "serialization", "provenance", "cache", "_minuit", "data"},
    {"models"},
    {"couplings", "measurements"},
    {"physics"},
    {"observables"},
    {"likelihood"},
    {"exclusion", "inference"},
    {"paper", "api"},
    {"plotting"},
    {"cli", "__main__"},
]
RANK = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}
#: rooms of the same layer that must not import each other
SIBLINGS_APART = {("exclusion", "inference"), ("inference", "exclusion"), ("paper", "api"), ("api", "paper")}
#: the longest module we keep (the issue's "~400 lines"; one screenful of physics per file)
MAX_LINES = 400


def _modules():
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    targets = []
    for alias in node.names:
        sub = f"{prefix}.{alias.name}"
        targets.append(sub if sub in MODULES else prefix)
    return targets


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            out |= set(_resolve(module, is_package, node))
    return {m for m in out if m == "bayes_u1x" or m.startswith("bayes_u1x.")}


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_import_resolves_to_a_module_of_the_package():
    missing = sorted((m, t) for m, ts in GRAPH.items() for t in ts if t not in MODULES)
    assert not missing, missing


def test_no_import_cycle():
    # Tarjan's strongly connected components over the import graph
    index, low, stack, on, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH.get(v, ()):
            if w not in MODULES:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in GRAPH.get(v, ()):
                cycles.append(sorted(comp))

    for v in MODULES:
        if v not in index:
            visit(v)
    assert not cycles, cycles


@pytest.mark.parametrize("room", sorted({_room(m) for m in MODULES} - {""}))
def test_imports_only_go_down_the_layers(room):
    assert room in RANK, f"bayes_u1x.{room} is not placed in a layer of this test"
    bad = []
    for m, targets in GRAPH.items():
        if _room(m) != room:
            continue
        for t in targets:
            tr = _room(t)
            if not tr:
                continue  # the package's own face (version, lazy API)
            if RANK[tr] > RANK[room] or (room, tr) in SIBLINGS_APART:
                bad.append(f"{m} -> {t}")
    assert not bad, bad


def test_machinery_never_imports_the_command_line_or_plots():
    # the rule in its own words: inference/, physics/, observables/ never reach into cli/ or plotting/
    for m, targets in GRAPH.items():
        if _room(m) in ("inference", "physics", "observables"):
            assert not [t for t in targets if _room(t) in ("cli", "plotting")], m


def test_no_module_is_longer_than_the_limit():
    long = {str(p.relative_to(PKG.parent)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
