"""What TPE computed for each model-guided trial, as plain data (no Optuna objects, no Manim).

The dataclasses a recorded run becomes (hpsearch.tpe.moments builds them from
hpsearch.tpe.recorder's records); each goes to and from JSON with
hpsearch.plain.

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
  (`LOG_JACOBIAN` is the log of that product). The acquisition
  log l - log g is the same in every space: the Jacobian cancels.

The threshold y*
----------------
Optuna never computes a threshold: it sorts the finished trials by value and
takes the gamma(n) best as "below". For drawing we derive y* from that split:
y* = the largest value in the below group (the worst trial still counted as
good), so below = {value <= y*} and every above trial has value >= y*.
`Step.y_above_min` is the best value in the above group, for a scene that
prefers a line midway between the groups.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from objective import BOX, LAYER_DECAY, LEARNING_RATE, SEARCH_SPACE, HyperParameter, to_internal
from samplers import Run


def dlog_scale_dbox(hp: HyperParameter) -> float:
    """d(TPE coordinate)/d(box coordinate): ln() for log axes, identity otherwise."""
    span = math.log(hp.high) - math.log(hp.low) if hp.log else hp.high - hp.low
    return span / (BOX[1] - BOX[0])


LOG_JACOBIAN = float(sum(math.log(dlog_scale_dbox(hp)) for hp in SEARCH_SPACE))
"""log |d(ln lr, decay) / d(x, y)|: add to a TPE log density to get one per unit box area."""


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
    def from_mixture(
        cls,
        weights: np.ndarray,
        mu_log_lr: np.ndarray,
        sigma_log_lr: np.ndarray,
        mu_decay: np.ndarray,
        sigma_decay: np.ndarray,
    ) -> Kernels:
        """From the mixture in TPE's space (recorder.kernels_of), adding its place in the box."""
        mu_x, mu_y = to_internal(np.exp(mu_log_lr), mu_decay)
        return cls(
            weights,
            mu_log_lr,
            sigma_log_lr,
            mu_decay,
            sigma_decay,
            np.asarray(mu_x, float),
            sigma_log_lr / dlog_scale_dbox(LEARNING_RATE),
            np.asarray(mu_y, float),
            sigma_decay / dlog_scale_dbox(LAYER_DECAY),
        )


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
    estimators: tuple[Any, Any] | None = field(default=None, compare=False, repr=False, metadata={"transient": True})

    @property
    def best_candidate(self) -> dict:
        c, i = self.candidates, self.candidates.chosen
        return dict(
            index=i,
            lr=float(c.lr[i]),
            decay=float(c.decay[i]),
            x=float(c.x[i]),
            y=float(c.y[i]),
            log_l=float(c.log_l[i]),
            log_g=float(c.log_g[i]),
            acquisition=float(c.acquisition[i]),
        )


@dataclass(frozen=True)
class StepMap:
    """log l and log g of one step on a coarse grid over the box (MAP_GRID points per axis, [iy, ix])."""

    trial: int
    log_l: np.ndarray
    log_g: np.ndarray

    @property
    def acquisition(self) -> np.ndarray:
        return self.log_l - self.log_g


@dataclass(frozen=True)
class Pick:
    """Whether a step's pick exploits the better trials or explores away from them."""

    trial: int
    kind: str  # "exploit" or "explore"
    prior_share: float  # of l(x) at the pick, from l's prior rather than a better trial's kernel


@dataclass(frozen=True)
class SlowStep:
    """A step the beat shows slowly, and why: "first", "between", "deep" (its trial first reaches the well)."""

    trial: int
    roles: tuple[str, ...]


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
    threshold: float  # the deep well's
    run: Run  # verified equal to samplers.run_study(...)
    steps: tuple[Step, ...]  # every model-guided trial
    maps: tuple[StepMap, ...]  # one per step
    picks: tuple[Pick, ...]  # one per step
    slow: tuple[SlowStep, ...]
    first_deep: int | None  # number of the run's first trial in the deep well (any phase), None if none
