"""Drawing pieces used by several beats: small functions and Mobjects, no inheritance chains.

They only draw: every number they show comes from objective.py, samplers.py or
settings.py, passed in by the scene.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DEGREES, DOWN, LEFT, OUT, RIGHT, UP, Axes, Circle, Dot, ImageMobject, Line, MathTex, Rectangle, Surface,
    Tex, Text, VGroup, VMobject,
)

from objective import BOX, LAYER_DECAY, LEARNING_RATE, Objective
from scenes import theme
from visibility import BoxLayout

XY_LENGTH = 6.4
Z_LENGTH = 1.6


def nice_ticks(low: float, high: float, target: int = 4) -> np.ndarray:
    """Round tick values inside [low, high], about `target` of them."""
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=10 * magnitude)
    first = math.ceil(low / step - 1e-9) * step
    return np.round(np.arange(first, high + 1e-9 * step, step), 10)


def lr_ticks() -> tuple[list[float], list[float]]:
    """Major ticks at the decades of lr, minor ticks at 2..9 x 10^k (a log axis)."""
    lo, hi = round(math.log10(LEARNING_RATE.low)), round(math.log10(LEARNING_RATE.high))
    majors = [10.0**k for k in range(lo, hi + 1)]
    minors = [m * 10.0**k for k in range(lo, hi) for m in range(2, 10)]
    return majors, minors


def decay_ticks() -> list[float]:
    return list(nice_ticks(LAYER_DECAY.low, LAYER_DECAY.high, 4))


def lr_label(value: float) -> str:
    return f"10^{{{round(math.log10(value))}}}"


def number_label(value: float) -> str:
    return f"{value:g}"


def box_layout(objective: Objective) -> BoxLayout:
    low, high = objective.value_range
    return BoxLayout(XY_LENGTH, Z_LENGTH, low, high)


class Landscape(VGroup):
    """An objective's surface sitting exactly on box axes ticked in hyperparameter units.

    `labels` (tick and axis labels) are kept apart so a 3-D scene can add them
    as fixed-orientation mobjects that always face the camera.
    """

    def __init__(self, objective: Objective, resolution: int = 40, **kwargs):
        super().__init__(**kwargs)
        self.objective = objective
        self.layout = box_layout(objective)
        low, high = self.layout.z_low, self.layout.z_high
        self.surface = Surface(
            lambda u, v: self.point(u, v),
            u_range=BOX, v_range=BOX, resolution=(resolution, resolution),
            fill_opacity=1.0, stroke_width=0.25, stroke_color=theme.BACKGROUND, checkerboard_colors=False,
        )
        # Colour each face by the loss at its centre, on the theme's scale.
        for face in self.surface:
            centre_loss = self.loss_at_height(face.get_center()[2])
            face.set_fill(theme.loss_color(centre_loss, low, high), opacity=1.0)
        self.frame, self.labels = self._axes()
        self.add(self.frame, self.surface)

    def point(self, x, y, lift: float = 0.0) -> np.ndarray:
        """Scene point of the surface above internal (x, y), optionally lifted."""
        return self.layout.to_scene(x, y, self.objective(x, y)) + np.array([0, 0, lift])

    def floor_point(self, x, y) -> np.ndarray:
        return self.layout.to_scene(x, y, self.layout.z_low)

    def loss_at_height(self, z: float) -> float:
        low, high = self.layout.z_low, self.layout.z_high
        return low + (z / self.layout.z_length + 0.5) * (high - low)

    def _axes(self) -> tuple[VGroup, VGroup]:
        low, high = self.layout.z_low, self.layout.z_high
        c = self.layout.to_scene
        tick = 0.12
        lines, labels = VGroup(), VGroup()
        style = dict(stroke_color=theme.MUTED, stroke_width=2)
        # lr runs along the front edge (y = -5), decay along the right edge (x = +5).
        lines.add(Line(c(-5, -5, low), c(5, -5, low), **style), Line(c(5, -5, low), c(5, 5, low), **style))
        lines.add(Line(c(-5, 5, low), c(-5, 5, high), **style))
        majors, minors = lr_ticks()
        for value in majors + minors:
            x = float(LEARNING_RATE.to_internal(value))
            size = tick if value in majors else tick / 2
            lines.add(Line(c(x, -5, low), c(x, -5, low) + size * DOWN, **style))
        for value in majors:
            x = float(LEARNING_RATE.to_internal(value))
            labels.add(MathTex(lr_label(value), font_size=theme.LABEL_SIZE, color=theme.TEXT)
                       .move_to(c(x, -5.0 - 1.0, low)))
        for value in decay_ticks():
            y = float(LAYER_DECAY.to_internal(value))
            lines.add(Line(c(5, y, low), c(5, y, low) + tick * RIGHT, **style))
            labels.add(MathTex(number_label(value), font_size=theme.LABEL_SIZE, color=theme.TEXT)
                       .move_to(c(5.0 + 1.0, y, low)))
        for value in nice_ticks(low, high, 3):
            lines.add(Line(c(-5, 5, value), c(-5, 5, value) + tick * LEFT, **style))
            labels.add(MathTex(number_label(value), font_size=theme.LABEL_SIZE, color=theme.TEXT)
                       .move_to(c(-5, 5, value) + 0.45 * LEFT))
        labels.add(Text("learning rate (log)", font_size=theme.LABEL_SIZE, color=theme.MUTED)
                   .move_to(c(0, -5.0 - 2.4, low)))
        labels.add(Text("LR decay", font_size=theme.LABEL_SIZE, color=theme.MUTED)
                   .move_to(c(5.0 + 2.6, 0, low)))
        labels.add(Text("loss", font_size=theme.LABEL_SIZE, color=theme.MUTED)
                   .move_to(c(-5, 5, high) + 0.45 * OUT))
        return lines, labels


def trial_marker(color, radius: float = 0.075) -> Dot:
    """A flat marker with a dark rim so it reads on light and dark faces alike."""
    return Dot(radius=radius, color=color, stroke_color=theme.BACKGROUND, stroke_width=2, fill_opacity=1.0)


def face_camera(mobject, phi: float, theta: float):
    """Turn a flat mobject (drawn in the xy-plane) to face a camera at (phi, theta)."""
    mobject.rotate(phi, axis=RIGHT, about_point=mobject.get_center())
    mobject.rotate(theta + 90 * DEGREES, axis=OUT, about_point=mobject.get_center())
    return mobject
