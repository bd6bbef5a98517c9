"""What the beats say is true in every legal configuration: each wording branch with hand-written
expected sentences, and over a matrix of budgets and objectives, the grid sentence checked against
the grid and the well computed here (numpy on the objective, not the project's grid code)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

import objective
from hpsearch import story


def test_the_question_is_asked_only_as_the_statistics_bear_it_out():
    assert story.question_lines(36, 100, 85, 0) == (
        "Same 36 runs: why does TPE find the deep well while the grid walks past it?",
        "And when doesn't it?",
    )
    neutral = ("Same 36 runs: which sampler finds the deep well, and why?", "And when does the grid do as well?")
    assert story.question_lines(36, 100, 2, 0) == neutral  # TPE in 2 of 100 seeds: it does not "find" it
    assert story.question_lines(36, 100, 85, 100) == neutral  # the grid is in the well too
    assert story.question_lines(1, 1, 0, 0)[0] == "Same 1 run: which sampler finds the deep well, and why?"


def test_the_grid_sentence_says_where_the_well_is():
    lines = [-5.0, -3.0, -1.0, 1.0, 3.0, 5.0]
    miss = dict(best_value=-0.954, threshold=-1.722, floor=-2.222, line_xs=lines, line_ys=lines)
    assert story.grid_and_well(well_xy=(0.0, 3.0), **miss) == (
        "Its best point scores \u22120.954; the deep well, \u22122.222, sits on one of its decay lines, "
        "between two learning-rate lines."
    )
    assert story.grid_and_well(well_xy=(3.0, 0.0), **miss).endswith(
        "sits on one of its learning-rate lines, between two decay lines."
    )
    assert story.grid_and_well(well_xy=(0.0, 0.0), **miss).endswith("\u22122.222, lies between its lines.")
    assert story.grid_and_well(well_xy=(3.1, 2.9), **miss).endswith("lies by one of its points, but too narrow for it.")
    hit = dict(miss, best_value=-2.095)
    assert story.grid_and_well(well_xy=(0.0, 3.0), **hit) == (
        "Its best point scores \u22122.095: a point of the grid is in the deep well, whose floor is \u22122.222."
    )


def test_the_one_axis_sentences_count_right():
    assert (
        story.grid_spend(6, 6, False)
        == "The grid spends 6 runs on each of its 6 learning rates, and misses the valley."
    )
    assert (
        story.grid_spend(2, 1, False) == "The grid spends 1 run on each of its 2 learning rates, and misses the valley."
    )
    assert story.grid_spend(1, 1, True) == "The grid spends 1 run on its one learning rate, and finds the valley."
    assert story.seeds_won(100, 0.63, "random search", "the grid") == (
        "Over 100 seeds, random search beats the grid in 63% of them."
    )
    assert story.seeds_won(1, 1.0, "random search", "the grid") == "On its one seed, random search beats the grid."
    assert story.seeds_won(1, 0.0, "random search", "the grid") == (
        "On its one seed, random search does not beat the grid."
    )


def test_tpe_sentences_fit_its_start_up_and_its_share():
    assert story.startup(36, 10) == (
        "TPE's first 10 runs are random start-up trials. Then it samples near the best trials so far."
    )
    assert story.startup(10, 10) == "All 10 runs of TPE are random start-up trials: it never uses its model."
    assert story.startup(1, 1) == "TPE's one run is a random start-up trial: it never uses its model."
    assert story.startup(36, 0) == "TPE models from its first run: it has no random start-up trials here."
    assert story.wells(1) == "One well." and story.wells(3) == "3 wells."


BUDGETS = [1, 2, 4, 9, 10, 11, 16, 25, 30, 36, 49, 100, 400]


@pytest.mark.parametrize("name", list(objective.OBJECTIVES))
@pytest.mark.parametrize("budget", BUDGETS)
def test_the_grid_sentence_is_true_over_the_matrix(name, budget):
    function = objective.OBJECTIVES[name]
    # The grid a budget buys, written out here: k = floor(sqrt(N)) decays, N // k learning rates, ends included.
    n_decay = math.isqrt(budget)
    n_lr = budget // n_decay
    xs = np.linspace(-5, 5, n_lr) if n_lr > 1 else np.array([-5.0])
    ys = np.linspace(-5, 5, n_decay) if n_decay > 1 else np.array([-5.0])
    best = float(function(*np.meshgrid(xs, ys)).min())
    well = function.global_minimum
    sentence = story.grid_and_well(
        best, function.deep_threshold, well.value, (well.x, well.y), xs.tolist(), ys.tolist()
    )
    if best < function.deep_threshold:
        assert "is in the deep well" in sentence
        return
    assert "deep well" in sentence and "is in the deep well" not in sentence
    near_x = np.min(np.abs(xs - well.x)) < 0.25
    near_y = np.min(np.abs(ys - well.y)) < 0.25
    if "between its lines" in sentence:
        assert not near_x and not near_y
    if "on one of its decay lines" in sentence:
        assert near_y and not near_x and len(ys) >= 1
    if "on one of its learning-rate lines" in sentence:
        assert near_x and not near_y


def race(reached: dict[str, bool], best: dict[str, float], grid_trials: int = 36, budget: int = 36):
    """The facts the race sentences read, written out by hand."""
    summaries = {
        name: SimpleNamespace(reached=reached[name], best_value=best[name], n_trials=budget, budget=budget)
        for name in reached
    }
    summaries.setdefault("grid", SimpleNamespace(reached=False, best_value=0.0, n_trials=grid_trials, budget=budget))
    summaries["grid"].n_trials = grid_trials
    return SimpleNamespace(summaries=summaries, budget=budget, threshold=-1.7222, seed=0, grid_shape=(6, 6))


def test_the_race_names_who_reached_the_deep_well():
    best = {"grid": -0.954, "random": -1.936, "tpe": -2.208}
    data = race({"grid": False, "random": True, "tpe": True}, best)
    assert story.race_outcome(data, ["grid", "random", "tpe"]) == (
        "Best loss after 36 runs: the grid \u22120.954, random search \u22121.936, TPE \u22122.208.",
        "Random search and TPE reached the deep well; the grid did not.",
    )
    everyone = race(dict.fromkeys(best, True), best)
    assert story.race_outcome(everyone, ["grid", "random", "tpe"])[1].startswith("All reached the deep well")
    assert story.race_outcome(everyone, ["random", "tpe"])[1].startswith("Both reached the deep well")
    nobody = race(dict.fromkeys(best, False), best, budget=1)
    assert story.race_outcome(nobody, ["grid", "random", "tpe"])[0].startswith("Best loss after 1 run: ")
    assert story.race_outcome(nobody, ["grid", "random", "tpe"])[1].startswith("None reached the deep well")
    assert story.race_outcome(nobody, ["tpe"])[1] == "TPE did not reach the deep well."


def test_the_race_counts_the_grid_with_plurals():
    data = race({"grid": False}, {"grid": -0.954}, grid_trials=2, budget=3)
    data.grid_shape = (2, 1)
    assert story.race_grid(data) == (
        "The grid tries only 2 learning rates and 1 decay; none of its points is in the deep well. "
        "It uses 2 of the 3 runs."
    )
    assert story.grid_title(2, 1, 2, 3) == "2 × 1 = 2 runs, in GridSampler's order; 1 of the budget unspent"
    assert story.grid_title(1, 1, 1, 1) == "1 × 1 = 1 run, in GridSampler's order"
    assert story.grid_rule(1, 1) == "Grid search fixes 1 learning rate and 1 decay in advance, and tries every pair."
    assert story.never_guided(1, 10) == (
        "Its one trial was a random start-up trial (10 start-up trials asked for): TPE never used its model."
    )
    assert story.never_guided(10, 10).startswith("All 10 trials were random (10 start-up trials asked for)")


def test_inside_tpe_sentences_fit_the_step():
    assert story.inside_split(11, 10, 1) == "Trial 11: of the 10 so far, the best is the better group."
    assert story.inside_split(31, 30, 3) == "Trial 31: of the 30 so far, the 3 best are the better group."
    assert story.inside_pick("explore", 0.52, 0.9993, False) == "It explores: 52% of l there is its prior. Loss +0.999."
    assert story.inside_pick("exploit", 0.12, -2.208, True) == (
        "It exploits: 88% of l there comes from a better trial. Loss \u22122.208: the deep well."
    )
    assert story.inside_fast(12, 12) == "Trial 12: split again, new map."
    assert story.inside_fast(12, 20) == "Trials 12 to 20: after each, split again, new map."
    assert story.inside_fast(22, 30, again=True) == "Trials 22 to 30, the same way."
    assert story.inside_fast(32, 32, again=True) == "Trial 32, the same way."
    assert story.inside_outcome(None, 10, 36) == "In 36 trials, this run never reaches the deep well."
    assert story.inside_outcome(4, 10, 36) == (
        "A random start-up trial, trial 5, reached the deep well before the model did."
    )
    assert story.inside_outcome(30, 10, 36) == "Trial 31 was the model's: the first of this run in the deep well."
    assert story.pick_label("explore") != story.pick_label("exploit")


def test_the_grid_lottery_sentence():
    assert story.grid_lottery({9: (0.5, False), 25: (-1.8, True), 36: (-0.95, False)}) == (
        "Only the grid of 25 runs lands in the deep well; 9 and 36 miss it. Where the lines fall decides."
    )
    assert story.grid_lottery({25: (-1.8, True), 49: (-2.0, True)}) == "All of these grids land in the deep well here."
    assert story.grid_lottery({16: (0.1, False)}).startswith("None of these grids lands in the deep well")


def test_the_dimensions_sentences_follow_the_shares():
    dims = (2, 3, 4)
    ahead = story.dimensions_outcome(dims, [0.4, 0.5, 0.45], [0.9, 0.7, 0.6])
    assert ahead.endswith("TPE stays ahead throughout: by 50 points with 2, by 15 with 4.")
    behind = story.dimensions_outcome(dims, [0.4, 0.5, 0.6], [0.9, 0.5, 0.55])
    assert behind.endswith("TPE is not ahead with 3 and 4 hyperparameters.")
    assert "from 2 to 4 hyperparameters: random search 40%, 50% and 60%; TPE 90%, 50% and 55%." in behind
    grid = story.dimensions_grid(64, dims, (8, 4, 2), (0.0, 1.0, 0.0))
    assert grid == (
        "A full grid of at most 64 runs gets 8, 4 and 2 values per axis; from 4 hyperparameters on, "
        "every point sits on a corner of the box; it lands in the deep well with 3 hyperparameters."
    )
    assert story.dimensions_grid(64, (2, 3), (8, 4), (0.0, 0.0)).endswith("per axis, and none lands in the deep well.")


def test_the_takeaway_lines_follow_tpes_start_up():
    from types import SimpleNamespace

    def data(budget, n_startup):
        main = {
            name: SimpleNamespace(n_reached=k, n_seeds=100)
            for name, k in (("grid", 0), ("random", 25), ("tpe", 85), ("qmc", 30))
        }
        return SimpleNamespace(main=main, main_grid_shape=(6, 6), budget=budget, n_startup_trials=n_startup)

    lines = story.takeaway_lines(data(36, 10))
    assert lines == {
        "grid": "0 of 100: the same 6 × 6 points every seed",
        "random": "25 of 100: never learns",
        "tpe": "85 of 100: learns as it goes",
        "qmc": "30 of 100: never learns",
    }
    assert story.takeaway_lines(data(10, 10))["tpe"].endswith("never leaves its start-up")
    assert story.takeaway_lines(data(36, 0))["tpe"].endswith("learns from its first run")
