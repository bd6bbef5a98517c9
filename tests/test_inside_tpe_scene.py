"""Tests for scenes/inside_tpe.py: its drawing helpers, and the beat's last frame at each moment.

Expected values come from the recorded data (hpsearch.tpe.moments.inside_tpe) and
the hyperparameter map (objective.py), never from the scene itself.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, Circle, MathTex, Text, config, tempconfig

from hpsearch import settings
from hpsearch.formatting import format_loss, format_lr, signed
from hpsearch.tpe import moments
from hpsearch.tpe.recorder import GammaRule
from objective import BOX, LAYER_DECAY, LEARNING_RATE
from scenes import inside_tpe as beat
from scenes import theme
from scenes.panels import BoxPlot

pytestmark = pytest.mark.usefixtures("in_scratch_media")


@pytest.fixture(scope="module")
def data():
    return moments.inside_tpe(settings.defaults().spec)


# --- helpers ------------------------------------------------------------------------------


def test_gamma_rule_is_typeset_from_its_numbers():
    assert beat.gamma_rule_tex(GammaRule(0.1, 25)) == r"\gamma(n) = \min(\lceil 0.1\,n \rceil,\ 25)"
    assert beat.gamma_rule_tex(GammaRule(0.25, 7)) == r"\gamma(n) = \min(\lceil 0.25\,n \rceil,\ 7)"


def test_density_image_is_a_linear_unsmoothed_map_of_the_grid(data):
    grid = data.moments[0].grid
    low, high = float(grid.log_g.min()), float(grid.log_g.max())
    rgba = beat.density_rgba(grid.log_g, low, high, theme.MUTED)
    assert rgba.shape == grid.log_g.shape + (4,)
    # One pixel per grid point, top row = largest y (the grid's last row).
    iy, ix = np.unravel_index(np.argmax(grid.log_g), grid.log_g.shape)
    assert tuple(rgba[len(grid.ys) - 1 - iy, ix, :3]) == tuple(np.round(np.array(theme.MUTED.to_rgb()) * 255))
    iy, ix = np.unravel_index(np.argmin(grid.log_g), grid.log_g.shape)
    assert tuple(rgba[len(grid.ys) - 1 - iy, ix, :3]) == tuple(np.round(theme.DENSITY_LOW_RGB * 255))
    # Monotone: a larger log density is never darker.
    flat = grid.log_g[::-1].ravel()
    order = np.argsort(flat)
    brightness = rgba[..., :3].reshape(-1, 3).sum(axis=1)[order]
    assert np.all(np.diff(brightness.astype(int)) >= -3)  # rounding only


def test_panel_ticks_sit_at_the_real_hyperparameter_values():
    panel = BoxPlot(2.4)
    left, right = panel.back.get_left()[0], panel.back.get_right()[0]
    bottom, top = panel.back.get_bottom()[1], panel.back.get_top()[1]
    # lr is log-scaled: 1e-6, 1e-5, 1e-4 at the left edge, the middle and the right edge of this box.
    for lr, expected in ((1e-6, left), (1e-5, (left + right) / 2), (1e-4, right)):
        x = panel.point(float(LEARNING_RATE.to_internal(lr)), BOX[0])[0]
        assert x == pytest.approx(expected)
    labels = [m for m in panel.labels if isinstance(m, MathTex)]
    lr_labels = [m for m in labels if m.tex_string.startswith("10^")]
    assert [m.tex_string for m in lr_labels] == ["10^{-6}", "10^{-5}", "10^{-4}"]
    for m, expected in zip(lr_labels, (left, (left + right) / 2, right), strict=True):
        assert m.get_x() == pytest.approx(expected, abs=0.02)
    for value, expected in ((0.6, bottom), (0.8, (bottom + top) / 2), (1.0, top)):
        y = panel.point(BOX[0], float(LAYER_DECAY.to_internal(value)))[1]
        assert y == pytest.approx(expected)


def test_heat_map_pixels_are_centred_on_the_grid_points(data):
    grid = data.moments[0].grid
    panel = BoxPlot(2.4).shift(1.3 * RIGHT + 0.4 * UP)
    image = panel.heat_map(beat.density_rgba(grid.log_l, -1, 1, theme.MUTED), grid.xs)
    n = len(grid.xs)
    cell = image.width / n
    first_centre = image.get_left()[0] + cell / 2
    last_centre = image.get_right()[0] - cell / 2
    assert first_centre == pytest.approx(panel.point(grid.xs[0], 0)[0])
    assert last_centre == pytest.approx(panel.point(grid.xs[-1], 0)[0])
    assert image.get_center()[:2] == pytest.approx(panel.back.get_center()[:2])


def test_place_clear_avoids_points():
    anchor = Circle(radius=0.1)
    box = BoxPlot(3.0).back
    tag = Text("trial 9", font_size=theme.SMALL_SIZE)
    blocked = [anchor.get_center() + 0.6 * RIGHT]  # something right of the anchor
    beat.place_clear(tag, anchor, box, blocked)
    assert tag.get_x() < anchor.get_x()


def test_note_head_keeps_the_first_clause(data):
    for m in data.moments:
        head = beat.note_head(m.note)
        assert head.startswith(f"Trial {m.step.trial + 1}:")  # counted from 1
        assert ";" not in head and "[" not in head


# --- the beat's last frame, one moment at a time --------------------------------------------------


def _leaves(mobjects):
    """Every Text and MathTex on screen (not their glyphs)."""
    found = []

    def walk(m):
        if isinstance(m, (Text, MathTex)):
            found.append(m)
            return
        for sub in m.submobjects:
            walk(sub)

    for m in mobjects:
        walk(m)
    return found


def _overlap(a, b, tol=0.02) -> bool:
    (ax0, ay0), (ax1, ay1) = a.get_corner(DOWN + LEFT)[:2], a.get_corner(UP + RIGHT)[:2]
    (bx0, by0), (bx1, by1) = b.get_corner(DOWN + LEFT)[:2], b.get_corner(UP + RIGHT)[:2]
    return ax0 < bx1 - tol and bx0 < ax1 - tol and ay0 < by1 - tol and by0 < ay1 - tol


@pytest.mark.parametrize("role", ["first", "middle", "last"])
def test_last_frame_of_each_moment(data, scratch_media, role):
    moment = next((m for m in data.moments if m.role == role), None)
    if moment is None:
        pytest.skip(f"no {role} moment in this configuration")

    class OneMoment(beat.InsideTPE):
        roles = (role,)
        fixed_settings = settings.defaults()

    with tempconfig(
        {
            "media_dir": str(scratch_media),
            "skip_animations": True,
            "write_to_movie": False,
            "disable_caching": True,
            "quality": "low_quality",
            "verbosity": "WARNING",
        }
    ):
        scene = OneMoment(skip_animations=True)
        scene.render()
        width, height = config.frame_width, config.frame_height
        texts = _leaves(scene.mobjects)
        subcaptions = " ".join(s.content for s in scene.renderer.file_writer.subcaptions)

    # Everything inside the frame, nothing written on top of other writing.
    for m in texts:
        assert -width / 2 <= m.get_left()[0] and m.get_right()[0] <= width / 2, m
        assert -height / 2 <= m.get_bottom()[1] and m.get_top()[1] <= height / 2, m
    clashes = [
        (getattr(a, "text", getattr(a, "tex_string", a)), getattr(b, "text", getattr(b, "tex_string", b)))
        for a, b in itertools.combinations(texts, 2)
        if _overlap(a, b)
    ]
    assert not clashes

    # Text never below the type scale's floor.
    for m in texts:
        if isinstance(m, Text):
            assert m.font_size >= theme.SMALL_SIZE - 1e-6, m.text

    # The numbers on screen are the recorded ones.
    step = moment.step
    new = data.run.trials[step.trial]
    shown = {m.text for m in texts if isinstance(m, Text)}  # Text keeps its string without spaces

    def on_screen(s: str) -> bool:
        return s.replace(" ", "") in shown

    assert on_screen(f"y* = {format_loss(step.y_star)}")
    assert on_screen(f"n = {step.n},  γ(n) = {step.gamma}")
    assert on_screen(f"{len(step.below)} better") and on_screen(f"{len(step.above)} rest")
    assert on_screen(f"→ trial {step.trial + 1}: loss {format_loss(new.value)}")
    assert on_screen(f"lr {format_lr(new.lr)}") and on_screen(f"decay {new.decay:.3f}")
    assert on_screen(f"at {data.n_ei_candidates} draws")
    best = float(step.candidates.acquisition[step.candidates.chosen])
    assert best == float(np.max(step.candidates.acquisition))
    assert on_screen(f"max {signed(best, 2, plus=True)}")
    assert f"trial {step.trial + 1}" in subcaptions and format_lr(new.lr) in subcaptions
