"""Prior files (``priors/*.toml``): finding them, reading them, resolving model-dependent entries.

A prior reference is a path (relative to a run file's folder, else the working directory) or a bare
name of a shipped prior (``default``, ``kinetic_mixing_loop``, ``kinetic_mixing_small``), which works
from a source checkout and after ``pip install .`` alike (:mod:`bayes_u1x.package_data`).

The loop-induced kinetic-mixing prior says ``mean = "model_loop"`` / ``sigma = "model_loop"`` for
``eps_ratio`` and carries a ``[loop]`` table (``uv_scale``, ``ir_scale`` in GeV, ``sigma_min``): the
centre is the one-loop εe/g_X of the model's own charges
(:func:`bayes_u1x.physics.kinetic_mixing.one_loop_eps_ratio`), the width max(|centre|, sigma_min).
"""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

from ...errors import ConfigError
from ...package_data import shipped_file, shipped_names
from ...physics.kinetic_mixing import one_loop_eps_ratio
from .prior import Prior, prior_from_dict

#: keys of the [loop] table with their defaults
LOOP_DEFAULTS = {"uv_scale": 1000.0, "ir_scale": 0.01, "sigma_min": 0.03}


def resolve_prior_path(ref, relative_to: Path | None = None) -> Path:
    """The file a prior reference names (see the module docstring); a clear error if there is none."""
    ref = str(ref)
    p = Path(ref).expanduser()
    candidates = [p] if p.is_absolute() else (
        ([Path(relative_to) / p] if relative_to is not None else []) + [Path.cwd() / p])
    for c in candidates:
        if c.is_file():
            return c.resolve()
    if not p.is_absolute() and len(p.parts) >= 1:
        shipped = shipped_file("priors", p.name) if (len(p.parts) == 1 or p.parent.name == "priors") else None
        if shipped is not None:
            return shipped.resolve()
    raise ConfigError(f"prior file {ref!r} not found (looked in: {', '.join(str(c) for c in candidates)}; "
                      f"shipped priors: {', '.join(shipped_names('priors'))})")


def read_toml_file(path: Path, what: str) -> tuple[str, dict]:
    """(text, parsed TOML) of a user file; unreadable, non-UTF-8 or invalid TOML -> ConfigError."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: {what} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {what} is not valid TOML: {exc}") from exc


def _loop_settings(loop, source: str) -> dict:
    if not isinstance(loop, dict):
        raise ConfigError(f"{source}: key 'loop' must be a table ({', '.join(LOOP_DEFAULTS)})")
    unknown = sorted(set(loop) - set(LOOP_DEFAULTS))
    if unknown:
        raise ConfigError(f"{source}: key 'loop.{unknown[0]}' is not allowed (allowed: {', '.join(LOOP_DEFAULTS)})")
    out = dict(LOOP_DEFAULTS)
    for k, v in loop.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v <= 0:
            raise ConfigError(f"{source}: key 'loop.{k}' must be a positive number, got {v!r}")
        out[k] = float(v)
    if not out["ir_scale"] < out["uv_scale"]:
        raise ConfigError(f"{source}: key 'loop.ir_scale' ({out['ir_scale']}) must lie below "
                          f"'loop.uv_scale' ({out['uv_scale']})")
    return out


def prior_from_file_data(data: dict, source: str, text: str | None = None, model=None) -> Prior:
    """A :class:`Prior` from a parsed prior file, resolving ``model_loop`` entries for ``model``."""
    data = dict(data)
    loop = data.pop("loop", None)
    name = Path(source).stem if source else None
    uses_loop = [(p, k) for p, spec in data.items() if isinstance(spec, dict)
                 for k, v in spec.items() if v == "model_loop"]
    if any(p != "eps_ratio" or k not in ("mean", "sigma") for p, k in uses_loop):
        raise ConfigError(f"{source}: 'model_loop' is only allowed for eps_ratio's mean and sigma")
    info = None
    if uses_loop or loop is not None:
        settings = _loop_settings({} if loop is None else loop, source)
        if uses_loop:
            if model is None:
                raise ConfigError(f"{source}: this prior depends on the model ('model_loop' entries): "
                                  "load it together with a model")
            centre = one_loop_eps_ratio(model, settings["uv_scale"], settings["ir_scale"])
            sigma = max(abs(centre), settings["sigma_min"])
            eps = dict(data["eps_ratio"])
            if eps.get("mean") == "model_loop":
                eps["mean"] = centre
            if eps.get("sigma") == "model_loop":
                eps["sigma"] = sigma
            data["eps_ratio"] = eps
            info = {"centre": eps.get("mean"), "sigma": eps.get("sigma"), **settings}
    return prior_from_dict(data, source=source, text=text, name=name, loop=info)


def load_prior(ref="default", model=None, relative_to: Path | None = None) -> Prior:
    """Read a prior file (path or shipped name); a malformed file is refused with file, key and reason.

    ``model`` is needed by model-dependent priors (``model_loop``); a :class:`Prior` passes through.
    """
    if isinstance(ref, Prior):
        return ref
    path = resolve_prior_path("default" if ref is None else ref, relative_to)
    text, data = read_toml_file(path, "prior file")
    return prior_from_file_data(data, source=str(path), text=text, model=model)


def default_prior() -> Prior:
    """The shipped ``priors/default.toml`` (uniform over the supported range)."""
    return load_prior("default")
