"""Legibility of every beat: all text inside the frame and no two texts overlapping at the end of every
play(), and none too small in the last frame.

The last frame comes from the shared render (tests/helpers/rendering.py, Scene(skip_animations=True)).
Each text mobject (Text, MarkupText, MathTex/Tex/SingleStringMathTex,
DecimalNumber/Integer) is one unit, measured where the camera draws it: in a
ThreeDScene, fixed-in-frame text as it is, fixed-orientation text shifted to
its projected centre, other text projected (tests/helpers/text_geometry.py's TextBox).

Rules (sizes in frame units; the frame is the camera's frame_width x frame_height, centred at 0):

(a) inside: every text box lies inside the frame, at least FRAME_MARGIN from each edge.
(b) apart: no two text boxes overlap by more than OVERLAP_TOLERANCE in both directions.
    A text's box is its glyphs' box: a background rectangle (add_background_rectangle)
    is not text and is left out.
(c) size, two parts, both must hold:
    1. effective font size >= theme.SMALL_SIZE. Manim's font_size is proportional
       to a text's height, so font_size / height is fixed when it is created; times
       its height on screen, measured across the baseline (a label turned 90 degrees
       by its width, 3-D text slanted by the camera across its slanted baseline),
       that gives the font size as seen, after any scale() or set_max_width() and,
       in 3-D, after projection. This compares "ace" with "ace" and "Hg" with "Hg",
       so it is fair to every string.
    2. glyph box height at 1080p (height / frame_height * 1080), by what the string holds:
       - a capital, digit, ascender or descender (A-Z 0-9 b d f h i j k l t g p q y, brackets):
         >= TALL_FRACTION * theme.MIN_TEXT_PIXELS. Measured here at font size 24:
         LaTeX digits and "t" are 21.4-23.1 px tall, Pango capitals 33 px; so
         0.85 * 24 = 20.4 px is met by every string at the floor size, and LaTeX
         digits drop under it at about font size 21. (A literal ">= 24 px for
         capitals and digits" would fail LaTeX numbers at the theme's own floor size.)
       - only x-height letters ("ace", "x", "\\theta"): >= SHORT_FRACTION * MIN_TEXT_PIXELS
         (LaTeX "x" at 24 is 15.2 px, Pango "ace" 24.7 px);
       - no letters or digits at all ("-", "="): only rule 1 applies.
    Rule 2 catches what rule 1 cannot: LaTeX sized down inside the formula
    (\\scriptscriptstyle), or a font_size that does not describe the glyphs.

Limits: flat LaTeX is never taken as turned (a fraction stacks its glyphs); a
multi-line Text is measured as one block, so rule 2 is lenient there (rule 1 is
not); boxes are axis-aligned on screen, so two texts slanted by a 3-D camera may
be reported as overlapping a little early.
"""

from __future__ import annotations

import re
import string

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, MathTex, Scene, Text, ThreeDScene

from hpsearch.beats import BEATS
from scenes.kit import theme
from tests.helpers.words import words

SCENES = [b.scene for b in BEATS]

FRAME_MARGIN = 0.1  # ~14 px at 1080p
OVERLAP_TOLERANCE = 0.02
TALL_FRACTION = 0.85
SHORT_FRACTION = 0.6
FONT_SIZE_TOLERANCE = 1e-3  # relative; panels.fit_width allows 1e-6 below the floor

TALL_CHARS = set(string.ascii_uppercase + string.digits + "bdfhijkltgpqy()[]{}|/")


def height_class(box) -> str:
    """'tall', 'short' (x-height only) or 'symbols' (no letters or digits), from the string."""
    text = box.string
    had_command = False
    if box.kind not in ("Text", "MarkupText", "DecimalNumber", "Integer"):  # LaTeX source
        had_command = bool(re.search(r"\\[A-Za-z]+", text))
        text = re.sub(r"\\[A-Za-z]+|\\.", " ", text)
        text = re.sub(r"[\^_{}]", " ", text)
    if any(ch in TALL_CHARS or ch.isupper() or (ch.isdigit() and ch.isascii()) for ch in text):
        return "tall"
    if had_command or any(ch.isalnum() for ch in text):
        return "short"
    return "symbols"


def pixels_1080(length: float, frame_height: float) -> float:
    return length / frame_height * 1080


# --- the checks: lists of problems, each a readable line -------------------------------------


def outside_frame(texts, frame_width: float, frame_height: float, margin: float = FRAME_MARGIN) -> list[str]:
    half_w, half_h = frame_width / 2 - margin, frame_height / 2 - margin
    problems = []
    for t in texts:
        x0, y0, x1, y1 = t.box
        over = max(-half_w - x0, x1 - half_w, -half_h - y0, y1 - half_h)
        if over > 1e-9:
            problems.append(
                f"{t.scene}: {t.describe()} reaches {over:.3f} past the frame's "
                f"{margin:g}-unit margin (frame x {-half_w:+.3f}..{half_w:+.3f}, y {-half_h:+.3f}..{half_h:+.3f})"
            )
    return problems


def overlapping(texts, tolerance: float = OVERLAP_TOLERANCE) -> list[str]:
    problems = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if a.ident in b.ancestors or b.ident in a.ancestors:
                continue
            dx = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
            dy = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
            if dx > tolerance and dy > tolerance:
                problems.append(
                    f"{a.scene}: {a.string!r} and {b.string!r} overlap by {dx:.3f} x {dy:.3f}\n"
                    f"    {a.describe()}\n    {b.describe()}"
                )
    return problems


def too_small(texts, frame_height: float, min_pixels: float, min_font_size: float) -> list[str]:
    problems = []
    for t in texts:
        kind = height_class(t)
        px = pixels_1080(t.glyph_height, frame_height)
        floor = {"tall": TALL_FRACTION, "short": SHORT_FRACTION}.get(kind, 0.0) * min_pixels
        reasons = []
        if px < floor - 1e-6:
            reasons.append(f"glyphs {px:.1f} px tall at 1080p < {floor:.1f} px ({kind} string)")
        if t.font_size is not None and t.font_size < min_font_size * (1 - FONT_SIZE_TOLERANCE):
            reasons.append(f"font size {t.font_size:.1f} < {min_font_size}")
        if reasons:
            problems.append(f"{t.scene}: {t.string!r}: {'; '.join(reasons)}\n    {t.describe()}")
    return problems


def report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


pytestmark = pytest.mark.usefixtures("in_scratch_media")


# --- the beats ------------------------------------------------------------------------------


def at_every_play(result, check) -> list[str]:
    """`check`'s problems at the end of every play() of the beat and in its last frame, each said once
    with the first time it was seen."""
    first: dict[str, float] = {}
    end = result.moments[-1][0] if result.moments else 0.0
    for seconds, texts in [*result.moments, (end, result.texts)]:
        for problem in check(texts):
            first.setdefault(problem, seconds)
    return [f"at {seconds:.1f} s: {problem}" for problem, seconds in first.items()]


@pytest.mark.parametrize("beat", SCENES)
def test_texts_inside_frame(beat, renders):
    result = renders.get(beat)
    assert result.texts, f"{beat}: no visible text found in the last frame"
    assert len(result.moments) > 3, f"{beat}: the plays were not followed"
    problems = at_every_play(result, lambda texts: outside_frame(texts, *result.frame_size))
    assert not problems, report(problems)


@pytest.mark.parametrize("beat", SCENES)
def test_texts_do_not_overlap(beat, renders):
    problems = at_every_play(renders.get(beat), overlapping)
    assert not problems, report(problems)


@pytest.mark.parametrize("beat", SCENES)
def test_texts_large_enough(beat, renders):
    result = renders.get(beat)
    problems = too_small(result.texts, result.frame_size[1], theme.MIN_TEXT_PIXELS, theme.SMALL_SIZE)
    assert not problems, report(problems)


# --- the checker itself, on small scenes made to fail ----------------------------------------


class BadFlat(Scene):
    def construct(self):
        self.add(Text("Overlap one", font_size=30).move_to(LEFT * 2))
        self.add(Text("Overlap two", font_size=30).move_to(LEFT * 1.6 + UP * 0.1))
        self.add(Text("Clipped", font_size=30).move_to(RIGHT * 7.0))
        self.add(Text("Tiny", font_size=14).move_to(DOWN * 2))
        self.add(Text("Hidden", font_size=30, fill_opacity=0).move_to(LEFT * 2))  # invisible: never reported
        self.add(Text("turned fine", font_size=24).rotate(np.pi / 2).move_to(RIGHT * 3 + DOWN * 1))
        self.add(Text("turned small", font_size=16).rotate(np.pi / 2).move_to(RIGHT * 4 + DOWN * 1))
        self.add(Text("shrunk Text", font_size=30).scale(0.6).move_to(UP * 3))
        self.add(MathTex("x", font_size=24).move_to(DOWN * 3 + LEFT * 4))  # x-height only, at the floor: fine
        self.add(MathTex("10^{-5}", font_size=24).move_to(DOWN * 3 + LEFT * 2))  # fine
        self.add(MathTex("10^{-5}", font_size=18).move_to(DOWN * 3))  # too small
        # Font size 24 on paper, but LaTeX draws it at half size: only the glyph-height rule sees it.
        self.add(MathTex(r"\scriptscriptstyle 0.5", font_size=24).move_to(DOWN * 3 + RIGHT * 1.2))
        # A background rectangle is not text: the box is the glyphs'.
        self.add(Text("Boxed", font_size=24).move_to(DOWN * 3 + RIGHT * 2.5).add_background_rectangle(buff=0.3))
        self.wait(0.1)


class BadThreeD(ThreeDScene):
    def construct(self):
        self.set_camera_orientation(phi=60 * np.pi / 180, theta=-60 * np.pi / 180)
        fixed = Text("Fixed in frame", font_size=30).to_corner(UP + LEFT, buff=0.5)
        self.add_fixed_in_frame_mobjects(fixed)
        # Its own x, y are well inside the frame, but the camera projects its centre past the top edge.
        label = Text("Projected away", font_size=30).move_to(np.array([2.0, 2.0, 4.0]))
        self.add(label)
        self.add_fixed_orientation_mobjects(label)
        # Placed (in 3-D) where it lands on the fixed text on screen.
        near = Text("Lands on it", font_size=30)
        # Placed in 3-D where it lands on the fixed text on screen: a point at camera depth 0
        # projects to its own screen coordinates (factor 1).
        target = fixed.get_center()
        near.move_to(self.camera.generate_rotation_matrix().T @ np.array([target[0], target[1], 0.0]))
        self.add(near)
        self.add_fixed_orientation_mobjects(near)
        # Plain 3-D text lying on the floor: the tilted camera squashes it to about half its height.
        self.add(Text("On the floor", font_size=36).move_to(np.array([0.0, -1.5, 0.0])))
        # LaTeX on the floor: its superscript must not tilt the measured baseline.
        self.add(MathTex("10^{-5}", font_size=48).move_to(np.array([1.0, -3.0, 0.0])))
        self.wait(0.1)


def test_checker_finds_overlap_clipping_and_small_text(render_scene):
    scene, _, texts = render_scene(BadFlat)
    frame_width, frame_height = scene.camera.frame_width, scene.camera.frame_height
    by = {t.string: t for t in texts}
    assert "Hidden" not in by, "a text with opacity 0 must not count"
    assert set(by) >= {"Overlap one", "Overlap two", "Clipped", "Tiny", "x", "10^{-5}"}

    clipped = outside_frame(texts, frame_width, frame_height)
    assert len(clipped) == 1 and "'Clipped'" in clipped[0], report(clipped)

    overlaps = overlapping(texts)
    assert len(overlaps) == 1 and "'Overlap one' and 'Overlap two'" in overlaps[0], report(overlaps)
    assert "box x" in overlaps[0]  # the boxes are printed

    small = too_small(texts, frame_height, theme.MIN_TEXT_PIXELS, theme.SMALL_SIZE)
    flagged = {line.split(": ", 1)[1].split(":")[0] for line in small}
    expected = {"Tiny", "turned small", "shrunk Text", "10^{-5}", r"\scriptscriptstyle 0.5"}
    assert flagged == {repr(text) for text in expected}, report(small)
    script = next(line for line in small if "scriptscriptstyle" in line)
    assert "glyphs" in script and "font size" not in script, script
    assert by["turned fine"].turned and by["turned small"].turned and not by["Tiny"].turned
    assert by["shrunk Text"].font_size == pytest.approx(18, rel=1e-3)
    assert by["turned fine"].font_size == pytest.approx(24, rel=1e-3)
    boxed = by["Boxed"]
    assert boxed.font_size == pytest.approx(24, rel=1e-3)
    assert boxed.height < 0.3  # the glyphs (about 0.26 at size 24), not the rectangle (0.6 taller)


def test_checker_projects_three_d_text(render_scene):
    scene, _, texts = render_scene(BadThreeD)
    frame_width, frame_height = scene.camera.frame_width, scene.camera.frame_height
    by = {t.string: t for t in texts}
    fixed, away, near = by["Fixed in frame"], by["Projected away"], by["Lands on it"]
    assert fixed.placement == "fixed in frame" and away.placement == "fixed orientation"
    # Fixed in frame: drawn where its points are.
    assert fixed.box[0] == pytest.approx(-frame_width / 2 + 0.5, abs=1e-6)
    # Fixed orientation: its own box, moved to the projected centre.
    centre = scene.camera.project_point(np.array([2.0, 2.0, 4.0]))
    assert (away.box[0] + away.box[2]) / 2 == pytest.approx(centre[0], abs=1e-6)
    assert (away.box[1] + away.box[3]) / 2 == pytest.approx(centre[1], abs=1e-6)
    assert away.font_size == pytest.approx(30, rel=1e-3)

    clipped = outside_frame(texts, frame_width, frame_height)
    assert any("'Projected away'" in line for line in clipped), report(clipped)
    assert not any("'Fixed in frame'" in line for line in clipped), report(clipped)
    overlaps = overlapping(texts)
    assert near.placement == "fixed orientation"
    assert (near.box[0] + near.box[2]) / 2 == pytest.approx((fixed.box[0] + fixed.box[2]) / 2, abs=1e-6)
    assert any("'Fixed in frame' and 'Lands on it'" in line for line in overlaps), report(overlaps)

    # Plain 3-D text: every point projected.
    floor = by["On the floor"]
    assert floor.placement == "3-D (projected)"
    floor_mob = next(m for m in scene.mobjects if isinstance(m, Text) and m.original_text == "On the floor")
    projected = scene.camera.project_points(np.vstack([m.points for m in floor_mob.family_members_with_points()]))
    assert floor.box == pytest.approx((*projected[:, :2].min(axis=0), *projected[:, :2].max(axis=0)), abs=1e-9)
    # Tilted 60 degrees away, turned 30 degrees on screen: seen smaller than 36, not below 36 * cos(60 degrees).
    assert 18 * 0.95 < floor.font_size < 30 and 0 < abs(floor.angle) < 45
    small = too_small(texts, frame_height, 24, 24)
    assert [line.split(":")[1].strip() for line in small] == ["'On the floor'"], report(small)
    assert by["10^{-5}"].angle == pytest.approx(floor.angle, abs=3)  # both along the scene's x axis on screen


WORD_LIMIT = 30


@pytest.mark.parametrize("beat", SCENES)
def test_at_most_thirty_words_on_screen(beat, renders):
    """At the wordiest moment of the beat (after any play or wait), the references card aside."""
    render = renders.get(beat)
    assert render.error is None, render.error
    count = sum(words(kind, string) for kind, string in render.densest)
    shown = "\n".join(f"  {words(kind, string):2d}  {string!r}" for kind, string in render.densest)
    assert count <= WORD_LIMIT, f"{beat}: {count} words on screen at once:\n{shown}"


@pytest.mark.parametrize(
    "kind, string, count",
    [
        ("Text", "deep well  −2.208", 2),
        ("Text", "lr 3.2 × 10⁻⁵   decay 0.85", 2),
        ("Text", "85 of 100", 1),
        ("MathTex", "10^{-6}", 0),
        ("MathTex", r"\theta^* = \arg\min_{\theta \in \Theta} f(\theta)", 1),
        ("MathTex", r"\text{next} = \arg\max\, \ell / g \text{ over 24 draws }", 4),
        ("DecimalNumber", "0.95", 0),
    ],
)
def test_words_are_counted_as_a_viewer_reads_them(kind, string, count):
    assert words(kind, string) == count


KEY_NUMBER_SECONDS = 2.5


@pytest.mark.parametrize("beat", SCENES)
def test_every_number_stays_on_screen_long_enough_to_read(beat, renders):
    """A best value, a share, a count: on screen at least 2.5 s (running readouts aside, they are read as they run)."""
    render = renders.get(beat)
    assert render.error is None, render.error
    assert render.number_spans, f"{beat}: no number was seen on screen at all"
    short = [(string, seconds) for string, seconds in render.number_spans if seconds < KEY_NUMBER_SECONDS - 1e-6]
    assert not short, f"{beat}: on screen under {KEY_NUMBER_SECONDS} s: " + "; ".join(
        f"{string!r} {seconds:.2f} s" for string, seconds in short
    )
