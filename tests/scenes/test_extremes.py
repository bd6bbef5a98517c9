"""Every beat stays legible, and every sentence speakable, in the extreme legal configurations, not only
the default one.

The last frame of each beat is rendered (as in test_legibility.py, whose checks
are used) for a budget of one run, a budget of 100, the Branin function, and the
one-axis objective with a fourth sampler, one seed and another featured seed:
no text outside the frame, overlapping other text or below the size floor. Every
sentence the beat says on the way is turned into its spoken form, which must
leave nothing a voice would read literally (hpsearch.speech). The renders are
silent (the last frame is the same with the voice), so no speech is synthesised.
(A budget of 400 passes too, checked by hand: its trial data alone takes about
three minutes on two cores, too long for every test run.)
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pytest

from hpsearch.beats import BEATS

# A budget at or under TPE's start-up is legal; settings warns about it, which is not news here.
pytestmark = pytest.mark.filterwarnings("ignore:study.n_startup_trials")

EXTREMES = {
    "one run": ("study.budget=1",),
    "100 runs": ("study.budget=100", "study.n_seeds=5"),
    "Branin": ("study.objective=branin", "study.n_seeds=20"),
    "one axis, four samplers, one seed": (
        "study.objective=lr_valley",
        'study.samplers=["grid", "random", "tpe", "qmc"]',
        "study.n_seeds=1",
        "study.featured_seed=7",
    ),
}


def credited(config, scene: str) -> bool:
    """Where the voice must be credited: on the last card of a narrated video."""
    return config.voice and scene == BEATS[-1].scene


def problems(overrides: tuple[str, ...], scene: str) -> list[str]:
    """Legibility problems of one beat's last frame in a configuration (runs in a worker process)."""
    from hpsearch import settings, speech
    from hpsearch.driver.stills import rendered
    from tests.helpers import text_geometry
    from tests.scenes import test_legibility as checks

    silent = () if any(o.startswith("voice.") for o in overrides) else ("voice.enabled=false",)
    config = settings.load(None, (*overrides, *silent))
    beat = next(b for b in BEATS if b.scene == scene)
    scene_class = getattr(importlib.import_module(f"scenes.{beat.module}"), scene)
    said: list[str] = []

    def say(self, text: str) -> float:
        said.append(text)
        return scene_class.say(self, text)

    variant = type(scene, (scene_class,), {"fixed_settings": config, "say": say})
    with tempfile.TemporaryDirectory() as media, rendered(variant, Path(media), 480, 270) as (rendered_scene, _):
        texts = text_geometry.collect_texts(rendered_scene, scene)
        width, height = float(rendered_scene.camera.frame_width), float(rendered_scene.camera.frame_height)
        unspeakable = [
            f"{text!r} is spoken with {left}" for text in said if (left := speech.leftovers(speech.spoken(text)))
        ]
        return (
            checks.outside_frame(texts, width, height)
            + checks.overlapping(texts)
            + checks.too_small(texts, height, 24, 24)
            + ([] if said else ["says nothing"])
            + (
                ["the voice is not credited"]
                if credited(config, scene) and not any("Voice: Piper" in t.string for t in texts)
                else []
            )
            + unspeakable
        )


@pytest.fixture(scope="module")
def renders(tmp_path_factory, monkeypatch_module) -> dict[tuple[str, str], Future]:
    from hpsearch import findings, settings

    monkeypatch_module.setenv("HPSEARCH_CACHE_DIR", str(tmp_path_factory.mktemp("extreme-trials")))
    for overrides in [*EXTREMES.values(), ()]:  # the trial data once per configuration, before the renders read it
        findings.precompute(settings.load(None, overrides))
    workers = int(os.environ.get("SCENE_TEST_WORKERS", min(2, os.cpu_count() or 1)))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {
            (name, beat.scene): pool.submit(problems, overrides, beat.scene)
            for name, overrides in EXTREMES.items()
            for beat in BEATS
        }
        futures["narrated", "Verdict"] = pool.submit(problems, ("voice.enabled=true",), "Verdict")
        yield futures


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.mark.parametrize("beat", [b.scene for b in BEATS])
@pytest.mark.parametrize("extreme", list(EXTREMES))
def test_beats_stay_legible_in_extreme_configurations(renders, extreme, beat):
    found = renders[(extreme, beat)].result()
    assert not found, f"{beat} with {', '.join(EXTREMES[extreme])}:\n" + "\n".join(found)


def test_the_narrated_references_card_credits_the_voice_legibly(renders):
    # Only a narrated render credits the voice, under the references: one more line on a full card.
    found = renders[("narrated", "Verdict")].result()
    assert not found, "\n".join(found)
