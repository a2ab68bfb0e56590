"""Run files (``runs/*.toml``): everything a posterior run is conditioned on, validated and resolved once.

A run names the model, the prior, the likelihood (a preset or a list of terms, plus term options),
the measurement set, the sampler settings, the seed and the output folder. Every key has a default
(:data:`DEFAULTS`); a run file overrides only what it names and command-line flags only what they
name. The file is checked against a schema (pydantic): unknown sections or keys and wrong types are
refused with the file, the key path and the reason (:mod:`.run_schema`). :meth:`RunConfig.resolve` then builds, once, the
objects the run needs — the :class:`~bayes_u1x.models.Model`, the
:class:`~bayes_u1x.likelihood.CompositeLikelihood`, the :class:`~bayes_u1x.inference.priors.Prior`
and the sampler and initialisation settings — and returns them as a :class:`Run`. Layout::

    [run]
    name = "lmu_ltau"
    model = "Lmu-Ltau"                 # a name, "cB,ce,cmu,ctau", or [cB, ce, cmu, ctau]
    prior = "../priors/default.toml"   # path relative to this file, or a shipped name ("default")
    terms = "default"                  # a preset name, or a list of terms
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
    method = "auto"                    # "auto" (best of profile minimum and prior draws), "profile", "prior"
    prior_draws = 200000               # vectorised prior draw searched for good starting points
    ball_scale = 1e-2                  # ball radius, fraction of each prior width
    ball_fraction = 0.5                # fraction of walkers started in the ball (rest: prior draws)
    max_delta_chi2 = 11.34             # prior draws qualify if Δχ² − Δχ²_min below this

    [term_options.resonances]          # passed to the term as keyword options
    mode = "full"

    [output]
    prior_draws = 4000                 # prior draws stored in the result
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import BayesU1XError, ConfigError
from ..models import get_model
from ..package_data import shipped_file, shipped_names
from ..serialization import dumps
from .priors.files import read_toml_file
from .run_schema import (DEFAULTS, MOVES, _deep_update, apply_tau_rule, parse_tau_rule,  # noqa: F401
                         validate_settings)

def slugify(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9+-]+", "_", text).strip("_")
    return s or "run"


@dataclass(frozen=True)
class SamplerSettings:
    """The [sampler] section with its rules parsed."""

    walkers: int
    max_steps: int
    check_every: int
    tau_multiple: float
    rhat_max: float
    min_ess: float
    burn_rule: tuple
    thin_rule: tuple
    moves: tuple[tuple[str, float], ...]
    checkpoint_seconds: float


@dataclass(frozen=True)
class InitSettings:
    """The [init] section."""

    method: str
    prior_draws: int
    ball_scale: float
    ball_fraction: float
    max_delta_chi2: float

    def as_dict(self) -> dict:
        return {"method": self.method, "prior_draws": self.prior_draws, "ball_scale": self.ball_scale,
                "ball_fraction": self.ball_fraction, "max_delta_chi2": self.max_delta_chi2}


@dataclass(frozen=True)
class Run:
    """A resolved run: the objects a posterior run needs, built once from a :class:`RunConfig`."""

    name: str
    model: Any
    likelihood: Any
    prior: Any
    sampler: SamplerSettings
    init: InitSettings
    seed: int
    output_dir: Path
    output_prior_draws: int
    config: "RunConfig" = field(repr=False)

    def identity(self) -> dict:
        """Everything the chain depends on (a resume must match it exactly); stopping rules excluded."""
        lk = self.likelihood
        like = lk.describe() if hasattr(lk, "describe") else {"terms": list(lk.terms)}
        return {"likelihood": like, "prior": self.prior.spec(), "seed": self.seed,
                "walkers": self.sampler.walkers, "moves": [list(m) for m in self.sampler.moves],
                "init": self.init.as_dict()}

    def identity_json(self) -> str:
        return dumps(self.identity())

    def with_likelihood(self, likelihood, prior=None) -> "Run":
        """The same run with another likelihood (e.g. a toy with the same interface) and prior."""
        return replace(self, likelihood=likelihood, prior=self.prior if prior is None else prior)


@dataclass
class RunConfig:
    """A validated run file: ``settings`` has the layout of :data:`DEFAULTS`; no objects built yet."""

    settings: dict
    source: str | None = None
    text: str | None = None
    base_dir: Path | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        return self.source or "run settings"

    @property
    def name(self) -> str:
        r = self.settings["run"]
        if r["name"]:
            return r["name"]
        m = r["model"]
        try:  # the model's own folder name, so --model X and a run file of X meet in one folder
            return get_model(m if isinstance(m, str) else tuple(m)).slug
        except Exception:  # noqa: BLE001 - an invalid model is reported by resolve(), not here
            return slugify(m if isinstance(m, str) else ",".join(str(x) for x in m))

    def override(self, **kw) -> "RunConfig":
        """A copy with settings replaced: keys ``model``, ``seed``, ``output``, ``terms``, ``data``, ``prior``,
        ``name`` (section [run]) or ``section__key`` (e.g. ``sampler__walkers``). None keeps the value."""
        upd: dict = {}
        for key, value in kw.items():
            if value is None:
                continue
            sec, _, k = key.partition("__")
            if not k:
                sec, k = "run", key
            upd.setdefault(sec, {})[k] = value
        merged = _deep_update(self.settings, upd)
        return RunConfig(validate_settings(merged, f"{self.where} (with command-line overrides)"), self.source,
                         self.text, self.base_dir)

    def to_json(self) -> str:
        return json.dumps(self.settings, sort_keys=True, indent=1, default=str)

    def resolve(self, likelihood=None, prior=None) -> Run:
        """Build model, likelihood and prior (once) and check them; errors name the key.

        ``likelihood`` / ``prior`` (objects) replace what the settings describe: the API's way to run
        the same sampler on a user's likelihood (even a toy with the same interface) or prior.
        """
        from ..likelihood import CompositeLikelihood
        from ..measurements import load_measurements
        from ..models import get_model
        from .priors import load_prior

        s, src = self.settings, self.where
        r = s["run"]
        if likelihood is not None:
            model = getattr(likelihood, "model", None)
            pr = load_prior(r["prior"] if prior is None else prior, model=model, relative_to=self.base_dir)
            return self._run(model, likelihood, pr)
        if r["model"] in ("", []):
            raise ConfigError(f"{src}: key 'run.model' is missing: name the model (or pass --model)")

        def keyed(key, fn):
            try:
                return fn()
            except BayesU1XError as exc:
                if isinstance(exc, ConfigError) and str(exc).startswith(src):
                    raise
                raise ConfigError(f"{src}: key {key!r}: {exc}") from exc

        model = keyed("run.model", lambda: get_model(tuple(r["model"]) if isinstance(r["model"], list) else r["model"]))
        keyed("run.data", lambda: load_measurements(r["data"]))
        terms = r["terms"]
        from ..likelihood import parse_terms
        parsed = keyed("run.terms", lambda: parse_terms(terms))
        names = parsed.terms_for(model) if hasattr(parsed, "terms_for") else parsed
        for t in s["term_options"]:
            if t not in names:
                raise ConfigError(f"{src}: key 'term_options.{t}': term not in run.terms ({', '.join(names)})")
        likelihood = keyed("term_options" if s["term_options"] else "run.terms",
                           lambda: CompositeLikelihood(model, terms=parsed, data=r["data"],
                                                       term_options=s["term_options"]))
        if prior is None:
            prior = keyed("run.prior", lambda: load_prior(r["prior"], model=model, relative_to=self.base_dir))
        return self._run(model, likelihood, load_prior(prior, model=model))

    def _run(self, model, likelihood, prior) -> Run:
        s, src = self.settings, self.where
        r = s["run"]
        sm = s["sampler"]
        sampler = SamplerSettings(
            walkers=sm["walkers"], max_steps=sm["max_steps"], check_every=sm["check_every"],
            tau_multiple=float(sm["tau_multiple"]), rhat_max=float(sm["rhat_max"]), min_ess=float(sm["min_ess"]),
            burn_rule=parse_tau_rule(sm["burn_in"], f"{src}: key 'sampler.burn_in'"),
            thin_rule=parse_tau_rule(sm["thin"], f"{src}: key 'sampler.thin'"),
            moves=tuple((str(m), float(w)) for m, w in sm["moves"]),
            checkpoint_seconds=float(sm["checkpoint_seconds"]))
        init = InitSettings(**s["init"])
        name = self.name if r["name"] or r["model"] else (getattr(model, "slug", "") or "run")
        out = Path(r["output"] or f"results/{name}").expanduser()
        return Run(name=name, model=model, likelihood=likelihood, prior=prior, sampler=sampler, init=init,
                   seed=int(r["seed"]), output_dir=out, output_prior_draws=int(s["output"]["prior_draws"]),
                   config=self)


def resolve_run_path(ref) -> Path:
    """A run reference is a path or a bare name of a shipped run (``runs/<name>.toml``)."""
    p = Path(str(ref)).expanduser()
    if p.is_file():
        return p.resolve()
    if len(p.parts) == 1 or p.parent.name == "runs":
        shipped = shipped_file("runs", p.name)
        if shipped is not None:
            return shipped.resolve()
    raise ConfigError(f"run file {str(ref)!r} not found (shipped runs: {', '.join(shipped_names('runs'))})")


def run_from_dict(data: dict, source: str = "run settings", text: str | None = None,
                  base_dir: Path | None = None) -> RunConfig:
    """A :class:`RunConfig` from a parsed mapping (run-file layout), validated against the schema."""
    return RunConfig(validate_settings(data, source), source=source, text=text, base_dir=base_dir)


def load_run(path, **overrides) -> RunConfig:
    """Read and validate a run file; ``overrides`` as in :meth:`RunConfig.override`."""
    path = resolve_run_path(path)
    text, data = read_toml_file(path, "run file")
    cfg = run_from_dict(data, source=str(path), text=text, base_dir=path.parent)
    return cfg.override(**overrides) if overrides else cfg


def default_run(model=None, **overrides) -> RunConfig:
    """The built-in defaults (:data:`DEFAULTS`) for ``model``, with overrides."""
    cfg = RunConfig(copy.deepcopy(DEFAULTS), source="built-in defaults")
    return cfg.override(model=model, **overrides)
