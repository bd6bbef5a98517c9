"""The counter-cases the beats measure: where TPE is random search, which grids reach the deep
well, search in more hyperparameters, and the landscape where one hyperparameter matters.

Plain Python, no Manim. Each is found by computation: a budget within TPE's
start-up trials (TPE's trials are then the random sampler's, seed for seed,
measured from both sweeps), the k x k grid nearest the configured budget that
does the opposite of the configured one (found by evaluating the grids, then
measured with a sweep).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import objective as objectives
import samplers
from hpsearch import trials
from hpsearch.settings import Settings
from hpsearch.stats import SeedSummary, shares_reached, summarise_stats
from samplers import Run, SamplerName, Sweep


def seed_sweep(settings: Settings, budget: int | None = None) -> Sweep:
    """The configured samplers over seeds 0 .. n_seeds - 1, at the configured budget or another."""
    spec = settings.spec.replace(seed=0, budget=budget or settings.budget)
    return trials.sweep(spec, settings.samplers, settings.n_seeds)


# --- where TPE is random search -----------------------------------------------------------


@dataclass(frozen=True)
class StartupCase:
    """At a budget within TPE's start-up trials, compared with random search seed by seed."""

    budget: int
    n_startup_trials: int
    n_seeds: int
    n_same_final: int  # seeds where TPE's final best equals random search's exactly
    n_same_curve: int  # seeds where the whole best-so-far curves are equal
    max_abs_difference: float
    random: SeedSummary
    tpe: SeedSummary


def startup_budget(settings: Settings) -> int | None:
    """A budget at which every TPE trial is a start-up trial: n_startup_trials itself (None if 0)."""
    if settings.n_startup_trials < 1:
        return None
    return min(settings.n_startup_trials, samplers.MAX_BUDGET)


def startup_case(settings: Settings) -> StartupCase | None:
    budget = startup_budget(settings)
    if budget is None:
        return None
    sweep = seed_sweep(settings, budget)
    tpe, rnd = sweep.stats["tpe"], sweep.stats["random"]
    return StartupCase(
        budget,
        settings.n_startup_trials,
        len(sweep.seeds),
        int(np.count_nonzero(tpe.final == rnd.final)),
        int(np.count_nonzero(np.all(tpe.curves == rnd.curves, axis=1))),
        float(np.max(np.abs(tpe.final - rnd.final))),
        summarise_stats(rnd),
        summarise_stats(tpe),
    )


# --- which grids reach the deep well ------------------------------------------------------


def square_budgets(settings: Settings) -> list[int]:
    """k x k budgets (k >= 2) up to twice the configured budget (at least 16), within MAX_BUDGET."""
    top = min(max(2 * settings.budget, 16), samplers.MAX_BUDGET)
    return [k * k for k in range(2, math.isqrt(top) + 1)]


def grid_scan(settings: Settings) -> dict[int, tuple[float, bool]]:
    """Per k x k budget (and the configured one): the grid's best loss and whether it is in the deep well."""
    function = settings.objective_function
    out = {}
    for budget in sorted(set(square_budgets(settings)) | {settings.budget}):
        best = samplers.grid_best(function, budget)[0]
        out[budget] = (best, best < function.deep_threshold)
    return out


def _nearest(budgets: list[int], target: int) -> int | None:
    return min(budgets, key=lambda b: (abs(b - target), b)) if budgets else None


def grid_case_budgets(settings: Settings) -> tuple[int | None, int | None]:
    """(hit, miss): a budget whose grid reaches the deep well and one whose grid misses it.

    The configured budget is one of the two; the other is the k x k budget
    nearest to it (ties: the smaller) that does the opposite, or None when
    every scanned grid does the same.
    """
    scan = grid_scan(settings)
    main_hits = scan[settings.budget][1]
    others = [b for b, (_, deep) in scan.items() if b != settings.budget and deep != main_hits]
    other = _nearest(others, settings.budget)
    return (settings.budget, other) if main_hits else (other, settings.budget)


@dataclass(frozen=True)
class GridAt:
    """The samplers at one budget, measured over the seeds."""

    budget: int
    grid_shape: tuple[int, int]  # (n_lr, n_decay)
    grid: SeedSummary
    random: SeedSummary
    tpe: SeedSummary
    n_grid_at_least_as_good: int  # seeds where the grid's final best <= TPE's
    best_point: tuple[float, float]  # (lr, decay) of the grid's best point


def grid_at(settings: Settings, budget: int) -> GridAt:
    s = seed_sweep(settings, budget).stats
    _, lr, decay = samplers.grid_best(settings.objective_function, budget)
    return GridAt(
        budget,
        samplers.grid_shape(budget),
        summarise_stats(s["grid"]),
        summarise_stats(s["random"]),
        summarise_stats(s["tpe"]),
        int(np.count_nonzero(s["grid"].final <= s["tpe"].final)),
        (lr, decay),
    )


@dataclass(frozen=True)
class GridCase:
    """A grid that reaches the deep well, next to one that does not (either may be missing)."""

    hit: GridAt | None
    miss: GridAt | None
    main_budget: int
    scan: dict[int, tuple[float, bool]]  # budget -> (grid best, in the deep well)


def grid_case(settings: Settings) -> GridCase:
    hit, miss = grid_case_budgets(settings)
    return GridCase(
        grid_at(settings, hit) if hit else None,
        grid_at(settings, miss) if miss else None,
        settings.budget,
        grid_scan(settings),
    )


# --- the share in the deep well at every budget --------------------------------------------


SWEEP_BUDGET = 100  # the budget axis of the verdict's chart runs 1 .. this
GRID_SIDES = range(2, 11)  # square grids k x k for k = 2 .. 10: 4 .. 100 runs


@dataclass(frozen=True)
class BudgetCurves:
    """The share of seeds in the deep well after b runs, for every budget b = 1 .. SWEEP_BUDGET.

    Random search, QMC and TPE do not know their budget: a study stopped after b trials ran the
    same b trials as the first b of a longer one (tests/hpsearch/test_findings.py checks it against
    Optuna), so one sweep at SWEEP_BUDGET gives every smaller budget. A grid is laid out for its
    budget, and its points do not change with the seed: it is run once per square budget.
    """

    n_seeds: int
    n_startup_trials: int
    shares: dict[SamplerName, np.ndarray]  # sampler -> (SWEEP_BUDGET,) share after b = 1 .. SWEEP_BUDGET runs
    intervals: dict[SamplerName, np.ndarray]  # sampler -> (2, SWEEP_BUDGET) 95 % Wilson interval
    grid: dict[int, bool]  # square budget -> one of the grid's points is in the deep well


def budget_curves(settings: Settings) -> BudgetCurves:
    threshold = settings.objective_function.deep_threshold
    names: list[SamplerName] = [s for s in settings.samplers if s != "grid"]
    spec = settings.spec.replace(seed=0, budget=SWEEP_BUDGET)
    sweep = trials.sweep(spec, names, settings.n_seeds)
    shares: dict[SamplerName, np.ndarray] = {}
    intervals: dict[SamplerName, np.ndarray] = {}
    for name in names:
        counts = np.count_nonzero(sweep.stats[name].curves < threshold, axis=0)
        shares[name], intervals[name] = shares_reached(counts, settings.n_seeds)
    grid = {}
    if "grid" in settings.samplers:
        for side in GRID_SIDES:
            run = trials.featured_run(spec.replace(budget=side * side), "grid")
            grid[side * side] = bool(run.best_trial.value < threshold)
    return BudgetCurves(settings.n_seeds, settings.n_startup_trials, shares, intervals, grid)


# --- more hyperparameters -----------------------------------------------------------------

DIMS = (2, 3, 4, 6, 8)  # hyperparameters searched: lr, decay and d - 2 the loss ignores
DIMS_BUDGET = 64


@dataclass(frozen=True)
class DimensionCase:
    """Each sampler at DIMS_BUDGET runs, searching d hyperparameters of which the loss reads two."""

    budget: int
    dims: tuple[int, ...]
    n_seeds: int
    shares: dict[SamplerName, np.ndarray]  # sampler -> (len(dims),) share of seeds whose final best is in the deep well
    intervals: dict[SamplerName, np.ndarray]  # sampler -> (2, len(dims)) 95 % Wilson interval
    per_axis: tuple[int, ...]  # the full grid's values on each axis, per d
    grid_points: tuple[tuple[tuple[float, float], ...], ...]  # per d, the grid's distinct (x, y) in lr x decay


def dimension_case(settings: Settings) -> DimensionCase:
    threshold = settings.objective_function.deep_threshold
    counts: dict[SamplerName, list[int]] = {s: [] for s in settings.samplers}
    points = []
    for d in DIMS:
        spec = settings.spec.replace(seed=0, budget=DIMS_BUDGET, dims=d)
        sweep = trials.sweep(spec, settings.samplers, settings.n_seeds)
        for name in settings.samplers:
            counts[name].append(int(np.count_nonzero(sweep.stats[name].final < threshold)))
        grid = trials.featured_run(spec.replace(seed=settings.featured_seed), "grid")
        points.append(tuple(sorted({(t.x, t.y) for t in grid.trials})))
    reached = {name: shares_reached(np.array(k), settings.n_seeds) for name, k in counts.items()}
    return DimensionCase(
        DIMS_BUDGET,
        DIMS,
        settings.n_seeds,
        {name: share for name, (share, _) in reached.items()},
        {name: interval for name, (_, interval) in reached.items()},
        tuple(samplers.values_per_axis(DIMS_BUDGET, d) for d in DIMS),
        tuple(points),
    )


# --- when only one hyperparameter matters ------------------------------------------------

ONE_AXIS_OBJECTIVE = "lr_valley"
"""Low effective dimension (Bergstra & Bengio 2012): the loss depends on lr almost alone."""


@dataclass(frozen=True)
class OneAxisCase:
    objective: str
    grid: Run
    random: Run
    n_seeds: int
    random_beats_grid: float  # share of seeds
    decay_share: float  # the most decay moves the loss at any one lr, as a share of the loss's range


def decay_share(objective: objectives.Objective, samples: int = 401) -> float:
    """The largest spread of the loss over decay at one learning rate, over the loss's whole range."""
    axis = np.linspace(*objectives.BOX, samples)
    loss = objective(axis[:, None], axis[None, :])  # rows: lr, columns: decay
    low, high = objective.value_range
    return float((loss.max(axis=1) - loss.min(axis=1)).max() / (high - low))


def one_axis_case(settings: Settings) -> OneAxisCase:
    """Grid against random search at the configured budget and seed on the one-axis objective."""
    spec = samplers.StudySpec(ONE_AXIS_OBJECTIVE, settings.budget, settings.featured_seed)
    runs = {s: trials.featured_run(spec, s) for s in ("grid", "random")}
    sweep = trials.sweep(spec.replace(seed=0), ("grid", "random"), settings.n_seeds)
    return OneAxisCase(
        ONE_AXIS_OBJECTIVE,
        runs["grid"],
        runs["random"],
        settings.n_seeds,
        sweep.share_beating("random", "grid"),
        decay_share(objectives.OBJECTIVES[ONE_AXIS_OBJECTIVE]),
    )
