"""The flat (2-D) pieces: a box plot of the hyperparameters (a loss map or an empty panel for
heat maps), best-so-far axes with their staircases, and a number line.

They only draw. Every number they print is passed in by the scene, which got
it from hpsearch or samplers; positions in the box go through objective.py's
hyperparameter map.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import (
    DL,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    DashedLine,
    DashedVMobject,
    Group,
    ImageMobject,
    Line,
    Mobject,
    Polygon,
    Rectangle,
    VGroup,
    VMobject,
    config,
)
from manim.constants import RESAMPLING_ALGORITHMS
from PIL import Image

from hpsearch import story
from hpsearch.formatting import format_loss, percent, tick_text, tick_texts
from objective import BOX, Objective
from scenes.kit import theme
from scenes.kit.marks import axis_title, beside, box_ticks, minimum_marker, nice_ticks
from scenes.kit.text import label, math_label


def box_point(square: Rectangle, x, y) -> np.ndarray:
    """Scene point of internal (x, y) inside a square drawn over the box, wherever it now is."""
    ll, ur = square.get_corner(DL), square.get_corner(UR)
    span = BOX[1] - BOX[0]
    return np.array([ll[0] + (x - BOX[0]) / span * (ur[0] - ll[0]), ll[1] + (y - BOX[0]) / span * (ur[1] - ll[1]), 0.0])


def loss_image(objective: Objective, palette: theme.Palette, resolution: int = 160) -> np.ndarray:
    """RGBA pixels of the loss over the box on the palette's colour scale; row 0 is the top (y = high)."""
    span = BOX[1] - BOX[0]
    centres = BOX[0] + (np.arange(resolution) + 0.5) * span / resolution
    xs, ys = np.meshgrid(centres, centres[::-1])
    low, high = objective.value_range
    rgb = palette.loss_rgb(objective(xs, ys), low, high)
    return np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=-1)


class BoxPlot(Group):
    """A square over the hyperparameter box, ticked in real units (lr on a log axis along the
    bottom, decay up the left), optionally titled; `point(x, y)` follows it when it moves or scales.

    Empty (a dark panel, for heat maps that come and go: `heat_map()`), or a
    loss map with the true minimum marked (`BoxPlot.loss_map`).
    """

    def __init__(
        self,
        side: float,
        tick: float = 0.09,
        gap: float = 0.05,
        lr_labels: bool = True,
        decay_labels: bool = True,
        axis_titles: bool = False,
        math_size: int = theme.LABEL_SIZE,
    ):
        super().__init__()
        self.side = side
        self.back: Mobject = Rectangle(
            width=side, height=side, stroke_width=0, fill_color=theme.PANEL_FILL, fill_opacity=1.0
        )
        self.frame = Rectangle(width=side, height=side, stroke_color=theme.MUTED, stroke_width=1.5)
        self.add(self.back, self.frame)
        self.ticks, self.labels = box_ticks(
            self.point, tick, beside(tick + gap), 1.5, lr_labels, decay_labels, math_size
        )
        self.add(self.ticks, self.labels)
        self.x_title = self.y_title = None
        if axis_titles:
            below = self.labels if lr_labels else self.frame
            self.x_title = axis_title("learning rate").next_to(below, DOWN, buff=0.08).set_x(self.frame.get_x())
            left = self.labels if decay_labels else self.frame
            self.y_title = axis_title("decay", vertical=True).next_to(left, LEFT, buff=0.1).set_y(self.frame.get_y())
            self.labels.add(self.x_title, self.y_title)

    @classmethod
    def loss_map(
        cls,
        objective: Objective,
        palette: theme.Palette,
        side: float = 3.0,
        resolution: int = 160,
        lr_labels: bool = True,
        decay_labels: bool = True,
        axis_titles: bool = True,
    ) -> BoxPlot:
        """The loss over the box as a smooth image, the true minimum marked with a plus."""
        plot = cls(side, 0.1, 0.06, lr_labels, decay_labels, axis_titles)
        image = ImageMobject(loss_image(objective, palette, resolution))
        image.set_resampling_algorithm(Image.Resampling.BILINEAR)  # smooth, no ringing
        image.stretch_to_fit_width(side).stretch_to_fit_height(side).move_to(plot.frame)
        plot.remove(plot.back)
        plot.back = image
        plot.submobjects.insert(0, image)
        m = objective.global_minimum
        plot.add(minimum_marker(side / 22, palette.highlight).move_to(plot.point(m.x, m.y)))
        return plot

    def point(self, x, y) -> np.ndarray:
        """Scene point of internal (x, y), wherever the plot now is."""
        return box_point(self.frame, x, y)

    def heat_map(self, rgba: np.ndarray, xs: np.ndarray) -> ImageMobject:
        """An image whose pixel centres sit exactly on a recorded grid's points (xs along both axes)."""
        image = ImageMobject(rgba)
        image.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        # n pixels centred on the n grid points: the image overhangs the box by half a cell.
        cell = (xs[-1] - xs[0]) / (len(xs) - 1)
        scale = (xs[-1] - xs[0] + cell) / (BOX[1] - BOX[0])
        image.stretch_to_fit_width(self.side * scale).stretch_to_fit_height(self.side * scale)
        centre = (xs[0] + xs[-1]) / 2
        return image.move_to(self.point(centre, centre))


# --- best-so-far plots ---------------------------------------------------------------


class LossAxes(VGroup):
    """Axes for best-so-far curves: trials 1..n_trials across, loss up, ticks labelled by the data.

    The trial axis runs along the bottom (not through loss 0), so curves and
    labels never cross it.
    """

    def __init__(
        self,
        n_trials: int,
        value_range: tuple[float, float],
        width: float,
        height: float,
        y_title: str = "best loss so far",
        x_title: str = "trial",
        font_size: int = theme.SMALL_SIZE,
        math_size: int = theme.LABEL_SIZE,
    ):
        super().__init__()
        low, high = value_range
        pad = 0.05 * (high - low)
        self.x_range = (1.0, float(max(n_trials, 2)))
        self.y_range = (low - pad, high + pad)
        self.width_, self.height_ = width, height
        self.origin = np.zeros(3)  # scene point of (trial 1, lowest loss); moves with the group
        style: dict[str, Any] = dict(stroke_color=theme.MUTED, stroke_width=2)
        self.x_axis = Line(
            self.c2p(self.x_range[0], self.y_range[0]), self.c2p(self.x_range[1], self.y_range[0]), **style
        )
        self.y_axis = Line(
            self.c2p(self.x_range[0], self.y_range[0]), self.c2p(self.x_range[0], self.y_range[1]), **style
        )
        self.add(self.x_axis, self.y_axis)
        self.tick_labels = VGroup()
        for t in trial_ticks(n_trials):
            p = self.c2p(t, self.y_range[0])
            self.add(Line(p, p + 0.08 * DOWN, **style))
            self.tick_labels.add(math_label(str(t), math_size).next_to(p, DOWN, buff=0.12))
        y_ticks = list(nice_ticks(low, high, 4))
        for v, text in zip(y_ticks, tick_texts(y_ticks), strict=True):
            p = self.c2p(self.x_range[0], v)
            self.add(Line(p, p + 0.08 * LEFT, **style))
            self.tick_labels.add(math_label(text, math_size).next_to(p, LEFT, buff=0.12))
        self.x_title = (
            axis_title(x_title, font_size).next_to(self.tick_labels, DOWN, buff=0.08).align_to(self.x_axis, RIGHT)
        )
        self.y_title = (
            axis_title(y_title, font_size).next_to(self.y_axis, UP, buff=0.15).align_to(self.tick_labels, LEFT)
        )
        self.add(self.tick_labels, self.x_title, self.y_title)

    def c2p(self, trial, value) -> np.ndarray:
        """Scene point of (trial, loss); follows the axes when the group moves or scales."""
        if hasattr(self, "y_axis"):
            origin = self.x_axis.get_start()
            width, height = self.x_axis.get_length(), self.y_axis.get_length()
        else:  # while the axes themselves are being built
            origin, width, height = self.origin, self.width_, self.height_
        fx = (trial - self.x_range[0]) / (self.x_range[1] - self.x_range[0])
        fy = (value - self.y_range[0]) / (self.y_range[1] - self.y_range[0])
        return origin + np.array([fx * width, fy * height, 0.0])

    def deep_well(self, threshold: float, share: float, color) -> tuple[DashedLine, VGroup]:
        """The deep-well threshold as a dashed line, and at its right end its name and what it means."""
        line = DashedLine(
            self.c2p(self.x_range[0], threshold),
            self.c2p(self.x_range[1], threshold),
            stroke_color=color,
            stroke_width=2.5,
            dash_length=0.12,
        )
        name = VGroup(
            label("deep well", theme.SMALL_SIZE, color),
            label(f"< {format_loss(threshold)}", theme.SMALL_SIZE, color),
            label(story.deep_well_share(share), theme.SMALL_SIZE, theme.MUTED),
        )
        name.arrange(DOWN, aligned_edge=LEFT, buff=0.06).next_to(line, RIGHT, buff=0.15)
        name.shift((line.get_y() - name[0].get_y()) * UP)  # the name level with the line, its meaning below
        if name.get_bottom()[1] < self.x_axis.get_y():  # down among the trial ticks: clear the last one
            name.shift(max(0.0, self.tick_labels.get_right()[0] + 0.1 - name.get_left()[0]) * RIGHT)
        floor = -config.frame_height / 2 + 0.2  # a low threshold: the block rises to stay in the frame
        name.shift(max(0.0, floor - name.get_bottom()[1]) * UP)
        return line, name


def trial_ticks(n_trials: int, target: int = 4) -> list[int]:
    """Whole trial numbers to label: multiples of 1, 2, 5, 10, 20, 50, ... about `target` of them."""
    step = next(s for s in (m * 10**k for k in range(4) for m in (1, 2, 5)) if n_trials / s <= target + 1)
    return list(range(step, n_trials + 1, step)) or [1]


def step_points(axes: LossAxes, values, upto: float | None = None) -> list[np.ndarray]:
    """Corners of a best-so-far staircase: value k held from trial k to trial k+1.

    `upto` (a trial count, may be fractional) cuts the staircase there.
    """
    values = np.asarray(values, float)
    n = len(values) if upto is None else int(min(max(upto, 0), len(values)))
    if n < 1:
        return []
    points = [axes.c2p(1, values[0])]
    for k in range(1, n):
        points += [axes.c2p(k + 1, values[k - 1]), axes.c2p(k + 1, values[k])]
    if upto is not None and n < len(values) and upto > n:  # hold the last value a fraction into the next trial
        points.append(axes.c2p(min(upto, len(values)), values[n - 1]))
    return points


UNDER_WIDTH = 9  # random search's curve, drawn wide under the others


def curve_width(sampler: str, width: float) -> float:
    """A sampler's best-so-far curve width: random search's wide, so that where another sampler's
    curve coincides with it (TPE's start-up trials are random search's own) both stay visible."""
    return UNDER_WIDTH if sampler == "random" else width


def step_curve(axes: LossAxes, values, color, upto: float | None = None, stroke_width: float = 4) -> VMobject:
    return set_steps(VMobject(stroke_color=color, stroke_width=stroke_width), axes, values, upto)


def set_steps(curve: VMobject, axes: LossAxes, values, upto: float | None = None) -> VMobject:
    """Give `curve` the staircase's corners (in place, so a growing curve is never rebuilt)."""
    points = step_points(axes, values, upto)
    if len(points) == 1:
        points = points * 2
    if points:
        curve.set_points_as_corners(points)
    else:
        curve.clear_points()
    return curve


def dashed(curve: VMobject, dash_length: float = 0.15) -> DashedVMobject:
    """The curve drawn dashed (about dash_length per dash and gap)."""
    n = max(int(curve.get_arc_length() / (2 * dash_length)), 2) if curve.has_points() else 2
    return DashedVMobject(curve, num_dashes=n, dashed_ratio=0.55)


class ShareAxes(VGroup):
    """Axes for a share of seeds in the deep well (0 to 100 %) against x from 0 to `top`: by
    default runs per seed, ticked at round budgets; or any x, ticked at `ticks` (value, label)."""

    def __init__(
        self,
        top: float,
        size: tuple[float, float],
        x_title: str = "runs per seed (budget)",
        ticks: Sequence[tuple[float, str]] | None = None,
        font_size: int = theme.SMALL_SIZE,
    ):
        super().__init__()
        self.top = top
        width, height = size
        style: dict[str, Any] = dict(stroke_color=theme.MUTED, stroke_width=2)
        self.x_axis = Line(np.zeros(3), width * RIGHT, **style)
        self.y_axis = Line(np.zeros(3), height * UP, **style)
        self.add(self.x_axis, self.y_axis)
        self.tick_labels = VGroup()
        if ticks is None:
            ticks = [(b, str(int(b))) for b in nice_ticks(0, top, 5)]
        for x, text in ticks:
            p = self.point(x, 0)
            self.add(Line(p, p + 0.08 * DOWN, **style))
            self.tick_labels.add(math_label(text, theme.LABEL_SIZE).next_to(p, DOWN, buff=0.12))
        for share in (0.0, 0.5, 1.0):
            p = self.point(0, share)
            self.add(Line(p, p + 0.08 * LEFT, **style))
            self.tick_labels.add(label(percent(share), font_size).next_to(p, LEFT, buff=0.12))
        self.x_title = axis_title(x_title, font_size).next_to(self.tick_labels, DOWN, buff=0.1)
        self.x_title.align_to(self.x_axis, RIGHT)
        self.y_title = axis_title("seeds in the deep well", font_size).next_to(self.y_axis, UP, buff=0.45)
        self.y_title.align_to(self.tick_labels, LEFT)
        self.add(self.tick_labels, self.x_title, self.y_title)

    def point(self, x: float, share: float) -> np.ndarray:
        """Scene point of (x, share); follows the axes when the group moves or scales."""
        origin = self.x_axis.get_start()
        return origin + np.array([x / self.top * self.x_axis.get_length(), share * self.y_axis.get_length(), 0])


def step_band(axes: LossAxes, low, high, color, opacity: float = 0.25, outline: float = 0.0) -> Polygon:
    """The region between two staircases (e.g. the quartiles over seeds), with a thin outline of
    width `outline` in its colour, so that overlapping bands stay told apart."""
    lower, upper = step_points(axes, low), step_points(axes, high)
    return Polygon(
        *lower,
        *upper[::-1],
        stroke_width=outline,
        stroke_color=color,
        stroke_opacity=0.8,
        fill_color=color,
        fill_opacity=opacity,
    )


class Strip(VGroup):
    """A horizontal number line with round ticks inside [low, high] (from the data)."""

    def __init__(self, low: float, high: float, width: float, n_ticks: int = 3):
        super().__init__()
        self.low, self.high = low, high
        self.line = Line(np.zeros(3), width * RIGHT, stroke_color=theme.MUTED, stroke_width=2)
        self.add(self.line)
        for v in nice_ticks(low, high, n_ticks):
            p = self.point(v)
            self.add(Line(p, p + 0.08 * DOWN, stroke_color=theme.MUTED, stroke_width=2))
            self.add(label(tick_text(v), theme.SMALL_SIZE, theme.MUTED).next_to(p, DOWN, buff=0.1))

    def point(self, value: float) -> np.ndarray:
        start, end = self.line.get_start(), self.line.get_end()
        return start + (value - self.low) / (self.high - self.low) * (end - start)

    def place(self, left: float, y: float) -> Strip:
        """Put the line's left end at (left, y)."""
        return self.shift(np.array([left - self.line.get_start()[0], y - self.line.get_start()[1], 0.0]))
