"""Studies, sweeps and statistics with Optuna's own samplers: plain Python, no Manim.

Every trial is suggested in real units (lr log-uniform, decay uniform) and
evaluated through the hyperparameter map of `objective.py`. Results are plain
dataclasses. This module runs studies one after another and keeps nothing:
caching them and spreading sweeps over the cores is hpsearch.trials' job.

    python samplers.py --objective wells --budget 36 --seeds 100
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import optuna

import objective as objectives
from objective import LAYER_DECAY, LEARNING_RATE, to_internal

SamplerName = Literal["grid", "random", "tpe", "qmc"]
SAMPLERS: tuple[SamplerName, ...] = get_args(SamplerName)
MAX_BUDGET = 400
"""Past this a 1080p render of one point per trial stops being reasonable."""
MAX_SEED = 2**32 - 1
DEFAULT_N_STARTUP_TRIALS = 10
MAX_DIMS = 8
"""Hyperparameters a study may search: lr and decay, then up to six that the loss ignores."""


# --- what a study is ---------------------------------------------------------


class SpecError(ValueError):
    """A study field that is not allowed; `field`, `value` and `allowed` say which and why."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        super().__init__(f"{field} = {value!r} is not allowed: {allowed}")
        self.field, self.value, self.allowed = field, value, allowed


def _whole(field: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not low <= value <= high:
        raise SpecError(field, value, f"an integer from {low} to {high}")
    return int(value)  # a plain int, so what is built from it serialises


@dataclass(frozen=True)
class StudySpec:
    """Everything that determines a study but the sampler: validated once, when it is made.

    A sweep reads `seed` as its first seed.
    """

    objective: str
    budget: int
    seed: int = 0
    n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS
    dims: int = 2  # hyperparameters searched: lr, decay and dims - 2 that do not change the loss

    def __post_init__(self) -> None:
        if not isinstance(self.objective, str) or self.objective not in objectives.OBJECTIVES:
            raise SpecError("objective", self.objective, f"one of {', '.join(objectives.OBJECTIVES)}")
        object.__setattr__(self, "budget", _whole("budget", self.budget, 1, MAX_BUDGET))
        object.__setattr__(self, "seed", _whole("seed", self.seed, 0, MAX_SEED))
        object.__setattr__(self, "n_startup_trials", _whole("n_startup_trials", self.n_startup_trials, 0, MAX_BUDGET))
        object.__setattr__(self, "dims", _whole("dims", self.dims, 2, MAX_DIMS))

    @property
    def objective_function(self) -> objectives.Objective:
        return objectives.OBJECTIVES[self.objective]

    def replace(self, **changes: object) -> StudySpec:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]  # checked in __post_init__


def check_sampler(name: object) -> SamplerName:
    if name not in SAMPLERS:
        raise SpecError("sampler", name, f"one of {', '.join(SAMPLERS)}")
    return name


def check_samplers(names: Sequence[object]) -> tuple[SamplerName, ...]:
    """Distinct sampler names, each checked."""
    checked = tuple(check_sampler(s) for s in names)
    if len(set(checked)) != len(checked):
        raise SpecError("samplers", tuple(names), "distinct names")
    return checked


# --- one study ----------------------------------------------------------------


def grid_shape(budget: int) -> tuple[int, int]:
    """Distinct (lr, decay) values of the grid a budget buys.

    k x k with k = floor(sqrt(budget)) decay values, and as many lr values as
    the rest of the budget allows: 36 -> 6 x 6, 30 -> 6 x 5, 40 -> 6 x 6 (4 runs
    unspent). Endpoints are always included.
    """
    budget = _whole("budget", budget, 1, MAX_BUDGET)
    n_decay = math.isqrt(budget)
    return budget // n_decay, n_decay


def lr_values(n: int) -> list[float]:
    """n learning rates log-spaced over the range, its ends exact (no rounding drift)."""
    lr = np.logspace(math.log10(LEARNING_RATE.low), math.log10(LEARNING_RATE.high), n)
    lr[0] = LEARNING_RATE.low
    if n > 1:
        lr[-1] = LEARNING_RATE.high
    return lr.tolist()


def grid_values(budget: int) -> dict[str, list[float]]:
    """The grid in real units: lr log-spaced, decay evenly spaced, endpoints included."""
    n_lr, n_decay = grid_shape(budget)
    return {"lr": lr_values(n_lr), "decay": np.linspace(LAYER_DECAY.low, LAYER_DECAY.high, n_decay).tolist()}


def ignored_names(dims: int) -> list[str]:
    """The hyperparameters past lr and decay, which the loss does not read: h3 .. h{dims}."""
    return [f"h{i}" for i in range(3, dims + 1)]


def values_per_axis(budget: int, dims: int) -> int:
    """The largest k with k ** dims <= budget: a full grid's values on each of its axes."""
    k = 1
    while (k + 1) ** dims <= budget:
        k += 1
    return k


def full_grid(budget: int, dims: int) -> dict[str, list[float]]:
    """The grid of a study in `dims` hyperparameters: the same k values on every axis (ends included).

    In two it is grid_values' (which spends a non-square budget on more learning rates).
    """
    if dims == 2:
        return grid_values(budget)
    k = values_per_axis(budget, dims)
    axes = {"lr": lr_values(k), "decay": np.linspace(LAYER_DECAY.low, LAYER_DECAY.high, k).tolist()}
    return axes | {name: np.linspace(0.0, 1.0, k).tolist() for name in ignored_names(dims)}


def make_sampler(spec: StudySpec, name: SamplerName) -> optuna.samplers.BaseSampler:
    check_sampler(name)
    if name == "grid":
        return optuna.samplers.GridSampler(full_grid(spec.budget, spec.dims), seed=spec.seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=spec.seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=spec.seed, n_startup_trials=spec.n_startup_trials)
    with warnings.catch_warnings():  # Optuna marks QMCSampler experimental: known, nothing to act on
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.QMCSampler(
            qmc_type="sobol", scramble=True, seed=spec.seed, warn_asynchronous_seeding=False
        )


@dataclass(frozen=True)
class RunSettings:
    """How a run's sampler was set up, as Optuna's public API states it."""

    sampler_class: str  # Optuna's class, e.g. 'TPESampler'
    optuna: str  # Optuna's version
    n_trials: int  # trials run (a grid may leave part of the budget unspent)
    grid_axes: tuple[int, ...] = ()  # a grid's values per axis: lr, decay, then the ignored ones
    n_startup_trials: int | None = None  # TPE's random start-up trials


def sampler_settings(spec: StudySpec, name: SamplerName) -> RunSettings:
    """The settings a run used, from the sampler Optuna builds and the study's spec."""
    sampler_class = type(make_sampler(spec.replace(seed=0), name)).__name__
    n_trials = trials_run(name, spec.budget, spec.dims)
    grid_axes = tuple(len(v) for v in full_grid(spec.budget, spec.dims).values()) if name == "grid" else ()
    n_startup_trials = spec.n_startup_trials if name == "tpe" else None
    return RunSettings(sampler_class, optuna.__version__, n_trials, grid_axes, n_startup_trials)


def trials_run(name: SamplerName, budget: int, dims: int = 2) -> int:
    """How many trials a sampler spends of a budget (a grid may leave some unspent)."""
    if name == "grid" and dims > 2:
        return values_per_axis(budget, dims) ** dims
    if name == "grid":
        n_lr, n_decay = grid_shape(budget)
        return n_lr * n_decay
    return budget


@dataclass(frozen=True)
class Trial:
    number: int
    lr: float
    decay: float
    x: float
    y: float
    value: float
    best_so_far: float


@dataclass(frozen=True)
class Run:
    """One study: which sampler, on what, and its trials in the order they ran."""

    objective: str
    sampler: SamplerName
    budget: int
    seed: int
    settings: RunSettings
    trials: tuple[Trial, ...]

    @property
    def best_trial(self) -> Trial:
        return min(self.trials, key=lambda t: (t.value, t.number))

    @property
    def xs(self) -> np.ndarray:
        return np.array([t.x for t in self.trials])

    @property
    def ys(self) -> np.ndarray:
        return np.array([t.y for t in self.trials])

    @property
    def values(self) -> np.ndarray:
        return np.array([t.value for t in self.trials])

    @property
    def best_so_far(self) -> np.ndarray:
        return np.array([t.best_so_far for t in self.trials])

    @property
    def distinct_lr(self) -> int:
        return len(set(t.lr for t in self.trials))

    def plain_extras(self) -> dict[str, int]:
        """For readers of the cached JSON: which trial is the best."""
        return {"best_trial": self.best_trial.number}

    def same_trials(self, other: Run) -> bool:
        """Exactly the same trials (numbers, params, values) in the same order."""
        return [(t.number, t.lr, t.decay, t.value) for t in self.trials] == [
            (t.number, t.lr, t.decay, t.value) for t in other.trials
        ]


def study_objective(function: objectives.Objective, dims: int = 2) -> Callable[[optuna.Trial], float]:
    """The function Optuna optimises: real-unit suggestions -> loss; hyperparameters past the
    second are suggested in [0, 1] and not read."""

    def evaluate(trial: optuna.Trial) -> float:
        lr = trial.suggest_float(LEARNING_RATE.name, LEARNING_RATE.low, LEARNING_RATE.high, log=LEARNING_RATE.log)
        decay = trial.suggest_float(LAYER_DECAY.name, LAYER_DECAY.low, LAYER_DECAY.high, log=LAYER_DECAY.log)
        for name in ignored_names(dims):
            trial.suggest_float(name, 0.0, 1.0)
        return float(function.at_hyperparameters(lr, decay))

    return evaluate


def run_optuna_study(
    spec: StudySpec,
    name: SamplerName,
    sampler: optuna.samplers.BaseSampler | None = None,
    storage: str | None = None,
    study_name: str | None = None,
) -> optuna.Study:
    """Run the real Optuna study, returning it; `sampler` replaces make_sampler(spec, name) (the TPE recorder)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize", sampler=sampler or make_sampler(spec, name), storage=storage, study_name=study_name
    )
    study.optimize(
        study_objective(spec.objective_function, spec.dims), n_trials=trials_run(name, spec.budget, spec.dims)
    )
    return study


def run_study(spec: StudySpec, name: SamplerName) -> Run:
    """One seeded study as plain data."""
    return run_from_study(run_optuna_study(spec, name), spec, name)


def run_from_study(study: optuna.Study, spec: StudySpec, name: SamplerName) -> Run:
    trials, best = [], math.inf
    for t in sorted(study.trials, key=lambda t: t.number):
        lr, decay = t.params[LEARNING_RATE.name], t.params[LAYER_DECAY.name]
        x, y = to_internal(lr, decay)
        assert t.value is not None  # a finished single-objective trial
        best = min(best, t.value)
        trials.append(Trial(t.number, lr, decay, float(x), float(y), float(t.value), best))
    return Run(spec.objective, name, spec.budget, spec.seed, sampler_settings(spec, name), tuple(trials))


# --- sweeps and statistics ---------------------------------------------------


@dataclass(frozen=True)
class SamplerStats:
    """How one sampler does over many seeds."""

    sampler: SamplerName
    seeds: tuple[int, ...]
    curves: np.ndarray  # (n_seeds, n_trials) best-so-far
    threshold: float

    @property
    def final(self) -> np.ndarray:
        return self.curves[:, -1]

    @property
    def quartiles(self) -> tuple[float, float, float]:
        q1, median, q3 = np.percentile(self.final, [25, 50, 75])
        return float(q1), float(median), float(q3)

    @property
    def curve_quartiles(self) -> np.ndarray:
        """(3, n_trials): the 25th, 50th and 75th percentile best-so-far after each trial."""
        return np.percentile(self.curves, [25, 50, 75], axis=0)

    @property
    def reached(self) -> np.ndarray:
        """Per seed: did the run get below the deep-well threshold?"""
        return self.final < self.threshold

    @property
    def share_reached(self) -> float:
        return float(np.mean(self.reached))

    @property
    def first_reach(self) -> np.ndarray:
        """Per seed that reached: the 1-based trial at which it first got there."""
        hits = self.curves[self.reached] < self.threshold
        return np.argmax(hits, axis=1) + 1

    @property
    def mean_first_reach(self) -> float:
        return float(np.mean(self.first_reach)) if self.reached.any() else math.nan


@dataclass(frozen=True)
class Sweep:
    objective: str
    budget: int
    seeds: tuple[int, ...]
    n_startup_trials: int
    stats: dict[SamplerName, SamplerStats]

    def share_beating(self, sampler: SamplerName, other: SamplerName) -> float:
        """Share of seeds where `sampler` ends strictly below `other`."""
        return float(np.mean(self.stats[sampler].final < self.stats[other].final))

    def summary_table(self) -> str:
        obj = objectives.OBJECTIVES[self.objective]
        lines = [
            f"{self.objective}, budget {self.budget}, {len(self.seeds)} seeds "
            f"(deep well: final best < {obj.deep_threshold:.4f}; global minimum {obj.global_minimum.value:.4f})",
            f"{'sampler':<8} {'trials':>6} {'q1':>8} {'median':>8} {'q3':>8} {'deep':>6} "
            f"{'first deep (mean trial)':>24}",
        ]
        for name, s in self.stats.items():
            q1, med, q3 = s.quartiles
            first = f"{s.mean_first_reach:.1f}" if s.reached.any() else "-"
            lines.append(
                f"{name:<8} {s.curves.shape[1]:>6} {q1:>8.4f} {med:>8.4f} {q3:>8.4f} "
                f"{s.share_reached:>6.0%} {first:>24}"
            )
        return "\n".join(lines)


def seed_range(spec: StudySpec, n_seeds: int) -> tuple[int, ...]:
    """The seeds of a sweep: spec.seed .. spec.seed + n_seeds - 1."""
    n_seeds = _whole("n_seeds", n_seeds, 1, MAX_SEED - spec.seed + 1)
    return tuple(range(spec.seed, spec.seed + n_seeds))


def sweep_curves(spec: StudySpec, name: SamplerName, seeds: Sequence[int]) -> list[list[float]]:
    """The best-so-far curve of one study per seed, one after another."""
    return [run_study(spec.replace(seed=s), name).best_so_far.tolist() for s in seeds]


def sweep_from_curves(spec: StudySpec, seeds: tuple[int, ...], curves: dict[SamplerName, np.ndarray]) -> Sweep:
    """A Sweep from each sampler's (n_seeds, n_trials) best-so-far curves."""
    for name, c in curves.items():
        if c.shape != (len(seeds), trials_run(name, spec.budget, spec.dims)):
            raise ValueError(f"{name}: curves of shape {c.shape}")
    threshold = spec.objective_function.deep_threshold
    stats = {name: SamplerStats(name, seeds, c, threshold) for name, c in curves.items()}
    return Sweep(spec.objective, spec.budget, seeds, spec.n_startup_trials, stats)


def sweep(spec: StudySpec, names: Sequence[SamplerName], n_seeds: int) -> Sweep:
    """Best-so-far curves of each sampler over seeds spec.seed .. spec.seed + n_seeds - 1, serially."""
    seeds = seed_range(spec, n_seeds)
    curves = {name: np.array(sweep_curves(spec, name, seeds), dtype=float) for name in check_samplers(names)}
    return sweep_from_curves(spec, seeds, curves)


# --- what a grid reaches, without Optuna --------------------------------------------


def grid_best(function: objectives.Objective, budget: int) -> tuple[float, float, float]:
    """(best loss, lr, decay) over the grid a budget buys: every grid point evaluated, no Optuna."""
    values = grid_values(budget)
    lr, decay = np.meshgrid(values["lr"], values["decay"], indexing="ij")
    loss = function.at_hyperparameters(lr, decay)
    i = np.unravel_index(np.argmin(loss), loss.shape)
    return float(loss[i]), float(lr[i]), float(decay[i])


def grid_points(budget: int) -> list[tuple[float, float]]:
    """Internal (x, y) of every point of the grid a budget buys, for drawing."""
    values = grid_values(budget)
    points = []
    for lr in values["lr"]:
        for decay in values["decay"]:
            x, y = to_internal(lr, decay)
            points.append((float(x), float(y)))
    return points


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a seed sweep and print each sampler's summary.")
    parser.add_argument("--objective", default="wells", help=f"one of: {', '.join(objectives.OBJECTIVES)}")
    parser.add_argument("--budget", type=int, default=36, help="trials per study")
    parser.add_argument("--seeds", type=int, default=100, help="number of seeds (0 .. N-1)")
    parser.add_argument("--samplers", default="grid,random,tpe", help=f"comma-separated, from: {', '.join(SAMPLERS)}")
    parser.add_argument("--n-startup-trials", type=int, default=DEFAULT_N_STARTUP_TRIALS, help="TPE's random warm-up")
    args = parser.parse_args(argv)
    try:
        spec = StudySpec(args.objective, args.budget, 0, args.n_startup_trials)
        result = sweep(spec, check_samplers(args.samplers.split(",")), args.seeds)
    except SpecError as err:
        parser.error(str(err))
    print(result.summary_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
