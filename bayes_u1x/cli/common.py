"""What every command shares: JSON printing, progress lines, and the option groups (argparse parents)."""
from __future__ import annotations

import argparse
import math
import re
import sys

from ..serialization import dumps


class Parser(argparse.ArgumentParser):
    """argparse with negative numbers in scientific notation read as values (``--g -1e-3``) and every
    ``type=float`` option refusing NaN and infinity (``--within nan`` is an input error, not a result)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
        self.register("type", float, finite_float)

    def error(self, message: str):
        """One line on stderr naming the problem (the usage block is one ``--help`` away), exit 2."""
        self.exit(2, f"{self.prog.split()[0]}: error: {message} (see {self.prog} --help)\n")


def finite_float(text: str) -> float:
    """argparse type: a finite number (NaN and inf refused with the option's name by argparse)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return v


def positive_float(text: str) -> float:
    v = finite_float(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return v


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return v


#: file suffixes a legacy ``--out FILE`` may carry (accepted with a warning: ``--out`` names a folder)
_FILE_SUFFIXES = (".png", ".jsonl", ".json", ".csv", ".pdf", ".svg")


def out_path(text, name: str) -> str:
    """Where a command writes ``name``: ``--out`` is always a folder (created if needed); an old-style
    ``--out FILE.png`` is still honoured, with a one-line warning."""
    import warnings
    from pathlib import Path

    p = Path(str(text)).expanduser()
    if p.suffix.lower() in _FILE_SUFFIXES:
        warnings.warn(f"--out names a folder (the file inside is {name}); writing {p} as given", UserWarning,
                      stacklevel=2)
        return str(p)
    if p.exists() and not p.is_dir():
        raise argparse.ArgumentTypeError(f"{p} exists and is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot create the output folder {p}: {exc.strerror or exc}") from None
    return str(p / name)


def out_folder(name: str):
    """argparse ``type`` for ``--out``: the folder given, resolved to the path of ``name`` inside it."""
    def convert(text):
        return out_path(text, name)
    convert.__name__ = "folder"
    return convert


def model_file(path: str, model, kind: str | None = None) -> str:
    """Fill the ``{model}`` of an :func:`out_folder` file name with the model's folder name
    (``limits_{model}.png`` -> ``limits_lmu_ltau.png``); ``kind`` replaces the name's first word."""
    from pathlib import Path

    from ..models import get_model

    p = Path(path)
    if "{model}" not in p.name:
        return path
    name = p.name if kind is None else f"{kind}_{p.name.split('_', 1)[1]}"
    return str(p.with_name(name.replace("{model}", get_model(model).slug)))


def print_json(obj) -> None:
    """Print ``obj`` as indented JSON (numpy values converted, NaN -> null)."""
    print(dumps(obj, indent=2, sort_keys=False))


def progress_printer(json_mode: bool, what: str = "models"):
    """A ``progress(done, total)`` callback: a tqdm bar on stderr (done/total, rate, time left),
    counting from the first record of this call so that a resumed scan's ETA is honest."""
    state: dict = {}

    def progress(done, total):
        if json_mode:
            return
        from tqdm.auto import tqdm

        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, initial=done - 1, desc=what, unit=what.rstrip("s") or "item",
                                      file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
    return progress


def warn(msg: str) -> None:
    print(f"bayes-u1x: warning: {msg}", file=sys.stderr)


def json_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--json", action="store_true", help="machine-readable output (JSON)")
    return p


def data_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    from ..measurements import DEFAULT_SET, available_sets

    p.add_argument("--data", default=DEFAULT_SET,
                   help=f"measurement set ({', '.join(available_sets())}; default {DEFAULT_SET})")
    return p


def nsi_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--nsi-params", default=None, metavar="NAME",
                   help="NSI parameter set (App. A refit; see 'bayes-u1x reproduce table2 --list')")
    return p


def nsi_options(args, terms) -> dict:
    """term_options for ``--nsi-params`` (only if the likelihood has the NSI term)."""
    name = getattr(args, "nsi_params", None)
    return {"nsi": {"params": name}} if name and "nsi" in terms else {}


def settings_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--setting", action="append", default=[], metavar="KEY=VALUE",
                   help="evidence-estimator setting, repeatable (e.g. --setting n=200000 for mc, "
                        "--setting n_live=500 for nested); values are read as TOML (numbers, true/false, strings)")
    p.add_argument("--no-profile", action="store_true", help="skip Δχ²_min (faster for grid/nested/mc)")
    return p


def parse_settings(items) -> dict:
    """{key: value} from ``KEY=VALUE`` strings (values parsed as TOML scalars, else kept as strings)."""
    import tomllib

    from ..errors import ConfigError

    out = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--setting expects KEY=VALUE, got {item!r}")
        try:
            out[key.strip()] = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = value.strip()
    return out
