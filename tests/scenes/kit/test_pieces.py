"""The drawing pieces on their own, as ManimCE tests its mobjects: build one, move it, assert where things are.

Expected positions come from the hyperparameter ranges written out by hand
(lr 1e-6..1e-4 on a log axis, decay 0.6..1.0), never from the piece's own map.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, LEFT, RIGHT, UP, Line, MathTex, Text, ValueTracker

from hpsearch import settings
from samplers import Run, Trial
from scenes.kit import theme
from scenes.kit.marks import lr_ticks, refit, ring, trial_marker
from scenes.kit.panels import BoxPlot, LossAxes, box_point, step_points
from scenes.kit.surface_plot import FLOOR_MARGIN, SurfacePlot
from scenes.kit.text import label, paragraph

pytestmark = pytest.mark.usefixtures("in_scratch_media")

DEFAULTS = settings.defaults()
PALETTE = theme.Palette.of(DEFAULTS.palette)


def test_tick_values_are_the_decades_and_their_multiples():
    majors, minors = lr_ticks()
    assert majors == [1e-6, 1e-5, 1e-4]
    assert minors == pytest.approx([m * 1e-6 for m in range(2, 10)] + [m * 1e-5 for m in range(2, 10)])


def test_box_point_follows_the_square_when_it_moves_and_scales():
    plot = BoxPlot(2.0).shift(1.5 * RIGHT + 0.5 * UP).scale(1.5)
    left, right = plot.frame.get_left()[0], plot.frame.get_right()[0]
    bottom, top = plot.frame.get_bottom()[1], plot.frame.get_top()[1]
    assert right - left == pytest.approx(3.0) and top - bottom == pytest.approx(3.0)
    assert plot.point(-5, -5)[:2] == pytest.approx([left, bottom])
    assert plot.point(5, 5)[:2] == pytest.approx([right, top])
    assert plot.point(0, 2.5)[:2] == pytest.approx([(left + right) / 2, bottom + 0.75 * (top - bottom)])
    assert box_point(plot.frame, 0, 0)[:2] == pytest.approx(plot.frame.get_center()[:2])


def test_box_plot_ticks_sit_at_the_real_values():
    plot = BoxPlot(3.0)
    left, right = plot.frame.get_left()[0], plot.frame.get_right()[0]
    bottom, top = plot.frame.get_bottom()[1], plot.frame.get_top()[1]
    lines = [m for m in plot.ticks if isinstance(m, Line)]
    assert len(lines) == 3 + 16 + 5  # lr decades, lr minors, decay 0.6 0.7 0.8 0.9 1.0
    vertical = [line for line in lines if line.get_start()[0] == pytest.approx(line.get_end()[0])]
    roots = sorted(
        round(float(line.get_start()[0]), 6) for line in vertical if line.get_start()[1] == pytest.approx(bottom)
    )
    # 2e-6 sits log10(2) of a decade, i.e. log10(2) / 2 of the box, right of 1e-6.
    expected = sorted(
        round(left + (np.log10(v) + 6) / 2 * (right - left), 6)
        for v in [1e-6, 1e-5, 1e-4] + [m * 10.0**k for k in (-6, -5) for m in range(2, 10)]
    )
    assert roots == pytest.approx(expected, abs=1e-6)
    heights = sorted(
        round(float(line.get_start()[1]), 6)
        for line in lines
        if line not in vertical and line.get_start()[0] == pytest.approx(left)
    )
    assert heights == pytest.approx([bottom + f * (top - bottom) for f in (0, 0.25, 0.5, 0.75, 1)], abs=1e-6)
    texts = [m.tex_string for m in plot.labels if isinstance(m, MathTex)]
    assert texts == ["10^{-6}", "10^{-5}", "10^{-4}", "0.6", "0.7", "0.8", "0.9", "1.0"]


def test_loss_map_marks_the_true_minimum_where_it_is():
    objective = DEFAULTS.objective_function
    plot = BoxPlot.loss_map(objective, PALETTE, side=2.0, resolution=16)
    m = objective.global_minimum
    plus = plot.submobjects[-1]
    assert plus.get_center()[:2] == pytest.approx(plot.point(m.x, m.y)[:2])


def test_surface_plot_ticks_lie_along_its_front_edges():
    objective = DEFAULTS.objective_function
    plot = SurfacePlot(objective, PALETTE, DEFAULTS.view, resolution=4)
    # The box is centred on the scene origin; its floor lies FLOOR_MARGIN of the loss range below the lowest loss.
    floor = -plot.layout.z_length / 2 - FLOOR_MARGIN * plot.layout.z_length
    lines = [m for m in plot.axes if isinstance(m, Line)]
    # 2 edges, then 3 + 16 lr ticks on y = -5, then 5 decay ticks on x = -5; scene units: 4.5 per 10 box units.
    assert len(lines) == 2 + 19 + 5
    lr_roots = [line.get_start() for line in lines[2:21]]
    assert all(p[1] == pytest.approx(-5 * 0.45) and p[2] == pytest.approx(floor) for p in lr_roots)
    assert sorted(p[0] for p in lr_roots[:3]) == pytest.approx([-2.25, 0.0, 2.25])  # the decades
    decay_roots = [line.get_start() for line in lines[21:]]
    assert [p[1] for p in decay_roots] == pytest.approx([-2.25, -1.125, 0.0, 1.125, 2.25])
    # Labels 1.1 (lr) and 1.2 (decay) box units out from their edge.
    lr_labels = [m for m in plot.labels if isinstance(m, MathTex) and m.tex_string.startswith("10^")]
    assert [m.get_y() for m in lr_labels] == pytest.approx([-6.1 * 0.45] * 3)


def test_step_points_hold_each_best_until_the_next_trial():
    axes = LossAxes(3, (0.0, 1.0), width=4.0, height=2.2)
    origin = axes.x_axis.get_start()

    # The loss axis is padded 5 % of the range at each end: -0.05 .. 1.05 over 2.2 units.
    def at(trial: float, value: float) -> list[float]:
        return [origin[0] + (trial - 1) / 2 * 4.0, origin[1] + (value + 0.05) / 1.1 * 2.2]

    corners = [p[:2] for p in step_points(axes, [0.8, 0.5, 0.5])]
    assert corners == [pytest.approx(at(*c)) for c in ((1, 0.8), (2, 0.8), (2, 0.5), (3, 0.5), (3, 0.5))]
    half = [p[:2] for p in step_points(axes, [0.8, 0.5, 0.5], upto=1.5)]
    assert half == [pytest.approx(at(1, 0.8)), pytest.approx(at(1.5, 0.8))]
    assert step_points(axes, [0.8, 0.5, 0.5], upto=0) == []


def reads(mob, text: str, size: int, **kwargs) -> bool:
    """Does `mob` draw `text`: glyphs with the bounding boxes of a Text built from it, in the same places?

    (Mobject.become resamples each glyph's outline, so the boxes are compared, not the points.)
    """
    expected = Text(text, font_size=size, **kwargs)
    ours, theirs = mob.family_members_with_points(), expected.family_members_with_points()
    if len(ours) != len(theirs):
        return False
    shift = mob.get_corner(UP + LEFT) - expected.get_corner(UP + LEFT)
    return all(
        np.allclose(a.get_corner(UP + LEFT), b.get_corner(UP + LEFT) + shift, atol=1e-4)
        and np.allclose(a.get_corner(DOWN + RIGHT), b.get_corner(DOWN + RIGHT) + shift, atol=1e-4)
        for a, b in zip(ours, theirs, strict=True)
    )


def test_readout_counts_trials_and_keeps_the_best_so_far():
    from scenes.kit.readout import RunReadout

    values = [0.5, -0.25, 0.75]
    trials = tuple(Trial(i, 1e-5, 0.8, 0.0, 0.0, v, min(values[: i + 1])) for i, v in enumerate(values))
    run = Run("wells", "random", 3, 0, {}, trials)
    tracker = ValueTracker(0)
    readout = RunReadout(run, tracker, PALETTE.samplers["random"]).anchor_at(np.array([1.0, 2.0, 0.0]))
    assert reads(readout.counter, "trial 0 / 3", theme.BODY_SIZE)
    for k, best in ((1, "+0.500"), (2, "\u22120.250"), (3, "\u22120.250")):
        tracker.set_value(k)
        readout.refresh()
        assert reads(readout.counter, f"trial {k} / 3", theme.BODY_SIZE)
        assert not reads(readout.counter, f"trial {k - 1} / 3", theme.BODY_SIZE)
        assert reads(readout.best_value, best, theme.BODY_SIZE, weight="BOLD")
        assert reads(readout.best_where, "lr 1.0 × 10⁻⁵   decay 0.80", theme.SMALL_SIZE)
    # Pinned at its top-left corner whatever it says.
    assert readout.counter.get_corner(UP + LEFT)[:2] == pytest.approx([1.0, 2.0])


def test_paragraph_breaks_between_words_within_the_width():
    text = "TPE splits the trials so far into a better group and the rest, and fits a density to each of them."
    lines = paragraph(text, 3.0, theme.SMALL_SIZE)
    assert len(lines) > 1
    assert " ".join(line.original_text for line in lines) == text
    assert all(line.width <= 3.0 + 1e-6 for line in lines)
    # Left-aligned, top to bottom.
    assert all(line.get_left()[0] == pytest.approx(lines[0].get_left()[0]) for line in lines)
    assert all(a.get_y() > b.get_y() for a, b in zip(lines, lines[1:], strict=False))
    # Filled: each line's first word would (nearly) not have fitted on the line above. Breaks are
    # planned from per-character advances, which overestimate a kerned line by up to about 1 %.
    for above, below in zip(lines, lines[1:], strict=False):
        first = below.original_text.split()[0]
        assert label(above.original_text + " " + first, theme.SMALL_SIZE).width > 0.98 * 3.0


def test_refit_rebuilds_until_it_fits_or_runs_out_of_tries():
    widths = []

    def build(width: float):
        widths.append(width)
        overflow = width - 3.0
        return width, (width - overflow if overflow > 0 else None)

    assert refit(build, 5.0, tries=3) == 3.0 and widths == [5.0, 3.0]
    assert refit(lambda w: (w, w - 1), 5.0, tries=2) == 4.0  # never fits: the last build stands


def test_markers_and_rings_are_the_sizes_asked_for():
    dot = trial_marker(PALETTE.samplers["tpe"], 0.1, 2.0)
    assert dot.width == pytest.approx(0.2) and dot.get_fill_opacity() == 1.0
    assert dot.get_stroke_width() == 2.0 and dot.get_stroke_color() == theme.BACKGROUND
    circle = ring(theme.TEXT, 0.2, 4.0)
    assert circle.width == pytest.approx(0.4) and circle.get_fill_opacity() == 0.0
    assert circle.get_stroke_width() == 4.0
