"""What the beats say where a sentence compares, counts or generalises: plain functions of the facts.

Each picks its wording by what is true in this configuration (a share of seeds,
whether a grid reaches the well, where the well sits against the grid's lines),
with plurals right; tests/test_story.py checks every branch and, over a matrix
of legal configurations, that the sentence chosen is true.
"""

from __future__ import annotations

from collections.abc import Sequence

from hpsearch.formatting import format_loss, percent, plural

NEAR_LINE = 0.25
"""A well's floor this close to a grid line (box units; the box is 10 wide) sits on that line."""


def share_word(count: int, total: int) -> str:
    """How many of `total`, in a word: 'all', 'most, not all', 'half', 'fewer than half', 'none'."""
    if count == total:
        return "all"
    if count == 0:
        return "none"
    if 2 * count > total:
        return "most, not all"
    return "half" if 2 * count == total else "fewer than half"


def question_lines(budget: int, n_seeds: int, tpe_reached: int, grid_reached: int) -> tuple[str, str]:
    """The opening question, asked only as far as the statistics bear it out.

    "Why does TPE find the deep well while the grid walks past it?" needs TPE in
    the well in most seeds and the grid in none (a grid's points do not depend
    on the seed, so it is in the well in every seed or in none).
    """
    runs = plural(budget, "run")
    if 2 * tpe_reached > n_seeds and grid_reached == 0:
        return f"Same {runs}: why does TPE find the deep well while the grid walks past it?", "And when doesn't it?"
    return f"Same {runs}: which sampler finds the deep well, and why?", "And when does the grid do as well?"


def grid_and_well(
    best_value: float,
    threshold: float,
    floor: float,
    well_xy: tuple[float, float],
    line_xs: Sequence[float],
    line_ys: Sequence[float],
) -> str:
    """Where the grid's best point and the deep well stand against each other (internal box units)."""
    head = f"Its best point scores {format_loss(best_value)}"
    if best_value < threshold:
        return f"{head}: a point of the grid is in the deep well, whose floor is {format_loss(floor)}."
    x, y = well_xy
    on_lr = min(abs(x - line) for line in line_xs) < NEAR_LINE
    on_decay = min(abs(y - line) for line in line_ys) < NEAR_LINE
    well = f"the deep well, {format_loss(floor)},"
    if on_lr and on_decay:
        return f"{head}; {well} lies by one of its points, but too narrow for it."
    if on_decay:
        return f"{head}; {well} sits on one of its decay lines, between two learning-rate lines."
    if on_lr:
        return f"{head}; {well} sits on one of its learning-rate lines, between two decay lines."
    return f"{head}; {well} lies between its lines."


def grid_spend(n_lr: int, n_decay: int, reaches_valley: bool) -> str:
    """How a grid spends its runs along the one axis that matters."""
    each = f"{plural(n_decay, 'run')} on each of its {plural(n_lr, 'learning rate')}"
    if n_lr == 1:
        each = f"{plural(n_decay, 'run')} on its one learning rate"
    return f"The grid spends {each}, and {'finds' if reaches_valley else 'misses'} the valley."


def seeds_won(n_seeds: int, share: float, winner: str, loser: str) -> str:
    """'Over 100 seeds it beats the grid in 63% of them.', or for one seed, whether it did."""
    if n_seeds == 1:
        return f"On its one seed, {winner} {'beats' if share > 0 else 'does not beat'} {loser}."
    return f"Over {n_seeds} seeds, {winner} beats {loser} in {percent(share)} of them."


def startup(budget: int, n_startup_trials: int) -> str:
    """What TPE's runs are, start-up and guided, at this budget."""
    if n_startup_trials == 0:
        return "TPE models from its first run: it has no random start-up trials here."
    if n_startup_trials >= budget:
        if budget == 1:
            return "TPE's one run is a random start-up trial: it never uses its model."
        return f"All {budget} runs of TPE are random start-up trials: it never uses its model."
    return (
        f"TPE's first {plural(n_startup_trials, 'run')} are random start-up trials. "
        "Then it samples near the best trials so far."
    )


def tpe_reach(n_startup_trials: int, reached: int, n_seeds: int) -> tuple[str, str]:
    """TPE over the seeds, (on screen, in the subtitles), with the right share word."""
    word = share_word(reached, n_seeds)
    if n_startup_trials == 0:
        learns = "TPE learns from its first run"
    else:
        learns = f"TPE learns after its {plural(n_startup_trials, 'random start-up run')}"
    shown = f"{learns}: deep well in {reached} of {plural(n_seeds, 'seed')}. {word[:1].upper() + word[1:]}."
    said = f"{learns}, and reaches the deep well in {reached} of {plural(n_seeds, 'seed')}: {word}."
    return shown, said


def wells(count: int) -> str:
    """'3 wells.' or 'One well.'"""
    return "One well." if count == 1 else f"{count} wells."
