"""Tests for hpsearch.tpe (recorder, records, moments): the recording is Optuna's own TPE, step for step.

Expected values come from outside the recorder: a plain optuna study with a
TPESampler and the objective function of tests/references.py,
samplers.run_study, the gamma formula and the split recomputed here,
_ParzenEstimator objects built here from the trials' parameters, and
hand-derived constants.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib

import numpy as np
import optuna
import pytest
from optuna.distributions import FloatDistribution
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator, _ParzenEstimatorParameters
from optuna.samplers._tpe.sampler import default_weights
from scipy import stats

import objective
import samplers
from hpsearch import settings
from hpsearch.files import ROOT
from hpsearch.plain import from_plain, to_plain
from hpsearch.tpe import moments as tm
from hpsearch.tpe import recorder, records
from tests.references import reference_objective

CFG = settings.defaults()
SPEC = CFG.spec
LR, DECAY = objective.LEARNING_RATE, objective.LAYER_DECAY


@pytest.fixture(scope="module")
def recording():
    return tm.record_run(SPEC)


@pytest.fixture(scope="module")
def sampled(recording):
    """The first, a middle and the last model-guided steps."""
    steps = recording.steps
    return [steps[0], steps[len(steps) // 2], steps[-1]]


@pytest.fixture(scope="module")
def plain_study():
    """A plain optuna study: stock TPESampler, objective function of tests/references.py."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=CFG.featured_seed, n_startup_trials=CFG.n_startup_trials)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(reference_objective(CFG.objective), n_trials=CFG.budget)
    return study


@pytest.fixture(scope="module")
def plain_run():
    return samplers.run_study(SPEC, "tpe")


# --- the pinned optuna -----------------------------------------------------------------------


def test_optuna_is_the_pinned_version():
    assert optuna.__version__ == recorder.PINNED_OPTUNA
    # ... which is the version pyproject.toml pins (and constraints.txt, where the whole stack is pinned)
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = [re.fullmatch(r"optuna==(\S+)", d.replace(" ", "")) for d in deps]
    assert [m.group(1) for m in pins if m] == [recorder.PINNED_OPTUNA]
    constraints = ROOT / "constraints.txt"
    if constraints.exists():
        lines = constraints.read_text().splitlines()
        assert [line for line in lines if line.lower().startswith("optuna==")] == [f"optuna=={recorder.PINNED_OPTUNA}"]


def test_another_optuna_is_refused(monkeypatch):
    monkeypatch.setattr(optuna, "__version__", "4.9.9")
    with pytest.raises(RuntimeError, match="4.9.9"):
        recorder.require_pinned_optuna()
    with pytest.raises(RuntimeError, match="4.9.9"):
        recorder.RecordingTPESampler(seed=0)


def test_gamma_rule_is_optunas_default():
    rule = recorder.GammaRule.of_optuna()
    assert (rule.fraction, rule.cap) == (0.1, 25)
    assert rule.text == "default_gamma(n) = min(ceil(0.1 n), 25)"
    assert [rule(n) for n in range(1, 301)] == [min(math.ceil(n / 10), 25) for n in range(1, 301)]
    assert (rule(1), rule(10), rule(11), rule(250), rule(251), rule(10**6)) == (1, 1, 2, 25, 25, 25)
    assert tm.GAMMA == rule


def test_recorder_is_built_like_the_study_sampler():
    reference = samplers.make_sampler(SPEC, "tpe")
    rec = recorder.RecordingTPESampler.like(reference, SPEC.seed)
    assert type(rec) is recorder.RecordingTPESampler and rec.records == []
    assert rec.n_ei_candidates == 24  # Optuna's default
    # A reference built differently is refused, not silently recorded differently.
    with pytest.raises(RuntimeError, match="_n_ei_candidates"):
        recorder.RecordingTPESampler.like(optuna.samplers.TPESampler(seed=0, n_ei_candidates=10), 0)
    with pytest.raises(RuntimeError, match="_constant_liar"):
        recorder.RecordingTPESampler.like(optuna.samplers.TPESampler(seed=0, constant_liar=False), 0)
    with pytest.raises(RuntimeError, match="RandomSampler"):
        recorder.RecordingTPESampler.like(optuna.samplers.RandomSampler(seed=0), 0)


# --- the recording ---------------------------------------------------------------------------


def test_every_model_guided_trial_is_recorded(recording):
    assert [s.trial for s in recording.steps] == list(range(CFG.n_startup_trials, CFG.budget))
    assert all(len(s.candidates.acquisition) == recording.n_ei_candidates == 24 for s in recording.steps)
    with pytest.raises(KeyError, match="startup"):
        recording.step(CFG.n_startup_trials - 1)
    assert recording.step(CFG.budget - 1) is recording.steps[-1]


def test_the_slow_steps_are_the_first_the_first_deep_and_one_between(recording, plain_study):
    threshold = objective.OBJECTIVES[CFG.objective].deep_threshold
    # The first trial in the deep well, from the plain Optuna study: the 31st at seed 0.
    first_deep = next(t.number for t in plain_study.trials if t.value < threshold)
    assert first_deep == 30
    slow = tm.slow_steps(recording.steps, recording.run, threshold)
    assert [(s.trial, s.roles) for s in slow] == [
        (CFG.n_startup_trials, ("first",)),
        (CFG.n_startup_trials + (first_deep - CFG.n_startup_trials) // 2, ("between",)),
        (first_deep, ("deep",)),
    ]


def test_slow_steps_when_the_model_never_reaches_the_well(recording):
    never = tm.slow_steps(recording.steps, recording.run, threshold=-99.0)
    middle = recording.steps[(len(recording.steps) - 1) // 2].trial
    assert [(s.trial, s.roles) for s in never] == [(CFG.n_startup_trials, ("first",)), (middle, ("between",))]
    # A start-up trial in the well: the model did not find it, so no step is "deep".
    startup_best = min(t.value for t in recording.run.trials[: CFG.n_startup_trials])
    early = tm.slow_steps(recording.steps, recording.run, threshold=startup_best + 1e-9)
    assert all("deep" not in s.roles for s in early)


def kernels(weights, mus, sigmas):
    """A two-kernel l(x) by hand: a better trial's kernel, then the prior (last)."""
    w, (mx, my), (sx, sy) = np.array(weights, float), np.array(mus, float).T, np.array(sigmas, float).T
    return records.Kernels(w, mx, sx, my, sy, mx, sx, my, sy)


def test_a_pick_explores_where_l_is_mostly_its_prior():
    # A better trial at (0, 0) with width 0.5; the prior at the centre with width 10 (nearly flat).
    l_x = kernels([0.5, 0.5], [(0.0, 0.0), (0.0, 0.0)], [(0.5, 0.5), (10.0, 10.0)])
    assert tm.prior_share(l_x, 0.1, 0.0) < 0.05  # on the better trial: its kernel is l there
    assert tm.prior_share(l_x, 4.0, -4.0) > 0.95  # far from it: only the prior is left

    # The share crosses one half where the two truncated densities are equal, found here along x
    # with scipy's normal distribution.
    def prior_density(x):
        mass = (stats.norm.cdf(0.5) - stats.norm.cdf(-0.5)) ** 2
        return stats.norm.pdf(x / 10) / 10 * stats.norm.pdf(0) / 10 / mass

    def kernel_density(x):
        mass = (stats.norm.cdf(10) - stats.norm.cdf(-10)) ** 2
        return stats.norm.pdf(x / 0.5) / 0.5 * stats.norm.pdf(0) / 0.5 / mass

    r = next(x for x in np.linspace(0, 5, 50001) if kernel_density(x) < prior_density(x))
    assert tm.prior_share(l_x, r - 0.01, 0.0) < 0.5 < tm.prior_share(l_x, r + 0.01, 0.0)


def test_picks_follow_the_criterion(recording):
    for step in recording.steps:
        pick = tm.pick_of(step)
        assert pick.trial == step.trial
        assert pick.kind == ("explore" if pick.prior_share > tm.EXPLORE else "exploit")
    kinds = [tm.pick_of(s).kind for s in recording.steps]
    assert kinds[0] == "explore" and kinds[-1] == "exploit"  # seed 0: it explores first, exploits at the end


def test_argmax_candidate_is_plain_optunas_next_trial(recording, plain_study):
    for step in recording.steps:
        c = step.candidates
        i = int(np.argmax(c.log_l - c.log_g))  # the acquisition, recomputed here
        params = plain_study.trials[step.trial].params
        assert (c.lr[i], c.decay[i]) == (params["lr"], params["decay"])
        assert i == c.chosen
        assert step.best_candidate["index"] == i
        assert (step.best_candidate["lr"], step.best_candidate["decay"]) == (params["lr"], params["decay"])


def test_recorded_sequence_equals_run_study(recording, plain_run, plain_study):
    # The recorder must not perturb the RNG stream: every trial identical.
    got = [(t.number, t.lr, t.decay, t.value) for t in recording.run.trials]
    assert got == [(t.number, t.lr, t.decay, t.value) for t in plain_run.trials]
    assert [(n, lr, d) for n, lr, d, _ in got] == [
        (t.number, t.params["lr"], t.params["decay"]) for t in plain_study.trials
    ]
    assert recording.run.same_trials(plain_run)
    assert recording.run == plain_run  # settings and all


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
        assert step.y_above_min == min(values[k] for k in step.above)


def test_jacobian_of_the_box_map():
    # x -> ln(lr) is affine with slope ln(high/low)/10; y -> decay with slope (high-low)/10.
    expected = math.log(math.log(1e-4 / 1e-6) / 10) + math.log((1.0 - 0.6) / 10)
    assert (LR.low, LR.high, DECAY.low, DECAY.high) == (1e-6, 1e-4, 0.6, 1.0)
    assert records.LOG_JACOBIAN == pytest.approx(expected, rel=1e-12)
    assert records.LOG_JACOBIAN == pytest.approx(math.log(math.log(10) / 5 * 0.04), rel=1e-12)
    assert records.dlog_scale_dbox(LR) == pytest.approx(math.log(10) / 5, rel=1e-12)
    assert records.dlog_scale_dbox(DECAY) == pytest.approx(0.04, rel=1e-12)


def test_densities_integrate_to_one_in_tpe_space(sampled):
    # Optuna's log_pdf is a density in (u, v) = (ln lr, decay): integrate there.
    n = 401
    u = np.linspace(math.log(LR.low), math.log(LR.high), n)
    v = np.linspace(DECAY.low, DECAY.high, n)
    uu, vv = np.meshgrid(u, v)
    x, y = objective.to_internal(np.exp(uu), vv)
    for step in sampled:
        for log_p in tm.log_densities(step.estimators, x, y):
            total = np.trapezoid(np.trapezoid(np.exp(log_p), u, axis=1), v)
            assert total == pytest.approx(1.0, abs=1e-3)  # observed ~2e-5 off on 401^2
        # The same over the box, with the constant Jacobian |d(u, v)/d(x, y)|.
        xs = np.linspace(*objective.BOX, n)
        log_l, _ = tm.log_densities(step.estimators, *np.meshgrid(xs, xs))
        box_total = np.trapezoid(np.trapezoid(np.exp(log_l), xs, axis=1), xs) * math.exp(records.LOG_JACOBIAN)
        assert box_total == pytest.approx(1.0, abs=1e-3)


def test_grid_function_reproduces_candidate_densities(recording):
    # Box coordinates -> real units -> estimator: Optuna's own values at its candidates come back,
    # so the map drawn from this function shows, at each candidate, the acquisition Optuna computed.
    for step in recording.steps:
        c = step.candidates
        log_l, log_g = tm.log_densities(step.estimators, c.x, c.y)
        np.testing.assert_allclose(log_l, c.log_l, rtol=0, atol=1e-9)
        np.testing.assert_allclose(log_g, c.log_g, rtol=0, atol=1e-9)
        np.testing.assert_allclose(log_l - log_g, c.acquisition, rtol=0, atol=1e-9)
        # ... and in real units, straight through the recorder
        log_l, log_g = recorder.log_densities(step.estimators, c.lr, c.decay)
        np.testing.assert_array_equal(log_l, c.log_l)
        np.testing.assert_array_equal(log_g, c.log_g)


def test_a_step_map_is_the_estimators_at_the_cell_centres(sampled):
    step = sampled[0]
    m = tm.step_map(step, 10)
    np.testing.assert_allclose(tm.map_centres(10), np.arange(-4.5, 5.0, 1.0), atol=1e-12)
    assert m.log_l.shape == m.log_g.shape == (10, 10) and m.trial == step.trial
    # Row iy, column ix: the point (centres[ix], centres[iy]), i.e. lr 10^(-6 + 0.2 (ix + 0.5)).
    iy, ix = 2, 7
    log_l, log_g = recorder.log_densities(
        step.estimators, np.array([10.0 ** (-6 + 0.2 * (ix + 0.5))]), np.array([0.6 + 0.04 * (iy + 0.5)])
    )
    assert m.log_l[iy, ix] == pytest.approx(round(float(log_l[0]), 3), abs=1e-9)
    assert m.log_g[iy, ix] == pytest.approx(round(float(log_g[0]), 3), abs=1e-9)
    np.testing.assert_array_equal(m.acquisition, m.log_l - m.log_g)


def _fresh_estimator(run: samplers.Run, numbers) -> _ParzenEstimator:
    """Optuna's estimator with TPESampler's default parameters, built here."""
    space = {"lr": FloatDistribution(LR.low, LR.high, log=True), "decay": FloatDistribution(DECAY.low, DECAY.high)}
    obs = {
        "lr": np.array([run.trials[k].lr for k in numbers]),
        "decay": np.array([run.trials[k].decay for k in numbers]),
    }
    params = _ParzenEstimatorParameters(
        prior_weight=1.0, consider_magic_clip=True, consider_endpoints=False, weights=default_weights, multivariate=True
    )
    return _ParzenEstimator(obs, space, params)


def test_recorded_estimators_match_freshly_built_ones(recording, plain_run):
    values = {t.number: t.value for t in plain_run.trials}
    rng = np.random.default_rng(20240605)
    points = {
        "lr": np.exp(rng.uniform(math.log(LR.low), math.log(LR.high), 200)),
        "decay": rng.uniform(DECAY.low, DECAY.high, 200),
    }
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
    # kernels_of reads the mixture in TPE's space; its means are the good trials' (ln lr, decay).
    mixture = recorder.kernels_of(step.estimators[0])
    assert set(mixture) == {"weights", "mu_log_lr", "sigma_log_lr", "mu_decay", "sigma_decay"}
    np.testing.assert_allclose(
        sorted(mixture["mu_log_lr"][:-1]), sorted(math.log(recording.run.trials[t].lr) for t in step.below), rtol=1e-12
    )
    np.testing.assert_allclose(
        sorted(mixture["mu_decay"][:-1]), sorted(recording.run.trials[t].decay for t in step.below), rtol=1e-12
    )
    for name, values in mixture.items():
        np.testing.assert_array_equal(getattr(k, name), values)


def test_kernels_from_mixture_by_hand():
    ln = math.log
    k = records.Kernels.from_mixture(
        weights=np.array([0.25, 0.75]),
        mu_log_lr=np.array([ln(1e-5), ln(1e-6)]),
        sigma_log_lr=np.array([ln(10) / 5, 2 * ln(10) / 5]),
        mu_decay=np.array([0.8, 1.0]),
        sigma_decay=np.array([0.04, 0.02]),
    )
    # lr 1e-5 is mid-box (x = 0), 1e-6 the left edge; decay 0.8 mid-box, 1.0 the top; 0.04 decay = 1 box unit.
    np.testing.assert_allclose(k.mu_x, [0.0, -5.0], atol=1e-12)
    np.testing.assert_allclose(k.sigma_x, [1.0, 2.0], rtol=1e-12)
    np.testing.assert_allclose(k.mu_y, [0.0, 5.0], atol=1e-12)
    np.testing.assert_allclose(k.sigma_y, [1.0, 0.5], rtol=1e-12)
    np.testing.assert_array_equal(k.weights, [0.25, 0.75])


# --- plain data and the cache ---------------------------------------------------------------


def test_a_step_round_trips_through_json(recording):
    step = recording.steps[0]
    data = to_plain(step)
    assert "estimators" not in data  # live optuna objects are not stored
    back = from_plain(records.Step, json.loads(json.dumps(data)))
    assert back.estimators is None
    assert isinstance(back.below, tuple) and all(type(t) is int for t in back.below + back.above)
    assert (back.below, back.above, back.trial, back.n, back.gamma) == (
        step.below,
        step.above,
        step.trial,
        step.n,
        step.gamma,
    )
    assert type(back.candidates.chosen) is int and back.candidates.chosen == step.candidates.chosen
    for field in dataclasses.fields(records.Candidates):
        if field.name != "chosen":
            np.testing.assert_array_equal(getattr(back.candidates, field.name), getattr(step.candidates, field.name))
    for field in dataclasses.fields(records.Kernels):
        np.testing.assert_array_equal(getattr(back.l_kernels, field.name), getattr(step.l_kernels, field.name))
        np.testing.assert_array_equal(getattr(back.g_kernels, field.name), getattr(step.g_kernels, field.name))
    assert to_plain(back) == data
    with pytest.raises(ValueError, match="live estimators"):
        tm.step_map(back, 11)


def test_cached_plain_data_round_trips(tmp_path, monkeypatch, recording):
    monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path))
    first = tm.inside_tpe(SPEC)
    again = tm.inside_tpe(SPEC)
    assert len(list(tmp_path.iterdir())) == 1
    data = to_plain(first)
    assert json.loads(json.dumps(data)) == data  # plain data all the way down
    assert to_plain(from_plain(records.InsideTPE, data)) == data
    assert to_plain(again) == data
    assert [m.trial for m in first.maps] == [p.trial for p in first.picks] == [s.trial for s in recording.steps]
    centres = (np.arange(tm.MAP_GRID) + 0.5) * 10 / tm.MAP_GRID - 5  # cell centres, so the pixels tile the box
    np.testing.assert_allclose(tm.map_centres(), centres, rtol=0, atol=1e-12)
    for stored, live in zip(first.maps, recording.steps, strict=True):
        assert stored.log_l.shape == (tm.MAP_GRID, tm.MAP_GRID)
        log_l, log_g = tm.log_densities(live.estimators, *np.meshgrid(centres, centres))
        np.testing.assert_allclose(stored.log_l, log_l, rtol=0, atol=5e-4)  # stored to 3 decimals
        np.testing.assert_allclose(stored.log_g, log_g, rtol=0, atol=5e-4)
    assert first.first_deep == 30 and first.threshold == objective.WELLS.deep_threshold
    assert first.run.same_trials(recording.run)
    assert (first.objective, first.budget, first.seed, first.n_startup_trials) == (
        CFG.objective,
        CFG.budget,
        CFG.featured_seed,
        CFG.n_startup_trials,
    )
    assert first.n_ei_candidates == 24 and first.optuna_version == recorder.PINNED_OPTUNA
    assert first.gamma_rule == "default_gamma(n) = min(ceil(0.1 n), 25)"
    assert first.log_jacobian == pytest.approx(math.log(math.log(10) / 5 * 0.04), rel=1e-12)
    assert [s.trial for s in first.steps] == [s.trial for s in recording.steps]


def test_describe_reports_every_step(tmp_path, monkeypatch, recording):
    monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path))
    text = tm.describe(tm.inside_tpe(SPEC))
    for step in recording.steps:
        assert f"trial {step.trial + 1:3d}: n = {step.n}," in text
    assert "first trial in the deep well: trial 31" in text
    assert text.count("[slow: ") == 3 and "DIFFERS" not in text
