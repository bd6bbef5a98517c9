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
import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from optuna.trial import TrialState

import samplers
from hpsearch import settings
from hpsearch.plain import from_plain, to_plain
from hpsearch.tpe import recorder, records
from hpsearch.tpe.records import LOG_JACOBIAN, Candidates, DensityGrid, InsideTPE, Kernels, Moment, Step
from objective import BOX, LAYER_DECAY, LEARNING_RATE, to_hyperparameters, to_internal
from samplers import StudySpec

DEFAULT_GRID_SIZE = 101
"""Grid points per axis stored for a chosen moment (0.1 box units apart)."""
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


def density_grid(step: Step, n: int = DEFAULT_GRID_SIZE) -> DensityGrid:
    """Evaluate the step's recorded estimators on an n x n grid over the box (endpoints included)."""
    if step.estimators is None:
        raise ValueError("this Step has no live estimators (loaded from JSON); record the run again")
    xs = np.linspace(*BOX, n)
    log_l, log_g = log_densities(step.estimators, *np.meshgrid(xs, xs))
    lr, decay = to_hyperparameters(xs, xs)
    return DensityGrid(xs, xs.copy(), np.asarray(lr), np.asarray(decay), log_l, log_g)


# --- choosing the moments -------------------------------------------------------------


def readability(step: Step, grid: DensityGrid) -> dict:
    """Numbers that say whether l, g and log l/g draw well on the grid.

    l_area: effective area of l as a share of the box, (int l)^2 / int l^2 / area
      (1 for a flat density, ~4 pi sx sy for one Gaussian); tiny = a needle.
    min_sigma_cells: narrowest kernel of l or g, in grid cells; below ~2 the
      surface aliases into spikes.
    acq_span: max - min of log l - log g on the grid (nats); huge spans squash
      the colour scale.
    """
    step_x = grid.xs[1] - grid.xs[0]
    density = np.exp(grid.log_l)
    w = np.trapezoid(np.trapezoid(density, grid.xs, axis=1), grid.ys)
    w2 = np.trapezoid(np.trapezoid(density**2, grid.xs, axis=1), grid.ys)
    area = (BOX[1] - BOX[0]) ** 2
    sigmas = np.concatenate(
        [k.sigma_x for k in (step.l_kernels, step.g_kernels)] + [k.sigma_y for k in (step.l_kernels, step.g_kernels)]
    )
    acq = grid.acquisition
    return dict(
        l_area=float(w * w / w2 / area),
        min_sigma_cells=float(sigmas.min() / step_x),
        acq_span=float(acq.max() - acq.min()),
    )


READABLE = dict(l_area=0.02, min_sigma_cells=2.0, acq_span=40.0)
"""Thresholds of readability(): l covers >= 2 % of the box, kernels >= 2 cells, span <= 40 nats."""


def is_readable(metrics: dict) -> bool:
    return (
        metrics["l_area"] >= READABLE["l_area"]
        and metrics["min_sigma_cells"] >= READABLE["min_sigma_cells"]
        and metrics["acq_span"] <= READABLE["acq_span"]
    )


_ROLE_REASONS = {
    "first": "the first model-guided trial, just after the random startup trials",
    "middle": "the middle of the model-guided trials",
    "last": "the last trial of the budget",
}


def choose_moments(recording: Recording, grid_size: int = DEFAULT_GRID_SIZE) -> tuple[Moment, ...]:
    """First, middle and last model-guided trials, each moved to the nearest readable neighbour if needed."""
    steps = recording.steps
    if not steps:
        return ()
    targets = {"first": 0, "middle": (len(steps) - 1) // 2, "last": len(steps) - 1}
    moments, used = [], set()
    for role, target in targets.items():
        if target in used:
            continue  # a short run: fewer distinct moments
        # Nearest first (the target itself at distance 0); on a tie, the earlier trial.
        order = sorted(range(len(steps)), key=lambda i: (abs(i - target), i))
        tried = []
        for i in order:
            if i in used:
                continue
            grid = density_grid(steps[i], grid_size)
            metrics = readability(steps[i], grid)
            tried.append((i, grid, metrics))
            if is_readable(metrics):
                break
        else:  # nothing readable: keep the target itself (tried first) and say so
            tried = tried[:1]
        i, grid, metrics = tried[-1]
        used.add(i)
        s = steps[i]
        reason = _ROLE_REASONS[role]
        number = s.trial + 1  # as a viewer counts trials, from 1
        if i == target and is_readable(metrics):
            note = f"trial {number}: {reason}; l/g readable"
        elif is_readable(metrics):
            skipped = ", ".join(str(steps[j].trial + 1) for j, _, _ in tried[:-1])
            note = f"trial {number}: nearest readable to {reason} (skipped {skipped}: too spiky)"
        else:
            note = f"trial {number}: {reason}; no readable neighbour, kept anyway"
        note += (
            f" [l covers {metrics['l_area']:.0%} of the box, narrowest kernel "
            f"{metrics['min_sigma_cells']:.1f} cells, log l/g spans {metrics['acq_span']:.1f} nats]"
        )
        moments.append(Moment(role, s, grid, metrics, note))
    return tuple(moments)


# --- the cached, plain-data result -------------------------------------------------------


def compute_inside_tpe(spec: StudySpec, grid_size: int = DEFAULT_GRID_SIZE) -> InsideTPE:
    """Record, verify against samplers.run_study and choose the moments (not cached)."""
    recording = record_run(spec)
    if not recording.run.same_trials(samplers.run_study(spec, "tpe")):
        raise RuntimeError("the recorded run differs from samplers.run_study: the recorder perturbed TPE")
    return InsideTPE(
        spec.objective,
        spec.budget,
        spec.seed,
        spec.n_startup_trials,
        recording.n_ei_candidates,
        recording.run.settings["optuna"],
        GAMMA.text,
        Y_STAR_RULE,
        LOG_JACOBIAN,
        recording.run,
        recording.steps,
        choose_moments(recording, grid_size),
    )


def inside_tpe(spec: StudySpec, grid_size: int = DEFAULT_GRID_SIZE, cache_dir: Path | None = None) -> InsideTPE:
    """A TPE run's internals at its chosen moments, cached."""
    payload = dict(
        objective=spec.objective,
        budget=spec.budget,
        seed=spec.seed,
        n_startup_trials=spec.n_startup_trials,
        grid_size=grid_size,
        # samplers' key hashes objective.py, samplers.py, the recorder and plain.py; add the rest.
        internals_code=[
            hashlib.sha256(Path(m.__file__ or "").read_bytes()).hexdigest() for m in (sys.modules[__name__], records)
        ],
    )
    return samplers.cached(
        "tpe_internals",
        payload,
        lambda: to_plain(compute_inside_tpe(spec, grid_size)),
        lambda data: from_plain(InsideTPE, data),
        cache_dir,
    )


# --- command line ----------------------------------------------------------------------


def describe(result: InsideTPE) -> str:
    lines = [
        f"TPE internals: {result.objective}, budget {result.budget}, seed {result.seed}, "
        f"{result.n_startup_trials} startup trials, {result.n_ei_candidates} candidates, "
        f"optuna {result.optuna_version}; gamma {result.gamma_rule}; {result.y_star_rule}"
    ]
    for m in result.moments:
        s, b = m.step, m.step.best_candidate
        t = result.run.trials[s.trial]
        lines += [
            f"\n[{m.role}] {m.note}",
            f"  trial {s.trial}: n = {s.n} finished, gamma(n) = {s.gamma}; y* = {s.y_star:.4f} "
            f"(best above: {s.y_above_min:.4f}); below {len(s.below)} {list(s.below)}, above {len(s.above)}",
            f"  best candidate #{b['index']} of {len(s.candidates.acquisition)}: lr = {b['lr']:.6g}, "
            f"decay = {b['decay']:.6f} (x = {b['x']:+.3f}, y = {b['y']:+.3f}); "
            f"log l = {b['log_l']:.4f}, log g = {b['log_g']:.4f}, log l - log g = {b['acquisition']:.4f}",
            f"  next trial {t.number} params: lr = {t.lr:.6g}, decay = {t.decay:.6f} -> loss {t.value:.4f}"
            f" ({'== best candidate' if (t.lr, t.decay) == (b['lr'], b['decay']) else 'DIFFERS'})",
        ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Print what Optuna's TPE did at the chosen moments of the featured run."
    )
    parser.add_argument("--grid-size", type=int, default=DEFAULT_GRID_SIZE)
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
