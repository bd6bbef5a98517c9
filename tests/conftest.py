"""Shared machinery for the scene tests (test_frames.py, test_legibility.py).

Every beat of hpsearch.beats.BEATS is rendered ONCE per pytest session, straight to its
last frame (Scene(skip_animations=True): each play() jumps to its end state),
at a small fixed size. Both test files read the same render: the frame (an RGBA
array) and the geometry of every visible text mobject in it (`TextBox`).

The renders run in a small pool of forked worker processes (2 by default, set
$SCENE_TEST_WORKERS to change), slowest beat first (durations of the previous
run are kept in pytest's cache). A beat that fails to render fails its own
tests with the traceback; the other beats are unaffected.

Media (LaTeX and Pango caches, empty movie folders) go to pytest's tmp folder,
never ./media (a test module that builds text itself uses the `in_scratch_media`
fixture). The scenes are built with the checked-in defaults, handed to each
beat as its `fixed_settings` (scenes/base.py), whatever $HPSEARCH_CONFIG says.

Options:
    --set-control-data   (re)write tests/control_data/<Scene>.png from this machine's renders
                         (test_frames.py; a beat that fails to render fails, the rest are written)
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import re
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

PIXEL_WIDTH, PIXEL_HEIGHT = 480, 270
CACHE_KEY = "scene_tests/render_seconds"


def pytest_addoption(parser):
    parser.addoption(
        "--set-control-data",
        action="store_true",
        default=False,
        help="write tests/control_data/<Scene>.png from this machine's renders instead of comparing",
    )


def pytest_collection_finish(session):
    """Note which beats the selected tests need (after -k/-m deselection), so only those are rendered."""
    needed, again = [], []
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        beat = params.get("beat")
        if beat is None or "renders" not in getattr(item, "fixturenames", ()):
            continue
        if beat not in needed:
            needed.append(beat)
        if item.get_closest_marker("render_twice") and beat not in again:
            again.append(beat)
    session.config._scene_tests_needed = (needed, again)


def pytest_configure(config):
    config.addinivalue_line("markers", "render_twice: the test renders its beat a second time (reproducibility)")


# --- manim settings ----------------------------------------------------------------------


def render_last_frame(scene_class, media_dir, name: str | None = None):
    """Render a Scene class to its last frame in this process; returns (scene, frame RGBA uint8, texts)."""
    with rendered(scene_class, media_dir, PIXEL_WIDTH, PIXEL_HEIGHT) as (scene, frame):
        return scene, frame, collect_texts(scene, name or scene_class.__name__)


# --- text geometry -----------------------------------------------------------------------


@dataclass(frozen=True)
class TextBox:
    """One text mobject as it appears on screen (frame units, origin at the frame centre, y up)."""

    scene: str
    string: str  # what it says (Text: the string; MathTex: the LaTeX; DecimalNumber: the number)
    kind: str  # class name
    placement: str  # "flat", "fixed in frame", "fixed orientation" or "3-D (projected)"
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 on screen
    glyph_height: float  # extent across the baseline on screen (= box height for level text)
    font_size: float | None  # effective on-screen font size (Manim units), None if the type records none
    angle: float  # baseline direction on screen, degrees: 0 level, 90 turned a quarter (see _baseline_angle)
    path: str  # where it sits, e.g. "mobjects[3][1][0]"
    ident: int
    ancestors: tuple[int, ...] = field(default=(), compare=False)

    @property
    def turned(self) -> bool:
        """Reads vertically rather than across."""
        return abs(self.angle) > 45

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    def describe(self) -> str:
        x0, y0, x1, y1 = self.box
        angle = f", baseline at {self.angle:g} degrees" if self.angle else ""
        return (
            f"{self.kind} {self.string!r} [{self.placement}{angle}] box x {x0:+.3f}..{x1:+.3f}, "
            f"y {y0:+.3f}..{y1:+.3f} (at {self.path})"
        )


def text_types() -> tuple[type, ...]:
    from manim import DecimalNumber, MarkupText, SingleStringMathTex, Text

    # MathTex and Tex are SingleStringMathTex subclasses; Integer is a DecimalNumber.
    return (Text, MarkupText, SingleStringMathTex, DecimalNumber)


def text_string(mob) -> str:
    from manim import DecimalNumber, MarkupText, SingleStringMathTex

    if isinstance(mob, MarkupText):
        return re.sub(r"<[^>]+>", "", getattr(mob, "original_text", mob.text))
    if isinstance(mob, SingleStringMathTex):
        return mob.tex_string
    if isinstance(mob, DecimalNumber):
        return f"{mob.number:.{mob.num_decimal_places}f}"
    return getattr(mob, "original_text", None) or getattr(mob, "text", "")


def _visible(mob) -> bool:
    if not mob.has_points():
        return False
    fill = getattr(mob, "fill_rgbas", None)
    if fill is not None and len(fill) and float(np.max(fill[:, 3])) > 0:
        return True
    stroke = getattr(mob, "stroke_rgbas", None)
    width = getattr(mob, "stroke_width", 0) or 0
    return bool(stroke is not None and len(stroke) and float(np.max(stroke[:, 3])) > 0 and np.max(width) > 0)


def _screen_points(camera, mob) -> np.ndarray:
    """Where the camera draws `mob`'s points, in frame units: Camera.points_to_subpixel_coords without the pixels.

    ThreeDCamera.transform_points_pre_display leaves fixed-in-frame points as
    they are, shifts fixed-orientation ones by (projected centre - centre) and
    projects everything else.
    """
    return camera.transform_points_pre_display(mob, mob.points) - camera.frame_center


def _placement(camera, mob) -> str:
    if mob in getattr(camera, "fixed_in_frame_mobjects", ()):
        return "fixed in frame"
    if mob in getattr(camera, "fixed_orientation_mobjects", {}):
        return "fixed orientation"
    return "3-D (projected)" if hasattr(camera, "project_points") else "flat"


def _angle(dx: float, dy: float) -> float:
    """The direction (dx, dy) as an angle of a line, in degrees in (-90, 90]."""
    angle = (float(np.degrees(np.arctan2(dy, dx))) + 90.0) % 180.0 - 90.0
    return 90.0 if angle == -90.0 else angle


def _baseline_angle(camera, mob, glyph_centres: np.ndarray, projected: bool) -> float:
    """Direction of the text's baseline on screen, in degrees in (-90, 90], from its glyph centres.

    The line through the glyph centres wanders (a superscript sits higher, "g"
    hangs lower), so it is snapped to the nearest natural direction: level
    (0), turned a quarter (90) and, for text projected from 3-D, the screen
    directions of the scene's x and y axes at the text (for text lying in the
    xy-plane, only those two). Flat LaTeX is taken as level (a fraction stacks its glyphs), and so
    is a Text with line breaks. Two glyphs count as vertical only if clearly so.
    """
    from manim import SingleStringMathTex

    if len(glyph_centres) < 2 or "\n" in text_string(mob) or (isinstance(mob, SingleStringMathTex) and not projected):
        return 0.0
    if len(glyph_centres) == 2:
        dx, dy = glyph_centres[1] - glyph_centres[0]
    else:
        _, _, vt = np.linalg.svd(glyph_centres - glyph_centres.mean(axis=0), full_matrices=False)
        dx, dy = vt[0]
    raw = _angle(dx, dy)
    if not projected:
        return 90.0 if abs(raw) > (63.5 if len(glyph_centres) == 2 else 45.0) else 0.0
    centre = mob.get_center()
    here = camera.project_point(centre)
    # Text lying in a plane z = const (drawn flat, never turned in 3-D) runs along the scene's x or y axis.
    in_xy_plane = np.ptp(np.vstack([m.points for m in mob.family_members_with_points()])[:, 2]) < 1e-6
    candidates = [] if in_xy_plane else [0.0, 90.0]
    for axis in np.eye(3)[:2]:
        there = camera.project_point(centre + axis)
        if np.hypot(*(there - here)[:2]) > 1e-3:
            candidates.append(_angle(*(there - here)[:2]))

    def gap(a, b):
        d = abs(a - b) % 180.0
        return min(d, 180.0 - d)

    return min(candidates, key=lambda c: gap(raw, c))


def _glyph_members(mob) -> list:
    """The text's visible parts, leaving out decorations such as add_background_rectangle()'s rectangle."""
    from manim import BackgroundRectangle

    skip = {id(m) for sub in mob.get_family() if isinstance(sub, BackgroundRectangle) for m in sub.get_family()}
    return [m for m in mob.get_family() if id(m) not in skip and _visible(m)]


def measure_text(camera, mob, scene_name: str, path: str, ancestors: tuple[int, ...]) -> TextBox | None:
    members = _glyph_members(mob)
    if not members:
        return None
    screens = [_screen_points(camera, m)[:, :2] for m in members]
    allpts = np.vstack(screens)
    (x0, y0), (x1, y1) = allpts.min(axis=0), allpts.max(axis=0)
    glyphs = [s for m, s in zip(members, screens, strict=True) if not m.submobjects]
    centres = np.array([(s.min(axis=0) + s.max(axis=0)) / 2 for s in glyphs]) if glyphs else np.zeros((0, 2))
    placement = _placement(camera, mob)
    angle = _baseline_angle(camera, mob, centres, projected=placement == "3-D (projected)")
    if angle == 0.0:
        glyph_height = float(y1 - y0)
    elif angle == 90.0:
        glyph_height = float(x1 - x0)
    else:  # extent across the slanted baseline
        normal = np.array([-np.sin(np.radians(angle)), np.cos(np.radians(angle))])
        across = allpts @ normal
        glyph_height = float(across.max() - across.min())
    font_size = None
    try:
        recorded, own_height = float(mob.font_size), float(mob.height)
    except (AttributeError, TypeError, ValueError, ZeroDivisionError):
        recorded, own_height = None, 0.0
    if recorded is not None and own_height > 1e-9:
        # Manim's font_size is proportional to the mobject's height, so font_size / height is fixed at
        # creation; times the on-screen height across the baseline it gives the size as seen.
        font_size = recorded / own_height * glyph_height
    return TextBox(
        scene=scene_name,
        string=text_string(mob),
        kind=type(mob).__name__,
        placement=placement,
        box=(float(x0), float(y0), float(x1), float(y1)),
        glyph_height=glyph_height,
        font_size=font_size,
        angle=angle,
        path=path,
        ident=id(mob),
        ancestors=ancestors,
    )


def collect_texts(scene, scene_name: str) -> list[TextBox]:
    """Every visible text mobject in the scene, each as one unit (its glyphs are not visited)."""
    camera = scene.camera
    if hasattr(camera, "reset_rotation_matrix"):
        camera.reset_rotation_matrix()  # the camera's state at the last frame
    kinds = text_types()
    found: list[TextBox] = []
    seen: set[int] = set()

    def visit(mob, path: str, ancestors: tuple[int, ...]):
        if id(mob) in seen:
            return
        seen.add(id(mob))
        if isinstance(mob, kinds):
            box = measure_text(camera, mob, scene_name, path, ancestors)
            if box is not None:
                found.append(box)
            return
        for i, sub in enumerate(mob.submobjects):
            visit(sub, f"{path}[{i}]", ancestors + (id(mob),))

    for i, mob in enumerate(scene.mobjects):
        visit(mob, f"mobjects[{i}]", ())
    for i, mob in enumerate(scene.foreground_mobjects):
        visit(mob, f"foreground_mobjects[{i}]", ())
    return found


# --- rendering the beats in worker processes ---------------------------------------------


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


# --- words on screen ----------------------------------------------------------------------

REFERENCES = "references"  # a mobject of this name is the closing references card, exempt from the word limit


def words(kind: str, string: str) -> int:
    """Words a viewer reads in one text: tokens with a letter; a formula counts as one, plus any \\text{} in it."""
    if kind in ("Text", "MarkupText"):
        return sum(1 for token in string.split() if any(ch.isalpha() for ch in token))
    if kind == "DecimalNumber" or kind == "Integer":
        return 0
    in_text = " ".join(re.findall(r"\\text\{([^}]*)\}", string))
    rest = re.sub(r"\\text\{[^}]*\}|\\[a-zA-Z]+", " ", string)
    return sum(1 for token in in_text.split() if any(ch.isalpha() for ch in token)) + bool(re.search("[a-zA-Z]", rest))


def visible_texts(scene, skip: tuple[str, ...] = (REFERENCES,)) -> list:
    """Every text mobject drawn now, outside groups named in `skip`."""
    kinds = text_types()
    found: list = []

    def visit(mob):
        if mob.name in skip:
            return
        if isinstance(mob, kinds):
            if any(_visible(m) for m in mob.family_members_with_points()):
                found.append(mob)
            return
        for sub in mob.submobjects:
            visit(sub)

    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        visit(mob)
    return found


def texts_on_screen(scene) -> list[tuple[str, str]]:
    """(kind, string) of every text drawn now, but the references card."""
    return [(type(mob).__name__, text_string(mob)) for mob in visible_texts(scene)]


def numbers_on_screen(scene) -> set[tuple[int, str]]:
    """(id, string) of every visible text holding a digit, but running readouts (named RUNNING) and the references."""
    from scenes.text import RUNNING

    shown = ((id(mob), text_string(mob)) for mob in visible_texts(scene, (REFERENCES, RUNNING)))
    return {(ident, string) for ident, string in shown if any(ch.isdigit() for ch in string)}


def counting_words(scene_class: type) -> type:
    """The beat, noting after every play() (wait() is one too) the texts on screen when they held the most words,
    for how long each number was on screen (at least from the end of the play() that showed it to the start
    of the play() that took it away), and every text's box: a turning camera can carry a label into a panel
    mid-beat, long before the last frame."""

    class Counting(scene_class):  # type: ignore[misc, valid-type]
        densest: tuple[int, list[tuple[str, str]]] = (0, [])

        def setup(self):
            super().setup()
            self.number_since: dict[tuple[int, str], float] = {}
            self.number_spans: list[tuple[str, float]] = []
            self.moments: list[tuple[float, list[TextBox]]] = []

        def play(self, *args, **kwargs):
            started = self.time
            super().play(*args, **kwargs)
            self.moments.append((self.time, collect_texts(self, scene_class.__name__)))
            shown = texts_on_screen(self)
            count = sum(words(kind, string) for kind, string in shown)
            if count > self.densest[0]:
                self.densest = (count, shown)
            numbers = numbers_on_screen(self)
            for key in [k for k in self.number_since if k not in numbers]:
                self.number_spans.append((key[1], started - self.number_since.pop(key)))
            for key in numbers:
                self.number_since.setdefault(key, self.time)

        def tear_down(self):
            super().tear_down()
            self.number_spans.extend((key[1], self.time - since) for key, since in self.number_since.items())

    Counting.__name__ = Counting.__qualname__ = scene_class.__name__
    return Counting


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


@pytest.fixture(scope="session")
def renders(request, tmp_path_factory):
    """The session's beat renders (see RenderPool); each beat is rendered once for both test files."""
    needed, again = getattr(request.config, "_scene_tests_needed", ([], []))
    workers = int(os.environ.get("SCENE_TEST_WORKERS", min(2, os.cpu_count() or 1)))
    pool = RenderPool(
        tmp_path_factory.mktemp("manim-media"), needed, again, getattr(request.config, "cache", None), workers
    )
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def scratch_media(tmp_path_factory):
    """A media_dir for small scenes rendered in the test process itself."""
    return tmp_path_factory.mktemp("manim-media-local")


@pytest.fixture
def in_scratch_media(scratch_media):
    """Text and LaTeX built in this process cache their SVGs in a scratch folder, never ./media."""
    from manim import tempconfig

    with tempconfig({"media_dir": str(scratch_media)}):
        yield


@pytest.fixture(scope="session")
def set_control_data(request) -> bool:
    return bool(request.config.getoption("--set-control-data"))


@pytest.fixture(scope="session")
def render_scene(scratch_media):
    """render_scene(SceneClass) -> (scene, frame, texts): a small scene rendered here, like the beats."""

    def render(scene_class):
        return render_last_frame(scene_class, scratch_media)

    return render
