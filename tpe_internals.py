"""Inside TPE: what Optuna's own TPESampler computes when it picks a trial. Plain Python, no Manim.

A thin TPESampler subclass records, for every model-guided trial of a normal
`study.optimize` run (built exactly like `samplers.run_study`'s), the split of
the trials so far at Optuna's gamma(n), the two Parzen estimators l(x) (below)
and g(x) (above), the n_ei_candidates candidates drawn from l(x), their
log l, log g and acquisition log l - log g, and the argmax, which is the next
trial's parameters. Nothing is re-implemented: densities on a grid come from
the recorded `_ParzenEstimator.log_pdf` itself.

Pinned to optuna 5.0.0: the recorder overrides the private methods
`TPESampler._sample`, `_build_parzen_estimator` and `_compute_acquisition_func`
and reads `_ParzenEstimator._mixture_distribution` and `_search_space`.
Other versions may name, order or split these differently.

Spaces and units
----------------
* Real units: lr (log-uniform in [1e-6, 1e-4]) and decay ([0.6, 1.0]), what
  `trial.params` holds.
* TPE's space: u = ln(lr) (natural log) and v = decay. Optuna's
  FloatDistribution internal repr is the float itself; the estimator takes
  ln() of log=True parameters internally, so its kernels are truncated normals
  in (u, v) and `log_pdf` is a log density per unit of (ln lr) x (decay).
* Internal box: (x, y) in [-5, 5]^2 of `objective.py`, affine in (log10 lr,
  decay), so affine in (u, v) too. The Jacobian is constant:
      du/dx = ln(1e-4 / 1e-6) / 10 = ln(10) / 5,   dv/dy = 0.4 / 10 = 0.04,
  so a density per unit box area is exp(log_pdf) * du/dx * dv/dy
  (`DensityGrid.log_jacobian` is the log of that product). The acquisition
  log l - log g is the same in every space: the Jacobian cancels.

The threshold y*
----------------
Optuna never computes a threshold: it sorts the finished trials by value and
takes the gamma(n) best as "below". For drawing we derive y* from that split:
y* = the largest value in the below group (the worst trial still counted as
good), so below = {value <= y*} and every above trial has value >= y*.
`Step.y_above_min` is the best value in the above group, for a scene that
prefers a line midway between the groups.

    python tpe_internals.py
"""

from __future__ import annotations

import argparse
import hashlib
import math
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import optuna
from optuna.samplers import TPESampler
from optuna.trial import TrialState

import objective as objectives
import samplers
import settings
from objective import BOX, LAYER_DECAY, LEARNING_RATE, SEARCH_SPACE, to_hyperparameters, to_internal

OPTUNA_VERSION = "5.0.0"
DEFAULT_GRID_SIZE = 101
"""Grid points per axis stored for a chosen moment (0.1 box units apart)."""
Y_STAR_RULE = "y* = max value in the below group (derived from Optuna's split; Optuna itself keeps no threshold)"
GAMMA_RULE = "default_gamma(n) = min(ceil(0.1 n), 25)"


# --- the recorder ------------------------------------------------------------

class RecordingTPESampler(TPESampler):
    """TPESampler that keeps what `_sample` computed for each model-guided trial.

    It only observes: every override calls the parent and returns its result
    unchanged, and the extra work (log_pdf of the two estimators) draws no
    random numbers, so the RNG stream and every trial are the plain sampler's.
    Pinned to optuna 5.0.0 (private methods).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.records: list[dict] = []
        self._pending: dict | None = None

    def _sample(self, study, trial, search_space):
        self._pending = {"trial": trial.number, "search_space": dict(search_space)}
        try:
            params = super()._sample(study, trial, search_space)
        finally:
            pending, self._pending = self._pending, None
        pending["params"] = dict(params)
        pending["gamma_fn"] = self._gamma  # set lazily inside _sample
        self.records.append(pending)
        return params

    def _build_parzen_estimator(self, study, search_space, trials, handle_below):
        mpe = super()._build_parzen_estimator(study, search_space, trials, handle_below)
        if self._pending is not None:
            side = "below" if handle_below else "above"
            # deepcopy=False trials: keep plain copies, not the live objects.
            self._pending[side] = [(t.number, t.state, t.value) for t in trials]
            self._pending[f"mpe_{side}"] = mpe
        return mpe

    def _compute_acquisition_func(self, samples, mpe_below, mpe_above):
        acq = super()._compute_acquisition_func(samples, mpe_below, mpe_above)
        if self._pending is not None:
            # The two terms separately (deterministic; no RNG involved).
            self._pending["samples"] = {k: np.array(v, dtype=float) for k, v in samples.items()}
            self._pending["log_l"] = np.asarray(mpe_below.log_pdf(samples), dtype=float)
            self._pending["log_g"] = np.asarray(mpe_above.log_pdf(samples), dtype=float)
            self._pending["acquisition"] = np.array(acq, dtype=float)
        return acq


_SAMPLER_ATTRS = ("_n_startup_trials", "_n_ei_candidates", "_multivariate", "_group", "_constant_liar",
                  "_gamma", "_parzen_estimator_parameters", "_parzen_estimator_cls", "_constraints_func")


def make_recording_sampler(seed: int, budget: int, n_startup_trials: int) -> RecordingTPESampler:
    """The recorder, configured exactly like samplers.make_sampler('tpe', ...) (checked)."""
    reference = samplers.make_sampler("tpe", seed, budget, n_startup_trials)
    if type(reference) is not TPESampler:
        raise RuntimeError(f"samplers.make_sampler('tpe') now builds {type(reference).__name__}; update the recorder")
    recorder = RecordingTPESampler(seed=seed, n_startup_trials=n_startup_trials)
    # If make_sampler gains an argument, the recording would silently differ: refuse instead.
    diff = [a for a in _SAMPLER_ATTRS if getattr(recorder, a) != getattr(reference, a)]
    if diff:
        raise RuntimeError(f"recorder differs from samplers.make_sampler('tpe') in {diff}; update the recorder")
    return recorder


# --- plain data ----------------------------------------------------------------

def _dlog_scale_dbox(hp: objectives.HyperParameter) -> float:
    """d(TPE coordinate)/d(box coordinate): ln() for log axes, identity otherwise."""
    span = math.log(hp.high) - math.log(hp.low) if hp.log else hp.high - hp.low
    return span / (BOX[1] - BOX[0])


LOG_JACOBIAN = float(sum(math.log(_dlog_scale_dbox(hp)) for hp in SEARCH_SPACE))
"""log |d(ln lr, decay) / d(x, y)|: add to a TPE log density to get one per unit box area."""


def _arrays_to_lists(obj):
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, dict):
        return {k: _arrays_to_lists(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_arrays_to_lists(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    return obj


@dataclass(frozen=True)
class Candidates:
    """The n_ei_candidates points TPE drew from l(x) for one trial."""

    lr: np.ndarray  # real units
    decay: np.ndarray
    x: np.ndarray  # internal box
    y: np.ndarray
    log_l: np.ndarray  # log density per unit (ln lr, decay)
    log_g: np.ndarray
    acquisition: np.ndarray  # log_l - log_g, as Optuna computed it
    chosen: int  # argmax of acquisition: the next trial

    def to_dict(self) -> dict:
        return {f.name: _arrays_to_lists(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "Candidates":
        return cls(**{k: (int(v) if k == "chosen" else np.asarray(v, dtype=float)) for k, v in d.items()})


@dataclass(frozen=True)
class Kernels:
    """One Parzen estimator as a mixture of truncated product Gaussians (last kernel = prior).

    mu/sigma in TPE's space (ln lr, decay) and in box units (x, y) for drawing;
    the map is affine, so a kernel stays a (truncated) Gaussian in the box.
    """

    weights: np.ndarray
    mu_log_lr: np.ndarray
    sigma_log_lr: np.ndarray
    mu_decay: np.ndarray
    sigma_decay: np.ndarray
    mu_x: np.ndarray
    sigma_x: np.ndarray
    mu_y: np.ndarray
    sigma_y: np.ndarray

    @classmethod
    def from_estimator(cls, mpe) -> "Kernels":
        mixture = mpe._mixture_distribution  # private, optuna 5.0.0
        by_name = dict(zip(mpe._search_space, mixture.distributions))
        lr_d, decay_d = by_name[LEARNING_RATE.name], by_name[LAYER_DECAY.name]
        mu_x, mu_y = to_internal(np.exp(lr_d.mu), decay_d.mu)
        return cls(
            np.array(mixture.weights, float), np.array(lr_d.mu, float), np.array(lr_d.sigma, float),
            np.array(decay_d.mu, float), np.array(decay_d.sigma, float),
            np.asarray(mu_x, float), np.asarray(lr_d.sigma, float) / _dlog_scale_dbox(LEARNING_RATE),
            np.asarray(mu_y, float), np.asarray(decay_d.sigma, float) / _dlog_scale_dbox(LAYER_DECAY),
        )

    def to_dict(self) -> dict:
        return {f.name: _arrays_to_lists(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "Kernels":
        return cls(**{k: np.asarray(v, dtype=float) for k, v in d.items()})


@dataclass(frozen=True)
class Step:
    """What TPE did to pick one model-guided trial."""

    trial: int  # number of the trial being sampled
    n: int  # finished trials the model saw
    gamma: int  # Optuna's gamma(n): size of the below group
    below: tuple[int, ...]  # trial numbers in l(x)'s group, ascending
    above: tuple[int, ...]  # trial numbers in g(x)'s group
    y_star: float  # max value in the below group (see module docstring)
    y_above_min: float  # min value in the above group
    candidates: Candidates
    lr: float  # chosen parameters = the trial's params (real units)
    decay: float
    x: float  # ... and in the internal box
    y: float
    l_kernels: Kernels
    g_kernels: Kernels
    # The live optuna estimators (l, g); None after a JSON round trip.
    estimators: tuple | None = field(default=None, compare=False, repr=False)

    @property
    def best_candidate(self) -> dict:
        c, i = self.candidates, self.candidates.chosen
        return dict(index=i, lr=float(c.lr[i]), decay=float(c.decay[i]), x=float(c.x[i]), y=float(c.y[i]),
                    log_l=float(c.log_l[i]), log_g=float(c.log_g[i]), acquisition=float(c.acquisition[i]))

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "estimators"}
        d.update(below=list(self.below), above=list(self.above), candidates=self.candidates.to_dict(),
                 l_kernels=self.l_kernels.to_dict(), g_kernels=self.g_kernels.to_dict())
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Step":
        d = dict(d, below=tuple(d["below"]), above=tuple(d["above"]),
                 candidates=Candidates.from_dict(d["candidates"]),
                 l_kernels=Kernels.from_dict(d["l_kernels"]), g_kernels=Kernels.from_dict(d["g_kernels"]))
        return cls(**d)


def _step_from_record(rec: dict) -> Step:
    """Turn one raw record into a Step, checking it against what Optuna returned."""
    below, above = rec["below"], rec["above"]
    if any(s == TrialState.RUNNING for _, s, _ in below + above):
        raise RuntimeError("running trials in the split: the recorder assumes a sequential study")
    n = len(below) + len(above)
    gamma = int(rec["gamma_fn"](n))
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
        trial=rec["trial"], n=n, gamma=gamma,
        below=tuple(t for t, _, _ in below), above=tuple(t for t, _, _ in above),
        y_star=float(max(v for _, _, v in below)), y_above_min=float(min(v for _, _, v in above)),
        candidates=Candidates(samples[LEARNING_RATE.name], samples[LAYER_DECAY.name], np.asarray(cx, float),
                              np.asarray(cy, float), rec["log_l"], rec["log_g"], acq, chosen),
        lr=lr, decay=decay, x=float(x), y=float(y),
        l_kernels=Kernels.from_estimator(rec["mpe_below"]), g_kernels=Kernels.from_estimator(rec["mpe_above"]),
        estimators=(rec["mpe_below"], rec["mpe_above"]),
    )


# --- recording a run ---------------------------------------------------------------

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


def record_run(objective_name: str, budget: int, seed: int,
               n_startup_trials: int = samplers.DEFAULT_N_STARTUP_TRIALS) -> Recording:
    """Run the TPE study as samplers.run_study does, with the recorder as sampler. Not cached."""
    objectives.get_objective(objective_name)
    budget, seed = samplers.check_budget(budget), samplers.check_seed(seed)
    samplers.check_n_startup_trials(n_startup_trials)
    sampler = make_recording_sampler(seed, budget, n_startup_trials)
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # as samplers.run_optuna_study
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(samplers.study_objective(objective_name), n_trials=samplers.trials_run("tpe", budget))
    run = samplers.run_from_study(study, objective_name, "tpe", budget, seed, n_startup_trials)
    steps = tuple(_step_from_record(r) for r in sampler.records)
    for s in steps:  # the chosen candidate is what the study stored for that trial
        t = run.trials[s.trial]
        if (t.lr, t.decay) != (s.lr, s.decay):
            raise RuntimeError(f"trial {s.trial}: stored params differ from the recorded argmax")
    return Recording(run, steps, sampler._n_ei_candidates)


def same_trials(a: samplers.Run, b: samplers.Run) -> bool:
    """Exactly the same trials (numbers, params, values) in the same order."""
    key = lambda r: [(t.number, t.lr, t.decay, t.value) for t in r.trials]  # noqa: E731
    return key(a) == key(b)


# --- densities on the box ------------------------------------------------------------

def log_densities(estimators, x, y) -> tuple[np.ndarray, np.ndarray]:
    """log l and log g at internal points (x, y), from the recorded optuna estimators.

    Box -> real units -> Optuna's FloatDistribution repr (the float itself; the
    estimator applies ln() to lr itself), then `_ParzenEstimator.log_pdf`.
    Returns log densities per unit (ln lr, decay), shaped like x and y.
    """
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    lr, decay = to_hyperparameters(x.ravel(), y.ravel())
    # Keep box-edge points inside the truncation: 10**(-6.0) may round past low.
    lr = np.clip(lr, LEARNING_RATE.low, LEARNING_RATE.high)
    decay = np.clip(decay, LAYER_DECAY.low, LAYER_DECAY.high)
    points = {LEARNING_RATE.name: lr, LAYER_DECAY.name: decay}
    mpe_l, mpe_g = estimators
    return mpe_l.log_pdf(points).reshape(x.shape), mpe_g.log_pdf(points).reshape(x.shape)


@dataclass(frozen=True)
class DensityGrid:
    """log l and log g on an n x n grid over the internal box; arrays indexed [iy, ix].

    Log densities are per unit (ln lr, decay), TPE's own space; add
    `log_jacobian` for a density per unit box area.
    """

    xs: np.ndarray  # (n,) internal x
    ys: np.ndarray  # (n,) internal y
    lr: np.ndarray  # (n,) real units along x
    decay: np.ndarray  # (n,) real units along y
    log_l: np.ndarray  # (n, n)
    log_g: np.ndarray  # (n, n)
    log_jacobian: float = LOG_JACOBIAN

    @property
    def acquisition(self) -> np.ndarray:
        return self.log_l - self.log_g

    def to_dict(self) -> dict:
        return {f.name: _arrays_to_lists(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "DensityGrid":
        return cls(**{k: (float(v) if k == "log_jacobian" else np.asarray(v, dtype=float)) for k, v in d.items()})


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
    sigmas = np.concatenate([k.sigma_x for k in (step.l_kernels, step.g_kernels)]
                            + [k.sigma_y for k in (step.l_kernels, step.g_kernels)])
    acq = grid.acquisition
    return dict(l_area=float(w * w / w2 / area), min_sigma_cells=float(sigmas.min() / step_x),
                acq_span=float(acq.max() - acq.min()))


READABLE = dict(l_area=0.02, min_sigma_cells=2.0, acq_span=40.0)
"""Thresholds of readability(): l covers >= 2 % of the box, kernels >= 2 cells, span <= 40 nats."""


def is_readable(metrics: dict) -> bool:
    return (metrics["l_area"] >= READABLE["l_area"] and metrics["min_sigma_cells"] >= READABLE["min_sigma_cells"]
            and metrics["acq_span"] <= READABLE["acq_span"])


@dataclass(frozen=True)
class Moment:
    """One chosen step with its density grid and why it was chosen."""

    role: str  # "first", "middle", "last"
    step: Step
    grid: DensityGrid
    metrics: dict
    note: str

    def to_dict(self) -> dict:
        return dict(role=self.role, step=self.step.to_dict(), grid=self.grid.to_dict(),
                    metrics=self.metrics, note=self.note)

    @classmethod
    def from_dict(cls, d: dict) -> "Moment":
        return cls(d["role"], Step.from_dict(d["step"]), DensityGrid.from_dict(d["grid"]), d["metrics"], d["note"])


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
        if i == target and is_readable(metrics):
            note = f"trial {s.trial}: {reason}; l/g readable"
        elif is_readable(metrics):
            skipped = ", ".join(str(steps[j].trial) for j, _, _ in tried[:-1])
            note = f"trial {s.trial}: nearest readable to {reason} (skipped {skipped}: too spiky)"
        else:
            note = f"trial {s.trial}: {reason}; no readable neighbour, kept anyway"
        note += (f" [l covers {metrics['l_area']:.0%} of the box, narrowest kernel "
                 f"{metrics['min_sigma_cells']:.1f} cells, log l/g spans {metrics['acq_span']:.1f} nats]")
        moments.append(Moment(role, s, grid, metrics, note))
    return tuple(moments)


# --- the cached, plain-data result -------------------------------------------------------

@dataclass(frozen=True)
class InsideTPE:
    """Everything a scene needs, plain data (no optuna objects)."""

    objective: str
    budget: int
    seed: int
    n_startup_trials: int
    n_ei_candidates: int
    optuna_version: str
    gamma_rule: str
    y_star_rule: str
    log_jacobian: float
    run: samplers.Run  # verified equal to samplers.run_study(...)
    steps: tuple[Step, ...]  # every model-guided trial, without grids
    moments: tuple[Moment, ...]  # the chosen ones, with grids

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d.update(run=self.run.to_dict(), steps=[s.to_dict() for s in self.steps],
                 moments=[m.to_dict() for m in self.moments])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "InsideTPE":
        d = dict(d, run=samplers.Run.from_dict(d["run"]), steps=tuple(Step.from_dict(s) for s in d["steps"]),
                 moments=tuple(Moment.from_dict(m) for m in d["moments"]))
        return cls(**d)


def compute_inside_tpe(objective_name: str, budget: int, seed: int, n_startup_trials: int,
                       grid_size: int = DEFAULT_GRID_SIZE) -> InsideTPE:
    """Record, verify against samplers.run_study and choose the moments (not cached)."""
    recording = record_run(objective_name, budget, seed, n_startup_trials)
    plain = samplers.run_study(objective_name, "tpe", budget, seed, n_startup_trials)
    if not same_trials(recording.run, plain):
        raise RuntimeError("the recorded run differs from samplers.run_study: the recorder perturbed TPE")
    sampler = recording.run.settings
    return InsideTPE(
        objective_name, budget, seed, n_startup_trials, recording.n_ei_candidates, sampler["optuna"],
        GAMMA_RULE, Y_STAR_RULE, LOG_JACOBIAN, recording.run, recording.steps,
        choose_moments(recording, grid_size),
    )


def inside_tpe(objective_name: str | None = None, budget: int | None = None, seed: int | None = None,
               n_startup_trials: int | None = None, grid_size: int = DEFAULT_GRID_SIZE,
               cache_dir: Path | None = None) -> InsideTPE:
    """The featured TPE run's internals, cached; unset arguments come from settings.load()."""
    if None in (objective_name, budget, seed, n_startup_trials):
        cfg = settings.load()
        objective_name = objective_name or cfg.objective
        budget = cfg.budget if budget is None else budget
        seed = cfg.featured_seed if seed is None else seed
        n_startup_trials = cfg.n_startup_trials if n_startup_trials is None else n_startup_trials
    payload = dict(objective=objective_name, budget=budget, seed=seed, n_startup_trials=n_startup_trials,
                   grid_size=grid_size,
                   # samplers' key hashes objective.py and samplers.py; add this file too.
                   internals_code=hashlib.sha256(Path(__file__).read_bytes()).hexdigest())
    data = samplers.cached(
        "tpe_internals", payload,
        lambda: _arrays_to_lists(compute_inside_tpe(objective_name, budget, seed, n_startup_trials,
                                                    grid_size).to_dict()),
        cache_dir,
    )
    return InsideTPE.from_dict(data)


# --- command line ----------------------------------------------------------------------

def describe(result: InsideTPE) -> str:
    lines = [f"TPE internals: {result.objective}, budget {result.budget}, seed {result.seed}, "
             f"{result.n_startup_trials} startup trials, {result.n_ei_candidates} candidates, "
             f"optuna {result.optuna_version}; gamma {result.gamma_rule}; {result.y_star_rule}"]
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
    parser = argparse.ArgumentParser(description="Print what Optuna's TPE did at the chosen moments of the featured run.")
    parser.add_argument("--grid-size", type=int, default=DEFAULT_GRID_SIZE)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = inside_tpe(grid_size=args.grid_size)
    print(describe(result))
    print(f"\n(recorded, verified against samplers.run_study, or read from cache in {time.perf_counter() - start:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
