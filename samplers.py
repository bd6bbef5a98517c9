"""Studies, sweeps and statistics with Optuna's own samplers: plain Python, no Manim.

Every trial is suggested in real units (lr log-uniform, decay uniform) and
evaluated through the hyperparameter map of `objective.py`. Results are plain
dataclasses that serialise to JSON; sweeps are cached on disk under a key
built from everything that determines them.

    python samplers.py --objective wells --budget 36 --seeds 100
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import optuna

import objective as objectives
from objective import LAYER_DECAY, LEARNING_RATE, to_internal

SAMPLERS = ("grid", "random", "tpe", "qmc")
SAMPLER_TITLES = {"grid": "Grid search", "random": "Random search", "tpe": "TPE", "qmc": "Quasi-random (Sobol)"}
MAX_BUDGET = 400
"""Past this a 1080p render of one point per trial stops being reasonable."""
MAX_SEED = 2**32 - 1
DEFAULT_N_STARTUP_TRIALS = 10

CACHE_DIR = Path(os.environ.get("HPSEARCH_CACHE_DIR", Path(__file__).resolve().parent / ".cache" / "trials"))


# --- validation -------------------------------------------------------------

def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_budget(budget) -> int:
    if not _is_int(budget) or not 1 <= budget <= MAX_BUDGET:
        raise ValueError(f"budget must be an integer from 1 to {MAX_BUDGET}, got {budget!r}")
    return int(budget)


def check_seed(seed, name: str = "seed") -> int:
    if not _is_int(seed) or not 0 <= seed <= MAX_SEED:
        raise ValueError(f"{name} must be an integer from 0 to {MAX_SEED}, got {seed!r}")
    return int(seed)


def check_sampler(name) -> str:
    if name not in SAMPLERS:
        raise ValueError(f"unknown sampler {name!r}; choose one of: {', '.join(SAMPLERS)}")
    return name


def check_n_startup_trials(n) -> int:
    if not _is_int(n) or n < 0:
        raise ValueError(f"n_startup_trials must be an integer >= 0, got {n!r}")
    return int(n)


# --- one study ----------------------------------------------------------------

def grid_shape(budget: int) -> tuple[int, int]:
    """Distinct (lr, decay) values of the grid a budget buys.

    k x k with k = floor(sqrt(budget)) decay values, and as many lr values as
    the rest of the budget allows: 36 -> 6 x 6, 30 -> 6 x 5, 40 -> 6 x 6 (4 runs
    unspent). Endpoints are always included.
    """
    budget = check_budget(budget)
    n_decay = math.isqrt(budget)
    return budget // n_decay, n_decay


def grid_values(budget: int) -> dict[str, list[float]]:
    """The grid in real units: lr log-spaced, decay evenly spaced, endpoints included."""
    n_lr, n_decay = grid_shape(budget)
    lr = np.logspace(math.log10(LEARNING_RATE.low), math.log10(LEARNING_RATE.high), n_lr)
    lr[0] = LEARNING_RATE.low  # exact endpoints, no rounding drift
    if n_lr > 1:
        lr[-1] = LEARNING_RATE.high
    return {"lr": lr.tolist(), "decay": np.linspace(LAYER_DECAY.low, LAYER_DECAY.high, n_decay).tolist()}


def make_sampler(name: str, seed: int, budget: int, n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS):
    check_sampler(name)
    if name == "grid":
        return optuna.samplers.GridSampler(grid_values(budget), seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=n_startup_trials)
    return optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=seed, warn_asynchronous_seeding=False)


def sampler_settings(name: str, budget: int, n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS) -> dict:
    """The settings a run used, read back from the sampler Optuna builds."""
    sampler = make_sampler(name, 0, budget, n_startup_trials)
    settings: dict = {"sampler": type(sampler).__name__, "optuna": optuna.__version__}
    if name == "grid":
        n_lr, n_decay = grid_shape(budget)
        settings.update(n_lr=n_lr, n_decay=n_decay, n_trials=n_lr * n_decay)
    elif name == "tpe":
        # Private attributes: pinned to optuna 5.0.0 in pyproject.toml.
        settings.update(
            n_startup_trials=sampler._n_startup_trials,
            n_ei_candidates=sampler._n_ei_candidates,
            multivariate=sampler._multivariate is not False,  # None means "multivariate for one objective"
            constant_liar=sampler._constant_liar,
            gamma="default_gamma(n) = min(ceil(0.1 n), 25)" if sampler._gamma is None else repr(sampler._gamma),
        )
    elif name == "qmc":
        settings.update(qmc_type="sobol", scramble=True)
    return settings


def trials_run(name: str, budget: int) -> int:
    """How many trials a sampler spends of a budget (a grid may leave some unspent)."""
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

    def to_dict(self) -> dict:
        data = asdict(self)
        data["best_trial"] = self.best_trial.number
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Run":
        trials = tuple(Trial(**t) for t in data["trials"])
        return cls(data["objective"], data["sampler"], data["budget"], data["seed"], data["settings"], trials)


def study_objective(objective_name: str):
    """The function Optuna optimises: real-unit suggestions -> loss."""
    landscape = objectives.get_objective(objective_name)

    def evaluate(trial: optuna.Trial) -> float:
        lr = trial.suggest_float(LEARNING_RATE.name, LEARNING_RATE.low, LEARNING_RATE.high, log=LEARNING_RATE.log)
        decay = trial.suggest_float(LAYER_DECAY.name, LAYER_DECAY.low, LAYER_DECAY.high, log=LAYER_DECAY.log)
        return float(landscape.at_hyperparameters(lr, decay))

    return evaluate


def run_optuna_study(objective_name: str, sampler: str, budget: int, seed: int,
                     n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS, storage=None, study_name=None) -> optuna.Study:
    """Run the real Optuna study (validated inputs), returning it."""
    objectives.get_objective(objective_name)
    budget, seed = check_budget(budget), check_seed(seed)
    check_n_startup_trials(n_startup_trials)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize", sampler=make_sampler(sampler, seed, budget, n_startup_trials),
        storage=storage, study_name=study_name,
    )
    study.optimize(study_objective(objective_name), n_trials=trials_run(sampler, budget))
    return study


def run_study(objective_name: str, sampler: str, budget: int, seed: int,
              n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS) -> Run:
    """One seeded study as plain data."""
    budget, seed = check_budget(budget), check_seed(seed)  # plain ints, so the Run serialises
    study = run_optuna_study(objective_name, sampler, budget, seed, n_startup_trials)
    return run_from_study(study, objective_name, sampler, budget, seed, n_startup_trials)


def run_from_study(study: optuna.Study, objective_name: str, sampler: str, budget: int, seed: int,
                   n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS) -> Run:
    trials, best = [], math.inf
    for t in sorted(study.trials, key=lambda t: t.number):
        lr, decay = t.params[LEARNING_RATE.name], t.params[LAYER_DECAY.name]
        x, y = to_internal(lr, decay)
        best = min(best, t.value)
        trials.append(Trial(t.number, lr, decay, float(x), float(y), float(t.value), best))
    return Run(objective_name, sampler, budget, seed, sampler_settings(sampler, budget, n_startup_trials), tuple(trials))


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
    stats: dict  # sampler -> SamplerStats

    def share_beating(self, sampler: str, other: str) -> float:
        """Share of seeds where `sampler` ends strictly below `other`."""
        return float(np.mean(self.stats[sampler].final < self.stats[other].final))

    def summary_table(self) -> str:
        obj = objectives.get_objective(self.objective)
        lines = [
            f"{self.objective}, budget {self.budget}, {len(self.seeds)} seeds "
            f"(deep well: final best < {obj.deep_threshold:.4f}; global minimum {obj.global_minimum.value:.4f})",
            f"{'sampler':<8} {'trials':>6} {'q1':>8} {'median':>8} {'q3':>8} {'deep':>6} {'first deep (mean trial)':>24}",
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
    sources = [Path(objectives.__file__), Path(__file__)]
    payload = dict(payload, optuna=optuna.__version__, numpy=np.__version__,
                   code=[hashlib.sha256(p.read_bytes()).hexdigest() for p in sources])
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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def cached(kind: str, payload: dict, compute, cache_dir: Path | None = None):
    """compute() once per key; the JSON result is stored atomically and checked on read."""
    key = _cache_key(dict(payload, kind=kind))
    path = Path(cache_dir or CACHE_DIR) / f"{kind}-{key[:24]}.json"
    data = _read_cache(path, key)
    if data is None:
        data = compute()
        _write_atomic(path, json.dumps({"key": key, "data": data}, sort_keys=True))
    return data


def featured_run(objective_name: str, sampler: str, budget: int, seed: int,
                 n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS, cache_dir: Path | None = None) -> Run:
    """The one run a scene shows, cached."""
    objectives.get_objective(objective_name)
    check_sampler(sampler)
    budget, seed, n_startup_trials = check_budget(budget), check_seed(seed), check_n_startup_trials(n_startup_trials)
    payload = dict(objective=objective_name, sampler=sampler, budget=budget, seed=seed, n_startup_trials=n_startup_trials)
    data = cached("run", payload, lambda: run_study(objective_name, sampler, budget, seed, n_startup_trials).to_dict(),
                  cache_dir)
    return Run.from_dict(data)


def _sweep_curves(args) -> list[list[float]]:
    objective_name, sampler, budget, seeds, n_startup_trials = args
    return [run_study(objective_name, sampler, budget, s, n_startup_trials).best_so_far.tolist() for s in seeds]


def sweep(objective_name: str, budget: int, n_seeds: int = 100, samplers=("grid", "random", "tpe"),
          n_startup_trials: int = DEFAULT_N_STARTUP_TRIALS, first_seed: int = 0,
          cache_dir: Path | None = None, progress: bool = False, workers: int | None = None) -> Sweep:
    """Best-so-far curves of each sampler over seeds first_seed .. first_seed + n_seeds - 1."""
    landscape = objectives.get_objective(objective_name)
    budget = check_budget(budget)
    if not _is_int(n_seeds) or n_seeds < 1:
        raise ValueError(f"n_seeds must be an integer >= 1, got {n_seeds!r}")
    check_seed(first_seed, "first_seed")
    check_seed(first_seed + n_seeds - 1, "last seed")
    samplers = tuple(check_sampler(s) for s in samplers)
    if len(set(samplers)) != len(samplers):
        raise ValueError(f"samplers must be distinct, got {samplers!r}")
    seeds = tuple(range(first_seed, first_seed + n_seeds))

    def compute():
        # One task per (sampler, chunk of seeds), spread over the cores.
        chunk = 10
        tasks = [(objective_name, s, budget, seeds[i:i + chunk], n_startup_trials)
                 for s in samplers for i in range(0, len(seeds), chunk)]
        n_workers = workers or min(len(tasks), os.cpu_count() or 1)
        results = []
        if n_workers > 1:
            from concurrent.futures import ProcessPoolExecutor
            with ProcessPoolExecutor(n_workers) as pool:
                for i, r in enumerate(pool.map(_sweep_curves, tasks)):
                    results.append(r)
                    _progress(progress, f"{objective_name} budget {budget}", i + 1, len(tasks))
        else:
            for i, t in enumerate(tasks):
                results.append(_sweep_curves(t))
                _progress(progress, f"{objective_name} budget {budget}", i + 1, len(tasks))
        curves = {s: [] for s in samplers}
        for task, r in zip(tasks, results):
            curves[task[1]].extend(r)
        return curves

    payload = dict(objective=objective_name, budget=budget, seeds=seeds, samplers=samplers,
                   n_startup_trials=n_startup_trials)
    curves = cached("sweep", payload, compute, cache_dir)
    stats = {s: SamplerStats(s, seeds, np.array(curves[s]), landscape.deep_threshold) for s in samplers}
    return Sweep(objective_name, budget, seeds, n_startup_trials, stats)


def _progress(enabled: bool, label: str, done: int, total: int) -> None:
    if enabled and sys.stderr.isatty():  # a live counter on a terminal; nothing in logs
        end = "\n" if done == total else ""
        print(f"\r  sweep {label}: {done}/{total} batches", end=end, file=sys.stderr, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run a seed sweep and print each sampler's summary.")
    parser.add_argument("--objective", default="wells", help=f"one of: {', '.join(objectives.OBJECTIVES)}")
    parser.add_argument("--budget", type=int, default=36, help="trials per study")
    parser.add_argument("--seeds", type=int, default=100, help="number of seeds (0 .. N-1)")
    parser.add_argument("--samplers", default="grid,random,tpe", help=f"comma-separated, from: {', '.join(SAMPLERS)}")
    parser.add_argument("--n-startup-trials", type=int, default=DEFAULT_N_STARTUP_TRIALS, help="TPE's random warm-up")
    args = parser.parse_args(argv)
    try:
        result = sweep(args.objective, args.budget, args.seeds, tuple(args.samplers.split(",")),
                       args.n_startup_trials, progress=True)
    except ValueError as err:
        parser.error(str(err))
    print(result.summary_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
