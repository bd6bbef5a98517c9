"""Tests for hpsearch/speech.py: each rule with sentences and what a person reads aloud for them, written
by hand; `leftovers` on clean and unclean strings; then every sentence the beats say, built from
hpsearch/story.py and the scenes' own f-strings over a spread of configurations, said without leftovers.
"""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from hpsearch import findings, speech, story
from hpsearch.formatting import (
    format_loss,
)


def check(pairs: list[tuple[str, str]]) -> None:
    """Each (written, as a person says it): compared as pairs, so a failure shows the written sentence."""
    assert [(written, speech.spoken(written)) for written, _ in pairs] == pairs


def test_signed_decimals_are_read_digit_by_digit_after_the_point():
    check(
        [
            ("\u22122.222", "minus two point two two two"),
            ("+0.600", "plus zero point six zero zero"),
            ("-1.5", "minus one point five"),  # an ASCII sign, where it is one
            ("0.000", "zero point zero zero zero"),
            ("from \u22125 to 5", "from minus five to five"),
            ("is within 0.014 of the floor", "is within zero point zero one four of the floor"),
            ("the decay, 0.6 to 1.0.", "the decay, zero point six to one point zero."),
        ]
    )


def test_integers_and_percentages():
    check(
        [
            ("36", "thirty-six"),
            ("100", "one hundred"),
            ("Same 1 run", "Same one run"),
            ("400 runs", "four hundred runs"),
            ("1,234 runs", "one thousand two hundred and thirty-four runs"),  # no pause where the commas were
            ("85%", "eighty-five percent"),
            ("0% and 100%", "zero percent and one hundred percent"),
            ("best 1.1%", "best one point one percent"),
            ("95% Wilson interval", "ninety-five percent Wilson interval"),
        ]
    )


def test_powers_of_ten():
    check(
        [
            ("1.0 \u00d7 10\u207b\u2075", "one times ten to the minus five"),
            ("3.2 \u00d7 10\u207b\u2075", "three point two times ten to the minus five"),
            ("10\u207b\u2076", "ten to the minus six"),
            ("1.5e-05", "one point five times ten to the minus five"),
            ("2.5e+03", "two point five times ten to the three"),
            ("10\u207b\u2076 to 10\u207b\u2074", "ten to the minus six to ten to the minus four"),
        ]
    )


def test_grid_shapes_are_by_and_products_of_other_numbers_are_times():
    check(
        [
            ("6 \u00d7 6", "six by six"),
            ("3 by 3", "three by three"),
            ("6 \u00d7 6 = 36", "six by six equals thirty-six"),
            ("1 \u00d7 1 = 1 run", "one by one equals one run"),
            ("1.5 \u00d7 2.5", "one point five times two point five"),
            ("1.5 \u00b7 2", "one point five times two"),
        ]
    )


def test_years_follow_names_and_a_bare_number_in_parentheses_stays_a_number():
    check(
        [
            ("(Bergstra et al. 2011)", "Bergstra and colleagues, twenty eleven"),
            ("Watanabe (2023)", "Watanabe, twenty twenty-three"),
            ("Bergstra & Bengio (2012)", "Bergstra and Bengio, twenty twelve"),
            (
                "Bergstra, Bardenet, Bengio & K\u00e9gl (2011)",
                "Bergstra, Bardenet, Bengio and K\u00e9gl, twenty eleven",
            ),
            ("Bergstra et al. showed it.", "Bergstra and colleagues showed it."),
            # A seed in parentheses is not a year.
            ("One seed (2011) is one draw.", "One seed, two thousand and eleven, is one draw."),
        ]
    )


def test_ranges_and_ordinals():
    check(
        [
            ("trials 12\u201330", "trials twelve to thirty"),
            ("trials 1\u201310: random start-up", "trials one to ten: random start-up"),
            ("trial 31", "trial thirty-one"),
            ("the 1st trial", "the first trial"),
            ("its 22nd and 3rd runs", "its twenty-second and third runs"),
        ]
    )


def test_acronyms_are_spelled_out():
    check(
        [
            ("TPE", "T P E"),
            ("QMC", "Q M C"),
            ("TPE's first 10 runs", "T P E's first ten runs"),
            ("QMC (Sobol) did not.", "Q M C, Sobol, did not."),
            ("Optuna's TPESampler", "Optuna's T P E Sampler"),
            ("A random start-up trial", "A random start-up trial"),  # one capital is a word
        ]
    )


def test_math_symbols_and_names():
    check(
        [
            ("lr log-uniform", "learning rate log-uniform"),
            ("the layer-wise LR decay", "the layer-wise learning rate decay"),
            ("\u03b3 = 0.25", "gamma equals zero point two five"),
            ("l(x) over g(x)", "ell of x over gee of x"),
            ("l(x)/g(x)", "ell of x over gee of x"),
            ("log l \u2212 log g", "log ell minus log gee"),
            ("the map is log l minus log g.", "the map is log ell minus log gee."),
            ("drawn from l; of l there", "drawn from ell; of ell there"),
            ("f(x, y) = 1", "f of x, y equals one"),
            ("a \u00f7 b", "a divided by b"),
            ("a \u2248 b", "a about b"),
            ("a \u00b1 0.5", "a plus or minus zero point five"),
            ("a \u00d7 b", "a times b"),
            # Letters inside words are not symbols.
            ("we'll log gains, e.g. large ones", "we'll log gains, e.g. large ones"),
        ]
    )


def test_words_punctuation_and_apostrophes_stay():
    check(
        [
            ("And when doesn't it?", "And when doesn't it?"),
            ("Height is loss; lower is better.", "Height is loss; lower is better."),
            ("Hollow: TPE's start-up trials!", "Hollow: T P E's start-up trials!"),
            (
                "the deep well (below \u22121.722); the grid did not.",
                "the deep well, below minus one point seven two two; the grid did not.",
            ),
            (
                "the best (\u22120.996) is the better group.",
                "the best, minus zero point nine nine six, is the better group.",
            ),
            ("best 1.1%\nof the space", "best one point one percent of the space"),
            (
                "lr 3.2 \u00d7 10\u207b\u2075   decay 0.85",
                "learning rate three point two times ten to the minus five, decay zero point eight five",
            ),
            ('a "quoted" word', "a quoted word"),
            ("One seed. (It is one draw.) Then more.", "One seed. It is one draw. Then more."),
        ]
    )


def test_leftovers_names_what_a_voice_must_not_read():
    assert speech.leftovers("Same thirty-six runs: why does T P E find it?") == []
    assert speech.leftovers("K\u00e9gl's well; doesn't it, ell over gee!") == []
    assert speech.leftovers("Same 36 runs") == ["36"]
    assert speech.leftovers("TPE's first run") == ["TPE"]
    assert speech.leftovers("six \u00d7 six = thirty-six") == ["\u00d7", "="]
    assert speech.leftovers("ten to the \u207b\u2076") == ["\u207b", "\u2076"]
    assert speech.leftovers("the well (below)") == ["(", ")"]
    assert speech.leftovers("a - b, -c and d-") == ["-", "-", "-"]
    assert speech.leftovers("\u03b3 and 50%") == ["\u03b3", "50", "%"]
    assert speech.leftovers("two lines\nof text") == ["\n"]


def test_leftovers_reads_a_decimal_as_its_pieces():
    # "2.2" is two digit runs around a full stop, which is sentence punctuation and allowed.
    assert speech.leftovers("minus \u22122.2") == ["\u2212", "2", "2"]


# --- every sentence the video says --------------------------------------------------------

BUDGETS = (1, 9, 36, 100, 400)
SHARES = (0.0, 0.5, 1.0)
LOSSES = (-2.222, -0.954, -0.0001, 0.6, 1.5)
NAMES = ("grid", "random", "tpe", "qmc")


def grid_shape(budget: int) -> tuple[int, int]:
    """(n_lr, n_decay) of the grid a budget buys, as GridSampler lays it out."""
    n_decay = math.isqrt(budget)
    return budget // n_decay, n_decay


def race(budget: int, names: tuple[str, ...], reached: bool, ahead_until: int | None, seed: int) -> SimpleNamespace:
    """The facts the race sentences read (stats.RunSummary's fields they use)."""
    n_lr, n_decay = grid_shape(budget)
    summaries = {
        name: SimpleNamespace(
            reached=reached and name != "grid",
            best_value=LOSSES[i % len(LOSSES)],
            n_trials=n_lr * n_decay if name == "grid" else budget,
            budget=budget,
            first_reach=min(budget, 7 + i) if reached and name != "grid" else None,
        )
        for i, name in enumerate(dict.fromkeys(("grid", *names)))
    }
    return SimpleNamespace(
        summaries=summaries,
        budget=budget,
        threshold=-1.7222,
        seed=seed,
        grid_shape=(n_lr, n_decay),
        random_ahead_until=ahead_until,
    )


def seed_summary(name: str, n_seeds: int, share: float, loss: float) -> SimpleNamespace:
    """stats.SeedSummary's fields the sentences read."""
    n_reached = round(share * n_seeds)
    return SimpleNamespace(
        sampler=name,
        n_seeds=n_seeds,
        n_reached=n_reached,
        median_final=loss,
        same_final_every_seed=name == "grid",
        reached_interval=(max(0.0, share - 0.1), min(1.0, share + 0.1)),
    )


def many_seeds(n_seeds: int, budget: int, names: tuple[str, ...], share: float) -> findings.ManySeedsData:
    summaries = {n: seed_summary(n, n_seeds, share if n != "grid" else 0.0, LOSSES[i]) for i, n in enumerate(names)}
    return findings.ManySeedsData("wells", budget, n_seeds, -1.7222, 0.011, (-2.2, 1.0), summaries)


def verdict(budget: int, n_seeds: int, n_startup: int, hit: bool, share: float) -> SimpleNamespace:
    """The verdict's facts: its start-up case, the grid case (a hit, a miss or both) and the main bests."""
    n_lr, n_decay = grid_shape(budget)
    at = SimpleNamespace(
        budget=budget,
        grid_shape=(n_lr, n_decay),
        grid=seed_summary("grid", n_seeds, 1.0 if hit else 0.0, -1.9),
        tpe=seed_summary("tpe", n_seeds, share, -2.1),
        n_grid_at_least_as_good=round(share * n_seeds),
    )
    grid = SimpleNamespace(hit=at if hit else None, miss=None if hit else at, scan={4: (0.5, False), 400: (-1.9, hit)})
    startup = SimpleNamespace(budget=n_startup, n_same_final=n_seeds, n_seeds=n_seeds) if n_startup else None
    main = {n: seed_summary(n, n_seeds, share, -1.0) for n in NAMES}
    return SimpleNamespace(
        startup=startup,
        grid=grid,
        main=main,
        main_grid_shape=(n_lr, n_decay),
        budget=budget,
        n_startup_trials=n_startup,
    )


def sentences() -> list[str]:
    """Every sentence story.py builds, said or shown (labels, titles, the references' authors),
    over budgets, seed counts, shares, losses and samplers (the scenes' inline sentences, as they say them in
    the extreme configurations: tests/scenes/test_extremes.py)."""
    said: list[str] = [story.TAKEAWAY, story.inside_intro(), *(authors for authors, _ in story.REFERENCES)]
    lines = [-5.0, -3.0, -1.0, 1.0, 3.0, 5.0]
    for best, xy in itertools.product(LOSSES, [(0.0, 3.0), (3.0, 0.0), (0.0, 0.0), (3.1, 2.9)]):
        said.append(story.grid_and_well(best, -1.722, -2.222, xy, lines, lines))
    for scan in ({9: (0.5, False), 25: (-1.8, True), 36: (-0.95, False)}, {25: (-1.8, True)}, {16: (0.1, False)}):
        said.append(story.grid_lottery(scan))
    for share in (*SHARES, 0.0106):
        said += [story.one_axis(share), story.deep_well_share(share)]
    for dims, per_axis, grid in (((2, 3, 4), (8, 4, 2), (0.0, 1.0, 0.0)), ((2, 8), (6, 1), (0.0, 0.0))):
        said += [story.dimensions_setup(64, dims), story.dimensions_grid(64, dims, per_axis, grid)]
        said.append(story.dimensions_outcome(dims, [0.4] * len(dims), [0.9] * len(dims)))
        said.append(story.dimensions_outcome(dims, [0.5] * len(dims), [0.5] * len(dims)))
    for budget, n_seeds in itertools.product(BUDGETS, (1, 100)):
        n_lr, n_decay = grid_shape(budget)
        for tpe, grid in itertools.product((0, n_seeds), (0, n_seeds)):
            said += story.question_lines(budget, n_seeds, tpe, grid)
        said += [
            story.grid_rule(n_lr, n_decay),
            story.grid_title(n_lr, n_decay, n_lr * n_decay, budget),
            story.curves_legend(n_seeds),
            story.budget_chart(n_seeds, budget),
            story.finals_picture(n_seeds, budget),
            story.inside_candidates(budget),
            story.inside_fast(1, budget),
            story.inside_fast(1, budget, again=True),
            story.inside_outcome(None, 10, budget),
            story.inside_outcome(budget - 1, 10, budget),
            *(story.grid_spend(n_lr, n_decay, reaches) for reaches in (False, True)),
            *(story.never_guided(budget, n_startup) for n_startup in (10, 400)),
        ]
        for n_startup in (0, 1, 10):
            said += [story.startup(budget, n_startup), story.startup_like_random(n_startup or 1, n_startup > 1)]
        for share, loss in itertools.product(SHARES, LOSSES):
            said.append(story.seeds_won(n_seeds, share, "random search", "the grid"))
            said.append(story.inside_split(budget + 1, budget, max(1, budget // 10)))
            said += [story.inside_pick(kind, share, loss, loss < -1.7) for kind in ("explore", "exploit")]
            said += [story.pick_label("explore"), story.pick_label("exploit")]
        for names in (NAMES, ("random", "tpe"), ("tpe",), ("grid", "qmc")):
            for reached, until in itertools.product((False, True), (None, 5, budget + 1)):
                data = race(budget, names, reached, until, seed=budget % 7)
                said += [story.race_grid(data), *story.race_outcome(data, names), story.race_one_seed(data)]
            for share in SHARES:
                shown = tuple(dict.fromkeys(("grid", *names)))  # the many-seeds beat always shows the grid
                data = many_seeds(n_seeds, budget, shown, share)
                said += [
                    story.many_seeds_grid(data),
                    story.many_seeds_reached(data),
                    story.many_seeds_medians(data, shown),
                ]
                if len(shown) > 1:
                    said.append(story.many_seeds_intervals(data))
        for n_startup, hit, share in itertools.product((0, 10), (False, True), SHARES):
            data = verdict(budget, n_seeds, n_startup, hit, share)
            said += [story.verdict_startup(data), *story.verdict_grid(data), *story.takeaway_lines(data).values()]
    return said


def test_every_sentence_the_video_says_is_spoken_clean():
    said = sentences()
    assert len(said) > 1000  # the matrix really ran
    unclean = {s: speech.leftovers(speech.spoken(s)) for s in set(said)}
    assert {s: rest for s, rest in unclean.items() if rest} == {}


def test_real_sentences_come_out_as_a_person_says_them():
    best = race(36, NAMES, reached=True, ahead_until=12, seed=0)
    best.summaries["grid"].best_value, best.summaries["tpe"].best_value = -0.954, -2.208
    first, second = story.race_outcome(best, ("grid", "tpe", "qmc"))
    check(
        [
            (
                story.grid_title(6, 6, 36, 40),
                "six by six equals thirty-six runs, in GridSampler's order; four of the budget unspent",
            ),
            (
                story.inside_intro(),
                "T P E splits the trials into a better group and the rest, and fits a density to each. "
                "ell is the better group's density, gee the rest's. Expected improvement grows with ell over gee, "
                "Bergstra and colleagues, twenty eleven: the map is log ell minus log gee.",
            ),
            (
                story.inside_split(31, 30, 3),
                "Trial thirty-one: of the thirty so far, the three best are the better group.",
            ),
            (
                first,
                "Best loss after thirty-six runs: the grid minus zero point nine five four, "
                "T P E minus two point two zero eight, Q M C, Sobol, plus zero point six zero zero.",
            ),
            (
                second,
                "T P E and Q M C, Sobol, reached the deep well; the grid did not.",
            ),
        ]
    )


@given(st.floats(min_value=-1e9, max_value=1e9))
def test_every_loss_is_said_with_its_sign_and_three_decimals(value):
    words = speech.spoken(format_loss(value))
    assert speech.leftovers(words) == []
    assert words.startswith(("minus ", "plus ", "zero "))
    assert len(words.split(" point ")[1].split()) == 3
