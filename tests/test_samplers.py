"""Tests for samplers.py: studies, sweeps, statistics and the on-disk cache.

Expected trial sequences come from Optuna run directly in this file, on a
transcription of the objective and of the hyperparameter map written here;
expected grids from numpy; expected statistics from the standard library.
Every cache lives in pytest's tmp_path.
"""

from __future__ import annotations

import json
import math
import os
import statistics
from pathlib import Path

import numpy as np
import optuna
import pytest
from scipy import optimize

import samplers
from references import my_map, wells_ref
from samplers import Run, run_study, sweep, featured_run

optuna.logging.set_verbosity(optuna.logging.WARNING)
# QMCSampler is marked experimental by Optuna; that warning is not what these tests are about.
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")

LR_LOW, LR_HIGH = 1e-6, 1e-4
DECAY_LOW, DECAY_HIGH = 0.6, 1.0


def my_objective(trial):
    lr = trial.suggest_float("lr", LR_LOW, LR_HIGH, log=True)
    decay = trial.suggest_float("decay", DECAY_LOW, DECAY_HIGH)
    return float(wells_ref(*my_map(lr, decay)))


def direct_study(sampler, n_trials):
    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(my_objective, n_trials=n_trials)
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
    for t, (lr, decay, value) in zip(run.trials, expected):
        assert t.lr == lr and t.decay == decay, (t, lr, decay)
        assert t.value == pytest.approx(value, rel=1e-12, abs=1e-12)


def my_wells_minima():
    """Wells minima polished here from their closed-form centres."""
    out = []
    for c in [(0, 3), (-2, -2), (3, -1)]:
        res = optimize.minimize(lambda p: float(wells_ref(*p)), c, method="Nelder-Mead",
                                options={"xatol": 1e-10, "fatol": 1e-15})
        out.append(float(res.fun))
    return sorted(out)


# --- determinism -------------------------------------------------------------------

@pytest.mark.parametrize("sampler", ["grid", "random", "tpe", "qmc"])
def test_same_seed_same_trials(sampler):
    a = run_study("wells", sampler, 16, 7)
    b = run_study("wells", sampler, 16, 7)
    assert a.to_dict() == b.to_dict()


@pytest.mark.parametrize("sampler", ["random", "tpe", "qmc"])
def test_different_seeds_different_trials(sampler):
    a = run_study("wells", sampler, 16, 0)
    b = run_study("wells", sampler, 16, 1)
    pa = [(t.lr, t.decay) for t in a.trials]
    pb = [(t.lr, t.decay) for t in b.trials]
    assert len(set(pa) & set(pb)) == 0


def test_grid_seed_changes_order_not_points():
    a = run_study("wells", "grid", 25, 0)
    b = run_study("wells", "grid", 25, 1)
    pa = [(t.lr, t.decay) for t in a.trials]
    pb = [(t.lr, t.decay) for t in b.trials]
    assert sorted(pa) == sorted(pb)
    assert pa != pb


# --- grid ------------------------------------------------------------------------------

@pytest.mark.parametrize("budget, k", [(36, 6), (25, 5), (4, 2)])
def test_square_grid_visits_each_point_once(budget, k):
    run = run_study("wells", "grid", budget, 3)
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
    run = run_study("wells", "grid", budget, 0)
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
    run = run_study("wells", "tpe", 24, seed)
    expected = direct_study(optuna.samplers.TPESampler(seed=seed, n_startup_trials=10), 24)
    assert_same_trials(run, expected)


def test_tpe_n_startup_trials_is_passed_on():
    run = run_study("wells", "tpe", 20, 5, n_startup_trials=4)
    expected = direct_study(optuna.samplers.TPESampler(seed=5, n_startup_trials=4), 20)
    assert_same_trials(run, expected)
    assert run.settings["n_startup_trials"] == 4
    # and it matters: the default warm-up gives a different sequence
    other = run_study("wells", "tpe", 20, 5)
    assert [t.lr for t in other.trials] != [t.lr for t in run.trials]


@pytest.mark.parametrize("seed", [0, 9])
def test_random_equals_optuna_directly(seed):
    run = run_study("wells", "random", 20, seed)
    assert_same_trials(run, direct_study(optuna.samplers.RandomSampler(seed=seed), 20))


@pytest.mark.parametrize("seed", [0, 4])
def test_grid_equals_optuna_directly(seed):
    run = run_study("wells", "grid", 30, seed)
    assert_same_trials(run, direct_study(direct_sampler("grid", seed, 30), 30))


@pytest.mark.parametrize("budget, n_startup", [(1, 10), (5, 10), (10, 10), (16, 16), (8, 20)])
@pytest.mark.parametrize("seed", [0, 123])
def test_tpe_startup_equals_random_sampler(budget, n_startup, seed):
    """With budget <= n_startup_trials every TPE trial is a startup trial, drawn
    by the same RandomSampler draws as a RandomSampler with the same seed."""
    tpe = run_study("wells", "tpe", budget, seed, n_startup_trials=n_startup)
    direct_random = direct_study(optuna.samplers.RandomSampler(seed=seed), budget)
    assert_same_trials(tpe, direct_random)
    assert [(t.lr, t.decay) for t in tpe.trials] == [(t.lr, t.decay) for t in run_study("wells", "random", budget, seed).trials]


@pytest.mark.parametrize("budget", [1, 10, 16])
def test_qmc_runs_and_honours_budget(budget):
    run = run_study("wells", "qmc", budget, 2)
    assert len(run.trials) == budget
    assert all(LR_LOW <= t.lr <= LR_HIGH and DECAY_LOW <= t.decay <= DECAY_HIGH for t in run.trials)
    assert len({(t.lr, t.decay) for t in run.trials}) == budget
    sampler = optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=2, warn_asynchronous_seeding=False)
    assert_same_trials(run, direct_study(sampler, budget))


# --- per-run bookkeeping ---------------------------------------------------------------

@pytest.mark.parametrize("sampler", ["grid", "random", "tpe", "qmc"])
def test_trial_bookkeeping(sampler):
    run = run_study("wells", sampler, 25, 11)
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
    run = run_study("branin", sampler, 9, 3)
    text = json.dumps(run.to_dict())
    data = json.loads(text)
    assert data["best_trial"] == run.best_trial.number
    back = Run.from_dict(data)
    assert back == run
    assert back.to_dict() == run.to_dict()


def branin_ref(x, y):
    u, v = 1.5 * x + 2.5, 1.5 * y + 7.5
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (v - b * u**2 + c * u - 6) ** 2 + 10 * (1 - t) * np.cos(u) + 10


def lr_valley_ref(x, y):
    return 1 - 2 * np.exp(-2 * (x - 1.9) ** 2) + (y - 1) ** 2 / 250


@pytest.mark.parametrize("objective_name, ref", [("branin", branin_ref), ("lr_valley", lr_valley_ref)])
def test_other_objectives_evaluated_through_the_map(objective_name, ref):
    run = run_study(objective_name, "random", 12, 8)
    x, y = my_map(np.array([t.lr for t in run.trials]), np.array([t.decay for t in run.trials]))
    np.testing.assert_allclose(run.values, ref(x, y), rtol=1e-12, atol=1e-12)
    direct = direct_study(optuna.samplers.RandomSampler(seed=8), 12)
    assert [(t.lr, t.decay) for t in run.trials] == [(lr, d) for lr, d, _ in direct]


# --- validation --------------------------------------------------------------------------

@pytest.mark.parametrize("budget", [0, -1, 2.5, True, 401, "16", None])
def test_bad_budget(budget):
    with pytest.raises(ValueError) as err:
        run_study("wells", "random", budget, 0)
    assert repr(budget) in str(err.value)
    assert "budget" in str(err.value)


@pytest.mark.parametrize("budget", [0, 2.5, True, 401])
def test_bad_budget_in_sweep_and_grid(budget, tmp_path):
    with pytest.raises(ValueError, match="budget"):
        sweep("wells", budget, n_seeds=2, cache_dir=tmp_path, workers=1)
    with pytest.raises(ValueError, match="budget"):
        samplers.grid_shape(budget)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("seed", [-1, 1.5, 2**32, True, "0"])
def test_bad_seed(seed):
    with pytest.raises(ValueError) as err:
        run_study("wells", "tpe", 8, seed)
    assert repr(seed) in str(err.value)
    assert "seed" in str(err.value)


def test_largest_seed_is_accepted():
    assert len(run_study("wells", "random", 3, 2**32 - 1).trials) == 3


def test_bad_objective_name():
    with pytest.raises(ValueError) as err:
        run_study("nope", "random", 8, 0)
    assert "'nope'" in str(err.value)
    assert "wells" in str(err.value)


@pytest.mark.parametrize("name", ["nope", "TPE", "", "sobol"])
def test_bad_sampler_name(name):
    with pytest.raises(ValueError) as err:
        run_study("wells", name, 8, 0)
    assert repr(name) in str(err.value)
    for known in ("grid", "random", "tpe", "qmc"):
        assert known in str(err.value)


def test_bad_sweep_arguments(tmp_path):
    with pytest.raises(ValueError, match="'nope'"):
        sweep("nope", 8, n_seeds=2, cache_dir=tmp_path, workers=1)
    with pytest.raises(ValueError, match="'bogus'"):
        sweep("wells", 8, n_seeds=2, samplers=("grid", "bogus"), cache_dir=tmp_path, workers=1)
    for n_seeds in (0, -3, 2.5):
        with pytest.raises(ValueError, match=repr(n_seeds)):
            sweep("wells", 8, n_seeds=n_seeds, cache_dir=tmp_path, workers=1)
    with pytest.raises(ValueError, match="seed"):
        sweep("wells", 8, n_seeds=5, first_seed=2**32 - 3, cache_dir=tmp_path, workers=1)
    with pytest.raises(ValueError, match="n_startup_trials"):
        run_study("wells", "tpe", 8, 0, n_startup_trials=-1)
    assert list(tmp_path.iterdir()) == []


# --- sweep statistics ---------------------------------------------------------------------

SWEEP_SAMPLERS = ("grid", "random", "tpe")
SWEEP_BUDGET = 16
SWEEP_SEEDS = 12  # more than one chunk of 10, so the reassembly of chunks is checked too


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    return sweep("wells", SWEEP_BUDGET, n_seeds=SWEEP_SEEDS, samplers=SWEEP_SAMPLERS, workers=1,
                 cache_dir=tmp_path_factory.mktemp("sweep-cache"))


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
        for r, hit in zip(rows, reached):
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
    for name, line in zip(SWEEP_SAMPLERS, lines[2:]):
        s = small_sweep.stats[name]
        assert line.split()[0] == name
        assert f"{s.quartiles[1]:.4f}" in line
        assert f"{s.share_reached:.0%}" in line


def test_sweep_parallel_equals_serial(tmp_path, small_sweep):
    parallel = sweep("wells", SWEEP_BUDGET, n_seeds=SWEEP_SEEDS, samplers=SWEEP_SAMPLERS, workers=2,
                     cache_dir=tmp_path)
    for name in SWEEP_SAMPLERS:
        np.testing.assert_array_equal(parallel.stats[name].curves, small_sweep.stats[name].curves)


# --- the cache ------------------------------------------------------------------------------

def _forbid_recompute(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("run_study called: the cache was not used")
    monkeypatch.setattr(samplers, "run_study", boom)


def _count_calls(monkeypatch):
    calls = []
    real = samplers.run_study

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(samplers, "run_study", counting)
    return calls


def _json_files(path: Path):
    return sorted(p.name for p in path.iterdir() if p.suffix == ".json")


def _no_tmp(path: Path):
    return [p.name for p in path.iterdir() if p.name.endswith(".tmp")] == []


def test_featured_run_cached(tmp_path, monkeypatch):
    first = featured_run("wells", "tpe", 12, 3, cache_dir=tmp_path)
    assert first == run_study("wells", "tpe", 12, 3)
    files = _json_files(tmp_path)
    assert len(files) == 1 and _no_tmp(tmp_path)
    _forbid_recompute(monkeypatch)
    second = featured_run("wells", "tpe", 12, 3, cache_dir=tmp_path)
    assert second == first
    assert second.to_dict() == first.to_dict()
    assert _json_files(tmp_path) == files


def test_sweep_cached(tmp_path, monkeypatch):
    args = dict(objective_name="wells", budget=6, n_seeds=3, samplers=("grid", "random", "tpe"), workers=1)
    first = sweep(**args, cache_dir=tmp_path)
    files = _json_files(tmp_path)
    assert len(files) == 1 and _no_tmp(tmp_path)
    _forbid_recompute(monkeypatch)
    second = sweep(**args, cache_dir=tmp_path)
    for name in args["samplers"]:
        np.testing.assert_array_equal(second.stats[name].curves, first.stats[name].curves)
    assert _json_files(tmp_path) == files


def test_changed_parameters_get_their_own_cache_file(tmp_path, monkeypatch):
    base = dict(objective_name="wells", budget=5, n_seeds=2, samplers=("random", "tpe"),
                n_startup_trials=10, first_seed=0, workers=1)
    variants = [
        {},
        {"budget": 6},
        {"n_seeds": 3},
        {"first_seed": 1},
        {"n_startup_trials": 2},
        {"samplers": ("random", "tpe", "grid")},
        {"objective_name": "branin"},
    ]
    seen = set()
    for change in variants:
        before = set(_json_files(tmp_path))
        sweep(**dict(base, **change), cache_dir=tmp_path)
        new = set(_json_files(tmp_path)) - before
        assert len(new) == 1, f"{change} did not get a cache file of its own"
        seen |= new
    assert len(seen) == len(variants)
    # and the original parameters still hit their own file
    calls = _count_calls(monkeypatch)
    sweep(**base, cache_dir=tmp_path)
    assert calls == []
    # featured runs: seed, sampler, budget, n_startup_trials each change the file
    run_files = set()
    for kw in [dict(seed=0), dict(seed=1), dict(budget=6, seed=0), dict(seed=0, n_startup_trials=3)]:
        kw = dict(dict(objective_name="wells", sampler="tpe", budget=5), **kw)
        before = set(_json_files(tmp_path))
        featured_run(**kw, cache_dir=tmp_path)
        new = set(_json_files(tmp_path)) - before
        assert len(new) == 1
        run_files |= new
    assert len(run_files) == 4
    assert _no_tmp(tmp_path)


def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    good = featured_run("wells", "random", 7, 5, cache_dir=tmp_path)
    (path,) = tmp_path.iterdir()
    original_text = path.read_text()
    rng = np.random.default_rng(0)
    for garbage in [rng.bytes(300), b"\xff\xfe\x00garbage", original_text[: len(original_text) // 2].encode(), b""]:
        path.write_bytes(garbage)
        calls = _count_calls(monkeypatch)
        again = featured_run("wells", "random", 7, 5, cache_dir=tmp_path)
        assert len(calls) == 1, "a corrupt cache file was not recomputed"
        assert again == good
        assert json.loads(path.read_text()) == json.loads(original_text)
        monkeypatch.undo()
    assert _no_tmp(tmp_path)


def test_foreign_cache_is_rebuilt(tmp_path, monkeypatch):
    good = featured_run("wells", "random", 7, 5, cache_dir=tmp_path)
    (path,) = tmp_path.iterdir()
    stored = json.loads(path.read_text())
    foreign_run = run_study("wells", "random", 7, 6).to_dict()  # valid data, wrong run
    for foreign in [
        {"key": "0" * 64, "data": foreign_run},  # valid JSON, another key
        {"data": foreign_run},  # no key at all
        [stored["key"], foreign_run],  # valid JSON, not an object
        {"key": stored["key"]},  # right key but no data
    ]:
        path.write_text(json.dumps(foreign))
        calls = _count_calls(monkeypatch)
        again = featured_run("wells", "random", 7, 5, cache_dir=tmp_path)
        assert len(calls) == 1, f"foreign cache {str(foreign)[:40]} was used"
        assert again == good
        assert json.loads(path.read_text()) == stored
        monkeypatch.undo()


def test_cache_write_is_atomic(tmp_path, monkeypatch):
    real_replace = os.replace
    renames = []

    def checking_replace(src, dst):
        src, dst = Path(src), Path(dst)
        # the complete file is written beside the target, then renamed into place
        assert src.parent == dst.parent
        assert json.loads(src.read_text())["data"]
        renames.append((src, dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", checking_replace)
    featured_run("wells", "grid", 9, 0, cache_dir=tmp_path)
    monkeypatch.undo()
    assert len(renames) == 1
    assert renames[0][1].exists() and not renames[0][0].exists()
    assert _no_tmp(tmp_path)


def test_failed_cache_write_leaves_old_file_and_no_tmp(tmp_path, monkeypatch):
    first = featured_run("wells", "grid", 9, 0, cache_dir=tmp_path)
    (path,) = tmp_path.iterdir()
    path.write_text("not json")  # force a rebuild ...
    broken = path.read_text()

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)  # ... whose final rename fails
    with pytest.raises(OSError, match="disk full"):
        featured_run("wells", "grid", 9, 0, cache_dir=tmp_path)
    monkeypatch.undo()
    assert path.read_text() == broken  # never a half-written file in place
    assert _no_tmp(tmp_path)
    assert featured_run("wells", "grid", 9, 0, cache_dir=tmp_path) == first


def test_cache_dir_is_created(tmp_path):
    target = tmp_path / "a" / "b"
    featured_run("wells", "random", 3, 0, cache_dir=target)
    assert len(_json_files(target)) == 1


# --- inputs the validators accept must work end to end ----------------------------------------

def test_numpy_integer_budget_and_seed(tmp_path):
    """check_budget/check_seed accept numpy integers (samplers._is_int allows np.integer),
    so a run made with them must be the same plain, JSON-serialisable data."""
    plain = run_study("wells", "random", 8, 3)
    run = run_study("wells", "random", np.int64(8), np.int64(3))
    json.dumps(run.to_dict())
    assert run.to_dict() == plain.to_dict()
    assert featured_run("wells", "random", np.int64(8), np.int64(3), cache_dir=tmp_path) == plain


def test_duplicate_sampler_in_sweep(tmp_path):
    """A sampler named twice must not double its rows: either a ValueError, or one
    best-so-far curve per seed."""
    try:
        result = sweep("wells", 6, n_seeds=3, samplers=("tpe", "random", "tpe"), workers=1, cache_dir=tmp_path)
    except ValueError as err:
        assert "tpe" in str(err)
        return
    assert result.stats["tpe"].curves.shape == (3, 6)
    assert result.stats["random"].curves.shape == (3, 6)


# --- small helpers used by the scenes --------------------------------------------------------

def test_distinct_lr():
    run = run_study("wells", "random", 20, 4)
    assert run.distinct_lr == 20  # continuous draws never repeat
    grid = run_study("wells", "grid", 30, 0)
    assert grid.distinct_lr == samplers.grid_shape(30)[0] == 30 // math.isqrt(30)


def test_share_beating(small_sweep, direct_curves):
    for a in SWEEP_SAMPLERS:
        for b in SWEEP_SAMPLERS:
            fa, fb = direct_curves[a][:, -1], direct_curves[b][:, -1]
            expected = sum(1 for x, y in zip(fa, fb) if x < y) / len(fa)
            assert small_sweep.share_beating(a, b) == pytest.approx(expected)
    assert small_sweep.share_beating("tpe", "tpe") == 0.0
