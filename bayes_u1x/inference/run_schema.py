"""The schema of run files (pydantic): every section and key with its type, default and allowed values.

:func:`validate_settings` checks a parsed run file and returns the settings with defaults filled in;
the first violation becomes one :class:`~bayes_u1x.errors.ConfigError` naming the file, the key path
and the reason. Burn-in and thinning rules ("3tau", "tau/2" or a number of steps) are parsed by
:func:`parse_tau_rule`.
"""
from __future__ import annotations

import copy
import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ConfigError
from ..measurements import DEFAULT_SET

MOVES = ("stretch", "de", "walk", "kde", "lkde")
#: moves refused with a reason: emcee 3.1.6's DESnookerMove samples a 3-D standard normal with
#: variance 0.80 instead of 1 (measured here with 32 walkers, 6000 steps; DEMove gives 1.00)
REFUSED_MOVES = {"desnooker": "emcee's DESnookerMove (3.1.6) is biased: it gives variance 0.8 "
                              "for a unit 3-D Gaussian; use 'de' and 'stretch'"}
#: seeds must fit numpy's SeedSequence and the int64 attribute of the result files
MAX_SEED = 2 ** 63 - 1

_TAU_MULT = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*\*?\s*tau\s*$")
_TAU_DIV = re.compile(r"^\s*tau\s*(?:/\s*(\d+(?:\.\d*)?))?\s*$")


def parse_tau_rule(value, where: str = "rule"):
    """Parse a burn-in/thinning rule: an int of steps, "<k>tau" or "tau/<k>" -> ("steps", n) or ("tau", f)."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected steps (int) or '<k>tau' / 'tau/<k>', got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ConfigError(f"{where}: must be non-negative, got {value}")
        return ("steps", int(value))
    if isinstance(value, str):
        m = _TAU_MULT.match(value)
        if m:
            return ("tau", float(m.group(1)))
        m = _TAU_DIV.match(value)
        if m:
            k = float(m.group(1) or 1.0)
            if k <= 0:
                raise ConfigError(f"{where}: divisor must be positive in {value!r}")
            return ("tau", 1.0 / k)
    raise ConfigError(f"{where}: expected steps (int) or '<k>tau' / 'tau/<k>', got {value!r}")


def apply_tau_rule(rule, tau_max: float, tau_min: float | None = None, minimum: int = 0) -> int:
    """Steps implied by a parsed rule at the current τ (thinning uses the smallest τ)."""
    kind, val = rule
    if kind == "steps":
        return max(int(val), minimum)
    tau = tau_max if tau_min is None else tau_min
    if not math.isfinite(tau):
        return minimum
    return max(int(math.ceil(val * tau)), minimum)


# --- the schema ----------------------------------------------------------------------------------
class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True)


class RunSection(_Section):
    name: str = ""
    description: str = ""
    model: str | list[int | float | str] = ""
    prior: str = "default"
    terms: str | list[str] = "default"
    data: str = DEFAULT_SET
    seed: int = Field(20220328, ge=0, le=MAX_SEED)
    output: str = ""

    @field_validator("model")
    @classmethod
    def _charges(cls, v):
        if isinstance(v, list) and len(v) != 4:
            raise ValueError(f"charges must be [cB, ce, cmu, ctau], got {v!r}")
        return v

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        if v and (v in (".", "..") or "/" in v or "\\" in v):
            raise ValueError(f"a run name is a folder name, not a path: {v!r}")
        return v


class SamplerSection(_Section):
    # 128 walkers + local-KDE moves: the default posteriors are a thin g-2 sheet next to a broad
    # SM-like plateau (plus small islands at the phi mass); DE/stretch with 32 walkers needed
    # tau ~ 2000 steps on L_mu-L_tau, the local-KDE mixture tau ~ 15-30 (docs/posterior.md)
    walkers: int = 128
    max_steps: int = Field(200_000, ge=1)
    check_every: int = Field(500, ge=10)
    tau_multiple: float = Field(50.0, gt=0)
    rhat_max: float = Field(1.01, gt=1.0)
    min_ess: float = Field(1000, ge=0)
    burn_in: Any = "3tau"
    thin: Any = "tau/2"
    moves: list[Any] = Field(default_factory=lambda: [["lkde", 0.7], ["de", 0.3]])
    checkpoint_seconds: float = Field(10.0, ge=0)

    @field_validator("walkers")
    @classmethod
    def _even(cls, v):
        if v < 8 or v % 2:
            raise ValueError("need an even number >= 8 (at least twice the dimension, emcee red-blue moves)")
        return v

    @field_validator("burn_in", "thin")
    @classmethod
    def _rule(cls, v):
        try:
            parse_tau_rule(v, "rule")
        except ConfigError:
            raise ValueError(f"expected steps (int) or '<k>tau' / 'tau/<k>', got {v!r}") from None
        return v

    @field_validator("moves")
    @classmethod
    def _moves(cls, v):
        if not v:
            raise ValueError("at least one move is needed")
        for mv in v:
            if isinstance(mv, list) and mv and mv[0] in REFUSED_MOVES:
                raise ValueError(f"{mv[0]!r} refused: {REFUSED_MOVES[mv[0]]}")
            if (not isinstance(mv, list) or len(mv) != 2 or mv[0] not in MOVES
                    or isinstance(mv[1], bool) or not isinstance(mv[1], (int, float)) or not mv[1] > 0):
                raise ValueError(f"entry {mv!r} must be [name, weight > 0] with name in {', '.join(MOVES)}")
        return v


class InitSection(_Section):
    method: Literal["auto", "profile", "prior"] = "auto"
    # 2e5 draws (~7 s on the default likelihood) find ~60 points within Δχ² 11.34 of the best for
    # L_mu-L_tau, spread over every good-fit region (the g-2 sheet and the phi-mass islands) in
    # proportion to their prior volume; with 2e4 draws only ~6 qualified, all walkers started at the
    # profile minimum and one seed in three never populated the islands (11 % of the posterior)
    # within 6000 steps, while R-hat still read < 1.01
    prior_draws: int = Field(200_000, ge=1, le=50_000_000)
    ball_scale: float = Field(1e-2, gt=0, lt=1)
    ball_fraction: float = Field(0.5, gt=0, le=1)
    max_delta_chi2: float = Field(11.34, gt=0)  # χ²(3 dof) 99% quantile


class OutputSection(_Section):
    prior_draws: int = Field(4000, ge=0, le=10_000_000)


class RunFile(_Section):
    run: RunSection = Field(default_factory=RunSection)
    sampler: SamplerSection = Field(default_factory=SamplerSection)
    init: InitSection = Field(default_factory=InitSection)
    term_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    output: OutputSection = Field(default_factory=OutputSection)


#: every setting with its default (the layout of a run file)
DEFAULTS = RunFile().model_dump()

_ERROR_WORDS = {"int_type": "expected an integer", "float_type": "expected a number", "string_type": "expected a string",
                "dict_type": "expected a table", "list_type": "expected a list", "bool_type": "expected true or false",
                "literal_error": "not one of the allowed values"}


def _schema_error(exc: ValidationError, source: str) -> ConfigError:
    """One readable line for the first schema violation: file, key path and reason."""
    err = exc.errors()[0]
    loc = [str(x) for x in err["loc"] if not (isinstance(x, str) and x in ("int", "float", "str", "list[...]"))]
    key = ".".join(x for x in loc if not x.isdigit()) or "(file)"
    if err["type"] == "extra_forbidden":
        if len(loc) == 1:
            return ConfigError(f"{source}: unknown section [{key}] (known: {', '.join(RunFile.model_fields)})")
        section = RunFile.model_fields.get(loc[0])
        known = getattr(section.annotation, "model_fields", {}) if section is not None else {}
        return ConfigError(f"{source}: unknown key {key!r} (known in [{loc[0]}]: {', '.join(known)})")
    ctx = err.get("ctx", {})
    bounds = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
    reason = _ERROR_WORDS.get(err["type"], err["msg"])
    if err["type"] in bounds:
        reason = f"must be {bounds[err['type']]} {next(iter(ctx.values()), '?')}"
    if err["type"] == "value_error":
        reason = str(err.get("ctx", {}).get("error", err["msg"]))
    got = err.get("input")
    return ConfigError(f"{source}: key {key!r}: {reason}" + ("" if err["type"] == "missing" else f" (got {got!r})"))


def _deep_update(base: dict, upd: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in upd.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k != "term_options":
            out[k] = _deep_update(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def validate_settings(data: dict, source: str) -> dict:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: a run file is a table of sections")
    try:
        return RunFile.model_validate(data).model_dump()
    except ValidationError as exc:
        raise _schema_error(exc, source) from None


