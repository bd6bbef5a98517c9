"""The small marks every plot draws, one piece of code each: a trial marker, a ring, a candidate's
cross, the true minimum's plus, axis ticks in hyperparameter units and axis titles.

Flat or on the 3-D surface, a trial looks the same everywhere; sizes differ
only where the plot's scale does. Tick positions go through objective.py's
hyperparameter map, tick labels through hpsearch.formatting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, UR, Circle, Line, VGroup, VMobject

from hpsearch.formatting import decimal_text, sci_latex
from objective import BOX, LAYER_DECAY, LEARNING_RATE
from scenes.kit import theme
from scenes.kit.text import label, math_label

T = TypeVar("T")
P = TypeVar("P")

Point = Callable[[float, float], np.ndarray]
"""Scene point of internal box coordinates (x, y)."""


def trial_marker(color, radius: float = 0.06, rim: float = 1.5, hollow: bool = False) -> Circle:
    """A filled marker with a dark rim, readable on light and dark colours alike; hollow (a ring of the
    colour around a dark centre) for a trial drawn at random before a model was used: TPE's start-up."""
    if hollow:
        return Circle(radius=radius, fill_color=theme.BACKGROUND, fill_opacity=1.0, stroke_color=color, stroke_width=3)
    return Circle(radius=radius, fill_color=color, fill_opacity=1.0, stroke_color=theme.BACKGROUND, stroke_width=rim)


def ring(color, radius: float = 0.13, width: float = 3.0) -> Circle:
    """An open circle around something: the best trial so far, the chosen candidate."""
    return Circle(radius=radius, stroke_color=color, stroke_width=width)


def segments(pairs: Sequence[tuple[np.ndarray, np.ndarray]], color, width: float) -> VMobject:
    """Many straight strokes as ONE VMobject (one Cairo path per frame instead of one per stroke)."""
    path = VMobject(stroke_color=color, stroke_width=width, fill_opacity=0)
    for start, end in pairs:
        path.start_new_path(np.asarray(start, float))
        path.add_line_to(np.asarray(end, float))
    return path


def cross(color, size: float = 0.06) -> VGroup:
    """A small x with a dark backing: one candidate drawn from l(x)."""
    arms = [(size * UL, size * (DOWN + RIGHT)), (size * UR, size * (DOWN + LEFT))]
    return VGroup(segments(arms, theme.BACKGROUND, 5), segments(arms, color, 2.2)).set_z_index(2)


def minimum_marker(size: float, color) -> VGroup:
    """A plus: where the true minimum is."""
    style = dict(stroke_color=color, stroke_width=3)
    return VGroup(Line(size * LEFT, size * RIGHT, **style), Line(size * DOWN, size * UP, **style))


# --- ticks ---------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, target: int = 4) -> np.ndarray:
    """Round tick values inside [low, high], about `target` of them."""
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    # The round step nearest the raw one (rounding up only could leave a single tick).
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10)), key=lambda candidate: abs(math.log(candidate / raw)))
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


Place = Callable[[VMobject, np.ndarray, np.ndarray], VMobject]
"""Puts a tick label for the tick at a point, on the side `direction` (DOWN for lr, LEFT for decay)."""


def beside(buff: float) -> Place:
    """Tick labels `buff` past the tick's root, on the tick's side (flat plots)."""
    return lambda mob, point, direction: mob.next_to(point, direction, buff=buff)


def lr_labels(point: Callable[[float], np.ndarray], place: Place, size: int = theme.LABEL_SIZE) -> VGroup:
    """The decades of lr as 10^k labels; `point(x)` is the tick's root at internal x."""
    majors, _ = lr_ticks()
    return VGroup(
        *[place(math_label(sci_latex(v), size), point(float(LEARNING_RATE.to_internal(v))), DOWN) for v in majors]
    )


def box_ticks(
    point: Point,
    tick: float,
    place: Place,
    stroke_width: float = 1.5,
    lr_labelled: bool = True,
    decay_labelled: bool = True,
    size: int = theme.LABEL_SIZE,
) -> tuple[VGroup, VGroup]:
    """Ticks in real units along a box plot's bottom (lr, log: labelled decades and 2..9 x 10^k
    minors) and left edge (decay); returns (tick lines, labels)."""
    ticks = VGroup()
    style: dict[str, Any] = dict(stroke_color=theme.MUTED, stroke_width=stroke_width)
    majors, minors = lr_ticks()
    for value in majors + minors:
        p = point(float(LEARNING_RATE.to_internal(value)), BOX[0])
        ticks.add(Line(p, p + (tick if value in majors else tick / 2) * DOWN, **style))
    labels = lr_labels(lambda x: point(x, BOX[0]), place, size) if lr_labelled else VGroup()
    for value in decay_ticks():
        p = point(BOX[0], float(LAYER_DECAY.to_internal(value)))
        ticks.add(Line(p, p + tick * LEFT, **style))
        if decay_labelled:
            labels.add(place(math_label(decimal_text(value), size), p, LEFT))
    return ticks, labels


def axis_title(text: str, size: int = theme.SMALL_SIZE, vertical: bool = False) -> VMobject:
    """An axis's name, muted; turned a quarter to run up a vertical axis."""
    title = label(text, size, theme.MUTED)
    return title.rotate(np.pi / 2) if vertical else title


def refit(build: Callable[[P], tuple[T, P | None]], first: P, tries: int) -> T:
    """Lay out with build(params) -> (result, params to try instead, or None when it fits).

    For plots that give up room to what sits beside them: build, measure the
    overflow, build again smaller, at most `tries` times; the last build stands.
    """
    params: P | None = first
    result = None
    for _ in range(tries):
        assert params is not None
        result, params = build(params)
        if params is None:
            break
    return result  # type: ignore[return-value]  # set by the first build: tries >= 1
