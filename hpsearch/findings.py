"""One typed record per beat of everything it draws, and one builder per beat: plain Python, no Manim.

A beat asks its builder once (`findings.grid_search(settings)` and so on) and
only places and formats what comes back. `BUILDERS` lists them in the video's
order, so warming the caches before a render (`precompute`) is "build every
beat's data", not a list kept by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import objective as objectives
import samplers
from hpsearch import cases, story, trials
from hpsearch.cases import BudgetCurves, DimensionCase, GridCase, OneAxisCase, StartupCase
from hpsearch.formatting import AffineMap, decimal_text, formula_chunks, hyperparameter_map, sci_latex
from hpsearch.settings import Settings
from hpsearch.stats import RunSummary, SeedSummary, ahead_until, summarise_run, summarise_stats
from hpsearch.tpe import moments
from hpsearch.tpe.records import InsideTPE
from objective import Minimum
from samplers import Run, SamplerName, Trial


def featured_runs(settings: Settings) -> dict[SamplerName, Run]:
    """The configured samplers' runs at the featured seed, in the configured order."""
    return {s: trials.featured_run(settings.spec, s) for s in settings.samplers}


# --- beat 1: the question ---------------------------------------------------------


@dataclass(frozen=True)
class HyperParameterRow:
    symbol: str  # LaTeX
    label: str
    low: str  # LaTeX
    high: str  # LaTeX
    scale: str  # 'log' | 'linear'
    map: AffineMap


@dataclass(frozen=True)
class QuestionData:
    objective: str
    budget: int
    rows: tuple[HyperParameterRow, ...]
    formula_chunks: tuple[str, ...]
    coordinates_latex: str
    box: tuple[float, float]
    summary: str  # the landscape in words, from objective.py
    n_seeds: int
    n_reached: dict[str, int]  # sampler -> seeds (of n_seeds) whose final best is in the deep well


def question(settings: Settings) -> QuestionData:
    function = settings.objective_function
    rows = []
    for hp, var in zip(objectives.SEARCH_SPACE, ("x", "y"), strict=True):
        fmt = sci_latex if hp.log else decimal_text
        rows.append(
            HyperParameterRow(
                hp.symbol,
                hp.label,
                fmt(hp.low),
                fmt(hp.high),
                "log" if hp.log else "linear",
                hyperparameter_map(hp, var),
            )
        )
    seeds = many_seeds(settings)
    return QuestionData(
        settings.objective,
        settings.budget,
        tuple(rows),
        tuple(formula_chunks(function)),
        function.coordinates_latex,
        objectives.BOX,
        function.summary,
        settings.n_seeds,
        {name: s.n_reached for name, s in seeds.summaries.items()},
    )


# --- beat 2: the landscape --------------------------------------------------------


@dataclass(frozen=True)
class LandscapeData:
    summary: str  # the landscape in words, from objective.py
    minima: tuple[Minimum, ...]  # deepest first, found by scipy


def landscape(settings: Settings) -> LandscapeData:
    function = settings.objective_function
    return LandscapeData(function.summary, tuple(function.minima))


# --- beat 3: grid search -------------------------------------------------------------


@dataclass(frozen=True)
class GridSearchData:
    run: Run
    budget: int
    grid_shape: tuple[int, int]  # (n_lr, n_decay)
    lr_lines: tuple[float, ...]  # internal x of each of the grid's learning rates
    decay_lines: tuple[float, ...]  # internal y of each of its decays
    deepest: Minimum
    threshold: float  # of the deep well
    scan: dict[int, tuple[float, bool]]  # budget -> (the grid's best, in the deep well)
    scan_points: dict[int, tuple[tuple[float, float], ...]]  # budget -> its grid's internal (x, y)


def grid_search(settings: Settings) -> GridSearchData:
    function = settings.objective_function
    values = samplers.grid_values(settings.budget)
    scan = cases.grid_scan(settings)
    return GridSearchData(
        trials.featured_run(settings.spec, "grid"),
        settings.budget,
        samplers.grid_shape(settings.budget),
        tuple(float(objectives.LEARNING_RATE.to_internal(lr)) for lr in values["lr"]),
        tuple(float(objectives.LAYER_DECAY.to_internal(decay)) for decay in values["decay"]),
        function.global_minimum,
        function.deep_threshold,
        scan,
        {b: tuple(samplers.grid_points(b)) for b in scan},
    )


# --- beat 4: random search --------------------------------------------------------


@dataclass(frozen=True)
class RandomSearchData:
    run: Run
    grid_run: Run
    budget: int
    deepest: Minimum
    n_seeds: int
    one_axis: OneAxisCase


def random_search(settings: Settings) -> RandomSearchData:
    return RandomSearchData(
        trials.featured_run(settings.spec, "random"),
        trials.featured_run(settings.spec, "grid"),
        settings.budget,
        settings.objective_function.global_minimum,
        settings.n_seeds,
        cases.one_axis_case(settings),
    )


# --- beat 5: TPE ----------------------------------------------------------------------


@dataclass(frozen=True)
class TPESearchData:
    run: Run
    seed: int
    n_startup: int  # of the run's trials, the random start-up ones
    startup_same_as_random: bool  # they are random search's trials at the same seed
    deepest: Minimum

    @property
    def startup(self) -> tuple[Trial, ...]:
        return self.run.trials[: self.n_startup]

    @property
    def guided(self) -> tuple[Trial, ...]:
        return self.run.trials[self.n_startup :]


def tpe_search(settings: Settings) -> TPESearchData:
    run = trials.featured_run(settings.spec, "tpe")
    random_run = trials.featured_run(settings.spec, "random")
    n_startup = min(settings.n_startup_trials, len(run.trials))
    same = [(t.lr, t.decay) for t in run.trials[:n_startup]] == [(t.lr, t.decay) for t in random_run.trials[:n_startup]]
    return TPESearchData(run, settings.featured_seed, n_startup, same, settings.objective_function.global_minimum)


# --- beat 6: inside TPE ------------------------------------------------------------


def inside_tpe(settings: Settings) -> InsideTPE:
    return moments.inside_tpe(settings.spec)


# --- beat 7: the race -------------------------------------------------------------


@dataclass(frozen=True)
class RaceData:
    objective: str
    budget: int
    seed: int
    n_startup_trials: int
    threshold: float
    deep_share: float  # of the search space below the threshold
    value_range: tuple[float, float]
    global_minimum: objectives.Minimum
    runs: dict[SamplerName, Run]
    summaries: dict[SamplerName, RunSummary]
    grid_shape: tuple[int, int]  # (n_lr, n_decay) of the grid the budget buys
    random_ahead_until: int | None  # see ahead_until; None also when random search or TPE is not racing


def race(settings: Settings) -> RaceData:
    function = settings.objective_function
    runs = featured_runs(settings)
    threshold = function.deep_threshold
    return RaceData(
        settings.objective,
        settings.budget,
        settings.featured_seed,
        settings.n_startup_trials,
        threshold,
        function.deep_share,
        function.value_range,
        function.global_minimum,
        runs,
        {name: summarise_run(run, threshold) for name, run in runs.items()},
        samplers.grid_shape(settings.budget),
        ahead_until(runs["random"], runs["tpe"]) if {"random", "tpe"} <= runs.keys() else None,
    )


# --- beat 8: many seeds -----------------------------------------------------------


@dataclass(frozen=True)
class ManySeedsData:
    objective: str
    budget: int
    n_seeds: int
    threshold: float
    deep_share: float  # of the search space below the threshold
    value_range: tuple[float, float]
    summaries: dict[SamplerName, SeedSummary]  # in settings.samplers order

    def ranked(self) -> list[SeedSummary]:
        """Most seeds in the deep well first (ties: lower median first)."""
        return sorted(self.summaries.values(), key=lambda s: (-s.n_reached, s.median_final))


def many_seeds(settings: Settings) -> ManySeedsData:
    function = settings.objective_function
    sweep = cases.seed_sweep(settings)
    return ManySeedsData(
        settings.objective,
        settings.budget,
        settings.n_seeds,
        function.deep_threshold,
        function.deep_share,
        function.value_range,
        {s: summarise_stats(sweep.stats[s]) for s in settings.samplers},
    )


# --- beat 9: more hyperparameters ------------------------------------------------------


def dimensions(settings: Settings) -> DimensionCase:
    return cases.dimension_case(settings)


# --- beat 10: when TPE does not win ---------------------------------------------------


@dataclass(frozen=True)
class VerdictData:
    objective: str
    budget: int
    n_seeds: int
    n_startup_trials: int
    threshold: float
    value_range: tuple[float, float]
    global_minimum: objectives.Minimum
    main_grid_shape: tuple[int, int]
    startup: StartupCase | None
    grid: GridCase
    main: dict[SamplerName, SeedSummary]  # at the configured budget
    budget_curves: BudgetCurves
    sweep_budget: int  # the budget chart runs 1 .. this
    references: tuple[tuple[str, str], ...]  # (authors and year, title and venue)
    voice_credit: str | None  # the narrating voice, when there is one


def verdict(settings: Settings) -> VerdictData:
    function = settings.objective_function
    main = many_seeds(settings).summaries
    return VerdictData(
        settings.objective,
        settings.budget,
        settings.n_seeds,
        settings.n_startup_trials,
        function.deep_threshold,
        function.value_range,
        function.global_minimum,
        samplers.grid_shape(settings.budget),
        cases.startup_case(settings),
        cases.grid_case(settings),
        main,
        cases.budget_curves(settings),
        cases.SWEEP_BUDGET,
        story.REFERENCES,
        story.voice_credit() if settings.voice else None,
    )


BUILDERS: dict[str, Callable[[Settings], object]] = {
    "question": question,
    "landscape": landscape,
    "grid_search": grid_search,
    "random_search": random_search,
    "tpe_search": tpe_search,
    "inside_tpe": inside_tpe,
    "race": race,
    "many_seeds": many_seeds,
    "dimensions": dimensions,
    "verdict": verdict,
}
"""Each beat's builder, by the beat's module in scenes/, in the video's order."""


def precompute(settings: Settings, progress: bool = False) -> None:
    """Build every beat's data once, so that every cache the beats read is warm before they render in parallel."""
    with trials.progress_shown(progress):
        featured_runs(settings)  # the quick part first: what the beats draw trial by trial
        for build in BUILDERS.values():
            build(settings)
