"""Rendering the beats to their last frame for the scene tests (test_frames.py, test_legibility.py).

Every beat of hpsearch.beats.BEATS is rendered ONCE per pytest session, straight to its
last frame (Scene(skip_animations=True): each play() jumps to its end state),
at a small fixed size. Both test files read the same render: the frame (an RGBA
array) and the geometry of every visible text mobject in it (`TextBox`).

The renders run in a small pool of forked worker processes (2 by default, set
$SCENE_TEST_WORKERS to change), slowest beat first (durations of the previous
run are kept in pytest's cache). A beat that fails to render fails its own
tests with the traceback; the other beats are unaffected.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import tempfile
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from hpsearch.beats import BEATS_BY_NAME
from hpsearch.driver.stills import beat_class, rendered
from tests.helpers.text_geometry import TextBox, collect_texts
from tests.helpers.words import counting_words

PIXEL_WIDTH, PIXEL_HEIGHT = 480, 270
CACHE_KEY = "scene_tests/render_seconds"


def render_last_frame(scene_class, media_dir, name: str | None = None):
    """Render a Scene class to its last frame in this process; returns (scene, frame RGBA uint8, texts)."""
    with rendered(scene_class, media_dir, PIXEL_WIDTH, PIXEL_HEIGHT) as (scene, frame):
        return scene, frame, collect_texts(scene, name or scene_class.__name__)


@dataclass
class BeatRender:
    scene: str
    frame: np.ndarray | None = None  # (PIXEL_HEIGHT, PIXEL_WIDTH, 4) uint8 RGBA
    texts: list[TextBox] = field(default_factory=list)
    three_d: bool = False
    frame_size: tuple[float, float] = (0.0, 0.0)  # the camera's frame_width, frame_height (frame units)
    error: str | None = None
    seconds: float = 0.0
    densest: list[tuple[str, str]] = field(default_factory=list)  # (kind, string) on screen at the wordiest moment
    number_spans: list[tuple[str, float]] = field(default_factory=list)  # (text, seconds on screen, at least)
    moments: list[tuple[float, list[TextBox]]] = field(default_factory=list)  # the texts at the end of each play()


_WORKER_MEDIA: str | None = None


def _worker_init(media_root: str):
    global _WORKER_MEDIA
    _WORKER_MEDIA = tempfile.mkdtemp(prefix=f"worker{os.getpid()}-", dir=media_root)


def render_beat(scene_name: str) -> BeatRender:
    """Render one beat to its last frame and measure its texts (runs in a worker process)."""
    start = time.perf_counter()
    try:
        scene_class = counting_words(beat_class(scene_name))
        from manim import ThreeDScene

        scene, frame, texts = render_last_frame(scene_class, _WORKER_MEDIA or tempfile.mkdtemp(), scene_name)
        return BeatRender(
            scene_name,
            frame,
            texts,
            issubclass(scene_class, ThreeDScene),
            (float(scene.camera.frame_width), float(scene.camera.frame_height)),
            seconds=time.perf_counter() - start,
            densest=scene.densest[1],
            number_spans=scene.number_spans,
            moments=scene.moments,
        )
    except KeyboardInterrupt:
        raise
    except BaseException:  # reported by the beat's tests (SystemExit included)
        return BeatRender(scene_name, error=traceback.format_exc(), seconds=time.perf_counter() - start)


class RenderPool:
    """Renders beats in forked worker processes; `get(name)` waits for one."""

    def __init__(self, media_root: Path, needed: list[str], again: list[str], cache, workers: int):
        self.cache = cache
        self.pixel_size = (PIXEL_WIDTH, PIXEL_HEIGHT)
        seconds = (cache.get(CACHE_KEY, {}) if cache is not None else {}) or {}
        # Import the beats' modules here, before forking: every worker then runs the same code, even
        # while someone edits a scene during the run. A module that fails to import is retried (and
        # its traceback reported) by its render.
        for name in dict.fromkeys(needed + again):
            if name in BEATS_BY_NAME:
                try:
                    importlib.import_module(f"scenes.{BEATS_BY_NAME[name].module}")
                except Exception:  # retried, and its traceback reported, by its render
                    pass
        self.executor = ProcessPoolExecutor(
            max_workers=max(1, workers),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_init,
            initargs=(str(media_root),),
        )
        self.first: dict[str, Future] = {}
        self.second: dict[str, Future] = {}
        # Longest first (last run's durations; unknown beats count as slow), so the pool finishes together.
        jobs = [(name, self.first) for name in needed] + [(name, self.second) for name in again]
        jobs.sort(key=lambda job: -seconds.get(job[0], 60.0))
        for name, into in jobs:
            into[name] = self.executor.submit(render_beat, name)

    def _result(self, futures: dict[str, Future], name: str) -> BeatRender:
        if name not in futures:
            futures[name] = self.executor.submit(render_beat, name)
        try:
            return futures[name].result()
        except Exception as err:  # e.g. BrokenProcessPool: a worker died (crash, out of memory)
            pytest.fail(f"{name}: the render worker failed: {err!r}", pytrace=False)

    def get(self, name: str) -> BeatRender:
        """The beat's render; fails the calling test if the beat does not render."""
        result = self._result(self.first, name)
        if result.error:
            pytest.fail(f"{name} failed to render:\n{result.error}", pytrace=False)
        return result

    def again(self, name: str) -> BeatRender:
        """A second, independent render of the beat (another task, possibly another worker)."""
        result = self._result(self.second, name)
        if result.error:
            pytest.fail(f"{name} failed to render the second time:\n{result.error}", pytrace=False)
        return result

    def close(self):
        if self.cache is not None:
            seconds = dict(self.cache.get(CACHE_KEY, {}) or {})
            for name, future in self.first.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    seconds[name] = round(future.result().seconds, 2)
            self.cache.set(CACHE_KEY, seconds)
        self.executor.shutdown(wait=True, cancel_futures=True)
