"""A Cairo camera's VMobject drawing, minus the work that repeats from frame to frame.

Manim rebuilds every drawn VMobject's Cairo path from its points at every
frame: subpath splits in numpy, then one Python call per curve, for every glyph
and marker. Between frames most of what a play() redraws does not
move on screen: the readouts, the markers already landed, the text fixed in
the frame. ReusedPaths keeps each VMobject's path beside the on-screen points
it was built from and replays it while they are the same, and skips a VMobject
that nothing of would show (all fill and stroke transparent: a marker whose
FadeIn has not started). tests/scenes/cameras/test_paths.py compares it with manim's drawing.
"""

from __future__ import annotations

from typing import Any

import cairo
from manim import VMobject
from manim.camera.camera import Camera


class ReusedPaths(Camera):
    """Mix in before a Cairo camera class: `class C(ReusedPaths, ThreeDCamera)`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id(vmobject) -> (its on-screen points as bytes, the path built from them); a capture
        # keeps only the paths it used, so what has left the scene is let go a frame later.
        self._paths: dict[int, tuple[bytes, cairo.Path]] = {}
        self._used: dict[int, tuple[bytes, cairo.Path]] = {}

    def capture_mobjects(self, mobjects: Any, **kwargs: Any) -> None:
        self._used = {}
        super().capture_mobjects(mobjects, **kwargs)
        self._paths = self._used

    def display_vectorized(self, vmobject: VMobject, ctx: cairo.Context) -> ReusedPaths:
        if not _shows(vmobject):
            return self
        return super().display_vectorized(vmobject, ctx)

    def set_cairo_context_path(self, ctx: cairo.Context, vmobject: VMobject) -> ReusedPaths:
        points = self.transform_points_pre_display(vmobject, vmobject.points)
        ctx.new_path()  # (manim leaves the previous path in place for a VMobject without points)
        if len(points) == 0:
            return self
        key = points.tobytes()  # the path depends on the points as projected, and on nothing else
        kept = self._paths.get(id(vmobject)) or self._used.get(id(vmobject))
        if kept is not None and kept[0] == key:
            ctx.append_path(kept[1])
        else:
            super().set_cairo_context_path(ctx, vmobject)
            kept = (key, ctx.copy_path())
        self._used[id(vmobject)] = kept
        return self


def _shows(vmobject: VMobject) -> bool:
    """Whether any of the VMobject's fill, stroke or background stroke has opacity."""
    if vmobject.fill_rgbas[:, 3].any():
        return True
    for background in (False, True):
        if vmobject.get_stroke_width(background) > 0 and vmobject.get_stroke_rgbas(background)[:, 3].any():
            return True
    return False
