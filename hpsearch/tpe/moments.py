"""Inside TPE: record the featured TPE run, verify it, and choose the moments the video shows.

For every model-guided trial of a normal `study.optimize` run (built exactly
like `samplers.run_study`'s), the recorder (hpsearch.tpe.recorder) keeps the
split of the trials so far at Optuna's gamma(n), the two Parzen estimators
l(x) (below) and g(x) (above), the n_ei_candidates candidates drawn from
l(x), their log l, log g and acquisition log l - log g, and the argmax, which
is the next trial's parameters. Nothing is re-implemented: densities on a grid
come from the recorded `_ParzenEstimator.log_pdf` itself. The result is plain
data (hpsearch.tpe.records), cached.

    python -m hpsearch.tpe.moments
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from optuna.trial import TrialState
from scipy import stats

import samplers
from hpsearch import cache, settings, trials
from hpsearch.plain import from_plain, to_plain
from hpsearch.tpe import recorder, records
from hpsearch.tpe.records import (
    LOG_JACOBIAN,
    Candidates,
    InsideTPE,
    Kernels,
    Pick,
    SlowStep,
    Step,
    StepMap,
)
from objective import BOX, LAYER_DECAY, LEARNING_RATE, OBJECTIVES, to_hyperparameters, to_internal
from samplers import StudySpec

Y_STAR_RULE = "y* = max value in the below group (derived from Optuna's split; Optuna itself keeps no threshold)"
GAMMA = recorder.GammaRule.of_optuna()
"""Optuna's default gamma(n), which every recorded split is checked against."""


# --- recording a run ---------------------------------------------------------------


def _step_from_record(rec: dict) -> Step:
    """Turn one raw record into a Step, checking it against what Optuna returned."""
    below, above = rec["below"], rec["above"]
    if any(s == TrialState.RUNNING for _, s, _ in below + above):
        raise RuntimeError("running trials in the split: the recorder assumes a sequential study")
    n = len(below) + len(above)
    gamma = int(rec["gamma_fn"](n))
    if gamma != GAMMA(n):
        raise RuntimeError(f"trial {rec['trial']}: gamma({n}) = {gamma}, not {GAMMA.text}")
    if len(below) != min(gamma, n):
        raise RuntimeError(f"trial {rec['trial']}: below group has {len(below)} trials, gamma({n}) = {gamma}")
    samples, acq = rec["samples"], rec["acquisition"]
    # Optuna's acquisition is exactly log l - log g of the same estimators.
    if not np.array_equal(acq, rec["log_l"] - rec["log_g"]):
        raise RuntimeError(f"trial {rec['trial']}: acquisition != log l - log g")
    chosen = int(np.argmax(acq))  # what TPESampler._compare does
    lr, decay = float(samples[LEARNING_RATE.name][chosen]), float(samples[LAYER_DECAY.name][chosen])
    if (lr, decay) != (rec["params"][LEARNING_RATE.name], rec["params"][LAYER_DECAY.name]):
        raise RuntimeError(f"trial {rec['trial']}: argmax candidate is not the sampled params")
    cx, cy = to_internal(samples[LEARNING_RATE.name], samples[LAYER_DECAY.name])
    x, y = to_internal(lr, decay)
    return Step(
        trial=rec["trial"],
        n=n,
        gamma=gamma,
        below=tuple(t for t, _, _ in below),
        above=tuple(t for t, _, _ in above),
        y_star=float(max(v for _, _, v in below)),
        y_above_min=float(min(v for _, _, v in above)),
        candidates=Candidates(
            samples[LEARNING_RATE.name],
            samples[LAYER_DECAY.name],
            np.asarray(cx, float),
            np.asarray(cy, float),
            rec["log_l"],
            rec["log_g"],
            acq,
            chosen,
        ),
        lr=lr,
        decay=decay,
        x=float(x),
        y=float(y),
        l_kernels=Kernels.from_mixture(**recorder.kernels_of(rec["mpe_below"])),
        g_kernels=Kernels.from_mixture(**recorder.kernels_of(rec["mpe_above"])),
        estimators=(rec["mpe_below"], rec["mpe_above"]),
    )


@dataclass(frozen=True)
class Recording:
    """A recorded TPE run: its trials (as samplers.Run) and one Step per model-guided trial."""

    run: samplers.Run
    steps: tuple[Step, ...]
    n_ei_candidates: int

    def step(self, trial: int) -> Step:
        for s in self.steps:
            if s.trial == trial:
                return s
        raise KeyError(f"trial {trial} was not model-guided (startup trials are random)")


def record_run(spec: StudySpec) -> Recording:
    """Run the TPE study as samplers.run_study does, with the recorder as sampler. Not cached."""
    sampler = recorder.RecordingTPESampler.like(samplers.make_sampler(spec, "tpe"), spec.seed)
    run = samplers.run_from_study(samplers.run_optuna_study(spec, "tpe", sampler), spec, "tpe")
    steps = tuple(_step_from_record(r) for r in sampler.records)
    for s in steps:  # the chosen candidate is what the study stored for that trial
        t = run.trials[s.trial]
        if (t.lr, t.decay) != (s.lr, s.decay):
            raise RuntimeError(f"trial {s.trial}: stored params differ from the recorded argmax")
    return Recording(run, steps, sampler.n_ei_candidates)


# --- densities on the box ------------------------------------------------------------


def log_densities(estimators: tuple[Any, Any], x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log l and log g at internal points (x, y), from the recorded optuna estimators.

    Returns log densities per unit (ln lr, decay), shaped like x and y.
    """
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    lr, decay = to_hyperparameters(x.ravel(), y.ravel())
    # Keep box-edge points inside the truncation: 10**(-6.0) may round past low.
    lr = np.clip(lr, LEARNING_RATE.low, LEARNING_RATE.high)
    decay = np.clip(decay, LAYER_DECAY.low, LAYER_DECAY.high)
    log_l, log_g = recorder.log_densities(estimators, lr, decay)
    return log_l.reshape(x.shape), log_g.reshape(x.shape)


# --- what the beat shows at every step ---------------------------------------------------


MAP_GRID = 41
"""Grid points per axis of the maps stored for every step (0.25 box units apart; drawn smoothed)."""
EXPLORE = 0.5
"""A pick explores when l(x)'s prior, not a better trial's kernel, accounts for more than this share of l there."""


def map_centres(n: int = MAP_GRID) -> np.ndarray:
    """Where a step's map is evaluated along each axis: the centres of n equal cells of the box,
    so that its n x n pixels tile the box exactly."""
    return BOX[0] + (np.arange(n) + 0.5) * (BOX[1] - BOX[0]) / n


def step_map(step: Step, n: int = MAP_GRID) -> StepMap:
    """log l and log g of one step at the cell centres of an n x n grid, to 3 decimals (a picture, not a check)."""
    if step.estimators is None:
        raise ValueError("this Step has no live estimators (loaded from JSON); record the run again")
    xs = map_centres(n)
    log_l, log_g = log_densities(step.estimators, *np.meshgrid(xs, xs))
    return StepMap(step.trial, np.round(log_l, 3), np.round(log_g, 3))


def prior_share(kernels: Kernels, x: float, y: float) -> float:
    """The share of l(x, y) that l's prior (its last kernel) accounts for.

    Each kernel is a product of normals truncated to the box; in box units, since the map from
    TPE's space is affine per axis and the shares do not depend on the units.
    """
    low, high = BOX

    def axis(value: float, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
        mass = stats.norm.cdf((high - mu) / sigma) - stats.norm.cdf((low - mu) / sigma)
        return stats.norm.pdf((value - mu) / sigma) / (sigma * mass)

    parts = kernels.weights * axis(x, kernels.mu_x, kernels.sigma_x) * axis(y, kernels.mu_y, kernels.sigma_y)
    return float(parts[-1] / parts.sum())


def pick_of(step: Step) -> Pick:
    """Explore or exploit: whether the pick sits where l(x) is mostly its prior, far from every better
    trial, or where a better trial's kernel makes most of l(x)."""
    share = prior_share(step.l_kernels, step.x, step.y)
    return Pick(step.trial, "explore" if share > EXPLORE else "exploit", share)


def slow_steps(steps: tuple[Step, ...], run: samplers.Run, threshold: float) -> tuple[SlowStep, ...]:
    """The steps shown slowly: the first model-guided one, the one whose trial first reaches the deep
    well (if TPE's model found it), and one between them (or, with no such trial, the middle one)."""
    if not steps:
        return ()
    index = {s.trial: i for i, s in enumerate(steps)}
    first_deep = next((t.number for t in run.trials if t.value < threshold), None)
    reach = index.get(first_deep) if first_deep is not None else None
    between = reach // 2 if reach is not None else (len(steps) - 1) // 2
    roles: dict[int, list[str]] = {0: ["first"]}
    if reach is not None:
        roles.setdefault(reach, []).append("deep")
    if reach is None or 0 < between < reach:
        roles.setdefault(between, []).append("between")
    return tuple(SlowStep(steps[i].trial, tuple(r)) for i, r in sorted(roles.items()))


# --- the cached, plain-data result -------------------------------------------------------


def compute_inside_tpe(spec: StudySpec, grid_size: int = MAP_GRID) -> InsideTPE:
    """Record, verify against samplers.run_study, map every step and choose the slow ones (not cached)."""
    recording = record_run(spec)
    threshold = OBJECTIVES[spec.objective].deep_threshold
    if not recording.run.same_trials(samplers.run_study(spec, "tpe")):
        raise RuntimeError("the recorded run differs from samplers.run_study: the recorder perturbed TPE")
    return InsideTPE(
        spec.objective,
        spec.budget,
        spec.seed,
        spec.n_startup_trials,
        recording.n_ei_candidates,
        recording.run.settings.optuna,
        GAMMA.text,
        Y_STAR_RULE,
        LOG_JACOBIAN,
        threshold,
        recording.run,
        recording.steps,
        tuple(step_map(st, grid_size) for st in recording.steps),
        tuple(pick_of(st) for st in recording.steps),
        slow_steps(recording.steps, recording.run, threshold),
        next((t.number for t in recording.run.trials if t.value < threshold), None),
    )


def inside_tpe(spec: StudySpec, grid_size: int = MAP_GRID) -> InsideTPE:
    """A TPE run's internals at every model-guided step, cached."""
    payload = dict(
        objective=spec.objective,
        budget=spec.budget,
        seed=spec.seed,
        n_startup_trials=spec.n_startup_trials,
        grid_size=grid_size,
    )
    return cache.cached(
        "tpe_internals",
        payload,
        (*trials.CODE, recorder, records, sys.modules[__name__]),
        lambda: to_plain(compute_inside_tpe(spec, grid_size)),
        lambda data: from_plain(InsideTPE, data),
    )


# --- command line ----------------------------------------------------------------------


def describe(result: InsideTPE) -> str:
    lines = [
        f"TPE internals: {result.objective}, budget {result.budget}, seed {result.seed}, "
        f"{result.n_startup_trials} start-up trials, {result.n_ei_candidates} candidates, "
        f"optuna {result.optuna_version}; gamma {result.gamma_rule}; {result.y_star_rule}",
        "first trial in the deep well: "
        + ("none" if result.first_deep is None else f"trial {result.first_deep + 1} (counted from 1)"),
    ]
    slow = {s.trial: " and ".join(s.roles) for s in result.slow}
    for step, pick in zip(result.steps, result.picks, strict=True):
        t, b = result.run.trials[step.trial], step.best_candidate
        lines.append(
            f"trial {step.trial + 1:3d}: n = {step.n}, gamma = {step.gamma}, y* = {step.y_star:+.4f}; "
            f"pick {pick.kind} (prior {pick.prior_share:.0%} of l there), log l - log g = {b['acquisition']:+.3f}; "
            f"loss {t.value:+.4f}"
            + (f"  [slow: {slow[step.trial]}]" if step.trial in slow else "")
            + ("" if (t.lr, t.decay) == (b["lr"], b["decay"]) else "  DIFFERS from the best candidate")
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Print what Optuna's TPE did at every model-guided trial of the featured run."
    )
    parser.add_argument("--grid-size", type=int, default=MAP_GRID)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = inside_tpe(settings.load().spec, grid_size=args.grid_size)
    print(describe(result))
    print(
        f"\n(recorded, verified against samplers.run_study, or read from cache in {time.perf_counter() - start:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
