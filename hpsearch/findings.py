"""Every number a 2-D beat shows that is not read straight off a Run or a Sweep: plain Python, no Manim.

Scenes call one function per beat (`question`, `race`, `many_seeds`,
`verdict`) and only format what comes back. The counter-cases of the verdict
are found by computation: a budget at or below TPE's start-up trials (TPE's
trials are then the random sampler's, seed for seed, measured from both
sweeps), and the k x k grid nearest the configured budget that reaches the
deep well (found by evaluating the grids, then measured with a sweep).

`precompute(settings)` warms every cache these calls read, so a render
driver can run it once before starting the beats in parallel.

    python -m hpsearch.findings
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

import objective as objectives
import samplers
from hpsearch.formatting import decimal_text, sci_latex
from hpsearch.settings import Settings

# --- beat 1: the question ---------------------------------------------------------


def formula_chunks(function: objectives.Objective) -> list[str]:
    """The loss as on-screen LaTeX, one chunk per term, so a scene can break lines between terms.

    objective.py's own `latex_terms` (printed by sympy from the terms the
    samplers minimise); the first chunk starts with 'f(x, y) = '.
    """
    chunks = list(function.latex_terms)
    chunks[0] = "f(x, y) = " + chunks[0]
    return chunks


@dataclass(frozen=True)
class AffineMap:
    """internal = slope * s + offset, with s = log10(value) for a log parameter, else the value."""

    slope: float
    offset: float
    latex: str  # e.g. 'x = 5 \log_{10} \eta + 25'


def hyperparameter_map(hp: objectives.HyperParameter, variable: str) -> AffineMap:
    """The affine map of objective.py written out, read back from hp.to_internal at the range ends."""
    s_low = math.log10(hp.low) if hp.log else hp.low
    s_high = math.log10(hp.high) if hp.log else hp.high
    i_low, i_high = float(hp.to_internal(hp.low)), float(hp.to_internal(hp.high))
    slope = (i_high - i_low) / (s_high - s_low)
    offset = i_low - slope * s_low
    argument = f"\\log_{{10}} {hp.symbol}" if hp.log else hp.symbol
    a = sp.nsimplify(slope, tolerance=1e-9, rational=True)
    b = sp.nsimplify(offset, tolerance=1e-9, rational=True)
    text = f"{variable} = "
    text += argument if a == 1 else (f"-{argument}" if a == -1 else f"{sp.latex(a)}\\,{argument}")
    if b != 0:
        text += f" {'-' if b < 0 else '+'} {sp.latex(abs(b))}"
    return AffineMap(slope, offset, text)


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


# --- beat 7: the race -------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    sampler: str
    budget: int
    n_trials: int  # a grid may spend fewer than the budget
    best_value: float
    best_lr: float
    best_decay: float
    best_number: int  # 1-based trial number of the best trial
    reached: bool  # below the deep-well threshold
    first_reach: int | None  # 1-based trial that first got below it


def summarise_run(run: samplers.Run, threshold: float) -> RunSummary:
    best = run.best_trial
    below = np.flatnonzero(run.best_so_far < threshold)
    return RunSummary(
        run.sampler,
        run.budget,
        len(run.trials),
        best.value,
        best.lr,
        best.decay,
        best.number + 1,
        bool(below.size),
        int(below[0]) + 1 if below.size else None,
    )


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
    runs: dict[str, samplers.Run]
    summaries: dict[str, RunSummary]
    grid_shape: tuple[int, int]  # (n_lr, n_decay) of the grid the budget buys
    random_ahead_until: int | None  # see ahead_until; None also when random search or TPE is not racing


def ahead_until(leader: samplers.Run, other: samplers.Run) -> int | None:
    """The 1-based trial from which `other`'s best so far is never again behind `leader`'s: None when
    `leader` is never strictly ahead, one past the last trial when it is still ahead at the end."""
    ahead = np.flatnonzero(leader.best_so_far < other.best_so_far)
    return int(ahead[-1]) + 2 if ahead.size else None


def race(settings: Settings) -> RaceData:
    function = settings.objective_function
    runs = settings.featured_runs()
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
class SeedSummary:
    sampler: str
    n_seeds: int
    n_trials: int
    n_reached: int  # seeds whose final best is below the deep-well threshold
    median_final: float
    quartiles: tuple[float, float, float]
    same_final_every_seed: bool  # e.g. a grid: the order changes with the seed, the points do not
    mean_first_reach: float  # nan when no seed reached
    curve_quartiles: np.ndarray  # (3, n_trials)
    reached_interval: tuple[float, float]  # 95 % Wilson interval of the share n_reached / n_seeds
    finals: np.ndarray  # (n_seeds,) each seed's final best


Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a binomial share k / n (Wilson 1927): unlike the normal
    approximation it stays inside [0, 1] and is not empty at k = 0 or k = n, both common here."""
    share = k / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def shares_reached(counts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeds that reached the deep well, `counts` out of `n` each: their shares and (2, len) Wilson intervals."""
    return counts / n, np.array([wilson(int(k), n) for k in counts]).reshape(-1, 2).T


def summarise_stats(stats: samplers.SamplerStats) -> SeedSummary:
    final = stats.final
    n_reached = int(np.count_nonzero(final < stats.threshold))
    return SeedSummary(
        stats.sampler,
        len(stats.seeds),
        stats.curves.shape[1],
        n_reached,
        float(np.median(final)),
        stats.quartiles,
        bool(np.all(final == final[0])),
        stats.mean_first_reach,
        stats.curve_quartiles,
        wilson(n_reached, len(stats.seeds)),
        final,
    )


@dataclass(frozen=True)
class ManySeedsData:
    objective: str
    budget: int
    n_seeds: int
    threshold: float
    deep_share: float  # of the search space below the threshold
    value_range: tuple[float, float]
    summaries: dict[str, SeedSummary]  # in settings.samplers order

    def ranked(self) -> list[SeedSummary]:
        """Most seeds in the deep well first (ties: lower median first)."""
        return sorted(self.summaries.values(), key=lambda s: (-s.n_reached, s.median_final))


def many_seeds(settings: Settings) -> ManySeedsData:
    function = settings.objective_function
    sweep = settings.sweep()
    return ManySeedsData(
        settings.objective,
        settings.budget,
        settings.n_seeds,
        function.deep_threshold,
        function.deep_share,
        function.value_range,
        {s: summarise_stats(sweep.stats[s]) for s in settings.samplers},
    )


# --- beat 9: when TPE does not win ---------------------------------------------------


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
    sweep = settings.sweep(budget=budget)
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


def grid_best(function: objectives.Objective, budget: int) -> tuple[float, float, float]:
    """(best loss, lr, decay) over the grid a budget buys: every grid point evaluated, no Optuna."""
    values = samplers.grid_values(budget)
    lr, decay = np.meshgrid(values["lr"], values["decay"], indexing="ij")
    loss = function.at_hyperparameters(lr, decay)
    i = np.unravel_index(np.argmin(loss), loss.shape)
    return float(loss[i]), float(lr[i]), float(decay[i])


def grid_points(budget: int) -> list[tuple[float, float]]:
    """Internal (x, y) of every point of the grid a budget buys, for drawing."""
    values = samplers.grid_values(budget)
    points = []
    for lr in values["lr"]:
        for decay in values["decay"]:
            x, y = objectives.to_internal(lr, decay)
            points.append((float(x), float(y)))
    return points


def square_budgets(settings: Settings) -> list[int]:
    """k x k budgets (k >= 2) up to twice the configured budget (at least 16), within MAX_BUDGET."""
    top = min(max(2 * settings.budget, 16), samplers.MAX_BUDGET)
    return [k * k for k in range(2, math.isqrt(top) + 1)]


def grid_scan(settings: Settings) -> dict[int, tuple[float, bool]]:
    """Per k x k budget (and the configured one): the grid's best loss and whether it is in the deep well."""
    function = settings.objective_function
    out = {}
    for budget in sorted(set(square_budgets(settings)) | {settings.budget}):
        best = grid_best(function, budget)[0]
        out[budget] = (best, best < function.deep_threshold)
    return out


def _nearest(budgets, target: int) -> int | None:
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
    s = settings.sweep(budget=budget).stats
    _, lr, decay = grid_best(settings.objective_function, budget)
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


REFERENCES = (
    ("Bergstra, Bardenet, Bengio & K\u00e9gl (2011)", "Algorithms for Hyper-Parameter Optimization. NeurIPS."),
    ("Bergstra & Bengio (2012)", "Random Search for Hyper-Parameter Optimization. JMLR 13."),
    (
        "Akiba, Sano, Yanase, Ohta & Koyama (2019)",
        "Optuna: A Next-generation Hyperparameter Optimization Framework. KDD.",
    ),
    (
        "Watanabe (2023)",
        "Tree-Structured Parzen Estimator: Understanding Its Algorithm Components and Their "
        "Roles for Better Empirical Performance. arXiv:2304.11127.",
    ),
)
"""(authors and year, title and venue) of the works the verdict cites."""


SWEEP_BUDGET = 100  # the budget axis of the verdict's chart runs 1 .. this
GRID_SIDES = range(2, 11)  # square grids k x k for k = 2 .. 10: 4 .. 100 runs


@dataclass(frozen=True)
class BudgetCurves:
    """The share of seeds in the deep well after b runs, for every budget b = 1 .. SWEEP_BUDGET.

    Random search, QMC and TPE do not know their budget: a study stopped after b trials ran the
    same b trials as the first b of a longer one (tests/test_findings.py checks it against
    Optuna), so one sweep at SWEEP_BUDGET gives every smaller budget. A grid is laid out for its
    budget, and its points do not change with the seed: it is run once per square budget.
    """

    n_seeds: int
    n_startup_trials: int
    shares: dict[str, np.ndarray]  # sampler -> (SWEEP_BUDGET,) share after b = 1 .. SWEEP_BUDGET runs
    intervals: dict[str, np.ndarray]  # sampler -> (2, SWEEP_BUDGET) 95 % Wilson interval
    grid: dict[int, bool]  # square budget -> one of the grid's points is in the deep well


def budget_curves(settings: Settings, progress: bool = False) -> BudgetCurves:
    threshold = settings.objective_function.deep_threshold
    names = [s for s in settings.samplers if s != "grid"]
    spec = settings.spec.replace(seed=0, budget=SWEEP_BUDGET)
    sweep = samplers.sweep(spec, names, settings.n_seeds, progress=progress)
    shares, intervals = {}, {}
    for name in names:
        counts = np.count_nonzero(sweep.stats[name].curves < threshold, axis=0)
        shares[name], intervals[name] = shares_reached(counts, settings.n_seeds)
    grid = {}
    if "grid" in settings.samplers:
        for side in GRID_SIDES:
            run = samplers.featured_run(spec.replace(budget=side * side), "grid", progress=progress)
            grid[side * side] = bool(run.best_trial.value < threshold)
    return BudgetCurves(settings.n_seeds, settings.n_startup_trials, shares, intervals, grid)


# --- more hyperparameters ------------------------------------------------------------

DIMS = (2, 3, 4, 6, 8)  # hyperparameters searched: lr, decay and d - 2 the loss ignores
DIMS_BUDGET = 64


@dataclass(frozen=True)
class DimensionCase:
    """Each sampler at DIMS_BUDGET runs, searching d hyperparameters of which the loss reads two."""

    budget: int
    dims: tuple[int, ...]
    n_seeds: int
    shares: dict[str, np.ndarray]  # sampler -> (len(dims),) share of seeds whose final best is in the deep well
    intervals: dict[str, np.ndarray]  # sampler -> (2, len(dims)) 95 % Wilson interval
    per_axis: tuple[int, ...]  # the full grid's values on each axis, per d
    grid_points: tuple[tuple[tuple[float, float], ...], ...]  # per d, the grid's distinct (x, y) in lr x decay


def dimension_case(settings: Settings, progress: bool = False) -> DimensionCase:
    threshold = settings.objective_function.deep_threshold
    counts: dict[str, list[int]] = {s: [] for s in settings.samplers}
    points = []
    for d in DIMS:
        spec = settings.spec.replace(seed=0, budget=DIMS_BUDGET, dims=d)
        sweep = samplers.sweep(spec, settings.samplers, settings.n_seeds, progress=progress)
        for name in settings.samplers:
            counts[name].append(int(np.count_nonzero(sweep.stats[name].final < threshold)))
        grid = samplers.featured_run(spec.replace(seed=settings.featured_seed), "grid", progress=progress)
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
    main: dict[str, SeedSummary]  # at the configured budget


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
        startup_case(settings),
        grid_case(settings),
        main,
    )


# --- beat 4: when only one hyperparameter matters -------------------------------------

ONE_AXIS_OBJECTIVE = "lr_valley"
"""Low effective dimension (Bergstra & Bengio 2012): the loss depends on lr almost alone."""


@dataclass(frozen=True)
class OneAxisCase:
    objective: str
    grid: samplers.Run
    random: samplers.Run
    n_seeds: int
    random_beats_grid: float  # share of seeds
    decay_share: float  # the most decay moves the loss at any one lr, as a share of the loss's range


def decay_share(objective: objectives.Objective, samples: int = 401) -> float:
    """The largest spread of the loss over decay at one learning rate, over the loss's whole range."""
    axis = np.linspace(*objectives.BOX, samples)
    loss = objective(axis[:, None], axis[None, :])  # rows: lr, columns: decay
    low, high = objective.value_range
    return float((loss.max(axis=1) - loss.min(axis=1)).max() / (high - low))


def one_axis_case(settings: Settings, progress: bool = False) -> OneAxisCase:
    """Grid against random search at the configured budget and seed on the one-axis objective."""
    spec = samplers.StudySpec(ONE_AXIS_OBJECTIVE, settings.budget, settings.featured_seed)
    runs = {s: samplers.featured_run(spec, s) for s in ("grid", "random")}
    sweep = samplers.sweep(spec.replace(seed=0), ("grid", "random"), settings.n_seeds, progress=progress)
    return OneAxisCase(
        ONE_AXIS_OBJECTIVE,
        runs["grid"],
        runs["random"],
        settings.n_seeds,
        sweep.share_beating("random", "grid"),
        decay_share(objectives.OBJECTIVES[ONE_AXIS_OBJECTIVE]),
    )


# --- the render driver's warm-up ----------------------------------------------------


def precompute(settings: Settings, progress: bool = False) -> None:
    """Warm every cache the beats read: featured runs, all sweeps, the one-axis case, TPE's internals."""
    from hpsearch.tpe import moments

    settings.featured_runs(progress)
    budgets = [settings.budget, startup_budget(settings), *grid_case_budgets(settings)]
    for budget in dict.fromkeys(b for b in budgets if b is not None):
        settings.sweep(budget=budget, progress=progress)
    one_axis_case(settings, progress=progress)
    budget_curves(settings, progress=progress)
    dimension_case(settings, progress=progress)
    moments.inside_tpe(settings.spec)


def main() -> int:
    from hpsearch import settings

    cfg = settings.load()
    precompute(cfg, progress=True)
    v = verdict(cfg)
    print(many_seeds(cfg).ranked())
    print(v.startup)
    print(v.grid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
