"""The one validated configuration: video.toml, a --config file and --set overrides.

Plain Python (tomllib). Every value is checked here, before any work starts;
a bad one raises SettingsError with one line naming the key, the value and
what is allowed. Nothing reads the configuration at import: the render driver
calls load() with its options, and a scene gets its Settings in setup()
(scenes/base.py), from load(), which reads the file named by
$HPSEARCH_CONFIG (the driver sets it) or else the checked-in defaults.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

import tomli_w

import objective
import samplers
from hpsearch.files import ROOT
from hpsearch.visibility import View
from objective import Objective
from samplers import SamplerName, StudySpec

DEFAULTS_FILE = ROOT / "video.toml"
ENV_VAR = "HPSEARCH_CONFIG"
QUALITIES = {
    # name: (manim -q flag, width, height, fps)
    "preview": ("l", 854, 480, 15),
    "medium": ("m", 1280, 720, 30),
    "high": ("h", 1920, 1080, 60),
}
MAX_SEEDS = 1000


class SettingsError(ValueError):
    """A configuration value that is not allowed; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    objective: str
    budget: int
    featured_seed: int
    n_seeds: int
    samplers: tuple[SamplerName, ...]
    n_startup_trials: int
    camera_phi: float
    camera_theta: float
    palette: dict[str, str]
    quality: str
    voice: bool  # narrated; False: silent, subtitles paced for reading

    @property
    def spec(self) -> StudySpec:
        """The featured study (the sampler aside)."""
        return samplers.StudySpec(self.objective, self.budget, self.featured_seed, self.n_startup_trials)

    @property
    def objective_function(self) -> Objective:
        return objective.OBJECTIVES[self.objective]

    @property
    def view(self) -> View:
        """The camera of the 3-D beats."""
        return View.degrees(self.camera_phi, self.camera_theta)

    @property
    def quality_flag(self) -> str:
        return QUALITIES[self.quality][0]

    def as_toml(self) -> str:
        """The resolved configuration, as a file load() reads back unchanged."""
        return tomli_w.dumps(
            {
                "study": dict(
                    objective=self.objective,
                    budget=self.budget,
                    featured_seed=self.featured_seed,
                    n_seeds=self.n_seeds,
                    samplers=list(self.samplers),
                    n_startup_trials=self.n_startup_trials,
                ),
                "camera": dict(phi=self.camera_phi, theta=self.camera_theta),
                "palette": self.palette,
                "render": dict(quality=self.quality),
                "voice": dict(enabled=self.voice),
            }
        )


def _quoted(value: object, limit: int = 80) -> str:
    """A value for an error line, on one line as TOML spells it, cut to about `limit` characters."""
    text = _inline(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inline(value: object) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + "}"
    return tomli_w.dumps({"v": value}).removeprefix("v = ").rstrip("\n")


# --- parsing -------------------------------------------------------------------


def _read_toml(path: Path) -> dict:
    try:
        text = Path(path).read_bytes().decode("utf-8")  # TOML is UTF-8 whatever the locale
    except OSError as err:
        raise SettingsError(f"config file {str(path)!r} cannot be read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise SettingsError(f"config file {str(path)!r} is not UTF-8 text: {err.reason} at byte {err.start}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"config file {str(path)!r} is not valid TOML: {err}") from None


def _parse_override(item: str) -> tuple[str, str, object]:
    """'study.budget=16' -> ('study', 'budget', 16); bare words become strings."""
    if "\n" in item or "\r" in item:  # TOML would read only the first line and drop the rest
        raise SettingsError(f"--set {_quoted(item)}: a value must be one line")
    if "=" not in item or "." not in item.split("=", 1)[0]:
        raise SettingsError(f"--set {_quoted(item)}: expected SECTION.KEY=VALUE, for example study.budget=16")
    dotted, raw = item.split("=", 1)
    section, key = dotted.strip().split(".", 1)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()  # a bare word such as branin
    return section, key, value


def _merge(base: dict, extra: dict, origin: str) -> dict:
    merged = {section: dict(values) for section, values in base.items()}
    for section, values in extra.items():
        if section not in base:
            raise SettingsError(f"{origin}: unknown section [{section}]; allowed: {', '.join(base)}")
        if not isinstance(values, dict):
            raise SettingsError(f"{origin}: [{section}] must be a table of keys, got {_quoted(values)}")
        for key, value in values.items():
            if key not in base[section]:
                raise SettingsError(
                    f"{origin}: unknown key {section}.{key}; allowed in [{section}]: {', '.join(base[section])}"
                )
            merged[section][key] = value
    return merged


def defaults() -> Settings:
    """The checked-in defaults alone (no file, no environment, no overrides)."""
    return validate(_read_toml(DEFAULTS_FILE))


def load(config_file: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Settings:
    """Defaults, then a config file, then --set overrides; validated as a whole.

    With no config_file, $HPSEARCH_CONFIG is used if set.
    """
    raw = _read_toml(DEFAULTS_FILE)
    config_file = config_file or os.environ.get(ENV_VAR)
    if config_file:
        raw = _merge(raw, _read_toml(Path(config_file)), str(config_file))
    for item in overrides:
        section, key, value = _parse_override(item)
        raw = _merge(raw, {section: {key: value}}, f"--set {item}")
    return validate(raw)


# --- validation ------------------------------------------------------------------

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def _require(ok: bool, key: str, value: object, allowed: str) -> None:
    if not ok:
        raise SettingsError(f"{key} = {_quoted(value)} is not allowed: {allowed}")


def _int(raw: dict, key: str, low: int, high: int) -> int:
    section, name = key.split(".")
    value = raw[section][name]
    _require(
        isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
        key,
        value,
        f"an integer from {low} to {high}",
    )
    return value


def _float(raw: dict, key: str, low: float, high: float) -> float:
    section, name = key.split(".")
    value = raw[section][name]
    # Compare before isfinite: tomllib gives unbounded ints, which overflow a float.
    _require(
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and low <= value <= high
        and math.isfinite(value),
        key,
        value,
        f"a number from {low:g} to {high:g}",
    )
    return float(value)


_SPEC_KEYS = {
    "objective": "study.objective",
    "budget": "study.budget",
    "seed": "study.featured_seed",
    "n_startup_trials": "study.n_startup_trials",
}


def validate(raw: dict) -> Settings:
    study = raw["study"]
    try:  # the study's own fields are checked where a study is specified
        spec = samplers.StudySpec(
            study["objective"], study["budget"], study["featured_seed"], study["n_startup_trials"]
        )
    except samplers.SpecError as err:
        raise SettingsError(f"{_SPEC_KEYS[err.field]} = {_quoted(err.value)} is not allowed: {err.allowed}") from None
    n_seeds = _int(raw, "study.n_seeds", 1, MAX_SEEDS)
    chosen = study["samplers"]
    _require(
        isinstance(chosen, list)
        and bool(chosen)
        and len(set(map(str, chosen))) == len(chosen)
        and all(s in samplers.SAMPLERS for s in chosen),
        "study.samplers",
        chosen,
        f"a list of distinct names from {', '.join(samplers.SAMPLERS)}",
    )
    _require(
        all(s in chosen for s in ("grid", "random", "tpe")),
        "study.samplers",
        chosen,
        "grid, random and tpe must take part (the story compares them); qmc is optional",
    )
    if spec.n_startup_trials >= spec.budget:
        warnings.warn(
            f"study.n_startup_trials = {spec.n_startup_trials} >= study.budget = {spec.budget}: "
            "every TPE trial is a random startup trial, so TPE is random search here",
            stacklevel=2,
        )
    phi = _float(raw, "camera.phi", 0.0, 85.0)
    theta = _float(raw, "camera.theta", -360.0, 360.0)
    palette = {}
    for key, value in raw["palette"].items():
        _require(
            isinstance(value, str) and bool(_COLOUR.fullmatch(value)),
            f"palette.{key}",
            value,
            "a colour written #RRGGBB or #RGB",
        )
        palette[key] = value
    quality = raw["render"]["quality"]
    _require(quality in QUALITIES, "render.quality", quality, f"one of {', '.join(QUALITIES)}")
    narrated = raw["voice"]["enabled"]
    _require(isinstance(narrated, bool), "voice.enabled", narrated, "true (narrated) or false (silent, read)")
    return Settings(
        spec.objective,
        spec.budget,
        spec.seed,
        n_seeds,
        tuple(chosen),
        spec.n_startup_trials,
        phi,
        theta,
        palette,
        quality,
        narrated,
    )
