"""Tests for tpe_internals.py: the recording is Optuna's own TPE, step for step.

Expected values come from outside the recorder: a plain optuna study with a
TPESampler and an objective function written here, samplers.run_study, the
gamma formula and the split recomputed here, and _ParzenEstimator objects
built here from the trials' parameters.
"""

from __future__ import annotations

import json
import math

import numpy as np
import optuna
import pytest
from optuna.distributions import FloatDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights

import objective
import samplers
import settings

import tpe_internals as ti

CFG = settings.load()
LR, DECAY = objective.LEARNING_RATE, objective.LAYER_DECAY


@pytest.fixture(scope="module")
def recording():
    return ti.record_run(CFG.objective, CFG.budget, CFG.featured_seed, CFG.n_startup_trials)


@pytest.fixture(scope="module")
def moments(recording):
    return ti.choose_moments(recording)


@pytest.fixture(scope="module")
def plain_study():
    """A plain optuna study: stock TPESampler, objective function written here."""
    landscape = objective.get_objective(CFG.objective)

    def evaluate(trial):
        lr = trial.suggest_float("lr", LR.low, LR.high, log=True)
        decay = trial.suggest_float("decay", DECAY.low, DECAY.high)
        return float(landscape.at_hyperparameters(lr, decay))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=CFG.featured_seed, n_startup_trials=CFG.n_startup_trials)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(evaluate, n_trials=CFG.budget)
    return study


@pytest.fixture(scope="module")
def plain_run():
    return samplers.run_study(CFG.objective, "tpe", CFG.budget, CFG.featured_seed, CFG.n_startup_trials)


def test_optuna_is_the_pinned_version():
    assert optuna.__version__ == ti.OPTUNA_VERSION


def test_every_model_guided_trial_is_recorded(recording):
    assert [s.trial for s in recording.steps] == list(range(CFG.n_startup_trials, CFG.budget))
    assert all(len(s.candidates.acquisition) == recording.n_ei_candidates == 24 for s in recording.steps)


def test_moments_are_chosen_with_notes(moments):
    assert 2 <= len(moments) <= 3
    trials = [m.step.trial for m in moments]
    assert trials == sorted(set(trials))
    assert all(CFG.n_startup_trials <= t < CFG.budget for t in trials)
    assert all(m.note and ti.is_readable(m.metrics) for m in moments)


def test_argmax_candidate_is_plain_optunas_next_trial(recording, moments, plain_study):
    for step in recording.steps:  # every step, the chosen moments among them
        c = step.candidates
        i = int(np.argmax(c.log_l - c.log_g))  # the acquisition, recomputed here
        params = plain_study.trials[step.trial].params
        assert (c.lr[i], c.decay[i]) == (params["lr"], params["decay"])
        assert i == c.chosen
    assert {m.step.trial for m in moments} <= {s.trial for s in recording.steps}


def test_recorded_sequence_equals_run_study(recording, plain_run, plain_study):
    # The recorder must not perturb the RNG stream: every trial identical.
    got = [(t.number, t.lr, t.decay, t.value) for t in recording.run.trials]
    assert got == [(t.number, t.lr, t.decay, t.value) for t in plain_run.trials]
    assert [(n, lr, d) for n, lr, d, _ in got] == [
        (t.number, t.params["lr"], t.params["decay"]) for t in plain_study.trials
    ]
    assert ti.same_trials(recording.run, plain_run)


def test_gamma_and_split_are_optunas_default(recording, plain_run):
    values = {t.number: t.value for t in plain_run.trials}
    for step in recording.steps:
        n = step.trial  # a sequential study: every earlier trial has finished
        assert step.n == n
        gamma = min(math.ceil(0.1 * n), 25)
        assert step.gamma == gamma
        earlier = sorted(range(n), key=lambda k: values[k])
        assert len({values[k] for k in earlier}) == n  # no ties, so "the gamma best" is unique
        assert set(step.below) == set(earlier[:gamma])
        assert set(step.above) == set(earlier[gamma:])
        assert step.y_star == max(values[k] for k in step.below)
        assert all(values[k] > step.y_star for k in step.above)


def test_jacobian_of_the_box_map():
    # x -> ln(lr) is affine with slope ln(high/low)/10; y -> decay with slope (high-low)/10.
    expected = math.log(math.log(1e-4 / 1e-6) / 10) + math.log((1.0 - 0.6) / 10)
    assert (LR.low, LR.high, DECAY.low, DECAY.high) == (1e-6, 1e-4, 0.6, 1.0)
    assert ti.LOG_JACOBIAN == pytest.approx(expected, rel=1e-12)
    assert ti.LOG_JACOBIAN == pytest.approx(math.log(math.log(10) / 5 * 0.04), rel=1e-12)


def test_densities_integrate_to_one_in_tpe_space(moments):
    # Optuna's log_pdf is a density in (u, v) = (ln lr, decay): integrate there.
    n = 401
    u = np.linspace(math.log(LR.low), math.log(LR.high), n)
    v = np.linspace(DECAY.low, DECAY.high, n)
    uu, vv = np.meshgrid(u, v)
    x, y = objective.to_internal(np.exp(uu), vv)
    for m in moments:
        for log_p in ti.log_densities(m.step.estimators, x, y):
            total = np.trapezoid(np.trapezoid(np.exp(log_p), u, axis=1), v)
            assert total == pytest.approx(1.0, abs=1e-3)  # observed ~2e-5 off on 401^2
        # The same over the box, with the constant Jacobian |d(u, v)/d(x, y)|.
        xs = np.linspace(*objective.BOX, n)
        log_l, _ = ti.log_densities(m.step.estimators, *np.meshgrid(xs, xs))
        box_total = np.trapezoid(np.trapezoid(np.exp(log_l), xs, axis=1), xs) * math.exp(ti.LOG_JACOBIAN)
        assert box_total == pytest.approx(1.0, abs=1e-3)


def test_grid_function_reproduces_candidate_densities(moments):
    # Box coordinates -> real units -> estimator: the recorded values come back.
    for m in moments:
        c = m.step.candidates
        log_l, log_g = ti.log_densities(m.step.estimators, c.x, c.y)
        np.testing.assert_allclose(log_l, c.log_l, rtol=0, atol=1e-9)
        np.testing.assert_allclose(log_g, c.log_g, rtol=0, atol=1e-9)


def _fresh_estimator(run: samplers.Run, numbers) -> _ParzenEstimator:
    """Optuna's estimator with TPESampler's default parameters, built here."""
    space = {"lr": FloatDistribution(LR.low, LR.high, log=True), "decay": FloatDistribution(DECAY.low, DECAY.high)}
    obs = {"lr": np.array([run.trials[k].lr for k in numbers]), "decay": np.array([run.trials[k].decay for k in numbers])}
    params = _ParzenEstimatorParameters(prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False,
                                        weights=default_weights, multivariate=True)
    return _ParzenEstimator(obs, space, params)


def test_recorded_estimators_match_freshly_built_ones(recording, plain_run):
    values = {t.number: t.value for t in plain_run.trials}
    rng = np.random.default_rng(20240605)
    points = {"lr": np.exp(rng.uniform(math.log(LR.low), math.log(LR.high), 200)),
              "decay": rng.uniform(DECAY.low, DECAY.high, 200)}
    for step in recording.steps[::4] + recording.steps[-1:]:  # gamma 1 to 4, weights ramp past 25
        trial = step.trial
        order = sorted(range(trial), key=lambda k: values[k])
        gamma = min(math.ceil(0.1 * trial), 25)
        # In trial-number order: past 25 trials default_weights ramps down the oldest.
        below, above = sorted(order[:gamma]), sorted(order[gamma:])
        fresh_l, fresh_g = _fresh_estimator(plain_run, below), _fresh_estimator(plain_run, above)
        rec_l, rec_g = step.estimators
        np.testing.assert_allclose(rec_l.log_pdf(points), fresh_l.log_pdf(points), rtol=0, atol=1e-12)
        np.testing.assert_allclose(rec_g.log_pdf(points), fresh_g.log_pdf(points), rtol=0, atol=1e-12)
        # And at the candidates, against the values Optuna computed during the run.
        cand = {"lr": step.candidates.lr, "decay": step.candidates.decay}
        np.testing.assert_allclose(fresh_l.log_pdf(cand), step.candidates.log_l, rtol=0, atol=1e-12)
        np.testing.assert_allclose(fresh_g.log_pdf(cand), step.candidates.log_g, rtol=0, atol=1e-12)


def test_kernels_are_the_estimators_in_box_units(recording):
    step = recording.step(CFG.budget - 1)
    k = step.l_kernels
    assert k.weights.sum() == pytest.approx(1.0)
    assert len(k.weights) == step.gamma + 1  # one kernel per good trial, plus the prior
    below_x = sorted(recording.run.trials[t].x for t in step.below)
    np.testing.assert_allclose(sorted(k.mu_x[:-1]), below_x, atol=1e-9)
    np.testing.assert_allclose(k.mu_x[-1], 0.0, atol=1e-9)  # the prior sits mid-box
    np.testing.assert_allclose(k.sigma_x * math.log(10) / 5, k.sigma_log_lr, rtol=1e-12)


def test_cached_plain_data_round_trips(tmp_path, recording, moments):
    first = ti.inside_tpe(CFG.objective, CFG.budget, CFG.featured_seed, CFG.n_startup_trials, cache_dir=tmp_path)
    again = ti.inside_tpe(CFG.objective, CFG.budget, CFG.featured_seed, CFG.n_startup_trials, cache_dir=tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    json.dumps(first.to_dict())  # plain data all the way down
    assert [m.step.trial for m in first.moments] == [m.step.trial for m in again.moments] \
        == [m.step.trial for m in moments]
    for stored, live in zip(first.moments, moments):
        assert stored.step.estimators is None
        live_grid = ti.density_grid(live.step, len(stored.grid.xs))
        np.testing.assert_array_equal(stored.grid.log_l, live_grid.log_l)
        np.testing.assert_array_equal(stored.grid.log_g, live_grid.log_g)
        np.testing.assert_array_equal(stored.step.candidates.acquisition, live.step.candidates.acquisition)
    assert ti.same_trials(first.run, recording.run)
