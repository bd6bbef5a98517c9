"""Tests for samplers.py: studies, sweeps and statistics.

Expected trial sequences come from Optuna run directly in this file, on a
transcription of the objective and of the hyperparameter map (tests/references.py);
expected grids from numpy; expected statistics from the standard library.
"""

from __future__ import annotations

import dataclasses
import json
import math
import statistics

import numpy as np
import optuna
import pytest
from scipy import optimize

import objective
import samplers
from hpsearch.plain import from_plain, to_plain
from samplers import Run, SpecError, StudySpec, run_study, sweep
from tests.references import branin_ref, lr_valley_ref, my_map, reference_objective, wells_ref

optuna.logging.set_verbosity(optuna.logging.WARNING)
# QMCSampler is marked experimental by Optuna; that warning is not what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")

LR_LOW, LR_HIGH = 1e-6, 1e-4
DECAY_LOW, DECAY_HIGH = 0.6, 1.0


def direct_study(sampler, n_trials, name="wells"):
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(reference_objective(name), n_trials=n_trials)
    trials = sorted(study.trials, key=lambda t: t.number)
    return [(t.params["lr"], t.params["decay"], t.value) for t in trials]


def my_grid(n_lr, n_decay):
    return np.logspace(-6, -4, n_lr), np.linspace(DECAY_LOW, DECAY_HIGH, n_decay)


def direct_sampler(name, seed, budget, n_startup_trials=10):
    if name == "grid":
        n_decay = math.isqrt(budget)
        lr, decay = my_grid(budget // n_decay, n_decay)
        return optuna.samplers.GridSampler({"lr": lr.tolist(), "decay": decay.tolist()}, seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=n_startup_trials)
    raise AssertionError(name)


def assert_same_trials(run: Run, expected):
    assert len(run.trials) == len(expected)
    for t, (lr, decay, value) in zip(run.trials, expected, strict=True):
        assert t.lr == lr and t.decay == decay, (t, lr, decay)
        assert t.value == pytest.approx(value, rel=1e-12, abs=1e-12)


def my_wells_minima():
    """Wells minima polished here from their closed-form centres."""
    out = []
    for c in [(0, 3), (-2, -2), (3, -1)]:
        res = optimize.minimize(
            lambda p: float(wells_ref(*p)), c, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-15}
        )
        out.append(float(res.fun))
    return sorted(out)


# --- determinism -------------------------------------------------------------------


@pytest.mark.parametrize("sampler", ["grid", "random", "tpe", "qmc"])
def test_same_seed_same_trials(sampler):
    a = run_study(StudySpec("wells", 16, 7), sampler)
    b = run_study(StudySpec("wells", 16, 7), sampler)
    assert to_plain(a) == to_plain(b)
    assert a == b


@pytest.mark.parametrize("sampler", ["random", "tpe", "qmc"])
def test_different_seeds_different_trials(sampler):
    a = run_study(StudySpec("wells", 16, 0), sampler)
    b = run_study(StudySpec("wells", 16, 1), sampler)
    pa = [(t.lr, t.decay) for t in a.trials]
    pb = [(t.lr, t.decay) for t in b.trials]
    assert len(set(pa) & set(pb)) == 0


def test_grid_seed_changes_order_not_points():
    a = run_study(StudySpec("wells", 25, 0), "grid")
    b = run_study(StudySpec("wells", 25, 1), "grid")
    pa = [(t.lr, t.decay) for t in a.trials]
    pb = [(t.lr, t.decay) for t in b.trials]
    assert sorted(pa) == sorted(pb)
    assert pa != pb


# --- grid ------------------------------------------------------------------------------


@pytest.mark.parametrize("budget, k", [(36, 6), (25, 5), (4, 2)])
def test_square_grid_visits_each_point_once(budget, k):
    run = run_study(StudySpec("wells", budget, 3), "grid")
    assert len(run.trials) == k * k
    lr, decay = my_grid(k, k)
    expected = {(i, j) for i in range(k) for j in range(k)}
    seen = []
    for t in run.trials:
        i = int(np.argmin(np.abs(np.log10(lr) - math.log10(t.lr))))
        j = int(np.argmin(np.abs(decay - t.decay)))
        assert t.lr == pytest.approx(lr[i], rel=1e-12)
        assert t.decay == pytest.approx(decay[j], rel=1e-12)
        seen.append((i, j))
    assert len(seen) == len(set(seen)), "a grid point was visited twice"
    assert set(seen) == expected


@pytest.mark.parametrize("budget", [1, 2, 3, 5, 8, 30, 40, 50, 99])
def test_non_square_grid_shape(budget):
    k = math.isqrt(budget)
    n_lr, n_decay = budget // k, k  # documented: floor(sqrt N) decay values, N // floor(sqrt N) lr values
    assert samplers.grid_shape(budget) == (n_lr, n_decay)
    run = run_study(StudySpec("wells", budget, 0), "grid")
    assert len(run.trials) == n_lr * n_decay <= budget
    assert samplers.trials_run("grid", budget) == n_lr * n_decay
    lr, decay = my_grid(n_lr, n_decay)
    got_lr = sorted({t.lr for t in run.trials})
    got_decay = sorted({t.decay for t in run.trials})
    np.testing.assert_allclose(got_lr, lr, rtol=1e-12)
    np.testing.assert_allclose(got_decay, decay, rtol=1e-12)
    assert len({(t.lr, t.decay) for t in run.trials}) == n_lr * n_decay


def test_grid_endpoints_exact():
    values = samplers.grid_values(36)
    assert values["lr"][0] == LR_LOW and values["lr"][-1] == LR_HIGH
    assert values["decay"][0] == DECAY_LOW and values["decay"][-1] == DECAY_HIGH


# --- TPE, random and QMC against Optuna run directly ----------------------------------


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_tpe_equals_optuna_directly(seed):
    run = run_study(StudySpec("wells", 24, seed), "tpe")
    expected = direct_study(optuna.samplers.TPESampler(seed=seed, n_startup_trials=10), 24)
    assert_same_trials(run, expected)


def test_tpe_n_startup_trials_is_passed_on():
    run = run_study(StudySpec("wells", 20, 5, n_startup_trials=4), "tpe")
    expected = direct_study(optuna.samplers.TPESampler(seed=5, n_startup_trials=4), 20)
    assert_same_trials(run, expected)
    assert run.settings.n_startup_trials == 4
    # and it matters: the default warm-up gives a different sequence
    other = run_study(StudySpec("wells", 20, 5), "tpe")
    assert [t.lr for t in other.trials] != [t.lr for t in run.trials]


@pytest.mark.parametrize("seed", [0, 9])
def test_random_equals_optuna_directly(seed):
    run = run_study(StudySpec("wells", 20, seed), "random")
    assert_same_trials(run, direct_study(optuna.samplers.RandomSampler(seed=seed), 20))


@pytest.mark.parametrize("seed", [0, 4])
def test_grid_equals_optuna_directly(seed):
    run = run_study(StudySpec("wells", 30, seed), "grid")
    assert_same_trials(run, direct_study(direct_sampler("grid", seed, 30), 30))


@pytest.mark.parametrize("budget, n_startup", [(1, 10), (5, 10), (10, 10), (16, 16), (8, 20)])
@pytest.mark.parametrize("seed", [0, 123])
def test_tpe_startup_equals_random_sampler(budget, n_startup, seed):
    """With budget <= n_startup_trials every TPE trial is a startup trial, drawn
    by the same RandomSampler draws as a RandomSampler with the same seed."""
    tpe = run_study(StudySpec("wells", budget, seed, n_startup_trials=n_startup), "tpe")
    direct_random = direct_study(optuna.samplers.RandomSampler(seed=seed), budget)
    assert_same_trials(tpe, direct_random)
    assert [(t.lr, t.decay) for t in tpe.trials] == [
        (t.lr, t.decay) for t in run_study(StudySpec("wells", budget, seed), "random").trials
    ]


@pytest.mark.parametrize("budget", [1, 10, 16])
def test_qmc_runs_and_honours_budget(budget):
    run = run_study(StudySpec("wells", budget, 2), "qmc")
    assert len(run.trials) == budget
    assert all(LR_LOW <= t.lr <= LR_HIGH and DECAY_LOW <= t.decay <= DECAY_HIGH for t in run.trials)
    assert len({(t.lr, t.decay) for t in run.trials}) == budget
    sampler = optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=2, warn_asynchronous_seeding=False)
    assert_same_trials(run, direct_study(sampler, budget))


# --- per-run bookkeeping ---------------------------------------------------------------


@pytest.mark.parametrize("sampler", ["grid", "random", "tpe", "qmc"])
def test_trial_bookkeeping(sampler):
    run = run_study(StudySpec("wells", 25, 11), sampler)
    values = np.array([t.value for t in run.trials])
    assert [t.number for t in run.trials] == list(range(len(run.trials)))
    np.testing.assert_array_equal(run.best_so_far, np.minimum.accumulate(values))
    np.testing.assert_array_equal(run.values, values)
    assert run.best_trial.number == int(np.argmin(values))
    assert run.best_trial.value == values.min()
    x, y = my_map(np.array([t.lr for t in run.trials]), np.array([t.decay for t in run.trials]))
    np.testing.assert_allclose(run.xs, x, atol=1e-9)
    np.testing.assert_allclose(run.ys, y, atol=1e-9)
    np.testing.assert_allclose(values, wells_ref(x, y), rtol=1e-12, atol=1e-12)
    if sampler != "grid":
        assert len(run.trials) == 25
    assert (run.objective, run.sampler, run.budget, run.seed) == ("wells", sampler, 25, 11)


@pytest.mark.parametrize("sampler", ["grid", "random", "tpe", "qmc"])
def test_run_json_round_trip(sampler):
    run = run_study(StudySpec("branin", 9, 3), sampler)
    text = json.dumps(to_plain(run))
    data = json.loads(text)
    assert data["best_trial"] == run.best_trial.number
    back = from_plain(Run, data)
    assert back == run
    assert to_plain(back) == to_plain(run)
    assert all(type(t) is samplers.Trial for t in back.trials) and isinstance(back.trials, tuple)


def test_same_trials():
    a = run_study(StudySpec("wells", 8, 2), "random")
    assert a.same_trials(run_study(StudySpec("wells", 8, 2), "random"))
    assert not a.same_trials(run_study(StudySpec("wells", 8, 3), "random"))
    assert not a.same_trials(run_study(StudySpec("wells", 9, 2), "random"))  # one trial more
    # One value changed, the parameters kept: not the same trials.
    changed = dataclasses.replace(a.trials[-1], value=a.trials[-1].value + 1e-9)
    assert not a.same_trials(dataclasses.replace(a, trials=a.trials[:-1] + (changed,)))
    # What a run was called does not matter, only its trials.
    assert a.same_trials(dataclasses.replace(a, sampler="tpe", settings={}))


@pytest.mark.parametrize("objective_name, ref", [("branin", branin_ref), ("lr_valley", lr_valley_ref)])
def test_other_objectives_evaluated_through_the_map(objective_name, ref):
    run = run_study(StudySpec(objective_name, 12, 8), "random")
    x, y = my_map(np.array([t.lr for t in run.trials]), np.array([t.decay for t in run.trials]))
    np.testing.assert_allclose(run.values, ref(x, y), rtol=1e-12, atol=1e-12)
    direct = direct_study(optuna.samplers.RandomSampler(seed=8), 12, objective_name)
    assert [(t.lr, t.decay) for t in run.trials] == [(lr, d) for lr, d, _ in direct]
    assert_same_trials(run, direct)


@pytest.mark.parametrize("name", ["wells", "branin", "lr_valley"])
def test_study_objective_takes_the_objective_function(name):
    """samplers.study_objective(Objective) is what Optuna minimises: the reference loss at the suggested point."""
    spec = StudySpec(name, 10, 4)
    assert spec.objective_function is objective.OBJECTIVES[name]
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.RandomSampler(seed=4))
    study.optimize(samplers.study_objective(spec.objective_function), n_trials=10)
    expected = direct_study(optuna.samplers.RandomSampler(seed=4), 10, name)
    assert [(t.params["lr"], t.params["decay"]) for t in study.trials] == [(lr, d) for lr, d, _ in expected]
    np.testing.assert_allclose([t.value for t in study.trials], [v for _, _, v in expected], rtol=1e-12, atol=1e-12)


def test_run_optuna_study_with_a_sampler_of_its_own(tmp_path):
    """A sampler passed in replaces make_sampler(spec, name); the budget still comes from the spec."""
    spec = StudySpec("wells", 9, 0)
    study = samplers.run_optuna_study(spec, "random", sampler=optuna.samplers.RandomSampler(seed=5))
    assert_same_trials(
        samplers.run_from_study(study, spec, "random"), direct_study(optuna.samplers.RandomSampler(seed=5), 9)
    )
    # ... and the study can be stored where a caller says, under its name.
    storage = f"sqlite:///{tmp_path / 'studies.db'}"
    samplers.run_optuna_study(spec, "grid", storage=storage, study_name="mine")
    stored = optuna.load_study(study_name="mine", storage=storage)
    assert len(stored.trials) == 9
    run = samplers.run_from_study(stored, spec, "grid")
    assert run.same_trials(run_study(spec, "grid"))
    assert (run.objective, run.sampler, run.budget, run.seed) == ("wells", "grid", 9, 0)


def test_sampler_settings_read_back():
    spec = StudySpec("wells", 30, 0, n_startup_trials=7)
    version = optuna.__version__
    assert samplers.sampler_settings(spec, "grid") == samplers.RunSettings("GridSampler", version, 30, (6, 5))
    assert samplers.sampler_settings(spec, "tpe") == samplers.RunSettings("TPESampler", version, 30, (), 7)
    assert samplers.sampler_settings(spec, "random") == samplers.RunSettings("RandomSampler", version, 30)
    assert samplers.sampler_settings(spec, "qmc").sampler_class == "QMCSampler"
    # A full grid in 4 dimensions spends 2 ** 4 of 30 runs.
    assert samplers.sampler_settings(spec.replace(dims=4), "grid") == samplers.RunSettings(
        "GridSampler", version, 16, (2, 2, 2, 2)
    )
    # What a run used does not depend on its seed.
    for name in samplers.SAMPLERS:
        assert samplers.sampler_settings(spec.replace(seed=99), name) == samplers.sampler_settings(spec, name)
    assert run_study(spec.replace(budget=12), "tpe").settings == samplers.sampler_settings(
        spec.replace(budget=12), "tpe"
    )


# --- validation --------------------------------------------------------------------------


def test_spec_error_says_which_field_and_what_is_allowed():
    assert issubclass(SpecError, ValueError)
    with pytest.raises(SpecError) as err:
        StudySpec("wells", 0)
    assert str(err.value) == "budget = 0 is not allowed: an integer from 1 to 400"
    assert (err.value.field, err.value.value, err.value.allowed) == ("budget", 0, "an integer from 1 to 400")


def test_study_spec_defaults_and_is_frozen():
    spec = StudySpec("wells", 16)
    assert (spec.objective, spec.budget, spec.seed, spec.n_startup_trials) == ("wells", 16, 0, 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.budget = 0  # type: ignore[misc]  # assigning a frozen field is the point
    assert spec.replace(seed=3) == StudySpec("wells", 16, 3)
    assert spec == StudySpec("wells", 16)  # replace made a new spec
    # replace() goes through the same checks as a new spec
    with pytest.raises(SpecError, match="budget"):
        spec.replace(budget=401)
    with pytest.raises(SpecError, match="objective"):
        spec.replace(objective="nope")


@pytest.mark.parametrize("budget", [0, -1, 2.5, True, 401, "16", None])
def test_bad_budget(budget):
    with pytest.raises(SpecError) as err:
        run_study(StudySpec("wells", budget, 0), "random")
    assert repr(budget) in str(err.value)
    assert "budget" in str(err.value)
    assert err.value.field == "budget"


@pytest.mark.parametrize("budget", [0, 2.5, True, 401])
def test_bad_budget_in_sweep_and_grid(budget, tmp_path):
    with pytest.raises(SpecError, match="budget"):
        sweep(StudySpec("wells", budget), ("grid", "random"), n_seeds=2)
    with pytest.raises(SpecError, match="budget"):
        samplers.grid_shape(budget)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", [-1, 1.5, 2**32, True, "0"])
def test_bad_seed(seed):
    with pytest.raises(SpecError) as err:
        run_study(StudySpec("wells", 8, seed), "tpe")
    assert repr(seed) in str(err.value)
    assert "seed" in str(err.value)
    assert err.value.field == "seed"


def test_largest_seed_is_accepted():
    assert len(run_study(StudySpec("wells", 3, 2**32 - 1), "random").trials) == 3


@pytest.mark.parametrize("name", ["nope", "Wells", "", None, 3])
def test_bad_objective_name(name):
    with pytest.raises(SpecError) as err:
        run_study(StudySpec(name, 8, 0), "random")
    assert repr(name) in str(err.value)
    for known in ("wells", "branin", "lr_valley"):
        assert known in str(err.value)


@pytest.mark.parametrize("n_startup", [-1, 401, 2.5, True, "10"])
def test_bad_n_startup_trials(n_startup):
    with pytest.raises(SpecError) as err:
        StudySpec("wells", 8, 0, n_startup)
    assert repr(n_startup) in str(err.value) and "n_startup_trials" in str(err.value)


def test_n_startup_trials_range_ends_are_accepted():
    assert StudySpec("wells", 8, 0, 0).n_startup_trials == 0
    assert StudySpec("wells", 8, 0, 400).n_startup_trials == 400


@pytest.mark.parametrize("name", ["nope", "TPE", "", "sobol"])
def test_bad_sampler_name(name, tmp_path):
    spec = StudySpec("wells", 8, 0)
    for call in (
        lambda: run_study(spec, name),
        lambda: samplers.make_sampler(spec, name),
        lambda: samplers.check_sampler(name),
    ):
        with pytest.raises(SpecError) as err:
            call()
        assert repr(name) in str(err.value)
        for known in ("grid", "random", "tpe", "qmc"):
            assert known in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_bad_sweep_arguments(tmp_path):
    with pytest.raises(SpecError, match="'nope'"):
        sweep(StudySpec("nope", 8), ("grid", "random"), n_seeds=2)
    with pytest.raises(SpecError, match="'bogus'"):
        sweep(StudySpec("wells", 8), ("grid", "bogus"), n_seeds=2)
    for n_seeds in (0, -3, 2.5):
        with pytest.raises(SpecError, match=repr(n_seeds)):
            sweep(StudySpec("wells", 8), ("grid", "random"), n_seeds=n_seeds)
    # seeds spec.seed .. spec.seed + n_seeds - 1 would pass the largest seed, 2**32 - 1
    with pytest.raises(SpecError, match="seed"):
        sweep(StudySpec("wells", 8, 2**32 - 3), ("grid", "random"), n_seeds=5)
    with pytest.raises(SpecError, match="n_startup_trials"):
        run_study(StudySpec("wells", 8, 0, n_startup_trials=-1), "tpe")
    assert list(tmp_path.iterdir()) == []


def test_sweep_may_end_at_the_largest_seed(tmp_path):
    result = sweep(StudySpec("wells", 2, 2**32 - 3), ("random",), n_seeds=3)
    assert result.seeds == (2**32 - 3, 2**32 - 2, 2**32 - 1)


def test_command_line_rejects_a_bad_budget(capsys):
    with pytest.raises(SystemExit) as exit_:
        samplers.main(["--budget", "0"])
    assert exit_.value.code == 2
    assert "budget = 0 is not allowed" in capsys.readouterr().err


# --- sweep statistics ---------------------------------------------------------------------

SWEEP_SAMPLERS = ("grid", "random", "tpe")
SWEEP_BUDGET = 16
SWEEP_SEEDS = 12  # more than one chunk of 10, so the reassembly of chunks is checked too


@pytest.fixture(scope="module")
def small_sweep():
    return sweep(
        StudySpec("wells", SWEEP_BUDGET),
        SWEEP_SAMPLERS,
        n_seeds=SWEEP_SEEDS,
    )


@pytest.fixture(scope="module")
def direct_curves():
    """Best-so-far curves from Optuna studies run directly here, per sampler and seed."""
    curves = {}
    for name in SWEEP_SAMPLERS:
        rows = []
        for seed in range(SWEEP_SEEDS):
            values = [v for _, _, v in direct_study(direct_sampler(name, seed, SWEEP_BUDGET), SWEEP_BUDGET)]
            rows.append(np.minimum.accumulate(values))
        curves[name] = np.array(rows)
    return curves


def test_sweep_curves_equal_direct_optuna(small_sweep, direct_curves):
    assert small_sweep.seeds == tuple(range(SWEEP_SEEDS))
    assert set(small_sweep.stats) == set(SWEEP_SAMPLERS)
    for name in SWEEP_SAMPLERS:
        s = small_sweep.stats[name]
        assert s.curves.shape == (SWEEP_SEEDS, SWEEP_BUDGET)
        np.testing.assert_allclose(s.curves, direct_curves[name], rtol=1e-12, atol=1e-12)


def test_sweep_threshold_is_independent_midpoint(small_sweep):
    best, second = my_wells_minima()[:2]
    for s in small_sweep.stats.values():
        assert best < s.threshold < second
        assert s.threshold == pytest.approx((best + second) / 2, abs=1e-7)


def test_sweep_statistics_recomputed(small_sweep, direct_curves):
    best, second = my_wells_minima()[:2]
    threshold = (best + second) / 2
    some_reached, some_missed = False, False
    for name in SWEEP_SAMPLERS:
        s = small_sweep.stats[name]
        rows = direct_curves[name]
        final = [float(r[-1]) for r in rows]
        q1, med, q3 = statistics.quantiles(final, n=4, method="inclusive")
        assert s.quartiles == pytest.approx((q1, med, q3), abs=1e-12)
        assert s.quartiles[1] == pytest.approx(statistics.median(final), abs=1e-12)
        np.testing.assert_allclose(s.final, final, rtol=1e-12, atol=1e-12)
        # per-trial quartile curves
        for j in range(SWEEP_BUDGET):
            column = [float(r[j]) for r in rows]
            expected = statistics.quantiles(column, n=4, method="inclusive")
            np.testing.assert_allclose(s.curve_quartiles[:, j], expected, rtol=1e-12, atol=1e-12)
        reached = [f < threshold for f in final]
        assert list(s.reached) == reached
        assert s.share_reached == pytest.approx(sum(reached) / len(reached))
        first = []
        for r, hit in zip(rows, reached, strict=True):
            if hit:
                first.append(next(j + 1 for j, v in enumerate(r) if v < threshold))
        assert list(s.first_reach) == first
        if first:
            assert s.mean_first_reach == pytest.approx(sum(first) / len(first))
        else:
            assert math.isnan(s.mean_first_reach)
        some_reached |= any(reached)
        some_missed |= not all(reached)
    # the example is only informative if it has both outcomes
    assert some_reached and some_missed


def test_sweep_summary_table_mentions_each_sampler(small_sweep):
    table = small_sweep.summary_table()
    lines = table.splitlines()
    assert len(lines) == 2 + len(SWEEP_SAMPLERS)
    for name, line in zip(SWEEP_SAMPLERS, lines[2:], strict=True):
        s = small_sweep.stats[name]
        assert line.split()[0] == name
        assert f"{s.quartiles[1]:.4f}" in line
        assert f"{s.share_reached:.0%}" in line


def test_sweep_starts_at_the_specs_seed(tmp_path):
    """The spec's seed is the sweep's first seed: seeds 5 and 6 here, each run as Optuna runs it directly."""
    result = sweep(StudySpec("wells", 6, 5, n_startup_trials=3), ("random", "tpe"), n_seeds=2)
    assert result.seeds == (5, 6) and result.stats["tpe"].seeds == (5, 6)
    assert (result.objective, result.budget, result.n_startup_trials) == ("wells", 6, 3)
    for k, seed in enumerate((5, 6)):
        for name in ("random", "tpe"):
            values = [v for _, _, v in direct_study(direct_sampler(name, seed, 6, n_startup_trials=3), 6)]
            np.testing.assert_allclose(
                result.stats[name].curves[k], np.minimum.accumulate(values), rtol=1e-12, atol=1e-12
            )


# --- inputs the validators accept must work end to end ----------------------------------------


def test_numpy_integer_budget_and_seed(tmp_path):
    """StudySpec accepts numpy integers (np.integer passes its checks), so a run made
    with them must be the same plain, JSON-serialisable data."""
    plain = run_study(StudySpec("wells", 8, 3), "random")
    spec = StudySpec("wells", np.int64(8), np.int64(3), np.int64(2))
    assert all(type(v) is int for v in (spec.budget, spec.seed, spec.n_startup_trials))
    run = run_study(spec, "random")
    json.dumps(to_plain(run))
    assert to_plain(run) == to_plain(plain)


def test_duplicate_sampler_in_sweep():
    """A sampler named twice would double its rows: refused, naming what is allowed."""
    with pytest.raises(SpecError, match="distinct"):
        sweep(StudySpec("wells", 6), ("tpe", "random", "tpe"), n_seeds=3)


# --- small helpers used by the scenes --------------------------------------------------------


def test_distinct_lr():
    run = run_study(StudySpec("wells", 20, 4), "random")
    assert run.distinct_lr == 20  # continuous draws never repeat
    grid = run_study(StudySpec("wells", 30, 0), "grid")
    assert grid.distinct_lr == samplers.grid_shape(30)[0] == 30 // math.isqrt(30)


def test_share_beating(small_sweep, direct_curves):
    for a in SWEEP_SAMPLERS:
        for b in SWEEP_SAMPLERS:
            fa, fb = direct_curves[a][:, -1], direct_curves[b][:, -1]
            expected = sum(1 for x, y in zip(fa, fb, strict=True) if x < y) / len(fa)
            assert small_sweep.share_beating(a, b) == pytest.approx(expected)
    assert small_sweep.share_beating("tpe", "tpe") == 0.0
