"""Tests for hpsearch/findings.py and hpsearch/formatting.py: every number the 2-D beats show, and how it is written.

Expected values come from outside the code under test: numpy transcriptions of the
objectives and of the hyperparameter map written here, Optuna studies run
here, loops over trials and seeds written here, and hand-derived constants.
The on-screen formula is checked by evaluating the LaTeX string itself.
Every cache lives in pytest's tmp_path.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import optuna
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import implicit_multiplication_application, parse_expr, standard_transformations

import hpsearch.cache
import objective
import samplers
from hpsearch import cases, findings, formatting, settings, stats, story
from tests.references import REFERENCES, my_map, reference_objective, wells_ref

optuna.logging.set_verbosity(optuna.logging.WARNING)
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")

N_SEEDS = 4  # small sweeps: the logic, not the statistics


# The wells' minima are -2.2222 (0, 3) and -1.2222 (-2, -2): the deep well is below their midpoint.
WELLS_THRESHOLD = ((1 - 14.5 / 4.5) + (1 - 10 / 4.5)) / 2


def my_grid_best(ref, budget):
    """Best loss on the grid a budget buys, in internal units: log-spaced lr is evenly spaced x."""
    k = math.isqrt(budget)
    xs, ys = np.linspace(-5, 5, budget // k), np.linspace(-5, 5, k)
    return float(ref(*np.meshgrid(xs, ys)).min())


def latex_to_sympy(tex: str) -> sp.Expr:
    """Evaluate the subset of LaTeX sympy prints for these formulas, independently of findings.py."""
    tex = tex.replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\left[", "(").replace(r"\right]", ")")
    tex = tex.replace(r"\exp", "exp").replace(r"\cos", "cos").replace(r"\pi", "pi").replace(r"\,", " ")

    def group(s, i):  # s[i] == "{": return (content, index after the closing brace)
        depth = 0
        for j in range(i, len(s)):
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1 : j], j + 1
        raise ValueError(f"unbalanced braces in {s!r}")

    def convert(s):
        out, i = "", 0
        while i < len(s):
            if s.startswith(r"\frac", i):
                num, i = group(s, i + 5)
                den, i = group(s, i)
                out += f"(({convert(num)})/({convert(den)}))"
            elif s[i] == "^":
                power, i = group(s, i + 1)
                out += f"**({convert(power)})"
            elif s[i] == "{":
                inner, i = group(s, i)
                out += f"({convert(inner)})"
            else:
                out += s[i]
                i += 1
        return out

    python = convert(tex)
    assert "\\" not in python, python
    return parse_expr(
        python,
        transformations=standard_transformations + (implicit_multiplication_application,),
        local_dict={n: sp.Symbol(n) for n in "xyuv"},
    )


def small_settings(**changes) -> settings.Settings:
    return dataclasses.replace(settings.defaults(), n_seeds=N_SEEDS, **changes)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path / "trials"))
    return tmp_path / "trials"


# --- formatting --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (1e-6, "10^{-6}"),
        (1e-4, "10^{-4}"),
        (1e-5, "10^{-5}"),
        (1.0304443e-05, r"1.0 \times 10^{-5}"),
        (8.374e-06, r"8.4 \times 10^{-6}"),
        (9.96e-06, r"1.0 \times 10^{-5}"),
        (1.5849e-05, r"1.6 \times 10^{-5}"),
    ],
)
def test_sci_latex(value, text):
    assert formatting.sci_latex(value) == text


@pytest.mark.parametrize("value", [0.0, -1e-5, math.inf, math.nan])
def test_sci_latex_rejects_non_positive(value):
    with pytest.raises(ValueError):
        formatting.sci_latex(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (9.96e-6, (1.0, -5)),
        (3.16e-5, (3.2, -5)),
        (1e-4, (1.0, -4)),
        (8.374e-06, (8.4, -6)),
        (0.5, (5.0, -1)),
    ],
)
def test_scientific(value, expected):
    mantissa, exponent = formatting.scientific(value)
    assert exponent == expected[1] and mantissa == pytest.approx(expected[0], abs=1e-12)


def test_sci_unicode_and_decimals():
    assert formatting.sci_unicode(1e-6) == "10\u207b\u2076"
    assert formatting.sci_unicode(1e-4) == "10\u207b\u2074"
    assert formatting.sci_unicode(1.5e-5) == "1.5e-05"
    assert formatting.decimal_text(0.6) == "0.6" and formatting.decimal_text(1) == "1.0"
    assert formatting.decimal_text(0.75) == "0.75"
    assert formatting.signed(-2.2080012) == "\u22122.21" and formatting.signed(0.5639) == "0.56"
    assert formatting.signed(0.5639, plus=True) == "+0.56" and formatting.signed(-0.001) == "0.00"
    assert (
        "-0123456789".translate(formatting.SUPERSCRIPTS)
        == "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
    )


def test_every_loss_is_written_one_way():
    # Three decimals, always a sign, a true minus (U+2212), rounding half away as Python's format does.
    assert formatting.format_loss(-2.2080012) == "\u22122.208"
    assert formatting.format_loss(0.6) == "+0.600"
    assert formatting.format_loss(-0.95437) == "\u22120.954"
    assert formatting.format_loss(-0.0001) == "0.000"  # what rounds to zero has no sign
    # For MathTex: the same digits with TeX's own minus.
    assert formatting.format_loss_tex(-2.2080012) == "-2.208"
    assert formatting.format_loss_tex(0.6) == "+0.600"
    assert formatting.format_loss_tex(-0.95437) == "-0.954"
    assert formatting.format_loss_tex(0.0004) == "0.000"


@pytest.mark.parametrize(
    "lr, text",
    [
        (3.16e-5, "3.2 \u00d7 10\u207b\u2075"),
        (9.96e-6, "1.0 \u00d7 10\u207b\u2075"),
        (1e-6, "1.0 \u00d7 10\u207b\u2076"),
        (1e-4, "1.0 \u00d7 10\u207b\u2074"),
        (2.04e-6, "2.0 \u00d7 10\u207b\u2076"),
        (7.26e-5, "7.3 \u00d7 10\u207b\u2075"),
    ],
)
def test_format_lr(lr, text):
    assert formatting.format_lr(lr) == text


def test_format_decay_and_point():
    assert formatting.format_decay(0.85) == "0.85" and formatting.format_decay(0.6) == "0.60"
    assert formatting.format_decay(0.8567, places=3) == "0.857"
    assert formatting.format_point(3.16e-5, 0.85) == "lr 3.2 \u00d7 10\u207b\u2075   decay 0.85"


def test_tick_text():
    assert formatting.tick_text(-1.0) == "\u22121"
    assert formatting.tick_text(-1.0, tex=True) == "-1"
    assert formatting.tick_text(0.25) == "0.25" and formatting.tick_text(2.0) == "2"
    assert formatting.tick_text(-0.5) == "\u22120.5" and formatting.tick_text(0.0) == "0"


def test_tick_texts_share_their_decimals():
    assert formatting.tick_texts([0, 0.5, 1]) == ["0.0", "0.5", "1.0"]
    assert formatting.tick_texts([-1, 0, 1, 2]) == ["-1", "0", "1", "2"]
    assert formatting.tick_texts([0.25, 0.5, 0.75]) == ["0.25", "0.50", "0.75"]
    assert formatting.tick_texts([0.125, 0.25]) == ["0.125", "0.250"]
    assert formatting.tick_texts([0.0625, 0.125]) == ["0.062", "0.125"]  # at most 3 decimals


def test_words():
    assert formatting.percent(0.87) == "87%" and formatting.percent(1.0) == "100%" and formatting.percent(0) == "0%"
    assert formatting.percent(0.125) == "12%"  # Python rounds half to even
    assert formatting.plural(1, "trial") == "1 trial"
    assert formatting.plural(3, "trial") == "3 trials" and formatting.plural(0, "seed") == "0 seeds"
    assert formatting.and_list(["grid"]) == "grid"
    assert formatting.and_list(["grid", "random"]) == "grid and random"
    assert formatting.and_list(["grid", "random", "TPE"]) == "grid, random and TPE"
    assert formatting.capitalised("random search") == "Random search"
    assert formatting.capitalised("TPE") == "TPE" and formatting.capitalised("") == ""


# --- beat 1: formula and map -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_formula_on_screen_computes_the_objective(name):
    function = objective.OBJECTIVES[name]
    chunks = formatting.formula_chunks(function)
    assert len(chunks) == len(function.terms)
    assert chunks[0].startswith("f(x, y) = ")
    expr = latex_to_sympy(" ".join(chunks)[len("f(x, y) = ") :])
    for line in filter(None, function.coordinates_latex.split(r",\quad ")):
        var, rhs = line.split(" = ", 1)
        expr = expr.subs(sp.Symbol(var.strip()), latex_to_sympy(rhs))
    f = sp.lambdify((sp.Symbol("x"), sp.Symbol("y")), expr, "numpy")
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-5, 5, (2, 200))
    np.testing.assert_allclose(f(x, y), REFERENCES[name](x, y), rtol=1e-12, atol=1e-12)


def test_formula_has_no_nested_superscript_fractions():
    # The point of printing exp(...) inline: nothing sits two levels up.
    for chunk in formatting.formula_chunks(objective.WELLS):
        assert "e^{" not in chunk


def test_hyperparameter_map_matches_an_independent_map():
    lr_map = formatting.hyperparameter_map(objective.LEARNING_RATE, "x")
    decay_map = formatting.hyperparameter_map(objective.LAYER_DECAY, "y")
    # x = -5 + 10 (log10 lr + 6) / 2 = 5 log10 lr + 25;  y = -5 + 10 (decay - 0.6) / 0.4 = 25 decay - 20
    assert (lr_map.slope, lr_map.offset) == pytest.approx((5.0, 25.0))
    assert (decay_map.slope, decay_map.offset) == pytest.approx((25.0, -20.0))
    assert lr_map.latex == r"x = 5\,\log_{10} \eta + 25"
    assert decay_map.latex == r"y = 25\,\rho - 20"
    for lr, decay in [(1e-6, 0.6), (3.3e-5, 0.77), (1e-4, 1.0)]:
        x, y = my_map(lr, decay)
        assert lr_map.slope * math.log10(lr) + lr_map.offset == pytest.approx(x)
        assert decay_map.slope * decay + decay_map.offset == pytest.approx(y)


def test_question_data(cache):
    cfg = small_settings()
    q = findings.question(cfg)
    assert q.budget == cfg.budget and q.box == (-5.0, 5.0)
    assert [(r.low, r.high, r.scale) for r in q.rows] == [("10^{-6}", "10^{-4}", "log"), ("0.6", "1.0", "linear")]
    sweep = cases.seed_sweep(cfg)
    for name in cfg.samplers:
        assert q.n_reached[name] == sum(1 for curve in sweep.stats[name].curves if curve[-1] < WELLS_THRESHOLD)


# --- beat 6: the race --------------------------------------------------------------------


def test_race_summaries_match_loops_over_trials(cache):
    cfg = small_settings()
    data = findings.race(cfg)
    assert data.threshold == pytest.approx(WELLS_THRESHOLD, abs=1e-6)
    assert data.grid_shape == (6, 6)
    for name, run in data.runs.items():
        s = data.summaries[name]
        best = None
        for t in run.trials:
            if best is None or t.value < best.value:
                best = t
        assert (s.best_value, s.best_lr, s.best_decay, s.best_number) == (
            best.value,
            best.lr,
            best.decay,
            best.number + 1,
        )
        assert s.n_trials == len(run.trials) == samplers.trials_run(name, cfg.budget)
        running, first = math.inf, None
        for k, t in enumerate(run.trials, start=1):
            running = min(running, t.value)
            if first is None and running < WELLS_THRESHOLD:
                first = k
        assert s.first_reach == first and s.reached == (first is not None)


def test_race_on_a_non_square_budget_leaves_grid_runs_unspent(cache):
    data = findings.race(small_settings(budget=30))
    assert data.grid_shape == (6, 5)
    assert data.summaries["grid"].n_trials == 30
    data = findings.race(small_settings(budget=40))
    assert data.summaries["grid"].n_trials == 36 and data.summaries["tpe"].n_trials == 40


# --- beat 7: many seeds -------------------------------------------------------------------


def test_seed_summaries_match_loops_over_seeds(cache):
    cfg = small_settings()
    data = findings.many_seeds(cfg)
    sweep = cases.seed_sweep(cfg)
    for name in cfg.samplers:
        s = data.summaries[name]
        finals = [curve[-1] for curve in sweep.stats[name].curves]
        assert s.n_reached == sum(f < WELLS_THRESHOLD for f in finals)
        assert s.median_final == pytest.approx(float(np.median(finals)))
        assert s.same_final_every_seed == (len(set(finals)) == 1)
    # The grid's points do not depend on the seed, only their order.
    assert data.summaries["grid"].same_final_every_seed
    ranked = data.ranked()
    assert [r.n_reached for r in ranked] == sorted((r.n_reached for r in ranked), reverse=True)


# --- beat 8: the counter-cases ----------------------------------------------------------------


def my_study(sampler, seed, n_trials, name="wells"):
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(reference_objective(name), n_trials=n_trials)
    return study


def test_startup_case_matches_optuna_run_here(cache):
    cfg = small_settings()
    case = cases.startup_case(cfg)
    assert case.budget == cfg.n_startup_trials
    same = 0
    for seed in range(N_SEEDS):
        rnd = my_study(optuna.samplers.RandomSampler(seed=seed), seed, case.budget)
        tpe = my_study(optuna.samplers.TPESampler(seed=seed, n_startup_trials=cfg.n_startup_trials), seed, case.budget)
        same += [t.params for t in rnd.trials] == [t.params for t in tpe.trials] and rnd.best_value == tpe.best_value
    assert case.n_same_final == case.n_same_curve == same == N_SEEDS
    assert case.max_abs_difference == 0.0


def test_startup_case_absent_without_startup_trials(cache):
    assert cases.startup_case(small_settings(n_startup_trials=0)) is None


@pytest.mark.parametrize("budget", [4, 9, 16, 25, 36, 49, 64, 30, 35])
def test_grid_best_matches_numpy(budget):
    best, lr, decay = samplers.grid_best(objective.WELLS, budget)
    assert best == pytest.approx(my_grid_best(wells_ref, budget), abs=1e-12)
    assert float(wells_ref(*my_map(lr, decay))) == pytest.approx(best, abs=1e-12)


def test_grid_points_are_the_grid():
    points = samplers.grid_points(25)
    xs, ys = np.linspace(-5, 5, 5), np.linspace(-5, 5, 5)
    expected = sorted((round(x, 9), round(y, 9)) for x in xs for y in ys)
    assert sorted((round(x, 9), round(y, 9)) for x, y in points) == expected


def my_nearest_deep_square(budget, ref=wells_ref, threshold=WELLS_THRESHOLD):
    squares = [k * k for k in range(2, math.isqrt(max(2 * budget, 16)) + 1)]
    deep = [b for b in squares if my_grid_best(ref, b) < threshold and b != budget]
    return min(deep, key=lambda b: (abs(b - budget), b)) if deep else None


def test_grid_case_pairs_the_configured_miss_with_the_nearest_square_hit(cache):
    cfg = small_settings()
    assert my_grid_best(wells_ref, cfg.budget) > WELLS_THRESHOLD  # the 6 x 6 grid misses the deep well
    expected = my_nearest_deep_square(cfg.budget)
    assert expected == 25  # odd k puts a grid column on lr = 1e-5, the deep well's
    assert cases.grid_case_budgets(cfg) == (expected, cfg.budget)
    case = cases.grid_case(cfg)
    hit, miss = case.hit, case.miss
    assert (hit.budget, hit.grid_shape, miss.budget, miss.grid_shape) == (25, (5, 5), 36, (6, 6))
    assert hit.grid.n_reached == N_SEEDS and miss.grid.n_reached == 0
    assert hit.grid.median_final == pytest.approx(my_grid_best(wells_ref, 25))
    as_good = reached = 0
    for seed in range(N_SEEDS):
        grid = my_study(optuna.samplers.GridSampler(samplers.grid_values(25), seed=seed), seed, 25)
        tpe = my_study(optuna.samplers.TPESampler(seed=seed, n_startup_trials=cfg.n_startup_trials), seed, 25)
        as_good += grid.best_value <= tpe.best_value
        reached += tpe.best_value < WELLS_THRESHOLD
    assert hit.n_grid_at_least_as_good == as_good and hit.tpe.n_reached == reached
    squares = [k * k for k in range(2, math.isqrt(2 * cfg.budget) + 1)]
    assert {b: deep for b, (_, deep) in case.scan.items()} == {
        b: my_grid_best(wells_ref, b) < WELLS_THRESHOLD for b in squares + [cfg.budget]
    }


def test_grid_case_when_the_configured_grid_already_hits(cache):
    # A 5 x 5 grid hits; the nearest square that misses is 16 (4 x 4) or 36 (6 x 6): 11 away both, the smaller wins.
    cfg = small_settings(budget=25)
    assert cases.grid_case_budgets(cfg) == (25, 16)
    assert my_grid_best(wells_ref, 16) > WELLS_THRESHOLD > my_grid_best(wells_ref, 25)


def test_grid_case_when_every_grid_hits(cache, monkeypatch):
    # No landscape has such a well any more, so give Branin a generous one: 5 % of its loss range
    # above the minimum (its old definition, which a quarter of the box passed). Every grid is in it.
    cfg = small_settings(objective="branin", budget=16)
    ref = REFERENCES["branin"]
    xs = np.linspace(-5, 5, 401)
    top = float(ref(*np.meshgrid(xs, xs)).max())
    threshold = 0.397887 + 0.05 * (top - 0.397887)
    monkeypatch.setitem(objective.BRANIN.__dict__, "deep_threshold", threshold)
    assert all(my_grid_best(ref, k * k) < threshold for k in range(2, math.isqrt(32) + 1))
    hit, miss = cases.grid_case_budgets(cfg)
    assert hit == 16 and miss is None
    assert cases.grid_case(cfg).miss is None


def test_one_axis_case_matches_optuna_run_here(cache):
    cfg = small_settings()
    case = cases.one_axis_case(cfg)
    assert case.objective == cases.ONE_AXIS_OBJECTIVE == "lr_valley"
    assert case.n_seeds == N_SEEDS
    # The featured runs: the configured budget and seed, on the one-axis objective.
    for run, sampler in [
        (case.grid, optuna.samplers.GridSampler(samplers.grid_values(cfg.budget), seed=cfg.featured_seed)),
        (case.random, optuna.samplers.RandomSampler(seed=cfg.featured_seed)),
    ]:
        study = my_study(sampler, cfg.featured_seed, cfg.budget, "lr_valley")
        assert [(t.lr, t.decay) for t in run.trials] == [(t.params["lr"], t.params["decay"]) for t in study.trials]
        np.testing.assert_allclose(run.values, [t.value for t in study.trials], rtol=1e-12, atol=1e-12)
        assert (run.objective, run.budget, run.seed) == ("lr_valley", cfg.budget, cfg.featured_seed)
    # The share over seeds 0 .. n_seeds - 1 where random search ends strictly below the grid.
    wins = 0
    for seed in range(N_SEEDS):
        grid = my_study(
            optuna.samplers.GridSampler(samplers.grid_values(cfg.budget), seed=seed), seed, cfg.budget, "lr_valley"
        )
        rnd = my_study(optuna.samplers.RandomSampler(seed=seed), seed, cfg.budget, "lr_valley")
        wins += rnd.best_value < grid.best_value
    assert case.random_beats_grid == pytest.approx(wins / N_SEEDS)


def test_references_are_the_four_papers():
    years = [re.search(r"\((\d{4})\)", authors).group(1) for authors, _ in story.REFERENCES]
    assert years == ["2011", "2012", "2019", "2023"]
    assert "arXiv:2304.11127" in story.REFERENCES[-1][1]


# --- the render driver's warm-up --------------------------------------------------------------------


def test_precompute_warms_every_cache_the_beats_read(cache, monkeypatch):
    cfg = small_settings()
    findings.precompute(cfg)
    assert any(cache.glob("sweep-*.json")) and any(cache.glob("run-*.json"))
    assert any(cache.glob("tpe_internals-*.json"))

    def no_work(*args, **kwargs):
        raise AssertionError("cache miss after precompute")

    monkeypatch.setattr(hpsearch.cache, "write_atomic", no_work)  # every miss ends in a write
    monkeypatch.setattr(samplers, "run_study", no_work)
    for build in findings.BUILDERS.values():
        build(cfg)


@pytest.mark.parametrize(("k", "n"), [(0, 100), (1, 100), (25, 100), (85, 100), (100, 100), (0, 1), (1, 1), (7, 30)])
def test_the_interval_on_a_share_is_wilsons(k, n):
    from scipy.stats import binomtest

    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert stats.wilson(k, n) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_shares_reached_are_counts_over_seeds_with_wilson_intervals_by_column():
    from scipy.stats import binomtest

    counts = np.array([0, 4, 17, 30])
    shares, intervals = stats.shares_reached(counts, 30)
    assert shares == pytest.approx([0, 4 / 30, 17 / 30, 1])
    assert intervals.shape == (2, 4)
    for k, (low, high) in zip(counts, intervals.T, strict=True):
        expected = binomtest(int(k), 30).proportion_ci(method="wilson")
        assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_the_interval_sentence_names_the_first_seed_dependent_sampler():
    config = dataclasses.replace(settings.defaults(), n_seeds=100)
    data = findings.many_seeds(config)
    said = story.many_seeds_intervals(data)
    first = next(s for s in data.ranked() if not s.same_final_every_seed)
    from scipy.stats import binomtest

    ci = binomtest(first.n_reached, 100).proportion_ci(method="wilson")
    assert f"between {ci.low:.0%} and {ci.high:.0%}" in said
    assert said.startswith("Each count is a sample of 100 seeds")


@pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")  # QMCSampler
def test_featured_runs_and_sweeps_follow_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path))
    s = settings.load(
        overrides=[
            "study.budget=4",
            "study.featured_seed=7",
            "study.n_seeds=2",
            "study.n_startup_trials=2",
            'study.samplers=["grid", "random", "tpe", "qmc"]',
        ]
    )
    runs = findings.featured_runs(s)
    assert list(runs) == ["grid", "random", "tpe", "qmc"]
    for name, run in runs.items():
        assert run == samplers.run_study(samplers.StudySpec("wells", 4, 7, 2), name)
    assert runs["tpe"].settings.n_startup_trials == 2
    sweep = cases.seed_sweep(s)
    # the statistics run over seeds 0 .. n_seeds - 1, whatever the featured seed
    assert (sweep.objective, sweep.budget, sweep.seeds, sweep.n_startup_trials) == ("wells", 4, (0, 1), 2)
    assert list(sweep.stats) == ["grid", "random", "tpe", "qmc"]
    for name in sweep.stats:
        for k, seed in enumerate((0, 1)):
            expected = samplers.run_study(samplers.StudySpec("wells", 4, seed, 2), name).best_so_far
            np.testing.assert_array_equal(sweep.stats[name].curves[k], expected)
    other = cases.seed_sweep(s, 5)
    assert (other.budget, other.seeds) == (5, (0, 1)) and other.stats["random"].curves.shape == (2, 5)
