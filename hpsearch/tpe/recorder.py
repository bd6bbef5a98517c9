"""The one module that reads Optuna's private TPE state; pinned to optuna 5.0.0.

Everything else in the project uses Optuna's public API. Here:
* `GammaRule`: the split size gamma(n), read off Optuna's own `default_gamma`;
* `RecordingTPESampler`: a TPESampler that keeps what `_sample` computed
  (it overrides `_sample`, `_build_parzen_estimator`, `_compute_acquisition_func`);
* `kernels_of` and `log_densities`: the Parzen estimators' mixture
  (`_ParzenEstimator._mixture_distribution`, `_search_space`) and `log_pdf`.
Other Optuna versions may name, order or split these differently, so each
entry point refuses to run on another version (`require_pinned_optuna`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution
from optuna.samplers import TPESampler
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.sampler import default_gamma
from optuna.trial import FrozenTrial

from objective import LAYER_DECAY, LEARNING_RATE

PINNED_OPTUNA = "5.0.0"


def require_pinned_optuna() -> None:
    if optuna.__version__ != PINNED_OPTUNA:
        raise RuntimeError(
            f"optuna {optuna.__version__} is installed; hpsearch.tpe.recorder reads private "
            f"TPESampler state of optuna {PINNED_OPTUNA} (pinned in constraints.txt)"
        )


@dataclass(frozen=True)
class GammaRule:
    """gamma(n) = min(ceil(fraction * n), cap): how many of n trials form the better group."""

    fraction: float
    cap: int

    @classmethod
    def of_optuna(cls) -> GammaRule:
        """The rule Optuna's own default_gamma follows, read off it and checked for n = 1..1000."""
        rule = cls(_fraction(), int(default_gamma(10**9)))
        wrong = [n for n in range(1, 1001) if rule(n) != default_gamma(n)]
        if wrong:
            raise RuntimeError(f"optuna's default_gamma is not {rule.text} at n = {wrong[:3]}")
        return rule

    def __call__(self, n: int) -> int:
        return min(math.ceil(self.fraction * n), self.cap)

    @property
    def text(self) -> str:
        return f"default_gamma(n) = min(ceil({self.fraction:g} n), {self.cap})"


def _fraction() -> float:
    """default_gamma's slope below its cap: the smallest n at which it steps from 1 to 2 is 1 / fraction + 1."""
    step = next(n for n in range(1, 10**6) if default_gamma(n) > 1)
    return round(1 / (step - 1), 9)


class RecordingTPESampler(TPESampler):
    """TPESampler that keeps what `_sample` computed for each model-guided trial.

    It only observes: every override calls the parent and returns its result
    unchanged, and the extra work (log_pdf of the two estimators) draws no
    random numbers, so the RNG stream and every trial are the plain sampler's.
    """

    _SETTINGS = (
        "_n_startup_trials",
        "_n_ei_candidates",
        "_multivariate",
        "_group",
        "_constant_liar",
        "_gamma",
        "_parzen_estimator_parameters",
        "_parzen_estimator_cls",
        "_constraints_func",
    )

    def __init__(self, **kwargs: Any):
        require_pinned_optuna()
        super().__init__(**kwargs)
        self.records: list[dict[str, Any]] = []
        self._pending: dict[str, Any] | None = None

    @classmethod
    def like(cls, reference: optuna.samplers.BaseSampler, seed: int) -> RecordingTPESampler:
        """A recorder built with `seed` and otherwise configured exactly as `reference`, a plain TPESampler
        (its settings are compared; pass the seed `reference` was built with)."""
        if type(reference) is not TPESampler:
            raise RuntimeError(f"the TPE study now uses {type(reference).__name__}; update the recorder")
        recorder = cls(seed=seed, n_startup_trials=reference._n_startup_trials)
        # If the study's sampler gains an argument, the recording would silently differ: refuse instead.
        diff = [a for a in cls._SETTINGS if getattr(recorder, a) != getattr(reference, a)]
        if diff:
            raise RuntimeError(f"the recorder differs from the study's TPESampler in {diff}; update the recorder")
        return recorder

    @property
    def n_ei_candidates(self) -> int:
        return int(self._n_ei_candidates)

    def _sample(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        self._pending = {"trial": trial.number, "search_space": dict(search_space)}
        try:
            params = super()._sample(study, trial, search_space)
        finally:
            pending, self._pending = self._pending, None
        pending["params"] = dict(params)
        pending["gamma_fn"] = self._gamma  # set lazily inside _sample
        self.records.append(pending)
        return params

    def _build_parzen_estimator(
        self,
        study: optuna.Study,
        search_space: dict[str, BaseDistribution],
        trials: list[FrozenTrial],
        handle_below: bool,
    ) -> _ParzenEstimator:
        mpe = super()._build_parzen_estimator(study, search_space, trials, handle_below)
        if self._pending is not None:
            side = "below" if handle_below else "above"
            # deepcopy=False trials: keep plain copies, not the live objects.
            self._pending[side] = [(t.number, t.state, t.value) for t in trials]
            self._pending[f"mpe_{side}"] = mpe
        return mpe

    def _compute_acquisition_func(
        self, samples: dict[str, np.ndarray], mpe_below: _ParzenEstimator, mpe_above: _ParzenEstimator
    ) -> np.ndarray:
        acq = super()._compute_acquisition_func(samples, mpe_below, mpe_above)
        if self._pending is not None:
            # The two terms separately (deterministic; no RNG involved).
            self._pending["samples"] = {k: np.array(v, dtype=float) for k, v in samples.items()}
            self._pending["log_l"] = np.asarray(mpe_below.log_pdf(samples), dtype=float)
            self._pending["log_g"] = np.asarray(mpe_above.log_pdf(samples), dtype=float)
            self._pending["acquisition"] = np.array(acq, dtype=float)
        return acq


def kernels_of(mpe: Any) -> dict[str, np.ndarray]:
    """A recorded Parzen estimator's mixture: weights, and mu/sigma in TPE's space (ln lr, decay)."""
    mixture = mpe._mixture_distribution
    by_name = dict(zip(mpe._search_space, mixture.distributions, strict=True))
    lr_d, decay_d = by_name[LEARNING_RATE.name], by_name[LAYER_DECAY.name]
    return dict(
        weights=np.array(mixture.weights, float),
        mu_log_lr=np.array(lr_d.mu, float),
        sigma_log_lr=np.array(lr_d.sigma, float),
        mu_decay=np.array(decay_d.mu, float),
        sigma_decay=np.array(decay_d.sigma, float),
    )


def log_densities(estimators: tuple[Any, Any], lr: np.ndarray, decay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log l and log g of the recorded estimators at real-unit points (flat arrays).

    Optuna's FloatDistribution repr is the float itself; the estimator applies
    ln() to lr itself, so these are log densities per unit (ln lr, decay).
    """
    points = {LEARNING_RATE.name: lr, LAYER_DECAY.name: decay}
    mpe_l, mpe_g = estimators
    return mpe_l.log_pdf(points), mpe_g.log_pdf(points)
