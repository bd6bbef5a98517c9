"""Tests for hpsearch/trials.py and hpsearch/cache.py: cached featured runs and sweeps, the process pool.

What is cached must equal what samplers.py computes directly (tests/test_samplers.py
checks that against Optuna run directly). Every cache lives in pytest's tmp_path,
named by $HPSEARCH_CACHE_DIR, as the render driver's tests do.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import samplers
from hpsearch.plain import to_plain
from hpsearch.trials import featured_run, sweep
from samplers import SpecError, StudySpec, run_study


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path):
    """Its own MonkeyPatch: the tests' monkeypatch.undo() must not move the cache back to the repository's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path))
        yield


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
    return sorted(p.name for p in path.iterdir() if p.suffix == ".json" and not p.name.startswith("."))


def _no_tmp(path: Path):
    """No temporary left: hpsearch.files writes beside the target under a hidden name."""
    return [p.name for p in path.iterdir() if p.name.startswith(".")] == []


def test_featured_run_cached(tmp_path, monkeypatch):
    first = featured_run(StudySpec("wells", 12, 3), "tpe")
    assert first == run_study(StudySpec("wells", 12, 3), "tpe")
    files = _json_files(tmp_path)
    assert len(files) == 1 and _no_tmp(tmp_path)
    _forbid_recompute(monkeypatch)
    second = featured_run(StudySpec("wells", 12, 3), "tpe")
    assert second == first
    assert to_plain(second) == to_plain(first)
    assert _json_files(tmp_path) == files


def test_sweep_cached(tmp_path, monkeypatch):
    args = dict(spec=StudySpec("wells", 6), names=("grid", "random", "tpe"), n_seeds=3, workers=1)
    first = sweep(**args)
    files = _json_files(tmp_path)
    assert len(files) == 1 and _no_tmp(tmp_path)
    _forbid_recompute(monkeypatch)
    second = sweep(**args)
    for name in args["names"]:
        np.testing.assert_array_equal(second.stats[name].curves, first.stats[name].curves)
    assert _json_files(tmp_path) == files


def test_changed_parameters_get_their_own_cache_file(tmp_path, monkeypatch):
    spec_fields = ("objective", "budget", "seed", "n_startup_trials")
    base = dict(objective="wells", budget=5, n_seeds=2, names=("random", "tpe"), n_startup_trials=10, seed=0)

    def run_sweep(params):
        spec = StudySpec(**{k: params[k] for k in spec_fields})
        return sweep(spec, params["names"], n_seeds=params["n_seeds"], workers=1)

    variants = [
        {},
        {"budget": 6},
        {"n_seeds": 3},
        {"seed": 1},  # the first seed
        {"n_startup_trials": 2},
        {"names": ("random", "tpe", "grid")},
        {"objective": "branin"},
    ]
    seen = set()
    for change in variants:
        before = set(_json_files(tmp_path))
        run_sweep(dict(base, **change))
        new = set(_json_files(tmp_path)) - before
        assert len(new) == 1, f"{change} did not get a cache file of its own"
        seen |= new
    assert len(seen) == len(variants)
    # and the original parameters still hit their own file
    calls = _count_calls(monkeypatch)
    run_sweep(base)
    assert calls == []
    # featured runs: seed, sampler, budget, n_startup_trials each change the file
    run_files = set()
    for kw in [
        dict(seed=0),
        dict(seed=1),
        dict(budget=6, seed=0),
        dict(seed=0, n_startup_trials=3),
        dict(seed=0, sampler="random"),
    ]:
        kw = dict(dict(objective="wells", sampler="tpe", budget=5), **kw)
        sampler = kw.pop("sampler")
        before = set(_json_files(tmp_path))
        featured_run(StudySpec(**kw), sampler)
        new = set(_json_files(tmp_path)) - before
        assert len(new) == 1
        run_files |= new
    assert len(run_files) == 5
    assert _no_tmp(tmp_path)


def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    good = featured_run(StudySpec("wells", 7, 5), "random")
    (path,) = tmp_path.iterdir()
    original_text = path.read_text()
    rng = np.random.default_rng(0)
    for garbage in [rng.bytes(300), b"\xff\xfe\x00garbage", original_text[: len(original_text) // 2].encode(), b""]:
        path.write_bytes(garbage)
        calls = _count_calls(monkeypatch)
        again = featured_run(StudySpec("wells", 7, 5), "random")
        assert len(calls) == 1, "a corrupt cache file was not recomputed"
        assert again == good
        assert json.loads(path.read_text()) == json.loads(original_text)
        monkeypatch.undo()
    assert _no_tmp(tmp_path)


def test_foreign_cache_is_rebuilt(tmp_path, monkeypatch):
    good = featured_run(StudySpec("wells", 7, 5), "random")
    (path,) = tmp_path.iterdir()
    stored = json.loads(path.read_text())
    foreign_run = to_plain(run_study(StudySpec("wells", 7, 6), "random"))  # valid data, wrong run
    for foreign in [
        {"key": "0" * 64, "data": foreign_run},  # valid JSON, another key
        {"data": foreign_run},  # no key at all
        [stored["key"], foreign_run],  # valid JSON, not an object
        {"key": stored["key"]},  # right key but no data
    ]:
        path.write_text(json.dumps(foreign))
        calls = _count_calls(monkeypatch)
        again = featured_run(StudySpec("wells", 7, 5), "random")
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
    featured_run(StudySpec("wells", 9, 0), "grid")
    monkeypatch.undo()
    assert len(renames) == 1
    assert renames[0][1].exists() and not renames[0][0].exists()
    assert _no_tmp(tmp_path)


def test_failed_cache_write_leaves_old_file_and_no_tmp(tmp_path, monkeypatch):
    first = featured_run(StudySpec("wells", 9, 0), "grid")
    (path,) = tmp_path.iterdir()
    path.write_text("not json")  # force a rebuild ...
    broken = path.read_text()

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)  # ... whose final rename fails
    with pytest.raises(OSError, match="disk full"):
        featured_run(StudySpec("wells", 9, 0), "grid")
    monkeypatch.undo()
    assert path.read_text() == broken  # never a half-written file in place
    assert _no_tmp(tmp_path)
    assert featured_run(StudySpec("wells", 9, 0), "grid") == first


def test_cache_dir_is_created(tmp_path, monkeypatch):
    target = tmp_path / "a" / "b"
    monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(target))
    featured_run(StudySpec("wells", 3, 0), "random")
    assert len(_json_files(target)) == 1


def test_sweep_parallel_equals_serial():
    spec = StudySpec("wells", 16)
    parallel = sweep(spec, ("grid", "random", "tpe"), n_seeds=12, workers=2)
    serial = samplers.sweep(spec, ("grid", "random", "tpe"), n_seeds=12)
    assert parallel.seeds == serial.seeds == tuple(range(12))
    for name in ("grid", "random", "tpe"):
        np.testing.assert_array_equal(parallel.stats[name].curves, serial.stats[name].curves)


def test_bad_names_write_nothing(tmp_path):
    with pytest.raises(SpecError, match="'bogus'"):
        featured_run(StudySpec("wells", 8), "bogus")
    with pytest.raises(SpecError, match="'bogus'"):
        sweep(StudySpec("wells", 8), ("grid", "bogus"), n_seeds=2, workers=1)
    with pytest.raises(SpecError, match="distinct"):
        sweep(StudySpec("wells", 8), ("grid", "grid"), n_seeds=2, workers=1)
    assert list(tmp_path.iterdir()) == []


def test_numpy_integer_budget_and_seed():
    spec = StudySpec("wells", np.int64(8), np.int64(3), np.int64(2))
    assert featured_run(spec, "random") == run_study(StudySpec("wells", 8, 3, 2), "random")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: {},  # the right key, no content
        lambda data: {k: v for k, v in data.items() if k != "trials"},  # a field missing
        lambda data: dict(data, trials=[{"number": "zero"}]),  # a trial of the wrong shape
    ],
)
def test_a_cached_run_of_the_wrong_shape_is_computed_again(tmp_path, damage):
    spec = StudySpec("wells", 6, 1)
    first = featured_run(spec, "random")
    path = tmp_path / _json_files(tmp_path)[0]
    stored = json.loads(path.read_text())
    path.write_text(json.dumps(dict(stored, data=damage(stored["data"]))))
    assert featured_run(spec, "random") == first == run_study(spec, "random")
    assert json.loads(path.read_text()) == stored  # rewritten whole


def test_a_cached_sweep_missing_a_sampler_or_seeds_is_computed_again(tmp_path):
    spec = StudySpec("wells", 6, 0)
    first = sweep(spec, ("grid", "random"), 3, workers=1)
    path = tmp_path / _json_files(tmp_path)[0]
    stored = json.loads(path.read_text())
    for data in ({"grid": stored["data"]["grid"]}, dict(stored["data"], random=stored["data"]["random"][:2])):
        path.write_text(json.dumps(dict(stored, data=data)))
        again = sweep(spec, ("grid", "random"), 3, workers=1)
        assert all(np.array_equal(again.stats[s].curves, first.stats[s].curves) for s in ("grid", "random"))


def test_a_folder_where_a_cache_file_belongs_is_replaced(tmp_path):
    spec = StudySpec("wells", 6, 2)
    first = featured_run(spec, "grid")
    path = tmp_path / _json_files(tmp_path)[0]
    path.unlink()
    (path / "inside").mkdir(parents=True)
    assert featured_run(spec, "grid") == first
    assert path.is_file()
