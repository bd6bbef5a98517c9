"""The loss surface on its block, ticked in hyperparameter units, what is drawn on it (markers,
rings, paths) and the colour bar of its loss scale.

They only draw: every number they show is passed in (from objective.py,
samplers.py or hpsearch), and so is the view they are drawn for.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import numpy as np
from manim import (
    DEGREES,
    DOWN,
    LEFT,
    OUT,
    RIGHT,
    UP,
    Line,
    ManimColor,
    MathTex,
    Mobject,
    Rectangle,
    VGroup,
    VMobject,
    logger,
)
from numpy.typing import ArrayLike

from hpsearch.formatting import tick_text
from hpsearch.visibility import BoxLayout, View, occluded
from objective import BOX, Minimum, Objective
from samplers import Trial
from scenes.cameras.surface import MeshSurface
from scenes.kit import theme
from scenes.kit.marks import axis_title, box_ticks, decay_ticks, nice_ticks, ring, trial_marker

M = TypeVar("M", bound=Mobject)

XY_LENGTH = 4.5
Z_LENGTH = 1.125
MARKER_RADIUS = 0.075  # a trial on the surface (the surface is drawn larger than a flat map)
MARKER_RIM = 2.0
RING_RADIUS = 0.17
MINIMUM_RADIUS = 0.11
RING_WIDTH = 4.0
FLOOR_MARGIN = 0.12  # the block's floor sits this share of the loss range below the deepest point


def face_camera(mobject: M, view: View) -> M:
    """Turn a flat mobject (drawn in the xy-plane) to face the camera."""
    mobject.rotate(view.phi, axis=RIGHT, about_point=mobject.get_center())
    mobject.rotate(view.theta + 90 * DEGREES, axis=OUT, about_point=mobject.get_center())
    return mobject


class SurfacePlot(VGroup):
    """An objective's surface sitting exactly on box axes ticked in hyperparameter units,
    with what is drawn on it (markers, rings, paths) turned to face the camera it is seen from.

    `labels` (tick and axis labels) are kept apart so a 3-D scene can add them
    as fixed-orientation mobjects that always face the camera.
    """

    def __init__(
        self,
        objective: Objective,
        palette: theme.Palette,
        view: View,
        resolution: int = 48,
        loss_axis: bool = False,
        walls: bool = True,
        z_length: float = Z_LENGTH,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.objective, self.palette, self.view = objective, palette, view
        self.layout = BoxLayout(XY_LENGTH, z_length, *objective.value_range)
        self.surface = self._surface(resolution, walls)
        self.axes, self.labels = self._axes(loss_axis)
        self.add(self.axes, self.surface)

    def _surface(self, resolution: int, walls: bool) -> MeshSurface:
        low, high = self.layout.z_low, self.layout.z_high
        return MeshSurface(
            lambda u, v: self.point(u, v),
            BOX,
            resolution,
            lambda z: self.palette.loss_color(self.loss_at_height(z), low, high),
            floor=self.layout.to_scene(0, 0, self.floor_loss)[2] if walls else None,
            wall_color=theme.WALL,
        )

    @property
    def floor_loss(self) -> float:
        """The loss at the block's floor: a little below the deepest point, so every edge has a wall."""
        low, high = self.layout.z_low, self.layout.z_high
        return low - FLOOR_MARGIN * (high - low)

    def point(self, x: ArrayLike, y: ArrayLike, lift: float = 0.0) -> np.ndarray:
        """Scene point of the surface above internal (x, y), optionally lifted."""
        return self.layout.to_scene(x, y, self.objective(x, y)) + np.array([0, 0, lift])

    def loss_at_height(self, z: float) -> float:
        low, high = self.layout.z_low, self.layout.z_high
        return low + (z / self.layout.z_length + 0.5) * (high - low)

    def _axes(self, loss_axis: bool) -> tuple[VGroup, VGroup]:
        # The axes run along the two edges nearest the default camera (y = -5 for lr,
        # x = -5 for decay), so the opaque surface never covers them: Cairo draws
        # lines on top and would show hidden ones. Loss is read off a colour bar.
        low = self.floor_loss
        c = self.layout.to_scene
        edges = VGroup(Line(c(-5, -5, low), c(5, -5, low)), Line(c(-5, -5, low), c(-5, 5, low)))
        edges.set_stroke(theme.MUTED, 2)
        # Labels sit 1.1 (lr) and 1.2 (decay) box units out from their edge.
        offsets = {tuple(DOWN): c(0, -6.1, low) - c(0, -5, low), tuple(LEFT): c(-6.2, 0, low) - c(-5, 0, low)}
        ticks, labels = box_ticks(
            lambda x, y: c(x, y, low), 0.12, lambda mob, p, d: mob.move_to(p + offsets[tuple(d)]), stroke_width=2
        )
        lr_title = axis_title("learning rate", theme.LABEL_SIZE).move_to(c(3.2, -9.0, low))
        labels.add(lr_title)
        decay_title = axis_title("LR decay", theme.LABEL_SIZE).move_to(c(-8.0, 2.5, low))
        labels.add(decay_title)
        # box_ticks puts the decay ticks and labels last; seen along the decay axis they would pile up.
        n_decay = len(decay_ticks())
        self.decay_axis = VGroup(edges[1], *ticks[-n_decay:], *labels[-n_decay - 2 : -2], decay_title)
        self.lr_labels = VGroup(*labels[: -n_decay - 2], lr_title)
        axes = VGroup(*edges, *ticks)
        if loss_axis:
            axis, axis_labels = self._loss_axis()
            axes.add(*axis)
            labels.add(*axis_labels)
        return axes, labels

    def _loss_axis(self) -> tuple[VGroup, VGroup]:
        """A vertical loss axis on the block's corner that is leftmost on screen, ticked in loss units."""
        c = self.layout.to_scene
        corner = min(((-5.0, 5.0), (5.0, -5.0)), key=lambda xy: float(np.dot(xy, self.view.screen_right[:2])))
        out = -self.view.screen_right  # ticks and labels stand off to the left on screen
        low, high = self.layout.z_low, self.layout.z_high
        axis = VGroup(Line(c(*corner, self.floor_loss), c(*corner, high)).set_stroke(theme.MUTED, 2))
        labels = VGroup()
        for value in nice_ticks(low, high, 3):
            at = c(*corner, value)
            axis.add(Line(at, at + 0.1 * out).set_stroke(theme.MUTED, 2))
            labels.add(
                MathTex(tick_text(value, tex=True), font_size=theme.SMALL_SIZE, color=theme.TEXT).move_to(
                    at + 0.4 * out
                )
            )
        # Well over the axis' top: seen from the side, runs at the top of the band lie just under it.
        labels.add(axis_title("loss", theme.LABEL_SIZE).move_to(c(*corner, high) + 0.7 * OUT))
        return axis, labels

    def hidden(self, xs: ArrayLike, ys: ArrayLike) -> np.ndarray:
        """Per point: does the surface hide it from the camera?"""
        return occluded(self.objective, self.layout, xs, ys, self.view)

    def marker(
        self, x: float, y: float, color: ManimColor, radius: float = MARKER_RADIUS, hollow: bool = False
    ) -> VMobject:
        """A trial marker on the surface at internal (x, y), facing the camera.

        Cairo draws it on top of the surface, so a marker the surface hides would
        seem to float: warn, naming the point, when the camera angles do that.
        """
        if self.hidden([x], [y])[0]:
            logger.warning(
                f"the surface hides the marker at x={x:.2f}, y={y:.2f} from camera "
                f"phi={math.degrees(self.view.phi):g}, theta={math.degrees(self.view.theta):g}: "
                "try a higher camera (smaller phi)"
            )
        marker = trial_marker(color, radius, MARKER_RIM, hollow)
        return face_camera(marker.move_to(self.point(x, y)), self.view)

    def minimum_marker(self, minimum: Minimum, color: ManimColor) -> VMobject:
        """A large marker on a well's floor (the true minimum)."""
        return self.marker(minimum.x, minimum.y, color, radius=MINIMUM_RADIUS)

    def ring(self, trial: Trial, color: ManimColor) -> VMobject:
        """A ring around a run's best trial on the surface, facing the camera."""
        return face_camera(ring(color, RING_RADIUS, RING_WIDTH).move_to(self.point(trial.x, trial.y)), self.view)

    def path(self, xs: ArrayLike, ys: ArrayLike, color: ManimColor, stroke_width: float = 3.0) -> VGroup:
        """A path along the surface, keeping only the stretches the camera can see."""
        hidden = self.hidden(xs, ys)
        points = self.point(np.asarray(xs), np.asarray(ys), lift=0.01)
        stretches = VGroup()
        start = None
        for i, h in enumerate(list(hidden) + [True]):
            if not h and start is None:
                start = i
            elif h and start is not None:
                if i - start >= 2:
                    stretches.add(
                        VMobject(stroke_color=color, stroke_width=stroke_width).set_points_as_corners(points[start:i])
                    )
                start = None
        return stretches


class LossColorBar(VGroup):
    """A vertical colour bar for the surface's loss scale, ticked in loss units."""

    def __init__(
        self,
        objective: Objective,
        palette: theme.Palette,
        height: float = 2.2,
        width: float = 0.22,
        steps: int = 24,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        low, high = objective.value_range
        # One rectangle with a gradient through `steps` colours of the scale (one Cairo fill per frame).
        colours = [palette.loss_color(low + i / (steps - 1) * (high - low), low, high) for i in range(steps)]
        # manim takes a list of colours as a gradient; its type hints name one colour only
        bar = Rectangle(width=width, height=height, stroke_width=0).set_fill(colours, opacity=1)  # type: ignore[arg-type]
        bar.set_sheen_direction(UP)
        ticks = VGroup()
        for value in nice_ticks(low, high, 3):
            y = bar.get_bottom()[1] + (value - low) / (high - low) * height
            ticks.add(
                MathTex(tick_text(value, tex=True), font_size=theme.SMALL_SIZE, color=theme.TEXT).move_to(
                    np.array([bar.get_right()[0] + 0.12, y, 0.0]), aligned_edge=LEFT
                )
            )
        title = axis_title("loss", theme.LABEL_SIZE).next_to(bar, UP, buff=0.2)
        self.add(bar, ticks, title)
