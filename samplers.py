"""Studies, sweeps and statistics with Optuna's own samplers: plain Python, no Manim.

Every trial is suggested in real units (lr log-uniform, decay uniform) and
evaluated through the hyperparameter map of `objective.py`. Results are plain
dataclasses that serialise to JSON; sweeps are cached on disk under a key
built from everything that determines them.

    python samplers.py --objective wells --budget 36 --seeds 100
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import inspect
import json
import math
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import optuna

import objective as objectives
from hpsearch import plain
from hpsearch.plain import from_plain, to_plain
from hpsearch.processes import ignore_interrupts
from hpsearch.tpe import recorder
from objective import LAYER_DECAY, LEARNING_RATE, to_internal

SAMPLERS = ("grid", "random", "tpe", "qmc")
MAX_BUDGET = 400
"""Past this a 1080p render of one point per trial stops being reasonable."""
MAX_SEED = 2**32 - 1
DEFAULT_N_STARTUP_TRIALS = 10
MAX_DIMS = 8
"""Hyperparameters a study may search: lr and decay, then up to six that the loss ignores."""

CACHE_DIR = Path(os.environ.get("HPSEARCH_CACHE_DIR", Path(__file__).resolve().parent / ".cache" / "trials"))


# --- what a study is ---------------------------------------------------------


class SpecError(ValueError):
    """A study field that is not allowed; `field`, `value` and `allowed` say which and why."""

    def __init__(self, field: str, value: object, allowed: str):
        super().__init__(f"{field} = {value!r} is not allowed: {allowed}")
        self.field, self.value, self.allowed = field, value, allowed


def _whole(field: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not low <= value <= high:
        raise SpecError(field, value, f"an integer from {low} to {high}")
    return int(value)  # a plain int, so what is built from it serialises


@dataclass(frozen=True)
class StudySpec:
    """Everything that determines a study but the sampler: validated once, when it is made.

    A sweep reads `seed` as its first seed.
    """

    objective: str
    budget: int
    seed: int = 0
    n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS
    dims: int = 2  # hyperparameters searched: lr, decay and dims - 2 that do not change the loss

    def __post_init__(self):
        if not isinstance(self.objective, str) or self.objective not in objectives.OBJECTIVES:
            raise SpecError("objective", self.objective, f"one of {', '.join(objectives.OBJECTIVES)}")
        object.__setattr__(self, "budget", _whole("budget", self.budget, 1, MAX_BUDGET))
        object.__setattr__(self, "seed", _whole("seed", self.seed, 0, MAX_SEED))
        object.__setattr__(self, "n_startup_trials", _whole("n_startup_trials", self.n_startup_trials, 0, MAX_BUDGET))
        object.__setattr__(self, "dims", _whole("dims", self.dims, 2, MAX_DIMS))

    @property
    def objective_function(self) -> objectives.Objective:
        return objectives.OBJECTIVES[self.objective]

    def replace(self, **changes) -> StudySpec:
        return dataclasses.replace(self, **changes)


def check_sampler(name: object) -> str:
    if name not in SAMPLERS:
        raise SpecError("sampler", name, f"one of {', '.join(SAMPLERS)}")
    return str(name)


# --- one study ----------------------------------------------------------------


def grid_shape(budget: int) -> tuple[int, int]:
    """Distinct (lr, decay) values of the grid a budget buys.

    k x k with k = floor(sqrt(budget)) decay values, and as many lr values as
    the rest of the budget allows: 36 -> 6 x 6, 30 -> 6 x 5, 40 -> 6 x 6 (4 runs
    unspent). Endpoints are always included.
    """
    budget = _whole("budget", budget, 1, MAX_BUDGET)
    n_decay = math.isqrt(budget)
    return budget // n_decay, n_decay


def lr_values(n: int) -> list[float]:
    """n learning rates log-spaced over the range, its ends exact (no rounding drift)."""
    lr = np.logspace(math.log10(LEARNING_RATE.low), math.log10(LEARNING_RATE.high), n)
    lr[0] = LEARNING_RATE.low
    if n > 1:
        lr[-1] = LEARNING_RATE.high
    return lr.tolist()


def grid_values(budget: int) -> dict[str, list[float]]:
    """The grid in real units: lr log-spaced, decay evenly spaced, endpoints included."""
    n_lr, n_decay = grid_shape(budget)
    return {"lr": lr_values(n_lr), "decay": np.linspace(LAYER_DECAY.low, LAYER_DECAY.high, n_decay).tolist()}


def ignored_names(dims: int) -> list[str]:
    """The hyperparameters past lr and decay, which the loss does not read: h3 .. h{dims}."""
    return [f"h{i}" for i in range(3, dims + 1)]


def values_per_axis(budget: int, dims: int) -> int:
    """The largest k with k ** dims <= budget: a full grid's values on each of its axes."""
    k = 1
    while (k + 1) ** dims <= budget:
        k += 1
    return k


def full_grid(budget: int, dims: int) -> dict[str, list[float]]:
    """The grid of a study in `dims` hyperparameters: the same k values on every axis (ends included).

    In two it is grid_values' (which spends a non-square budget on more learning rates).
    """
    if dims == 2:
        return grid_values(budget)
    k = values_per_axis(budget, dims)
    axes = {"lr": lr_values(k), "decay": np.linspace(LAYER_DECAY.low, LAYER_DECAY.high, k).tolist()}
    return axes | {name: np.linspace(0.0, 1.0, k).tolist() for name in ignored_names(dims)}


def make_sampler(spec: StudySpec, name: str) -> optuna.samplers.BaseSampler:
    check_sampler(name)
    if name == "grid":
        return optuna.samplers.GridSampler(full_grid(spec.budget, spec.dims), seed=spec.seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=spec.seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=spec.seed, n_startup_trials=spec.n_startup_trials)
    with warnings.catch_warnings():  # Optuna marks QMCSampler experimental: known, nothing to act on
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.QMCSampler(
            qmc_type="sobol", scramble=True, seed=spec.seed, warn_asynchronous_seeding=False
        )


def sampler_settings(spec: StudySpec, name: str) -> dict:
    """The settings a run used, read back from the sampler Optuna builds."""
    sampler = make_sampler(spec.replace(seed=0), name)
    settings: dict = {"sampler": type(sampler).__name__, "optuna": optuna.__version__}
    if name == "grid" and spec.dims > 2:
        k = values_per_axis(spec.budget, spec.dims)
        settings.update(values_per_axis=k, n_trials=k**spec.dims)
    elif name == "grid":
        n_lr, n_decay = grid_shape(spec.budget)
        settings.update(n_lr=n_lr, n_decay=n_decay, n_trials=n_lr * n_decay)
    elif name == "tpe":
        assert isinstance(sampler, optuna.samplers.TPESampler)
        settings.update(recorder.tpe_settings(sampler))
    elif name == "qmc":
        settings.update(qmc_type="sobol", scramble=True)
    return settings


def trials_run(name: str, budget: int, dims: int = 2) -> int:
    """How many trials a sampler spends of a budget (a grid may leave some unspent)."""
    if name == "grid" and dims > 2:
        return values_per_axis(budget, dims) ** dims
    if name == "grid":
        n_lr, n_decay = grid_shape(budget)
        return n_lr * n_decay
    return budget


@dataclass(frozen=True)
class Trial:
    number: int
    lr: float
    decay: float
    x: float
    y: float
    value: float
    best_so_far: float


@dataclass(frozen=True)
class Run:
    """One study: which sampler, on what, and its trials in the order they ran."""

    objective: str
    sampler: str
    budget: int
    seed: int
    settings: dict
    trials: tuple[Trial, ...]

    @property
    def best_trial(self) -> Trial:
        return min(self.trials, key=lambda t: (t.value, t.number))

    @property
    def xs(self) -> np.ndarray:
        return np.array([t.x for t in self.trials])

    @property
    def ys(self) -> np.ndarray:
        return np.array([t.y for t in self.trials])

    @property
    def values(self) -> np.ndarray:
        return np.array([t.value for t in self.trials])

    @property
    def best_so_far(self) -> np.ndarray:
        return np.array([t.best_so_far for t in self.trials])

    @property
    def distinct_lr(self) -> int:
        return len(set(t.lr for t in self.trials))

    def plain_extras(self) -> dict:
        """For readers of the cached JSON: which trial is the best."""
        return {"best_trial": self.best_trial.number}

    def same_trials(self, other: Run) -> bool:
        """Exactly the same trials (numbers, params, values) in the same order."""
        return [(t.number, t.lr, t.decay, t.value) for t in self.trials] == [
            (t.number, t.lr, t.decay, t.value) for t in other.trials
        ]


def study_objective(function: objectives.Objective, dims: int = 2) -> Callable[[optuna.Trial], float]:
    """The function Optuna optimises: real-unit suggestions -> loss; hyperparameters past the
    second are suggested in [0, 1] and not read."""

    def evaluate(trial: optuna.Trial) -> float:
        lr = trial.suggest_float(LEARNING_RATE.name, LEARNING_RATE.low, LEARNING_RATE.high, log=LEARNING_RATE.log)
        decay = trial.suggest_float(LAYER_DECAY.name, LAYER_DECAY.low, LAYER_DECAY.high, log=LAYER_DECAY.log)
        for name in ignored_names(dims):
            trial.suggest_float(name, 0.0, 1.0)
        return float(function.at_hyperparameters(lr, decay))

    return evaluate


def run_optuna_study(
    spec: StudySpec,
    name: str,
    sampler: optuna.samplers.BaseSampler | None = None,
    storage: str | None = None,
    study_name: str | None = None,
) -> optuna.Study:
    """Run the real Optuna study, returning it; `sampler` replaces make_sampler(spec, name) (the TPE recorder)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize", sampler=sampler or make_sampler(spec, name), storage=storage, study_name=study_name
    )
    study.optimize(
        study_objective(spec.objective_function, spec.dims), n_trials=trials_run(name, spec.budget, spec.dims)
    )
    return study


def run_study(spec: StudySpec, name: str) -> Run:
    """One seeded study as plain data."""
    return run_from_study(run_optuna_study(spec, name), spec, name)


def run_from_study(study: optuna.Study, spec: StudySpec, name: str) -> Run:
    trials, best = [], math.inf
    for t in sorted(study.trials, key=lambda t: t.number):
        lr, decay = t.params[LEARNING_RATE.name], t.params[LAYER_DECAY.name]
        x, y = to_internal(lr, decay)
        assert t.value is not None  # a finished single-objective trial
        best = min(best, t.value)
        trials.append(Trial(t.number, lr, decay, float(x), float(y), float(t.value), best))
    return Run(spec.objective, name, spec.budget, spec.seed, sampler_settings(spec, name), tuple(trials))


# --- sweeps and statistics ---------------------------------------------------


@dataclass(frozen=True)
class SamplerStats:
    """How one sampler does over many seeds."""

    sampler: str
    seeds: tuple[int, ...]
    curves: np.ndarray  # (n_seeds, n_trials) best-so-far
    threshold: float

    @property
    def final(self) -> np.ndarray:
        return self.curves[:, -1]

    @property
    def quartiles(self) -> tuple[float, float, float]:
        q1, median, q3 = np.percentile(self.final, [25, 50, 75])
        return float(q1), float(median), float(q3)

    @property
    def curve_quartiles(self) -> np.ndarray:
        """(3, n_trials): the 25th, 50th and 75th percentile best-so-far after each trial."""
        return np.percentile(self.curves, [25, 50, 75], axis=0)

    @property
    def reached(self) -> np.ndarray:
        """Per seed: did the run get below the deep-well threshold?"""
        return self.final < self.threshold

    @property
    def share_reached(self) -> float:
        return float(np.mean(self.reached))

    @property
    def first_reach(self) -> np.ndarray:
        """Per seed that reached: the 1-based trial at which it first got there."""
        hits = self.curves[self.reached] < self.threshold
        return np.argmax(hits, axis=1) + 1

    @property
    def mean_first_reach(self) -> float:
        return float(np.mean(self.first_reach)) if self.reached.any() else math.nan


@dataclass(frozen=True)
class Sweep:
    objective: str
    budget: int
    seeds: tuple[int, ...]
    n_startup_trials: int
    stats: dict[str, SamplerStats]

    def share_beating(self, sampler: str, other: str) -> float:
        """Share of seeds where `sampler` ends strictly below `other`."""
        return float(np.mean(self.stats[sampler].final < self.stats[other].final))

    def summary_table(self) -> str:
        obj = objectives.OBJECTIVES[self.objective]
        lines = [
            f"{self.objective}, budget {self.budget}, {len(self.seeds)} seeds "
            f"(deep well: final best < {obj.deep_threshold:.4f}; global minimum {obj.global_minimum.value:.4f})",
            f"{'sampler':<8} {'trials':>6} {'q1':>8} {'median':>8} {'q3':>8} {'deep':>6} "
            f"{'first deep (mean trial)':>24}",
        ]
        for name, s in self.stats.items():
            q1, med, q3 = s.quartiles
            first = f"{s.mean_first_reach:.1f}" if s.reached.any() else "-"
            lines.append(
                f"{name:<8} {s.curves.shape[1]:>6} {q1:>8.4f} {med:>8.4f} {q3:>8.4f} "
                f"{s.share_reached:>6.0%} {first:>24}"
            )
        return "\n".join(lines)


def _cache_key(payload: dict) -> str:
    sources = [Path(inspect.getfile(m)) for m in (objectives, plain, recorder)] + [Path(__file__)]
    payload = dict(
        payload,
        optuna=optuna.__version__,
        numpy=np.__version__,
        code=[hashlib.sha256(p.read_bytes()).hexdigest() for p in sources],
    )
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _read_cache(path: Path, key: str):
    """The cached data if the file is ours, whole and for this key; else None."""
    try:
        data = json.loads(path.read_text())
        if data.get("key") == key and "data" in data:
            return data["data"]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():  # something else took the file's name: it is ours to replace
        shutil.rmtree(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


T = TypeVar("T")

BAD_SHAPE = (KeyError, TypeError, ValueError, AttributeError, IndexError)
"""What load() raises on data with the right key but not the shape it expects."""


def cached(
    kind: str, payload: dict, compute: Callable[[], Any], load: Callable[[Any], T], cache_dir: Path | None = None
) -> T:
    """load(compute()), with compute() run once per key: its JSON result is stored atomically, and a
    stored result that is not whole, not for this key or not of the shape load() expects is computed again."""
    key = _cache_key(dict(payload, kind=kind))
    path = Path(cache_dir or CACHE_DIR) / f"{kind}-{key[:24]}.json"
    data = _read_cache(path, key)
    if data is not None:
        try:
            return load(data)
        except BAD_SHAPE:
            pass
    data = compute()
    _write_atomic(path, json.dumps({"key": key, "data": data}, sort_keys=True))
    return load(data)


def featured_run(spec: StudySpec, name: str, cache_dir: Path | None = None, progress: bool = False) -> Run:
    """The one run a scene shows, cached; with progress, says what it computes before it starts."""
    check_sampler(name)
    payload = dict(
        objective=spec.objective,
        sampler=name,
        budget=spec.budget,
        seed=spec.seed,
        n_startup_trials=spec.n_startup_trials,
        dims=spec.dims,
    )

    def compute() -> dict:
        if progress:
            trials = trials_run(name, spec.budget, spec.dims)
            print(
                f"  featured run {spec.objective} seed {spec.seed}: {name}, {trials:,} trials",
                file=sys.stderr,
                flush=True,
            )
        return to_plain(run_study(spec, name))

    return cached("run", payload, compute, lambda d: from_plain(Run, d), cache_dir)


def _sweep_curves(task: tuple[StudySpec, str, tuple[int, ...]]) -> list[list[float]]:
    spec, name, seeds = task
    return [run_study(spec.replace(seed=s), name).best_so_far.tolist() for s in seeds]


def sweep(
    spec: StudySpec,
    names: Sequence[str] = ("grid", "random", "tpe"),
    n_seeds: int = 100,
    cache_dir: Path | None = None,
    progress: bool = False,
    workers: int | None = None,
) -> Sweep:
    """Best-so-far curves of each sampler over seeds spec.seed .. spec.seed + n_seeds - 1."""
    n_seeds = _whole("n_seeds", n_seeds, 1, MAX_SEED - spec.seed + 1)
    names = tuple(check_sampler(s) for s in names)
    if len(set(names)) != len(names):
        raise SpecError("samplers", names, "distinct names")
    seeds = tuple(range(spec.seed, spec.seed + n_seeds))
    label = f"{spec.objective} budget {spec.budget}" + (f" in {spec.dims} dimensions" if spec.dims > 2 else "")

    def compute() -> dict[str, list[list[float]]]:
        # One task per (sampler, chunk of seeds), spread over the cores.
        chunk = 10
        tasks = [(spec, s, seeds[i : i + chunk]) for s in names for i in range(0, len(seeds), chunk)]
        n_workers = workers or min(len(tasks), os.cpu_count() or 1)
        if progress:  # what is about to be computed, before it starts (one line, in logs too)
            n_trials = sum(trials_run(s, spec.budget, spec.dims) for s in names) * n_seeds
            print(
                f"  sweep {label}: {len(names)} samplers x {n_seeds} seeds = {n_trials:,} trials"
                f" on {n_workers} core{'s' if n_workers > 1 else ''}",
                file=sys.stderr,
                flush=True,
            )
        report = _Progress(progress, label, len(tasks))
        results = []
        if n_workers > 1:
            # multiprocessing's Pool, not concurrent.futures: leaving the block (Ctrl-C included)
            # terminates the workers at once instead of waiting for their batches.
            with multiprocessing.get_context("fork").Pool(n_workers, initializer=ignore_interrupts) as pool:
                for i, r in enumerate(pool.imap(_sweep_curves, tasks)):
                    results.append(r)
                    report(i + 1)
        else:
            for i, t in enumerate(tasks):
                results.append(_sweep_curves(t))
                report(i + 1)
        curves: dict[str, list[list[float]]] = {s: [] for s in names}
        for task, r in zip(tasks, results, strict=True):
            curves[task[1]].extend(r)
        return curves

    payload = dict(
        objective=spec.objective,
        budget=spec.budget,
        seeds=seeds,
        samplers=names,
        n_startup_trials=spec.n_startup_trials,
        dims=spec.dims,
    )

    def load(data: dict[str, list[list[float]]]) -> dict[str, np.ndarray]:
        curves = {s: np.array(data[s], dtype=float) for s in names}
        for s, c in curves.items():
            if c.shape != (n_seeds, trials_run(s, spec.budget, spec.dims)):
                raise ValueError(f"{s}: curves of shape {c.shape}")
        return curves

    curves = cached("sweep", payload, compute, load, cache_dir)
    threshold = spec.objective_function.deep_threshold
    stats = {s: SamplerStats(s, seeds, curves[s], threshold) for s in names}
    return Sweep(spec.objective, spec.budget, seeds, spec.n_startup_trials, stats)


class _Progress:
    """A live counter with the time left, on a terminal only (a log gets the one line before)."""

    def __init__(self, enabled: bool, label: str, total: int):
        self.live = enabled and sys.stderr.isatty()
        self.label, self.total, self.start = label, total, time.monotonic()

    def __call__(self, done: int) -> None:
        if not self.live:
            return
        left = (time.monotonic() - self.start) / done * (self.total - done)
        end = "\n" if done == self.total else ""
        print(
            f"\r  sweep {self.label}: {done}/{self.total} batches, about {left:.0f} s left  ",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run a seed sweep and print each sampler's summary.")
    parser.add_argument("--objective", default="wells", help=f"one of: {', '.join(objectives.OBJECTIVES)}")
    parser.add_argument("--budget", type=int, default=36, help="trials per study")
    parser.add_argument("--seeds", type=int, default=100, help="number of seeds (0 .. N-1)")
    parser.add_argument("--samplers", default="grid,random,tpe", help=f"comma-separated, from: {', '.join(SAMPLERS)}")
    parser.add_argument("--n-startup-trials", type=int, default=DEFAULT_N_STARTUP_TRIALS, help="TPE's random warm-up")
    args = parser.parse_args(argv)
    try:
        spec = StudySpec(args.objective, args.budget, 0, args.n_startup_trials)
        result = sweep(spec, tuple(args.samplers.split(",")), args.seeds, progress=True)
    except SpecError as err:
        parser.error(str(err))
    print(result.summary_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
