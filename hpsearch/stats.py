"""The statistics the beats state: summaries of a run and of many seeds, shares with intervals.

Plain Python, no Manim. Intervals on a share of seeds are Wilson score
intervals at 95 % (scipy's `binomtest`): unlike the normal approximation they
stay inside [0, 1] and are not empty at 0 or n seeds of n, both common here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest

from samplers import Run, SamplerName, SamplerStats

CONFIDENCE = 0.95


def wilson(k: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share k / n."""
    interval = binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(interval.low), float(interval.high)


def shares_reached(counts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeds that reached the deep well, `counts` out of `n` each: their shares and (2, len) Wilson intervals."""
    return counts / n, np.array([wilson(int(k), n) for k in counts]).reshape(-1, 2).T


@dataclass(frozen=True)
class RunSummary:
    sampler: SamplerName
    budget: int
    n_trials: int  # a grid may spend fewer than the budget
    best_value: float
    best_lr: float
    best_decay: float
    best_number: int  # 1-based trial number of the best trial
    reached: bool  # below the deep-well threshold
    first_reach: int | None  # 1-based trial that first got below it


def summarise_run(run: Run, threshold: float) -> RunSummary:
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


def ahead_until(leader: Run, other: Run) -> int | None:
    """The 1-based trial from which `other`'s best so far is never again behind `leader`'s: None when
    `leader` is never strictly ahead, one past the last trial when it is still ahead at the end."""
    ahead = np.flatnonzero(leader.best_so_far < other.best_so_far)
    return int(ahead[-1]) + 2 if ahead.size else None


@dataclass(frozen=True)
class SeedSummary:
    sampler: SamplerName
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


def summarise_stats(stats: SamplerStats) -> SeedSummary:
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
