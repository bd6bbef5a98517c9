"""The trial data the beats draw: featured runs and seed sweeps, cached, the sweeps spread over the cores.

samplers.py runs the studies; this adds what a render needs around them: the
content-keyed cache (hpsearch.cache), a process pool for sweeps, and one live
progress display while a sweep computes (shown only inside `progress_shown()`,
which the render driver opens around its warm-up).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

import objective
import samplers
from hpsearch import cache, plain
from hpsearch.plain import from_plain, to_plain
from hpsearch.processes import ignore_interrupts
from samplers import Run, SamplerName, StudySpec, Sweep

CODE = (objective, samplers, plain)
"""The modules whose source decides the trial data: part of every cache key here."""
SEEDS_PER_TASK = 10  # a pool task: one sampler on this many seeds
T = TypeVar("T")

_shown: ContextVar[bool] = ContextVar("progress_shown", default=False)


@contextmanager
def progress_shown(shown: bool = True) -> Iterator[None]:
    """Inside this block, what is computed is announced (one line, in logs too) and sweeps show live progress."""
    token = _shown.set(shown)
    try:
        yield
    finally:
        _shown.reset(token)


def _announce(line: str) -> None:
    if _shown.get():
        print(f"  {line}", file=sys.stderr, flush=True)


def featured_run(spec: StudySpec, name: SamplerName) -> Run:
    """The one run a scene shows, cached."""
    samplers.check_sampler(name)
    payload = dict(
        objective=spec.objective,
        sampler=name,
        budget=spec.budget,
        seed=spec.seed,
        n_startup_trials=spec.n_startup_trials,
        dims=spec.dims,
    )

    def compute() -> object:
        trials = samplers.trials_run(name, spec.budget, spec.dims)
        _announce(f"featured run {spec.objective} seed {spec.seed}: {name}, {trials:,} trials")
        return to_plain(samplers.run_study(spec, name))

    return cache.cached("run", payload, CODE, compute, lambda d: from_plain(Run, d))


def _task_curves(task: tuple[StudySpec, SamplerName, tuple[int, ...]]) -> list[list[float]]:
    return samplers.sweep_curves(*task)


def sweep(spec: StudySpec, names: Sequence[SamplerName], n_seeds: int, workers: int | None = None) -> Sweep:
    """samplers.sweep, cached, with one pool task per (sampler, SEEDS_PER_TASK seeds) over `workers` processes."""
    seeds = samplers.seed_range(spec, n_seeds)
    names = samplers.check_samplers(names)
    label = f"{spec.objective} budget {spec.budget}" + (f" in {spec.dims} dimensions" if spec.dims > 2 else "")

    def compute() -> dict[str, list[list[float]]]:
        tasks = [(spec, s, seeds[i : i + SEEDS_PER_TASK]) for s in names for i in range(0, len(seeds), SEEDS_PER_TASK)]
        n_workers = workers or min(len(tasks), os.cpu_count() or 1)
        n_trials = sum(samplers.trials_run(s, spec.budget, spec.dims) for s in names) * len(seeds)
        _announce(
            f"sweep {label}: {len(names)} samplers x {len(seeds)} seeds = {n_trials:,} trials"
            f" on {n_workers} core{'s' if n_workers > 1 else ''}"
        )
        if n_workers > 1:
            # multiprocessing's Pool, not concurrent.futures: leaving the block (Ctrl-C included)
            # terminates the workers at once instead of waiting for their batches.
            with multiprocessing.get_context("fork").Pool(n_workers, initializer=ignore_interrupts) as pool:
                results = list(_counted(pool.imap(_task_curves, tasks), f"sweep {label}", len(tasks)))
        else:
            results = list(_counted(map(_task_curves, tasks), f"sweep {label}", len(tasks)))
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

    def load(data: dict[str, list[list[float]]]) -> Sweep:
        return samplers.sweep_from_curves(spec, seeds, {s: np.array(data[s], dtype=float) for s in names})

    return cache.cached("sweep", payload, CODE, compute, load)


def _counted(items: Iterable[T], label: str, total: int) -> Iterator[T]:
    """`items`, counted on a live bar with the time left: on a terminal, inside progress_shown()."""
    if not (_shown.get() and sys.stderr.isatty()):
        yield from items
        return
    columns = (
        TextColumn(f"  {label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("batches"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)
