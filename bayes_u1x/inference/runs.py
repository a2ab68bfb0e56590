"""Run files (``runs/*.toml``): everything a posterior run is conditioned on, in one file.

A run names the model, the prior file, the likelihood terms, the measurement set, the sampler
settings, the seed and the output folder, so that a result always says what it was conditioned
on. Every key has a default (:data:`DEFAULTS`); a run file overrides only what it names and CLI
flags override only what they name. Layout::

    [run]
    name = "lmu_ltau"
    model = "Lmu-Ltau"                 # a name, "cB,ce,cmu,ctau", or [cB, ce, cmu, ctau]
    prior = "../priors/default.toml"   # path relative to this file, or a name in priors/
    terms = ["amu", "borexino", ...]   # or a preset name ("default", "table1", ...)
    data = "2021"                      # measurement set
    seed = 20220328
    output = "results/lmu_ltau"        # relative to the working directory

    [sampler]                          # emcee EnsembleSampler
    walkers = 128
    max_steps = 200000                 # hard cap
    check_every = 500                  # convergence checks every so many steps
    tau_multiple = 50                  # converged only if steps >= 50 tau (every parameter)
    rhat_max = 1.01                    # ArviZ rank-normalised split R-hat
    min_ess = 1000                     # ArviZ bulk and tail ESS, every parameter
    burn_in = "3tau"                   # steps, or "<k>tau"
    thin = "tau/2"                     # steps, or "tau/<k>"
    moves = [["lkde", 0.7], ["de", 0.3]]   # stretch, de, walk, kde, lkde (inference/moves.py)
    checkpoint_seconds = 10

    [init]
    method = "auto"                    # "auto" (profile minimum if available), "profile", "prior"
    prior_draws = 200000               # vectorised prior draw searched for good starting points
    ball_scale = 1e-2                  # ball radius, fraction of each prior width
    ball_fraction = 0.5                # fraction of walkers started in the ball (rest: prior draws)
    max_delta_chi2 = 11.34             # prior draws qualify if Δχ² − Δχ²_min below this

    [term_options.resonances]          # passed to the term as keyword options
    mode = "full"

    [output]
    prior_draws = 4000                 # prior draws stored in the result

Unknown sections/keys and wrong types are refused with the file, key and reason.
"""
from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BayesU1XError
from ..likelihood import PRESETS

#: the repository's run folder
RUN_DIR = Path(__file__).resolve().parents[2] / "runs"

MOVES = ("stretch", "de", "walk", "kde", "lkde")
#: moves refused with a reason: emcee 3.1.6's DESnookerMove samples a 3-D standard normal with
#: variance 0.80 instead of 1 (measured here with 32 walkers, 6000 steps; DEMove gives 1.00)
REFUSED_MOVES = {"desnooker": "emcee's DESnookerMove (3.1.6) is biased: it gives variance 0.8 "
                              "for a unit 3-D Gaussian; use 'de' and 'stretch'"}


class RunError(BayesU1XError):
    """A run file or run setting is malformed."""


#: every setting with its default (the layout of a run file)
DEFAULTS = {
    "run": {
        "name": "",
        "description": "",
        "model": "",
        "prior": "default",
        "terms": list(PRESETS["default"]),
        "data": "2021",
        "seed": 20220328,
        "output": "",
    },
    "sampler": {
        # 128 walkers + local-KDE moves: the default posteriors are a thin g-2 sheet next to a broad
        # SM-like plateau (plus small islands at the phi mass); DE/stretch with 32 walkers needed
        # tau ~ 2000 steps on L_mu-L_tau, the local-KDE mixture tau ~ 15-30 (docs/posterior.md)
        "walkers": 128,
        "max_steps": 200_000,
        "check_every": 500,
        "tau_multiple": 50.0,
        "rhat_max": 1.01,
        "min_ess": 1000,
        "burn_in": "3tau",
        "thin": "tau/2",
        "moves": [["lkde", 0.7], ["de", 0.3]],
        "checkpoint_seconds": 10.0,
    },
    "init": {
        "method": "auto",
        # 2e5 draws (~7 s on the default likelihood) find ~60 points within Δχ² 11.34 of the best
        # for L_mu-L_tau, spread over every good-fit region (the g-2 sheet and the phi-mass
        # islands) in proportion to their prior volume; with 2e4 draws only ~6 qualified, all
        # walkers started at the profile minimum and one seed in three never populated the
        # islands (11 % of the posterior) within 6000 steps, while R-hat still read < 1.01
        "prior_draws": 200_000,
        "ball_scale": 1e-2,
        "ball_fraction": 0.5,
        "max_delta_chi2": 11.34,  # χ²(3 dof) 99% quantile
    },
    "term_options": {},
    "output": {
        "prior_draws": 4000,
    },
}

_TYPES = {
    ("run", "name"): str, ("run", "description"): str, ("run", "model"): (str, list),
    ("run", "prior"): str, ("run", "terms"): (str, list), ("run", "data"): str,
    ("run", "seed"): int, ("run", "output"): str,
    ("sampler", "walkers"): int, ("sampler", "max_steps"): int, ("sampler", "check_every"): int,
    ("sampler", "tau_multiple"): (int, float), ("sampler", "rhat_max"): (int, float),
    ("sampler", "min_ess"): (int, float), ("sampler", "burn_in"): (int, str),
    ("sampler", "thin"): (int, str), ("sampler", "moves"): list,
    ("sampler", "checkpoint_seconds"): (int, float),
    ("init", "method"): str, ("init", "prior_draws"): int, ("init", "ball_scale"): (int, float),
    ("init", "ball_fraction"): (int, float), ("init", "max_delta_chi2"): (int, float),
    ("output", "prior_draws"): int,
}

_TAU_MULT = re.compile(r"^\s*(\d+(?:\.\d*)?)\s*\*?\s*tau\s*$")
_TAU_DIV = re.compile(r"^\s*tau\s*(?:/\s*(\d+(?:\.\d*)?))?\s*$")


def parse_tau_rule(value, where: str = "rule"):
    """Parse a burn-in/thinning rule: an int of steps, "<k>tau" or "tau/<k>".

    Returns ("steps", n) or ("tau", factor)."""
    if isinstance(value, bool):
        raise RunError(f"{where}: expected steps (int) or '<k>tau' / 'tau/<k>', got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise RunError(f"{where}: must be non-negative, got {value}")
        return ("steps", int(value))
    if isinstance(value, str):
        m = _TAU_MULT.match(value)
        if m:
            return ("tau", float(m.group(1)))
        m = _TAU_DIV.match(value)
        if m:
            k = float(m.group(1) or 1.0)
            if k <= 0:
                raise RunError(f"{where}: divisor must be positive in {value!r}")
            return ("tau", 1.0 / k)
    raise RunError(f"{where}: expected steps (int) or '<k>tau' / 'tau/<k>', got {value!r}")


def apply_tau_rule(rule, tau_max: float, tau_min: float | None = None, minimum: int = 0) -> int:
    """Steps implied by a parsed rule at the current τ (thinning uses the smallest τ)."""
    kind, val = rule
    if kind == "steps":
        return max(int(val), minimum)
    tau = tau_max if tau_min is None else tau_min
    if not math.isfinite(tau):
        return minimum
    return max(int(math.ceil(val * tau)), minimum)


def _merge(base: dict, override: dict, source: str, path=()) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        where = ".".join((*path, key))
        if path == () and key not in base:
            raise RunError(f"{source}: unknown section [{key}] (known: {', '.join(base)})")
        if path == ("term_options",):
            if not isinstance(value, dict):
                raise RunError(f"{source}: key {where!r}: expected a table of options")
            out[key] = copy.deepcopy(value)
            continue
        if isinstance(base.get(key), dict) or (path == () and isinstance(value, dict)):
            if not isinstance(value, dict):
                raise RunError(f"{source}: key {where!r}: expected a table [{where}]")
            out[key] = _merge(base.get(key, {}), value, source, (*path, key))
            continue
        if key not in base:
            raise RunError(f"{source}: unknown key {where!r} (known in [{'.'.join(path)}]: "
                           f"{', '.join(base)})")
        typ = _TYPES.get((*path, key))
        if typ is not None and (isinstance(value, bool) or not isinstance(value, typ)):
            names = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
            raise RunError(f"{source}: key {where!r}: expected {names}, got {value!r}")
        out[key] = value
    return out


@dataclass
class RunConfig:
    """A validated run: ``settings`` has the layout of :data:`DEFAULTS`."""

    settings: dict
    source: str | None = None
    text: str | None = None
    base_dir: Path | None = field(default=None, repr=False)

    # --- accessors -------------------------------------------------------------------------
    @property
    def run(self) -> dict:
        return self.settings["run"]

    @property
    def sampler(self) -> dict:
        return self.settings["sampler"]

    @property
    def init(self) -> dict:
        return self.settings["init"]

    @property
    def term_options(self) -> dict:
        return self.settings["term_options"]

    @property
    def model_spec(self):
        return self.run["model"]

    @property
    def name(self) -> str:
        return self.run["name"] or slugify(self.model_label())

    def model(self):
        from ..models import get_model
        return get_model(self.run["model"])

    def model_label(self) -> str:
        m = self.run["model"]
        return m if isinstance(m, str) else ",".join(str(x) for x in m)

    def terms(self) -> tuple[str, ...]:
        from ..likelihood import resolve_terms
        t = self.run["terms"]
        return resolve_terms(t if isinstance(t, str) else tuple(t), self.model())

    def prior(self):
        from .priors import load_prior, resolve_prior_path
        return load_prior(resolve_prior_path(self.run["prior"], self.base_dir), model=self.run["model"] or None)

    def output_dir(self) -> Path:
        out = self.run["output"] or f"results/{self.name}"
        return Path(out).expanduser()

    def likelihood(self):
        from ..likelihood import CompositeLikelihood
        return CompositeLikelihood(self.model(), terms=self.terms(), data=self.run["data"],
                                   term_options=self.term_options)

    # --- derived rules -------------------------------------------------------------------------
    def burn_rule(self):
        return parse_tau_rule(self.sampler["burn_in"], f"{self.source or 'run settings'}: key 'sampler.burn_in'")

    def thin_rule(self):
        return parse_tau_rule(self.sampler["thin"], f"{self.source or 'run settings'}: key 'sampler.thin'")

    def moves(self) -> list[tuple[str, float]]:
        return [(str(m), float(w)) for m, w in self.sampler["moves"]]

    # --- overrides and identity ----------------------------------------------------------------
    def override(self, **kw) -> "RunConfig":
        """A copy with settings replaced: keys ``model``, ``seed``, ``output``, ``terms``, ``data``,
        ``prior`` (section [run]) or ``section__key`` (e.g. ``sampler__walkers``). None = keep."""
        upd: dict = {}
        for key, value in kw.items():
            if value is None:
                continue
            sec, _, k = key.partition("__")
            if not k:
                sec, k = "run", key
            upd.setdefault(sec, {})[k] = value
        new = _merge(self.settings, upd, "command-line override")
        cfg = RunConfig(new, source=self.source, text=self.text, base_dir=self.base_dir)
        cfg.validate()
        return cfg

    def identity(self) -> dict:
        """Everything the chain itself depends on (a resume must match it exactly)."""
        model = self.model()
        prior = self.prior()
        return {
            "model": model.charges_dict(),
            "terms": list(self.terms()),
            "data": self.run["data"],
            "term_options": self.term_options,
            "prior": prior.spec(),
            "seed": self.run["seed"],
            "walkers": self.sampler["walkers"],
            "moves": self.moves(),
            "init": self.init,
        }

    def identity_json(self) -> str:
        return json.dumps(self.identity(), sort_keys=True, default=str)

    def to_json(self) -> str:
        return json.dumps(self.settings, sort_keys=True, indent=1, default=str)

    # --- validation ------------------------------------------------------------------------------
    def validate(self) -> "RunConfig":
        src = self.source or "run settings"
        s, r, i = self.sampler, self.run, self.init
        if r["model"] in ("", []):
            raise RunError(f"{src}: key 'run.model' is missing: name the model (or pass --model)")
        if isinstance(r["model"], list) and len(r["model"]) != 4:
            raise RunError(f"{src}: key 'run.model': charges must be [cB, ce, cmu, ctau], got {r['model']!r}")
        if isinstance(r["terms"], list) and not all(isinstance(t, str) for t in r["terms"]):
            raise RunError(f"{src}: key 'run.terms': expected a list of term names, got {r['terms']!r}")
        if r["seed"] < 0:
            raise RunError(f"{src}: key 'run.seed': must be non-negative, got {r['seed']}")
        checks = [
            ("sampler.walkers", s["walkers"] >= 8 and s["walkers"] % 2 == 0,
             "need an even number >= 8 (at least twice the dimension, emcee red-blue moves)"),
            ("sampler.max_steps", s["max_steps"] >= 1, "must be positive"),
            ("sampler.check_every", s["check_every"] >= 10, "must be at least 10"),
            ("sampler.tau_multiple", s["tau_multiple"] > 0, "must be positive"),
            ("sampler.rhat_max", s["rhat_max"] > 1.0, "must exceed 1"),
            ("sampler.min_ess", s["min_ess"] >= 0, "must be non-negative"),
            ("sampler.checkpoint_seconds", s["checkpoint_seconds"] >= 0, "must be non-negative"),
            ("init.prior_draws", i["prior_draws"] >= 1, "must be positive"),
            ("init.ball_scale", 0 < i["ball_scale"] < 1, "must lie in (0, 1)"),
            ("init.ball_fraction", 0 < i["ball_fraction"] <= 1, "must lie in (0, 1]"),
            ("init.max_delta_chi2", i["max_delta_chi2"] > 0, "must be positive"),
            ("output.prior_draws", self.settings["output"]["prior_draws"] >= 0, "must be non-negative"),
        ]
        for key, ok, why in checks:
            if not ok:
                sec, k = key.split(".")
                raise RunError(f"{src}: key {key!r} = {self.settings[sec][k]!r}: {why}")
        if i["method"] not in ("auto", "profile", "prior"):
            raise RunError(f"{src}: key 'init.method' = {i['method']!r}: use auto, profile or prior")
        self.burn_rule()
        self.thin_rule()
        moves = s["moves"]
        if not moves:
            raise RunError(f"{src}: key 'sampler.moves': at least one move is needed")
        for mv in moves:
            if isinstance(mv, list) and mv and mv[0] in REFUSED_MOVES:
                raise RunError(f"{src}: key 'sampler.moves': {mv[0]!r} refused: {REFUSED_MOVES[mv[0]]}")
            if (not isinstance(mv, list) or len(mv) != 2 or mv[0] not in MOVES
                    or isinstance(mv[1], bool) or not isinstance(mv[1], (int, float)) or mv[1] <= 0):
                raise RunError(f"{src}: key 'sampler.moves': entry {mv!r} must be [name, weight > 0] "
                               f"with name in {', '.join(MOVES)}")
        for t, opts in self.term_options.items():
            if not isinstance(opts, dict):
                raise RunError(f"{src}: key 'term_options.{t}': expected a table of options")
        # resolve model, terms, prior and data now, so that errors surface before sampling
        from ..measurements import load_measurements
        from ..models import ModelError
        try:
            self.model()
        except ModelError as exc:
            raise RunError(f"{src}: key 'run.model': {exc}") from exc
        from ..likelihood import LikelihoodError
        try:
            self.terms()
        except LikelihoodError as exc:
            raise RunError(f"{src}: key 'run.terms': {exc}") from exc
        unknown_opts = set(self.term_options) - set(self.terms())
        if unknown_opts:
            raise RunError(f"{src}: key 'term_options.{sorted(unknown_opts)[0]}': term not in run.terms")
        try:
            load_measurements(r["data"])
        except BayesU1XError as exc:
            raise RunError(f"{src}: key 'run.data': {exc}") from exc
        from .priors import PriorError
        try:
            self.prior()
        except PriorError as exc:
            raise RunError(f"{src}: key 'run.prior': {exc}") from exc
        return self


def slugify(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9+-]+", "_", text).strip("_")
    return s or "run"


def resolve_run_path(ref) -> Path:
    """A run reference is a path or a bare name in the repository's ``runs/`` folder."""
    p = Path(str(ref)).expanduser()
    for c in (p, RUN_DIR / p, RUN_DIR / f"{p}.toml"):
        if c.is_file():
            return c.resolve()
    raise RunError(f"run file {str(ref)!r} not found (also looked in {RUN_DIR})")


def run_from_dict(data: dict, source: str = "run settings", text: str | None = None,
                  base_dir: Path | None = None) -> RunConfig:
    settings = _merge(DEFAULTS, data, source)
    cfg = RunConfig(settings, source=source, text=text, base_dir=base_dir)
    return cfg


def load_run(path, validate: bool = True, **overrides) -> RunConfig:
    """Read and validate a run file; ``overrides`` as in :meth:`RunConfig.override`."""
    path = resolve_run_path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RunError(f"{path}: not valid TOML: {exc}") from exc
    cfg = run_from_dict(data, source=str(path), text=text, base_dir=path.parent)
    if overrides:
        return cfg.override(**overrides)
    return cfg.validate() if validate else cfg


def default_run(model=None, **overrides) -> RunConfig:
    """The built-in defaults (:data:`DEFAULTS`) for ``model``, with overrides."""
    cfg = RunConfig(copy.deepcopy(DEFAULTS), source="built-in defaults", text=None, base_dir=None)
    return cfg.override(model=model, **overrides)
