"""One results folder per run, whatever started it (``--model``, ``--run``, the Python API, a notebook).

``results/<run name>[-<label>]/`` holds

* ``config.toml``   the effective run settings, every default filled in (re-runnable: ``--run`` it);
* ``command.txt``   the command line (or API call) and the environment that ran it;
* ``chain.h5``      the emcee checkpoint (HDF5 backend);
* ``posterior.nc``  ArviZ InferenceData with every setting in its attributes;
* ``summary.json`` + ``summary.txt``  the summary (per-component intervals, diagnostics);
* plots written by the command line (``corner.png``).

The run name is ``run.name`` or the model's folder name (:attr:`bayes_u1x.models.Model.slug`), so
``sample --model Lmu-Ltau`` and ``sample --run runs/lmu_ltau.toml`` meet in ``results/lmu_ltau``.
"""
from __future__ import annotations

import copy
from pathlib import Path

from ..provenance import environment
from ..serialization import atomic_write, dumps

CONFIG_NAME, COMMAND_NAME = "config.toml", "command.txt"
SUMMARY_JSON, SUMMARY_TEXT = "summary.json", "summary.txt"


def effective_settings(run, out_dir) -> dict:
    """The run's settings with every default filled in and the inputs made absolute."""
    s = copy.deepcopy(run.config.settings)
    r = s["run"]
    r["name"] = run.name
    unnamed = run.model.is_vectorlike and run.model.label().replace(" ", "") == run.model.name
    r["model"] = [float(x) for x in run.model.table1] if unnamed else run.model.name
    src = getattr(run.prior, "source", None)
    r["prior"] = str(Path(src).resolve()) if src and Path(str(src)).exists() else (run.prior.name or r["prior"])
    r["output"] = str(Path(out_dir).resolve())
    return s


def _toml_value(v):
    if isinstance(v, dict):
        return {k: _toml_value(x) for k, x in v.items() if x is not None}
    if isinstance(v, (list, tuple)):
        return [_toml_value(x) for x in v]
    return v


def write_config(run, out_dir) -> Path:
    import tomli_w

    env = environment()
    head = (f"# effective settings of run {run.name!r} (every default filled in)\n"
            f"# written by bayes_u1x {env['package_version']}"
            + (f", git {env['git_commit']}" if env["git_commit"] else "") + f" on {env['created']}\n"
            "# re-run with: bayes-u1x sample --run config.toml --resume\n")
    path = Path(out_dir) / CONFIG_NAME
    _write_text(path, head + tomli_w.dumps(_toml_value(effective_settings(run, out_dir))))
    return path


def write_command(out_dir, command: str | None = None) -> Path:
    env = environment()
    cmd = command or env["command"] or "(Python API)"
    text = f"{cmd}\n\n# environment\n{dumps(env, indent=2)}\n"
    path = Path(out_dir) / COMMAND_NAME
    _write_text(path, text)
    return path


def write_summary(out_dir, summary: dict, text: str) -> tuple[Path, Path]:
    j, t = Path(out_dir) / SUMMARY_JSON, Path(out_dir) / SUMMARY_TEXT
    _write_text(j, dumps(summary, indent=2) + "\n")
    _write_text(t, text + "\n")
    return j, t


def _write_text(path: Path, text: str) -> None:
    with atomic_write(path, "w") as fh:
        fh.write(text)


def folder_name(name: str, label: str | None = None) -> str:
    """``name`` or ``name-label`` (seed studies: one folder per label)."""
    return f"{name}-{label}" if label else name
