"""Every sentence that compares, counts or generalises, over a matrix of legal configurations,
checked against trial data computed here: Optuna's own samplers run directly on the objectives
as tests/references.py transcribes them, and grids laid out with numpy, not the project's code.

The sentences come from the project's pipeline (findings -> story), as the beats show them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import warnings

import numpy as np
import optuna
import pytest

import objective
from hpsearch import cases, findings, settings, story, trials
from hpsearch.formatting import format_loss, in_text
from tests.references import REFERENCES, my_map, reference_objective

optuna.logging.set_verbosity(optuna.logging.WARNING)

BUDGETS = [1, 2, 4, 9, 10, 11, 16, 25, 30, 36, 49, 100, 400]
SEED_BUDGETS = [1, 4, 10, 11, 36]  # over many seeds: start-up edges, a non-square and the default
N_STARTUP = 10  # the default; a budget at or below it never leaves the start-up trials


@pytest.fixture(scope="module", autouse=True)
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path_factory.mktemp("trials")))
        yield


def configured(name: str, budget: int, seed: int = 0, n_seeds: int = 1, qmc: bool = False) -> settings.Settings:
    names = ("grid", "random", "tpe", "qmc") if qmc else ("grid", "random", "tpe")
    return dataclasses.replace(
        settings.defaults(), objective=name, budget=budget, featured_seed=seed, n_seeds=n_seeds, samplers=names
    )


# --- trial data computed here -------------------------------------------------------------


def my_grid(budget: int) -> dict[str, list[float]]:
    """k = floor(sqrt(N)) decays and N // k learning rates (log-spaced), ends included."""
    n_decay = math.isqrt(budget)
    n_lr = budget // n_decay
    return {"lr": np.logspace(-6, -4, n_lr).tolist(), "decay": np.linspace(0.6, 1.0, n_decay).tolist()}


@functools.cache
def my_run(name: str, sampler: str, budget: int, seed: int) -> tuple[tuple[float, float, float], ...]:
    """(lr, decay, loss) of every trial: an Optuna study run here, or for the grid, which visits every
    point whatever its seed (only the order changes), the points themselves (GridSampler is quadratic)."""
    if sampler == "grid":
        lr, decay = (a.ravel() for a in np.meshgrid(*my_grid(budget).values()))
        loss = REFERENCES[name](*my_map(lr, decay))
        return tuple(zip(lr.tolist(), decay.tolist(), loss.tolist(), strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        made = {
            "random": lambda: optuna.samplers.RandomSampler(seed=seed),
            "tpe": lambda: optuna.samplers.TPESampler(seed=seed, n_startup_trials=N_STARTUP),
            "qmc": lambda: optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed),
        }[sampler]()
    study = optuna.create_study(direction="minimize", sampler=made)
    study.optimize(reference_objective(name), n_trials=budget)
    return tuple((t.params["lr"], t.params["decay"], float(t.value)) for t in study.trials)


def my_best(name: str, sampler: str, budget: int, seed: int) -> float:
    return min(loss for _, _, loss in my_run(name, sampler, budget, seed))


def my_finals(name: str, sampler: str, budget: int, n_seeds: int) -> np.ndarray:
    return np.array([my_best(name, sampler, budget, seed) for seed in range(n_seeds)])


def my_grid_in_well(name: str, budget: int) -> bool:
    return my_best(name, "grid", budget, 0) < objective.OBJECTIVES[name].deep_threshold


def counted(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def split_reached(sentence: str) -> tuple[str, str]:
    """'A and B reached the deep well (...); C did not.' -> ('A and B', 'C did not.')"""
    head, tail = re.split(r" (?:reached|did not reach) the deep well", sentence)
    return head.lower(), tail.lower()


# --- the deep well means the same on every landscape ---------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_the_deep_well_is_a_small_share_of_the_space(name):
    """Its share, by Monte Carlo on the transcribed function, is what the screen says and at most 2 %."""
    function = objective.OBJECTIVES[name]
    rng = np.random.default_rng(20261130)
    x, y = rng.uniform(-5, 5, size=(2, 2_000_000))
    share = float(np.mean(REFERENCES[name](x, y) < function.deep_threshold))
    assert share == pytest.approx(function.deep_share, abs=0.0005)
    assert share <= 0.02 + 0.0005
    assert story.deep_well_share(function.deep_share) == f"best {share:.1%}\nof the space"


def test_on_wells_the_deep_well_is_the_basin_no_other_well_reaches():
    """Halfway between the published floors of the two deepest wells (1 - 14.5/4.5 and 1 - 10/4.5)."""
    assert objective.WELLS.deep_threshold == pytest.approx(((1 - 14.5 / 4.5) + (1 - 10 / 4.5)) / 2, abs=1e-6)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_random_search_reaches_the_deep_well_as_often_as_its_size_says(name):
    """At 36 runs, random search's share of 100 seeds against the closed form 1 - (1 - p)^36: no
    landscape hands every sampler the well (Branin's old threshold did, in 100 of 100 seeds)."""
    p = objective.OBJECTIVES[name].deep_share
    expected = 1 - (1 - p) ** 36
    reached = int(np.sum(my_finals(name, "random", 36, 100) < objective.OBJECTIVES[name].deep_threshold))
    spread = 3.3 * math.sqrt(100 * expected * (1 - expected))  # beyond this: 1 in 1000
    assert abs(reached - 100 * expected) <= spread
    assert reached < 100


# --- one featured seed: the grid, the start-up trials and the race -------------------------

# Seed 7 races a fourth sampler (QMC); 400 runs only on seed 0 (Optuna's grid alone takes 7 s there).
FEATURED = [
    (name, budget, seed)
    for name in sorted(REFERENCES)
    for budget in BUDGETS
    for seed in (0, 7)
    if budget < 400 or seed == 0
]


@pytest.mark.parametrize("name, budget, seed", FEATURED)
def test_race_sentences_are_true(name, budget, seed):
    qmc = seed == 7  # half the matrix races a fourth sampler
    config = configured(name, budget, seed, qmc=qmc)
    data = findings.race(config)
    names = list(config.samplers)
    threshold = objective.OBJECTIVES[name].deep_threshold

    first, second = story.race_outcome(data, names)
    for sampler in names:
        assert f"{in_text(sampler)} {format_loss(my_best(name, sampler, budget, seed))}" in first
    head, tail = split_reached(second)
    reached = [s for s in names if my_best(name, s, budget, seed) < threshold]
    missed = [s for s in names if s not in reached]
    if reached and missed:
        assert all(in_text(s).lower() in head for s in reached) and all(in_text(s).lower() in tail for s in missed)
        assert not any(in_text(s).lower() in head for s in missed)
    else:
        assert head == ("all" if reached else "none")
    told = story.race_one_seed(data)
    assert told.endswith(f"One seed ({seed}) is one draw.")
    # Random search against TPE, trial by trial, from the studies run here (1-based trial numbers)
    rnd = np.minimum.accumulate([loss for _, _, loss in my_run(name, "random", budget, seed)])
    tpe = np.minimum.accumulate([loss for _, _, loss in my_run(name, "tpe", budget, seed)])
    r_hit, t_hit = (np.flatnonzero(c < threshold) for c in (rnd, tpe))
    if r_hit.size:
        assert f"random search reaches the deep well at trial {r_hit[0] + 1}" in told
    if t_hit.size:
        assert f"TPE reaches the deep well at trial {t_hit[0] + 1}" in told or f"TPE at trial {t_hit[0] + 1}" in told
    assert ("TPE never does" in told) == (r_hit.size > 0 and t_hit.size == 0)
    assert ("random search never does" in told) == (t_hit.size > 0 and r_hit.size == 0)
    assert ("neither" in told) == (r_hit.size == 0 and t_hit.size == 0)
    ahead = np.flatnonzero(rnd < tpe)
    if not ahead.size:
        assert "Random search is never ahead of TPE." in told
    elif ahead[-1] == budget - 1:
        assert "Random search stays ahead of TPE to the end." in told
    else:
        assert f"Random search is ahead of TPE until trial {ahead[-1] + 2}." in told
        assert (tpe[ahead[-1] + 1 :] <= rnd[ahead[-1] + 1 :]).all()

    grid = my_run(name, "grid", budget, seed)
    n_lr, n_decay = len({lr for lr, _, _ in grid}), len({d for _, d, _ in grid})
    sentence = story.race_grid(data)
    assert f"{counted(n_lr, 'learning rate')} and {counted(n_decay, 'decay')}" in sentence
    assert ("; one of its points is in the deep well" in sentence) == my_grid_in_well(name, budget)
    assert ("none of its points" in sentence) != my_grid_in_well(name, budget)
    assert (f"It uses {len(grid)} of the {budget} runs." in sentence) == (len(grid) < budget)

    title = story.grid_title(n_lr, n_decay, len(grid), budget)
    assert title.startswith(f"{n_lr} × {n_decay} = {len(grid)} run")
    assert ("unspent" in title) == (len(grid) < budget)
    if len(grid) < budget:
        assert f"; {budget - len(grid)} of the budget unspent" in title


@pytest.mark.parametrize("budget", BUDGETS)
def test_the_start_up_sentence_matches_what_optuna_does(budget):
    """'never uses its model' exactly when TPE's run is random search's run with the same seed."""
    sentence = story.startup(budget, N_STARTUP)
    same = my_run("wells", "tpe", budget, 0) == my_run("wells", "random", budget, 0)
    assert ("never uses its model" in sentence) == same
    assert ("Then it samples near the best trials so far" in sentence) == (not same)


# --- many seeds: the question, the statistics and the verdict ------------------------------

SEEDED = [(name, budget, n) for name in sorted(REFERENCES) for budget in SEED_BUDGETS for n in (1, 100)]


@pytest.mark.parametrize("name, budget, n_seeds", SEEDED)
def test_sentences_over_seeds_are_true(name, budget, n_seeds):
    config = configured(name, budget, n_seeds=n_seeds)
    threshold = objective.OBJECTIVES[name].deep_threshold
    finals = {s: my_finals(name, s, budget, n_seeds) for s in config.samplers}
    reached = {s: int(np.sum(f < threshold)) for s, f in finals.items()}

    question = findings.question(config)
    first, _ = story.question_lines(budget, n_seeds, question.n_reached["tpe"], question.n_reached["grid"])
    premise = "why does TPE find the deep well while the grid walks past it?" in first
    assert premise == (2 * reached["tpe"] > n_seeds and reached["grid"] == 0)

    data = findings.many_seeds(config)
    said = story.many_seeds_reached(data)
    counts = {s: int(m) for s, m in re.findall(r"(the grid|random search|TPE) in (\d+)", said, re.IGNORECASE)}
    counts = {k.lower(): v for k, v in counts.items()}
    head = re.match(r"(.+?) reached the deep well in (\d+) of", said)
    assert head is not None
    counts[head.group(1).lower()] = int(head.group(2))
    assert counts == {in_text(s).lower(): reached[s] for s in config.samplers}
    assert int(head.group(2)) == max(reached.values())
    assert f"of {n_seeds} seed{'' if n_seeds == 1 else 's'}" in said

    grid_said = story.many_seeds_grid(data)
    assert format_loss(float(np.median(finals["grid"]))) in grid_said
    assert ("in every seed" in grid_said) == (n_seeds > 1 and bool(np.all(finals["grid"] == finals["grid"][0])))
    if n_seeds > 1:  # the interval on the count of the sampler that reached most often, of those that vary
        from scipy.stats import binomtest

        varying = [s for s in config.samplers if not np.all(finals[s] == finals[s][0])]
        if varying:
            first = max(varying, key=lambda s: (reached[s], -float(np.median(finals[s]))))
            ci = binomtest(reached[first], n_seeds).proportion_ci(method="wilson")
            said = story.many_seeds_intervals(data)
            assert f"for {in_text(first)} the true share is likely between {ci.low:.0%} and {ci.high:.0%}" in said
    medians = story.many_seeds_medians(data, list(config.samplers))
    for s in config.samplers:
        assert f"{in_text(s)} {format_loss(float(np.median(finals[s])))}" in medians


@pytest.mark.parametrize("name, n_seeds", [(n, k) for n in sorted(REFERENCES) for k in (1, 100)])
def test_verdict_sentences_are_true(name, n_seeds):
    config = configured(name, 36, n_seeds=n_seeds)
    data = findings.verdict(config)
    threshold = objective.OBJECTIVES[name].deep_threshold

    lines = story.takeaway_lines(data)
    for sampler in config.samplers:
        count = int(np.sum(my_finals(name, sampler, 36, n_seeds) < threshold))
        assert lines[sampler].startswith(f"{count} of {n_seeds}: ")
    assert lines["grid"].endswith("the same 6 × 6 points every seed")
    assert lines["tpe"].endswith("learns as it goes")  # 36 runs: past its 10 start-up trials

    startup = story.verdict_startup(data)
    rnd, tpe = my_finals(name, "random", N_STARTUP, n_seeds), my_finals(name, "tpe", N_STARTUP, n_seeds)
    assert f"same best as random search in {int(np.sum(rnd == tpe))} of {n_seeds} seed" in startup

    first, second = story.verdict_grid(data)
    hit = data.grid.hit
    if hit is None:
        largest = int(re.search(r"up to (\d+) runs", first).group(1))
        assert all(not my_grid_in_well(name, k * k) for k in range(1, math.isqrt(largest) + 1))
        assert not my_grid_in_well(name, 36)
        return
    assert my_grid_in_well(name, hit.budget)
    grid = my_finals(name, "grid", hit.budget, n_seeds)
    tpe_hit = my_finals(name, "tpe", hit.budget, n_seeds)
    assert f"best {format_loss(float(np.median(grid)))}" in first
    assert f"reaches the deep well in {int(np.sum(tpe_hit < threshold))} of {n_seeds} seed" in second
    assert second.endswith(f"at least as good as TPE in {int(np.sum(grid <= tpe_hit))}.")
    if data.grid.miss is not None:
        assert not my_grid_in_well(name, data.grid.miss.budget)


@pytest.mark.parametrize("budget, n_seeds", [(b, k) for b in (1, 2, 10, 36) for k in (1, 100)])
def test_the_one_axis_sentences_are_true(budget, n_seeds):
    config = configured("wells", budget, n_seeds=n_seeds)
    case = cases.one_axis_case(config)
    rnd = my_finals("lr_valley", "random", budget, n_seeds)
    grid = my_finals("lr_valley", "grid", budget, n_seeds)
    share = float(np.mean(rnd < grid))
    said = story.seeds_won(n_seeds, case.random_beats_grid, "random search", "the grid")
    if n_seeds == 1:
        assert ("does not beat" in said) == (share == 0)
    else:
        assert f"in {round(100 * share)}% of them" in said

    run = my_run("lr_valley", "grid", budget, 0)
    n_lr = len({lr for lr, _, _ in run})
    in_valley = min(loss for _, _, loss in run) < objective.LR_VALLEY.deep_threshold
    spend = story.grid_spend(case.grid.distinct_lr, len(case.grid.trials) // case.grid.distinct_lr, in_valley)
    runs_each = len(run) // n_lr
    assert spend.startswith(f"The grid spends {runs_each} run{'' if runs_each == 1 else 's'} on ")
    assert ("one learning rate" in spend) == (n_lr == 1) and (f"its {n_lr} learning rates" in spend) == (n_lr > 1)
    assert spend.endswith("finds the valley.") == in_valley


@pytest.mark.parametrize("budget, seed", [(b, s) for b in (1, 4, 10, 36) for s in (0, 7)])
def test_tpe_start_up_is_random_search_point_for_point_only_when_it_is(budget, seed):
    """The TPE beat says its hollow start-up trials are random search's first ones when, run here with
    Optuna directly, they are (Optuna 5: both draw from the same seeded generator until the model starts)."""
    config = configured("wells", budget, seed)
    n = min(N_STARTUP, budget)
    mine = [(lr, d) for lr, d, _ in my_run("wells", "tpe", budget, seed)[:n]]
    assert mine == [(lr, d) for lr, d, _ in my_run("wells", "random", budget, seed)[:n]]
    shown = [(t.lr, t.decay) for t in trials.featured_run(config.spec, "tpe").trials[:n]]
    same = shown == [(t.lr, t.decay) for t in trials.featured_run(config.spec, "random").trials[:n]]
    assert shown == mine and same
    assert "point for point" in story.startup_like_random(n, same)
    assert "point for point" not in story.startup_like_random(n, False)


@pytest.mark.parametrize("name", sorted(REFERENCES))
@pytest.mark.parametrize("budget", [4, 36, 100, 400])
def test_the_grid_lottery_names_the_grids_that_land(name, budget):
    """The grid beat's sizes and its sentence against grids laid out here with numpy."""
    scan = cases.grid_scan(configured(name, budget))
    sizes = [b for b in scan if math.isqrt(b) ** 2 == b]
    assert all(scan[b][1] == my_grid_in_well(name, b) for b in sizes)
    said = story.grid_lottery({b: scan[b] for b in sizes})
    hits = [b for b in sizes if my_grid_in_well(name, b)]
    if not hits:
        assert said.startswith("None of these grids")
    elif len(hits) == len(sizes):
        assert said.startswith("All of these grids")
    else:
        landed, missed = said.split(" the deep well; ")
        assert sorted(int(n) for n in re.findall(r"\d+", landed)) == hits
        assert sorted(int(n) for n in re.findall(r"\d+", missed)) == [b for b in sizes if b not in hits]


# --- the verdict's chart over budgets ----------------------------------------------------


@pytest.mark.parametrize("sampler", ["random", "tpe"])
def test_a_studys_first_trials_do_not_depend_on_its_budget(sampler):
    """What lets one sweep at 100 runs stand for every smaller budget: Optuna's samplers do not know
    the budget, so a 20-trial study runs the first 20 trials of a 100-trial one."""
    for seed in (0, 3):
        assert my_run("wells", sampler, 20, seed) == my_run("wells", sampler, 100, seed)[:20]


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_the_budget_chart_counts_what_studies_of_each_budget_reach(name):
    n_seeds = 6
    config = configured(name, 36, n_seeds=n_seeds)
    curves = cases.budget_curves(config)
    threshold = objective.OBJECTIVES[name].deep_threshold
    for sampler in ("random", "tpe"):
        for budget in (4, 11, 30):
            reached = sum(my_best(name, sampler, budget, seed) < threshold for seed in range(n_seeds))
            assert curves.shares[sampler][budget - 1] == pytest.approx(reached / n_seeds)
    for side in range(2, 11):
        assert curves.grid[side * side] == my_grid_in_well(name, side * side)


# --- more hyperparameters -----------------------------------------------------------------


@functools.cache
def my_padded_best(sampler: str, dims: int, seed: int, budget: int = 64) -> float:
    """Best loss of a study on wells searching lr, decay and dims - 2 more hyperparameters in [0, 1]
    that the loss does not read, run here with Optuna."""
    made = {
        "random": optuna.samplers.RandomSampler(seed=seed),
        "tpe": optuna.samplers.TPESampler(seed=seed, n_startup_trials=N_STARTUP),
    }[sampler]

    def evaluate(trial):
        lr = trial.suggest_float("lr", 1e-6, 1e-4, log=True)
        decay = trial.suggest_float("decay", 0.6, 1.0)
        for i in range(3, dims + 1):
            trial.suggest_float(f"h{i}", 0.0, 1.0)
        return float(REFERENCES["wells"](*my_map(lr, decay)))

    study = optuna.create_study(direction="minimize", sampler=made)
    study.optimize(evaluate, n_trials=budget)
    return study.best_value


def test_more_hyperparameters_counts_what_optuna_reaches_and_where_a_full_grid_lands():
    n_seeds = 4
    config = configured("wells", 36, n_seeds=n_seeds)
    case = cases.dimension_case(config)
    threshold = objective.WELLS.deep_threshold
    assert case.dims == (2, 3, 4, 6, 8) and case.budget == 64
    assert case.per_axis == (8, 4, 2, 2, 1)  # floor(64 ** (1 / d)), as the issue works it out
    for i, dims in enumerate(case.dims):
        for sampler in ("random", "tpe"):
            reached = sum(my_padded_best(sampler, dims, seed) < threshold for seed in range(n_seeds))
            assert case.shares[sampler][i] == pytest.approx(reached / n_seeds), (sampler, dims)
        # The grid seen on lr x decay: k x k points, on the box's corners once k is 2 or less
        k = case.per_axis[i]
        points = case.grid_points[i]
        assert len(points) == k * k
        if k <= 2:
            assert all(abs(x) == 5 and abs(y) == 5 for x, y in points)
        in_well = any(REFERENCES["wells"](x, y) < threshold for x, y in points)
        assert case.shares["grid"][i] == float(in_well)

    said = story.dimensions_grid(case.budget, case.dims, case.per_axis, case.shares["grid"])
    assert "8, 4, 2, 2 and 1 values per axis" in said
    assert "from 4 hyperparameters on, every point sits on a corner" in said
    outcome = story.dimensions_outcome(case.dims, case.shares["random"], case.shares["tpe"])
    randoms = [sum(my_padded_best("random", d, s) < threshold for s in range(n_seeds)) / n_seeds for d in case.dims]
    assert f"random search {', '.join(f'{v:.0%}' for v in randoms[:-1])} and {randoms[-1]:.0%};" in outcome
