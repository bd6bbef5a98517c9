"""Tests for scenes/inside_tpe.py: its drawing helpers, and what the beat shows and says.

Expected values come from the recorded data (hpsearch.tpe.moments.inside_tpe) and
the hyperparameter map (objective.py), never from the scene itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import RIGHT, UP, MathTex, Text, tempconfig

from hpsearch import settings
from hpsearch.formatting import format_loss
from hpsearch.tpe import moments
from objective import BOX, LAYER_DECAY, LEARNING_RATE
from scenes import inside_tpe as beat
from scenes.kit import theme
from scenes.kit.panels import BoxPlot

pytestmark = pytest.mark.usefixtures("in_scratch_media")


@pytest.fixture(scope="module")
def data():
    return moments.inside_tpe(settings.defaults().spec)


# --- helpers ------------------------------------------------------------------------------


def test_heat_image_is_a_linear_map_of_the_grid(data):
    values = data.maps[0].acquisition
    low, high = float(values.min()), float(values.max())
    rgba = beat.heat_rgba(values, low, high, theme.MUTED)
    assert rgba.shape == values.shape + (4,)
    # One pixel per grid point, top row = largest y (the grid's last row).
    iy, ix = np.unravel_index(np.argmax(values), values.shape)
    assert tuple(rgba[values.shape[0] - 1 - iy, ix, :3]) == tuple(np.round(np.array(theme.MUTED.to_rgb()) * 255))
    iy, ix = np.unravel_index(np.argmin(values), values.shape)
    assert tuple(rgba[values.shape[0] - 1 - iy, ix, :3]) == tuple(np.round(theme.DENSITY_LOW_RGB * 255))
    # Monotone: a larger value is never darker; beyond the range, clipped.
    order = np.argsort(values[::-1].ravel())
    brightness = rgba[..., :3].reshape(-1, 3).sum(axis=1)[order]
    assert np.all(np.diff(brightness.astype(int)) >= -3)  # rounding only
    assert np.array_equal(
        beat.heat_rgba(values, low, low + 1e-9, theme.MUTED)[..., :3].max(axis=(0, 1)),
        np.round(np.array(theme.MUTED.to_rgb()) * 255).astype(np.uint8),
    )


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
    values = data.maps[0].log_l
    xs = moments.map_centres(values.shape[0])
    panel = BoxPlot(2.4).shift(1.3 * RIGHT + 0.4 * UP)
    image = panel.heat_map(beat.heat_rgba(values, -1, 1, theme.MUTED), xs)
    cell = image.width / len(xs)
    assert image.get_left()[0] + cell / 2 == pytest.approx(panel.point(xs[0], 0)[0])
    assert image.get_right()[0] - cell / 2 == pytest.approx(panel.point(xs[-1], 0)[0])
    assert image.get_center()[:2] == pytest.approx(panel.back.get_center()[:2])
    # Cell-centred values: the image covers the box exactly, no overhang.
    assert image.width == pytest.approx(panel.back.width) and image.height == pytest.approx(panel.back.height)


# --- the whole beat, rendered straight to its end ----------------------------------------------


def _texts(mobjects) -> set[str]:
    found: set[str] = set()

    def walk(m):
        if isinstance(m, Text):
            found.add(m.text)  # Text keeps its string without spaces
            return
        for sub in m.submobjects:
            walk(sub)

    for m in mobjects:
        walk(m)
    return found


def test_the_beat_shows_and_says_what_was_recorded(data, scratch_media):
    class Defaults(beat.InsideTPE):
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
        scene = Defaults(skip_animations=True)
        scene.render()
        shown = _texts(scene.mobjects)
        said = " ".join(s.content for s in scene.renderer.file_writer.subcaptions)
        seconds = scene.time

    def on_screen(text: str) -> bool:
        return text.replace(" ", "") in shown

    # The last step as it ends: its trial (from 1), its loss, the split it was chosen from.
    last = data.steps[-1]
    assert on_screen(f"trial {last.trial + 1}") and on_screen(format_loss(data.run.trials[last.trial].value))
    assert on_screen(f"{last.gamma} better of {last.n}")
    assert on_screen(f"Optuna's TPESampler, seed {data.seed}")
    # Each slow step is said with its split and its pick, named by the criterion.
    for slow in data.slow:
        step = next(s for s in data.steps if s.trial == slow.trial)
        pick = next(p for p in data.picks if p.trial == slow.trial)
        assert f"Trial {step.trial + 1}: of the {step.n} so far, the " in said
        assert ("It explores" if pick.kind == "explore" else "It exploits") in said
    # The run's first trial in the deep well, at seed 0 the 31st, is the model's.
    assert data.first_deep == 30 and "Trial 31 was the model's: the first of this run in the deep well." in said
    assert 30 <= seconds <= 100  # the whole run in a watchable stretch
