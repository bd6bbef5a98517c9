"""Tests for hpsearch/settings.py: defaults, config files, --set overrides and validation.

Defaults are compared with video.toml read here by tomllib, so the test follows
whatever the checked-in file says rather than a copy of it.
"""

from __future__ import annotations

import math
import tomllib
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import objective
from hpsearch import settings
from hpsearch.files import ROOT
from hpsearch.settings import SettingsError, load
from hpsearch.visibility import View
from samplers import StudySpec

VIDEO_TOML = ROOT / "video.toml"


def toml_literal(value) -> str:
    """How TOML writes these simple values (the spec's own spelling): "text", true, nan, 16, 2.5."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


@pytest.fixture(autouse=True)
def no_env_config(monkeypatch):
    monkeypatch.delenv("HPSEARCH_CONFIG", raising=False)


@pytest.fixture
def defaults():
    with open(VIDEO_TOML, "rb") as f:
        return tomllib.load(f)


def write(tmp_path, text, name="my.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def expect_error(*, config_file=None, overrides=(), must_name=()):
    with pytest.raises(SettingsError) as err:
        load(config_file=config_file, overrides=list(overrides))
    message = str(err.value)
    assert "\n" not in message, f"not a single line: {message!r}"
    for part in must_name:
        assert part in message, f"{part!r} not named in {message!r}"
    return message


# --- loading and merging -----------------------------------------------------------


def test_defaults_load(defaults):
    s = load()
    study = defaults["study"]
    assert s.objective == study["objective"]
    assert s.budget == study["budget"]
    assert s.featured_seed == study["featured_seed"]
    assert s.n_seeds == study["n_seeds"]
    assert s.samplers == tuple(study["samplers"])
    assert s.n_startup_trials == study["n_startup_trials"]
    assert s.camera_phi == defaults["camera"]["phi"]
    assert s.camera_theta == defaults["camera"]["theta"]
    assert s.palette == defaults["palette"]
    assert s.quality == defaults["render"]["quality"]
    assert s.objective_function.name == study["objective"]
    assert s.objective_function is objective.OBJECTIVES[study["objective"]]


def test_defaults_file_is_video_toml_at_the_root():
    assert settings.DEFAULTS_FILE.resolve() == VIDEO_TOML.resolve()


def test_spec_is_the_featured_study(defaults):
    study = defaults["study"]
    assert load().spec == StudySpec(
        study["objective"], study["budget"], study["featured_seed"], study["n_startup_trials"]
    )
    s = load(
        overrides=["study.objective=branin", "study.budget=16", "study.featured_seed=7", "study.n_startup_trials=3"]
    )
    assert s.spec == StudySpec("branin", 16, 7, 3)
    assert s.objective_function is objective.OBJECTIVES["branin"]


def test_view_is_the_configured_camera_in_radians(defaults):
    view = load().view
    assert isinstance(view, View)
    assert view.phi == pytest.approx(defaults["camera"]["phi"] * math.pi / 180, rel=1e-12)
    assert view.theta == pytest.approx(defaults["camera"]["theta"] * math.pi / 180, rel=1e-12)
    view = load(overrides=["camera.phi=60", "camera.theta=-90"]).view
    assert (view.phi, view.theta) == pytest.approx((math.pi / 3, -math.pi / 2), rel=1e-12)
    assert view.distance == 20.0
    np.testing.assert_allclose(view.position, [0.0, -20 * math.sqrt(3) / 2, 20 * 0.5], atol=1e-12)


def test_config_file_subset_merges(tmp_path, defaults):
    path = write(tmp_path, '[study]\nbudget = 16\nobjective = "branin"\n\n[camera]\nphi = 30.0\n')
    s = load(config_file=path)
    assert (s.budget, s.objective, s.camera_phi) == (16, "branin", 30.0)
    # everything else stays at its default
    assert s.featured_seed == defaults["study"]["featured_seed"]
    assert s.n_seeds == defaults["study"]["n_seeds"]
    assert s.camera_theta == defaults["camera"]["theta"]
    assert s.palette == defaults["palette"]
    assert s.quality == defaults["render"]["quality"]
    # a str path works too
    assert load(config_file=str(path)) == s


def test_empty_config_file_is_the_defaults(tmp_path):
    assert load(config_file=write(tmp_path, "# nothing\n")) == load()


def test_overrides_apply(defaults):
    s = load(
        overrides=[
            "study.budget=16",
            "study.objective=branin",
            'palette.grid="#000000"',
            'study.samplers=["grid", "random", "tpe", "qmc"]',
            "camera.theta=12.5",
            "render.quality=preview",
        ]
    )
    assert s.budget == 16
    assert s.objective == "branin"
    assert s.palette["grid"] == "#000000"
    assert s.palette["tpe"] == defaults["palette"]["tpe"]
    assert s.samplers == ("grid", "random", "tpe", "qmc")
    assert s.camera_theta == 12.5
    assert s.quality == "preview"


def test_overrides_beat_config_file_and_later_overrides_win(tmp_path):
    path = write(tmp_path, "[study]\nbudget = 16\nn_seeds = 7\n")
    s = load(config_file=path, overrides=["study.budget=25", "study.budget=30"])
    assert s.budget == 30
    assert s.n_seeds == 7


def test_bare_word_and_quoted_override_agree():
    assert load(overrides=["study.objective=lr_valley"]) == load(overrides=['study.objective="lr_valley"'])


def test_override_tolerates_spaces_around_equals():
    s = load(overrides=["study.objective = branin", " study.budget = 16 ", "render.quality= preview"])
    assert (s.objective, s.budget, s.quality) == ("branin", 16, "preview")


def test_defaults_ignore_environment_and_match_video_toml(tmp_path, monkeypatch, defaults):
    monkeypatch.setenv("HPSEARCH_CONFIG", str(write(tmp_path, "[study]\nbudget = 16\n")))
    s = settings.defaults()
    assert s.budget == defaults["study"]["budget"]
    assert s.palette == defaults["palette"]
    assert load().budget == 16


def test_as_toml_round_trips(tmp_path):
    for overrides in (
        [],
        [
            "study.budget=16",
            "study.objective=branin",
            "camera.phi=0",
            "camera.theta=-360",
            'study.samplers=["tpe", "qmc", "random", "grid"]',
            "render.quality=medium",
            'palette.highlight="#abc"',
        ],
    ):
        s = load(overrides=overrides)
        text = s.as_toml()
        tomllib.loads(text)  # valid TOML
        assert load(config_file=write(tmp_path, text, "resolved.toml")) == s


hex_digit = st.sampled_from("0123456789abcdefABCDEF")
colours = st.one_of(st.text(hex_digit, min_size=3, max_size=3), st.text(hex_digit, min_size=6, max_size=6)).map(
    lambda s: "#" + s
)


@hsettings(max_examples=60, deadline=None, database=None)
@given(
    objective=st.sampled_from(["wells", "branin", "lr_valley"]),
    budget=st.integers(1, 400),
    seed=st.integers(0, 2**32 - 1),
    n_seeds=st.integers(1, 1000),
    extra=st.permutations(["grid", "random", "tpe", "qmc"]),
    with_qmc=st.booleans(),
    n_startup=st.integers(0, 400),
    phi=st.floats(0.0, 85.0),
    theta=st.floats(-360.0, 360.0),
    colour=colours,
    quality=st.sampled_from(["preview", "medium", "high"]),
)
def test_as_toml_round_trips_any_valid_settings(
    tmp_path_factory, objective, budget, seed, n_seeds, extra, with_qmc, n_startup, phi, theta, colour, quality
):
    chosen = [s for s in extra if with_qmc or s != "qmc"]
    overrides = [
        f"study.objective={objective}",
        f"study.budget={budget}",
        f"study.featured_seed={seed}",
        f"study.n_seeds={n_seeds}",
        "study.samplers=[" + ", ".join(f'"{c}"' for c in chosen) + "]",
        f"study.n_startup_trials={n_startup}",
        f"camera.phi={phi!r}",
        f"camera.theta={theta!r}",
        f'palette.surface_low="{colour}"',
        f"render.quality={quality}",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = load(overrides=overrides)
        assert (s.objective, s.budget, s.featured_seed, s.n_seeds, s.samplers, s.n_startup_trials) == (
            objective,
            budget,
            seed,
            n_seeds,
            tuple(chosen),
            n_startup,
        )
        assert (s.camera_phi, s.camera_theta, s.palette["surface_low"], s.quality) == (phi, theta, colour, quality)
        path = tmp_path_factory.mktemp("rt") / "resolved.toml"
        path.write_text(s.as_toml())
        assert load(config_file=path) == s


def test_quality_frame_sizes_match_documented():
    # video.toml documents: preview (480p15) | medium (720p30) | high (1080p60), which are
    # manim's own -ql / -qm / -qh presets.
    documented = {"preview": (480, 15, "l"), "medium": (720, 30, "m"), "high": (1080, 60, "h")}
    for quality, (height, fps, flag) in documented.items():
        s = load(overrides=[f"render.quality={quality}"])
        _, width, h, f = settings.QUALITIES[s.quality]
        assert (h, f) == (height, fps)
        assert width / h == pytest.approx(16 / 9, rel=0.01)
        assert s.quality_flag == flag


# --- bad values --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, value",
    [
        ("0", 0),
        ("-3", -3),
        ("2.5", 2.5),
        ("ten", "ten"),
        ('"ten"', "ten"),
        ("100000", 100000),
        ("401", 401),
        ("true", True),
        ("16.0", 16.0),
    ],
)
def test_bad_budget(raw, value):
    expect_error(overrides=[f"study.budget={raw}"], must_name=("study.budget", toml_literal(value)))


@pytest.mark.parametrize("value", [0, -3, 2.5, "ten", 100000])
def test_bad_budget_in_file(tmp_path, value):
    literal = f'"{value}"' if isinstance(value, str) else repr(value)
    path = write(tmp_path, f"[study]\nbudget = {literal}\n")
    expect_error(config_file=path, must_name=("study.budget", toml_literal(value)))


def test_unknown_objective():
    msg = expect_error(overrides=["study.objective=nope"], must_name=("study.objective", '"nope"'))
    for known in ("wells", "branin", "lr_valley"):
        assert known in msg


def test_unknown_sampler_in_list():
    msg = expect_error(
        overrides=['study.samplers=["grid", "random", "tpe", "bogus"]'], must_name=("study.samplers", "bogus")
    )
    assert "qmc" in msg  # says what is allowed


@pytest.mark.parametrize("raw", ['["grid", "random"]', '["grid", "grid", "random", "tpe"]', "[]", '"grid"'])
def test_bad_sampler_lists(raw):
    expect_error(overrides=[f"study.samplers={raw}"], must_name=("study.samplers",))


def test_unknown_key_typo():
    expect_error(overrides=["study.bugdet=16"], must_name=("study.bugdet", "16"))


def test_unknown_key_in_file(tmp_path):
    path = write(tmp_path, "[study]\nbugdet = 16\n")
    expect_error(config_file=path, must_name=("study.bugdet", str(path)))


def test_unknown_section():
    expect_error(overrides=["studdy.budget=16"], must_name=("studdy", "16"))


def test_unknown_section_in_file(tmp_path):
    path = write(tmp_path, "[camra]\nphi = 10.0\n")
    expect_error(config_file=path, must_name=("camra", str(path)))


def test_section_that_is_not_a_table(tmp_path):
    path = write(tmp_path, "study = 5\n")
    expect_error(config_file=path, must_name=("study", "5"))


@pytest.mark.parametrize("item", ["study.budget", "budget=16", "=16"])
def test_malformed_override(item):
    expect_error(overrides=[item], must_name=(item,))


def test_wrong_type_featured_seed_override():
    expect_error(overrides=["study.featured_seed=zero"], must_name=("study.featured_seed", '"zero"'))


def test_wrong_type_featured_seed_file(tmp_path):
    path = write(tmp_path, '[study]\nfeatured_seed = "zero"\n')
    expect_error(config_file=path, must_name=("study.featured_seed", '"zero"'))


@pytest.mark.parametrize("raw, value", [("-1", -1), ("4294967296", 2**32), ("1.5", 1.5)])
def test_bad_featured_seed(raw, value):
    expect_error(overrides=[f"study.featured_seed={raw}"], must_name=("study.featured_seed", toml_literal(value)))


@pytest.mark.parametrize(
    "text",
    ["[study\nbudget = 16\n", "[study]\nbudget = = 3\n", "[study]\nbudget 16\n", '[study]\nobjective = "wells\n'],
)
def test_malformed_toml_file(tmp_path, text):
    path = write(tmp_path, text, "broken.toml")
    expect_error(config_file=path, must_name=(str(path),))


@pytest.mark.parametrize("key", ["grid", "surface_low", "highlight"])
@pytest.mark.parametrize("colour", ["red", "#12345g", "#1234", "123456", "#", " #123456"])
def test_bad_colour(key, colour):
    expect_error(overrides=[f'palette.{key}="{colour}"'], must_name=(f"palette.{key}", toml_literal(colour)))


def test_colour_that_is_a_number():
    expect_error(overrides=["palette.grid=123456"], must_name=("palette.grid", "123456"))


@pytest.mark.parametrize(
    "raw, value",
    [("90", 90), ("85.5", 85.5), ("-1", -1), ("nan", math.nan), ("inf", math.inf), ('"high"', "high"), ("true", True)],
)
def test_camera_phi_out_of_range(raw, value):
    expect_error(overrides=[f"camera.phi={raw}"], must_name=("camera.phi", toml_literal(value)))


def test_camera_theta_out_of_range():
    expect_error(overrides=["camera.theta=400"], must_name=("camera.theta", "400"))


@pytest.mark.parametrize("raw", ["ultra", "HIGH", "4k"])
def test_bad_quality(raw):
    msg = expect_error(overrides=[f"render.quality={raw}"], must_name=("render.quality", toml_literal(raw)))
    assert "preview" in msg


def test_missing_config_file(tmp_path):
    path = tmp_path / "does-not-exist.toml"
    expect_error(config_file=path, must_name=(str(path),))


@pytest.mark.parametrize("raw, value", [("0", 0), ("1001", 1001), ("2.0", 2.0)])
def test_bad_n_seeds(raw, value):
    expect_error(overrides=[f"study.n_seeds={raw}"], must_name=("study.n_seeds", toml_literal(value)))


@pytest.mark.parametrize("raw, value", [("-1", -1), ("401", 401), ("1.5", 1.5)])
def test_bad_n_startup_trials(raw, value):
    expect_error(overrides=[f"study.n_startup_trials={raw}"], must_name=("study.n_startup_trials", toml_literal(value)))


@pytest.mark.parametrize("budget, n_startup", [(8, 8), (8, 20), (1, 1)])
def test_startup_at_least_budget_warns_but_loads(budget, n_startup):
    with pytest.warns(UserWarning, match="n_startup_trials"):
        s = load(overrides=[f"study.budget={budget}", f"study.n_startup_trials={n_startup}"])
    assert (s.budget, s.n_startup_trials) == (budget, n_startup)


def test_startup_below_budget_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = load(overrides=["study.budget=9", "study.n_startup_trials=8"])
    assert s.n_startup_trials == 8


# --- $HPSEARCH_CONFIG ------------------------------------------------------------------------


def test_env_config_is_honoured(tmp_path, monkeypatch):
    path = write(tmp_path, '[study]\nbudget = 16\nobjective = "lr_valley"\n')
    monkeypatch.setenv("HPSEARCH_CONFIG", str(path))
    s = load()
    assert (s.budget, s.objective) == (16, "lr_valley")
    # overrides still apply on top of it
    assert load(overrides=["study.budget=25"]).budget == 25


def test_explicit_config_file_beats_env(tmp_path, monkeypatch):
    env_file = write(tmp_path, "[study]\nbudget = 16\n", "env.toml")
    explicit = write(tmp_path, "[study]\nbudget = 25\n", "explicit.toml")
    monkeypatch.setenv("HPSEARCH_CONFIG", str(env_file))
    assert load(config_file=explicit).budget == 25


def test_env_config_errors_name_the_file(tmp_path, monkeypatch):
    missing = tmp_path / "missing.toml"
    monkeypatch.setenv("HPSEARCH_CONFIG", str(missing))
    expect_error(must_name=(str(missing),))
    bad = write(tmp_path, "[study]\nbudget = 0\n", "bad.toml")
    monkeypatch.setenv("HPSEARCH_CONFIG", str(bad))
    expect_error(must_name=("study.budget",))


# --- inputs that must not escape as other exceptions ---------------------------------------------


def test_config_file_that_is_not_utf8(tmp_path):
    """TOML is UTF-8; a binary file passed by mistake is a bad config file, not a crash."""
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe[study]\nbudget = 16\n")
    expect_error(config_file=path, must_name=(str(path),))


@pytest.mark.parametrize("key", ["camera.phi", "camera.theta"])
def test_huge_integer_camera_angle(key):
    """TOML integers parse to Python ints of any size; a huge one is out of range."""
    expect_error(overrides=[f"{key}=1{'0' * 400}"], must_name=(key,))


def test_error_lines_quote_values_in_toml_and_stay_short():
    msg = expect_error(overrides=['study.objective="' + "x" * 300 + '"'], must_name=("study.objective",))
    assert '"xxxx' in msg and "'" not in msg.split("is not allowed")[0]
    assert len(msg.split(" is not allowed")[0]) < 110  # the 300-character value is cut to about 80
    expect_error(overrides=["study.budget=true"], must_name=("study.budget = true",))
    expect_error(overrides=['study.samplers=["grid", 1]'], must_name=('["grid", 1]',))


@pytest.mark.parametrize("item", ["study.budget=16\nstudy.featured_seed=3", "study.objective=branin\r"])
def test_a_set_value_spanning_lines_is_refused(item):
    expect_error(overrides=[item], must_name=("one line",))
