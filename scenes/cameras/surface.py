"""The loss surface as one mobject, and the camera that draws it in one pass.

Manim's `Surface` is one VMobject per face: at 48x48 the Cairo camera walks
2,304 Python objects per frame (colour arrays, shading, a gradient, a depth
sort) at every frame once the camera moves. `MeshSurface`
keeps the whole mesh in numpy (its vertices are its points, so shift, rotate
and scale work as on any mobject) and `SurfaceCamera` draws it with
vectorised projection, lighting and depth order, then one short Cairo fill per
face (the README's measured section gives the cost of each). Unlit, it
draws what manim draws for the same faces without their outlines
(tests/scenes/cameras/test_surface.py compares the two). There are no outlines: the thin
antialiased seams between fills already draw the mesh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from manim import Mobject, ThreeDCamera, VMobject
from manim.utils.color import ManimColor

from scenes.cameras.paths import ReusedPaths


class MeshSurface(VMobject):
    """A height field z = f(u, v) over a square, faces coloured by `color_of(z)`.

    `points` holds the (n+1)^2 vertices, row by row, so the surface moves like
    any other mobject; the faces and their colours never change after that.
    It is a VMobject only so that it sits in a VGroup with the plot's axes:
    SurfaceCamera draws it, never manim's Bezier-path code.
    """

    def __init__(
        self,
        function: Callable[[np.ndarray, np.ndarray], np.ndarray],
        box: tuple[float, float],
        resolution: int,
        color_of: Callable[[float], ManimColor],
        floor: float | None = None,
        wall_color: ManimColor | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.resolution = resolution
        self.shade_in_3d = True
        n = resolution + 1
        u = np.linspace(box[0], box[1], n)
        uu, vv = np.meshgrid(u, u, indexing="ij")
        top = np.asarray(function(uu.ravel(), vv.ravel()), float).reshape(-1, 3)
        # Face (i, j) has corners (i, j), (i+1, j), (i+1, j+1), (i, j+1), counter-clockwise seen from above.
        i, j = np.meshgrid(np.arange(resolution), np.arange(resolution), indexing="ij")
        corner = (i * n + j).ravel()
        faces = [np.stack([corner, corner + n, corner + n + 1, corner + 1], axis=1)]
        # As manim colours a Surface face: by the loss at the middle of its height span.
        z = top[faces[0], 2]
        rgb = [np.array([color_of(mid).to_rgb() for mid in (z.min(axis=1) + z.max(axis=1)) / 2])]
        points = [top]
        if floor is not None:
            # Walls from the surface's rim down to a floor at scene height `floor`: a solid block,
            # whose sides show the height along each edge and whose bottom edges carry the axes.
            rim = np.concatenate(
                [
                    np.arange(0, n - 1) * n,  # u rising along v = low
                    (n - 1) * n + np.arange(0, n - 1),  # v rising along u = high
                    (n - 1) * n + (n - 1) - np.arange(0, n - 1) * n,  # u falling along v = high
                    (n - 1) - np.arange(0, n - 1),  # v falling along u = low
                ]
            )
            below = top[rim].copy()
            below[:, 2] = floor
            first_floor = len(top)
            points.append(below)
            k = np.arange(len(rim))
            after = (k + 1) % len(rim)
            faces.append(np.stack([first_floor + k, first_floor + after, rim[after], rim[k]], axis=1))
            rgb.append(np.tile(ManimColor(wall_color).to_rgb(), (len(rim), 1)))
        self.points = np.concatenate(points)
        self.faces = np.concatenate(faces)
        self.face_rgb = np.concatenate(rgb)

    def get_anchors(self) -> list[np.ndarray]:
        return list(self.points)  # every vertex bounds the mesh (a VMobject would read Bezier anchors)


# Lit faces keep the colour bar's colours where the surface is flat (the plateau and the
# well floors), brighten where a slope faces the light and darken where it faces away,
# so the wells read as hollows. (Manim's own shading adds up to +0.5 to every channel,
# which washed the loss colours out to near-white.)
FLAT_LIGHT = 0.66  # about the cosine between the vertical and the camera's default light, 9 DOWN + 7 LEFT + 10 OUT
LIGHT_GAIN = 0.8
LIGHT_RANGE = (0.45, 1.3)


def lit(rgb: np.ndarray, centres: np.ndarray, normals: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Face colours scaled by how squarely each face meets the light at point `light`."""
    to_light = light - centres
    to_light /= np.linalg.norm(to_light, axis=1, keepdims=True)
    facing = np.einsum("ij,ij->i", normals, to_light)
    factor = np.clip(1.0 + LIGHT_GAIN * (facing - FLAT_LIGHT), *LIGHT_RANGE)
    return np.clip(rgb * factor[:, None], 0.0, 1.0)


class SurfaceCamera(ReusedPaths, ThreeDCamera):
    """Manim's 3-D Cairo camera, drawing MeshSurface in one vectorised pass, and placing the
    3-D scene `screen_offset` (frame units) off the frame's centre: the scene turns about its
    own centre however the camera moves, while text fixed in the frame stays put."""

    screen_offset = np.zeros(3)

    def project_points(self, points: np.ndarray) -> np.ndarray:
        return super().project_points(points) + self.screen_offset

    def type_or_raise(self, mobject: Mobject) -> type[Mobject]:
        kind = super().type_or_raise(mobject)  # (re)builds self.display_funcs
        self.display_funcs[MeshSurface] = self.display_meshes  # type: ignore[assignment]
        return MeshSurface if isinstance(mobject, MeshSurface) else kind

    def display_meshes(self, meshes: Iterable[MeshSurface], pixel_array: np.ndarray) -> None:
        ctx = self.get_cairo_context(pixel_array)
        ctx.new_path()  # manim's strokes leave their path in the shared context: start clean
        move_to, line_to, close, fill = ctx.move_to, ctx.line_to, ctx.close_path, ctx.fill
        rgba = ctx.set_source_rgba
        for mesh in meshes:
            corners = mesh.points[mesh.faces]  # (faces, 4, 3) in the scene
            centres = corners.mean(axis=1)
            normals = np.cross(corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1])
            normals /= np.linalg.norm(normals, axis=1, keepdims=True)
            colours = mesh.face_rgb
            if self.should_apply_shading:
                colours = lit(colours, centres, normals, self.light_source.points[0])
            # Far faces first: depth along the camera's axis, as ThreeDCamera sorts shade_in_3d pieces.
            order = np.argsort(centres @ self.get_rotation_matrix()[2])
            flat = self.transform_points_pre_display(mesh, mesh.points)[:, :2]
            # Flat lists: Python walks them several times faster than nested numpy rows.
            xy = flat[mesh.faces][order].reshape(-1).tolist()
            bgr = colours[order][:, ::-1].reshape(-1).tolist()  # Cairo's pixel array is BGRA, as manim writes it
            for f in range(len(order)):
                p = 8 * f
                move_to(xy[p], xy[p + 1])
                line_to(xy[p + 2], xy[p + 3])
                line_to(xy[p + 4], xy[p + 5])
                line_to(xy[p + 6], xy[p + 7])
                close()
                rgba(bgr[3 * f], bgr[3 * f + 1], bgr[3 * f + 2], 1.0)
                fill()
