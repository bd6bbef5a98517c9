"""Flat (2-D) drawing pieces shared by the 2-D beats: functions and small Mobjects, no scene logic.

They only draw. Every number they print is passed in by the scene, which got
it from findings.py / samplers.py / objective.py; tick positions go through
the hyperparameter map of objective.py.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DL, DOWN, LEFT, RIGHT, UP, UR, Circle, DashedLine, DashedVMobject, Group, ImageMobject, Line,
    MathTex, Polygon, Rectangle, Text, VGroup, VMobject,
)
from PIL import Image

import findings
from objective import BOX, LAYER_DECAY, LEARNING_RATE, Objective
from scenes import theme
from scenes.pieces import decay_ticks, lr_ticks, nice_ticks


def label(text: str, size: int = theme.SMALL_SIZE, color=theme.TEXT, **kwargs) -> Text:
    return Text(text, font_size=max(size, theme.SMALL_SIZE), color=color, **kwargs)


def math_label(tex: str, size: int = theme.SMALL_SIZE, color=theme.TEXT, **kwargs) -> MathTex:
    return MathTex(tex, font_size=max(size, theme.SMALL_SIZE), color=color, **kwargs)


def loss_image(objective: Objective, resolution: int = 160) -> np.ndarray:
    """RGBA pixels of the loss over the box on the theme's colour scale; row 0 is the top (y = high)."""
    span = BOX[1] - BOX[0]
    centres = BOX[0] + (np.arange(resolution) + 0.5) * span / resolution
    xs, ys = np.meshgrid(centres, centres[::-1])
    low, high = objective.value_range
    rgb = theme.loss_rgb(objective(xs, ys), low, high)
    return np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=-1)


def box_point(square, x, y) -> np.ndarray:
    """Scene point of internal (x, y) inside a square drawn over the box, wherever it now is."""
    ll, ur = square.get_corner(DL), square.get_corner(UR)
    span = BOX[1] - BOX[0]
    return np.array([ll[0] + (x - BOX[0]) / span * (ur[0] - ll[0]),
                     ll[1] + (y - BOX[0]) / span * (ur[1] - ll[1]), 0.0])


def box_ticks(point, tick: float, label_gap: float, lr_labels: bool = True, decay_labels: bool = True,
              math_size: int = theme.LABEL_SIZE) -> tuple[VGroup, VGroup]:
    """Ticks in real units along a flat box plot's bottom (lr, log: labelled decades and
    2..9 x 10^k minors) and left edge (decay); `point(x, y)` places internal coordinates."""
    ticks, labels = VGroup(), VGroup()
    style = dict(stroke_color=theme.MUTED, stroke_width=1.5)
    majors, minors = lr_ticks()
    for value in majors + minors:
        p = point(float(LEARNING_RATE.to_internal(value)), BOX[0])
        ticks.add(Line(p, p + (tick if value in majors else tick / 2) * DOWN, **style))
        if lr_labels and value in majors:
            labels.add(math_label(findings.sci_latex(value), math_size).next_to(p, DOWN, buff=tick + label_gap))
    for value in decay_ticks():
        p = point(BOX[0], float(LAYER_DECAY.to_internal(value)))
        ticks.add(Line(p, p + tick * LEFT, **style))
        if decay_labels:
            labels.add(math_label(findings.decimal_text(value), math_size).next_to(p, LEFT, buff=tick + label_gap))
    return ticks, labels


class LossMap(Group):
    """A top-down heat map of an objective on the box, ticked in hyperparameter units.

    lr ticks at the decades (labelled) and 2..9 x 10^k (minor) along the
    bottom, decay ticks along the left; `point(x, y)` follows the map when it
    moves or scales.
    """

    def __init__(self, objective: Objective, side: float = 3.0, resolution: int = 160,
                 lr_labels: bool = True, decay_labels: bool = True, axis_titles: bool = True,
                 mark_minimum: bool = True, font_size: int = theme.SMALL_SIZE, math_size: int = theme.LABEL_SIZE):
        super().__init__()
        self.objective = objective
        self.image = ImageMobject(loss_image(objective, resolution))
        self.image.set_resampling_algorithm(Image.Resampling.BILINEAR)  # smooth, no ringing
        self.image.stretch_to_fit_width(side).stretch_to_fit_height(side)
        self.frame = Rectangle(width=side, height=side, stroke_color=theme.MUTED, stroke_width=1.5)
        self.add(self.image, self.frame)
        self.ticks, self.labels = box_ticks(self.point, 0.1, 0.06, lr_labels, decay_labels, math_size)
        if axis_titles:
            below = self.labels if lr_labels else self.frame
            self.labels.add(label("learning rate", font_size, theme.MUTED)
                            .next_to(below, DOWN, buff=0.08).set_x(self.frame.get_x()))
            left = self.labels if decay_labels else self.frame
            self.labels.add(label("decay", font_size, theme.MUTED).rotate(np.pi / 2)
                            .next_to(left, LEFT, buff=0.1).set_y(self.frame.get_y()))
        self.add(self.ticks, self.labels)
        self.minimum = VGroup()
        if mark_minimum:
            m = objective.global_minimum
            self.minimum = minimum_marker(side / 22).move_to(self.point(m.x, m.y))
            self.add(self.minimum)

    def point(self, x, y) -> np.ndarray:
        """Scene point of internal (x, y), wherever the map now is."""
        return box_point(self.frame, x, y)


def minimum_marker(size: float) -> VGroup:
    """A highlight-coloured plus: where the true minimum is."""
    style = dict(stroke_color=theme.HIGHLIGHT, stroke_width=3)
    return VGroup(Line(size * LEFT, size * RIGHT, **style), Line(size * DOWN, size * UP, **style))


def trial_dot(color, radius: float = 0.06) -> Circle:
    """A filled flat marker with a dark rim, readable on light and dark map colours."""
    return Circle(radius=radius, fill_color=color, fill_opacity=1.0, stroke_color=theme.BACKGROUND, stroke_width=1.5)


def best_ring(radius: float = 0.13, color=theme.TEXT) -> Circle:
    return Circle(radius=radius, stroke_color=color, stroke_width=3)


# --- best-so-far plots ---------------------------------------------------------------


class LossAxes(VGroup):
    """Axes for best-so-far curves: trials 1..n_trials across, loss up, ticks labelled by the data.

    The trial axis runs along the bottom (not through loss 0), so curves and
    labels never cross it.
    """

    def __init__(self, n_trials: int, value_range: tuple[float, float], width: float, height: float,
                 y_title: str = "best loss so far", x_title: str = "trial", font_size: int = theme.SMALL_SIZE,
                 math_size: int = theme.LABEL_SIZE):
        super().__init__()
        low, high = value_range
        pad = 0.05 * (high - low)
        self.x_range = (1.0, float(max(n_trials, 2)))
        self.y_range = (low - pad, high + pad)
        self.width_, self.height_ = width, height
        self.origin = np.zeros(3)  # scene point of (trial 1, lowest loss); moves with the group
        style = dict(stroke_color=theme.MUTED, stroke_width=2)
        self.x_axis = Line(self.c2p(self.x_range[0], self.y_range[0]), self.c2p(self.x_range[1], self.y_range[0]),
                           **style)
        self.y_axis = Line(self.c2p(self.x_range[0], self.y_range[0]), self.c2p(self.x_range[0], self.y_range[1]),
                           **style)
        self.add(self.x_axis, self.y_axis)
        self.tick_labels = VGroup()
        for t in trial_ticks(n_trials):
            p = self.c2p(t, self.y_range[0])
            self.add(Line(p, p + 0.08 * DOWN, **style))
            self.tick_labels.add(math_label(str(t), math_size).next_to(p, DOWN, buff=0.12))
        y_ticks = list(nice_ticks(low, high, 4))
        for v in y_ticks:
            p = self.c2p(self.x_range[0], v)
            self.add(Line(p, p + 0.08 * LEFT, **style))
            self.tick_labels.add(math_label(f"{v:.{_places(y_ticks)}f}", math_size).next_to(p, LEFT, buff=0.12))
        self.x_title = label(x_title, font_size, theme.MUTED).next_to(self.tick_labels, DOWN, buff=0.08) \
            .align_to(self.x_axis, RIGHT)
        self.y_title = label(y_title, font_size, theme.MUTED).next_to(self.y_axis, UP, buff=0.15) \
            .align_to(self.tick_labels, LEFT)
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

    def threshold_line(self, value: float, color=theme.HIGHLIGHT) -> DashedLine:
        return DashedLine(self.c2p(self.x_range[0], value), self.c2p(self.x_range[1], value), stroke_color=color,
                          stroke_width=2.5, dash_length=0.12)


def trial_ticks(n_trials: int, target: int = 4) -> list[int]:
    """Whole trial numbers to label: multiples of 1, 2, 5, 10, 20, 50, ... about `target` of them."""
    step = next(s for s in (m * 10**k for k in range(4) for m in (1, 2, 5)) if n_trials / s <= target + 1)
    return list(range(step, n_trials + 1, step)) or [1]


def _places(ticks) -> int:
    """Decimals needed to tell the tick values apart."""
    for p in range(0, 4):
        if all(abs(round(t, p) - t) < 1e-9 for t in ticks):
            return p
    return 3


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


def step_band(axes: LossAxes, low, high, color, opacity: float = 0.25) -> Polygon:
    """The region between two staircases (e.g. the quartiles over seeds)."""
    lower, upper = step_points(axes, low), step_points(axes, high)
    return Polygon(*lower, *upper[::-1], stroke_width=0, fill_color=color, fill_opacity=opacity)


# --- small tables ----------------------------------------------------------------------


def table(rows: list[list], col_alignments: str | None = None, h_buff: float = 0.45, v_buff: float = 0.22) -> VGroup:
    """Mobjects (Text / MathTex cells) in a grid; each column aligned as given ('l', 'c', 'r')."""
    n_cols = len(rows[0])
    cells = VGroup(*[cell for row in rows for cell in row])
    cells.arrange_in_grid(rows=len(rows), cols=n_cols, buff=(h_buff, v_buff),
                          col_alignments=col_alignments or "l" * n_cols)
    cells.rows = [VGroup(*cells[i * n_cols:(i + 1) * n_cols]) for i in range(len(rows))]
    return cells


def swatch(color, size: float = 0.22) -> Rectangle:
    return Rectangle(width=size, height=size, fill_color=color, fill_opacity=1.0, stroke_width=0)


def fit_width(mobject, max_width: float, font_size: float, floor: float = theme.SMALL_SIZE):
    """Shrink to max_width, but never below the legibility floor (raises instead)."""
    if mobject.width > max_width:
        factor = max_width / mobject.width
        if font_size * factor < floor - 1e-6:
            raise ValueError(f"text would shrink to font size {font_size * factor:.1f} < {floor}")
        mobject.scale(factor)
    return mobject


def wrap_math(chunks: list[str], max_width: float, font_size: float, color=theme.TEXT,
              indent: float = 0.6) -> VGroup:
    """Lines of MathTex built from formula chunks, broken between chunks to fit max_width.

    Continuation lines are indented; the group is left-aligned.
    """
    lines, current = [], []
    for chunk in chunks:
        trial = current + [chunk]
        width = MathTex(" ".join(trial), font_size=font_size).width + (indent if lines else 0)
        if current and width > max_width:
            lines.append(current)
            current = [chunk]
        else:
            current = trial
    lines.append(current)
    group = VGroup(*[MathTex(" ".join(line), font_size=font_size, color=color) for line in lines])
    group.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    for line in group[1:]:
        line.shift(indent * RIGHT)
    for line in group:
        fit_width(line, max_width, font_size)
    return group


_ADVANCE: dict[tuple[str, int], float] = {}


def _measure_advances(chars: set[str], size: int) -> None:
    """Horizontal advance of each character at a font size, from ONE text "xx" + "c1x" + "c2x" + ...

    Between the left edges of the x's on either side of c lie the advances of
    x and c (kerning included), and "xx" gives x's own. One text instead of one
    per character: building text costs per glyph and per call.
    """
    others = sorted(chars - {"x"})
    probe = "xx" + "".join(f"{c}x" for c in others)
    inked = probe.replace(" ", "")  # a space draws no glyph
    glyphs = label(probe, size)
    if len(glyphs) != len(inked):  # a character drew no glyph or several: measure one by one
        x_width = label("xx", size).width
        for c in chars:
            _ADVANCE[(c, size)] = label(f"x{c}x", size).width - x_width
        return
    x_lefts = [glyph.get_left()[0] for glyph, char in zip(glyphs, inked) if char == "x"]
    _ADVANCE[("x", size)] = x_lefts[1] - x_lefts[0]
    for c, left, right in zip(others, x_lefts[1:], x_lefts[2:]):
        _ADVANCE[(c, size)] = right - left - _ADVANCE[("x", size)]


def estimated_width(text: str, size: int) -> float:
    """About the width label(text, size) will have, without building it (building costs per glyph)."""
    missing = {c for c in text if (c, size) not in _ADVANCE}
    if missing:
        _measure_advances(missing, size)
    return sum(_ADVANCE[(c, size)] for c in text)


def paragraph(text: str, max_width: float, size: int = theme.BODY_SIZE, color=theme.TEXT,
              line_buff: float = 0.14) -> VGroup:
    """Plain text broken between words into left-aligned lines no wider than max_width.

    Breaks are chosen from measured character advances; each line is then
    built once and, should it still be too wide, its last word moves down.
    """
    words, lines = text.split(), []
    while words:
        n = 1
        while n < len(words) and estimated_width(" ".join(words[:n + 1]), size) <= max_width:
            n += 1
        line = label(" ".join(words[:n]), size, color)
        while line.width > max_width and n > 1:
            n -= 1
            line = label(" ".join(words[:n]), size, color)
        fit_width(line, max_width, size)  # a single over-long word
        lines.append(line)
        words = words[n:]
    return VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=line_buff)


# --- sampler names inside subtitles ----------------------------------------------------


def in_text(sampler: str) -> str:
    """A sampler's name inside a sentence: 'the grid', 'random search', 'TPE'."""
    return {"grid": "the grid", "random": "random search"}.get(sampler, theme.SAMPLER_NAMES[sampler])


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
