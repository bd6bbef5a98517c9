"""Where the text of a rendered scene sits on screen: one TextBox per visible text mobject, measured
where the camera draws it (frame units), for the legibility checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TextBox:
    """One text mobject as it appears on screen (frame units, origin at the frame centre, y up)."""

    scene: str
    string: str  # what it says (Text: the string; MathTex: the LaTeX; DecimalNumber: the number)
    kind: str  # class name
    placement: str  # "flat", "fixed in frame", "fixed orientation" or "3-D (projected)"
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 on screen
    glyph_height: float  # extent across the baseline on screen (= box height for level text)
    font_size: float | None  # effective on-screen font size (Manim units), None if the type records none
    angle: float  # baseline direction on screen, degrees: 0 level, 90 turned a quarter (see _baseline_angle)
    path: str  # where it sits, e.g. "mobjects[3][1][0]"
    ident: int
    ancestors: tuple[int, ...] = field(default=(), compare=False)

    @property
    def turned(self) -> bool:
        """Reads vertically rather than across."""
        return abs(self.angle) > 45

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    def describe(self) -> str:
        x0, y0, x1, y1 = self.box
        angle = f", baseline at {self.angle:g} degrees" if self.angle else ""
        return (
            f"{self.kind} {self.string!r} [{self.placement}{angle}] box x {x0:+.3f}..{x1:+.3f}, "
            f"y {y0:+.3f}..{y1:+.3f} (at {self.path})"
        )


def text_types() -> tuple[type, ...]:
    from manim import DecimalNumber, MarkupText, SingleStringMathTex, Text

    # MathTex and Tex are SingleStringMathTex subclasses; Integer is a DecimalNumber.
    return (Text, MarkupText, SingleStringMathTex, DecimalNumber)


def text_string(mob) -> str:
    from manim import DecimalNumber, MarkupText, SingleStringMathTex

    if isinstance(mob, MarkupText):
        return re.sub(r"<[^>]+>", "", getattr(mob, "original_text", mob.text))
    if isinstance(mob, SingleStringMathTex):
        return mob.tex_string
    if isinstance(mob, DecimalNumber):
        return f"{mob.number:.{mob.num_decimal_places}f}"
    return getattr(mob, "original_text", None) or getattr(mob, "text", "")


def is_visible(mob) -> bool:
    if not mob.has_points():
        return False
    fill = getattr(mob, "fill_rgbas", None)
    if fill is not None and len(fill) and float(np.max(fill[:, 3])) > 0:
        return True
    stroke = getattr(mob, "stroke_rgbas", None)
    width = getattr(mob, "stroke_width", 0) or 0
    return bool(stroke is not None and len(stroke) and float(np.max(stroke[:, 3])) > 0 and np.max(width) > 0)


def _screen_points(camera, mob) -> np.ndarray:
    """Where the camera draws `mob`'s points, in frame units: Camera.points_to_subpixel_coords without the pixels.

    ThreeDCamera.transform_points_pre_display leaves fixed-in-frame points as
    they are, shifts fixed-orientation ones by (projected centre - centre) and
    projects everything else.
    """
    return camera.transform_points_pre_display(mob, mob.points) - camera.frame_center


def _placement(camera, mob) -> str:
    if mob in getattr(camera, "fixed_in_frame_mobjects", ()):
        return "fixed in frame"
    if mob in getattr(camera, "fixed_orientation_mobjects", {}):
        return "fixed orientation"
    return "3-D (projected)" if hasattr(camera, "project_points") else "flat"


def _angle(dx: float, dy: float) -> float:
    """The direction (dx, dy) as an angle of a line, in degrees in (-90, 90]."""
    angle = (float(np.degrees(np.arctan2(dy, dx))) + 90.0) % 180.0 - 90.0
    return 90.0 if angle == -90.0 else angle


def _baseline_angle(camera, mob, glyph_centres: np.ndarray, projected: bool) -> float:
    """Direction of the text's baseline on screen, in degrees in (-90, 90], from its glyph centres.

    The line through the glyph centres wanders (a superscript sits higher, "g"
    hangs lower), so it is snapped to the nearest natural direction: level
    (0), turned a quarter (90) and, for text projected from 3-D, the screen
    directions of the scene's x and y axes at the text (for text lying in the
    xy-plane, only those two). Flat LaTeX is taken as level (a fraction stacks its glyphs), and so
    is a Text with line breaks. Two glyphs count as vertical only if clearly so.
    """
    from manim import SingleStringMathTex

    if len(glyph_centres) < 2 or "\n" in text_string(mob) or (isinstance(mob, SingleStringMathTex) and not projected):
        return 0.0
    if len(glyph_centres) == 2:
        dx, dy = glyph_centres[1] - glyph_centres[0]
    else:
        _, _, vt = np.linalg.svd(glyph_centres - glyph_centres.mean(axis=0), full_matrices=False)
        dx, dy = vt[0]
    raw = _angle(dx, dy)
    if not projected:
        return 90.0 if abs(raw) > (63.5 if len(glyph_centres) == 2 else 45.0) else 0.0
    centre = mob.get_center()
    here = camera.project_point(centre)
    # Text lying in a plane z = const (drawn flat, never turned in 3-D) runs along the scene's x or y axis.
    in_xy_plane = np.ptp(np.vstack([m.points for m in mob.family_members_with_points()])[:, 2]) < 1e-6
    candidates = [] if in_xy_plane else [0.0, 90.0]
    for axis in np.eye(3)[:2]:
        there = camera.project_point(centre + axis)
        if np.hypot(*(there - here)[:2]) > 1e-3:
            candidates.append(_angle(*(there - here)[:2]))

    def gap(a, b):
        d = abs(a - b) % 180.0
        return min(d, 180.0 - d)

    return min(candidates, key=lambda c: gap(raw, c))


def _glyph_members(mob) -> list:
    """The text's visible parts, leaving out decorations such as add_background_rectangle()'s rectangle."""
    from manim import BackgroundRectangle

    skip = {id(m) for sub in mob.get_family() if isinstance(sub, BackgroundRectangle) for m in sub.get_family()}
    return [m for m in mob.get_family() if id(m) not in skip and is_visible(m)]


def measure_text(camera, mob, scene_name: str, path: str, ancestors: tuple[int, ...]) -> TextBox | None:
    members = _glyph_members(mob)
    if not members:
        return None
    screens = [_screen_points(camera, m)[:, :2] for m in members]
    allpts = np.vstack(screens)
    (x0, y0), (x1, y1) = allpts.min(axis=0), allpts.max(axis=0)
    glyphs = [s for m, s in zip(members, screens, strict=True) if not m.submobjects]
    centres = np.array([(s.min(axis=0) + s.max(axis=0)) / 2 for s in glyphs]) if glyphs else np.zeros((0, 2))
    placement = _placement(camera, mob)
    angle = _baseline_angle(camera, mob, centres, projected=placement == "3-D (projected)")
    if angle == 0.0:
        glyph_height = float(y1 - y0)
    elif angle == 90.0:
        glyph_height = float(x1 - x0)
    else:  # extent across the slanted baseline
        normal = np.array([-np.sin(np.radians(angle)), np.cos(np.radians(angle))])
        across = allpts @ normal
        glyph_height = float(across.max() - across.min())
    font_size = None
    try:
        recorded, own_height = float(mob.font_size), float(mob.height)
    except (AttributeError, TypeError, ValueError, ZeroDivisionError):
        recorded, own_height = None, 0.0
    if recorded is not None and own_height > 1e-9:
        # Manim's font_size is proportional to the mobject's height, so font_size / height is fixed at
        # creation; times the on-screen height across the baseline it gives the size as seen.
        font_size = recorded / own_height * glyph_height
    return TextBox(
        scene=scene_name,
        string=text_string(mob),
        kind=type(mob).__name__,
        placement=placement,
        box=(float(x0), float(y0), float(x1), float(y1)),
        glyph_height=glyph_height,
        font_size=font_size,
        angle=angle,
        path=path,
        ident=id(mob),
        ancestors=ancestors,
    )


def collect_texts(scene, scene_name: str) -> list[TextBox]:
    """Every visible text mobject in the scene, each as one unit (its glyphs are not visited)."""
    camera = scene.camera
    if hasattr(camera, "reset_rotation_matrix"):
        camera.reset_rotation_matrix()  # the camera's state at the last frame
    kinds = text_types()
    found: list[TextBox] = []
    seen: set[int] = set()

    def visit(mob, path: str, ancestors: tuple[int, ...]):
        if id(mob) in seen:
            return
        seen.add(id(mob))
        if isinstance(mob, kinds):
            box = measure_text(camera, mob, scene_name, path, ancestors)
            if box is not None:
                found.append(box)
            return
        for i, sub in enumerate(mob.submobjects):
            visit(sub, f"{path}[{i}]", ancestors + (id(mob),))

    for i, mob in enumerate(scene.mobjects):
        visit(mob, f"mobjects[{i}]", ())
    for i, mob in enumerate(scene.foreground_mobjects):
        visit(mob, f"foreground_mobjects[{i}]", ())
    return found
