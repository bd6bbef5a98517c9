"""The one-pass surface (scenes/cameras/surface.py) against manim's own drawing of the same faces,
and its lighting against the formula written out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from manim import RIGHT, UP, Surface, ThreeDCamera, ThreeDScene, tempconfig

from hpsearch import settings
from objective import BOX
from scenes.cameras.surface import FLAT_LIGHT, LIGHT_GAIN, LIGHT_RANGE, MeshSurface, SurfaceCamera, lit
from scenes.kit import theme
from scenes.kit.surface_plot import SurfacePlot

pytestmark = pytest.mark.usefixtures("in_scratch_media")

DEFAULTS = settings.defaults()
PALETTE = theme.Palette.of(DEFAULTS.palette)
RESOLUTION = 24


def manims_surface(plot: SurfacePlot) -> Surface:
    """The surface as manim draws it: one VMobject per face, coloured as scenes/kit/surface_plot.py colours them,
    without outlines (MeshSurface draws none)."""
    low, high = plot.layout.z_low, plot.layout.z_high
    surface = Surface(
        lambda u, v: plot.point(u, v),
        u_range=BOX,
        v_range=BOX,
        resolution=(RESOLUTION, RESOLUTION),
        fill_opacity=1.0,
        stroke_width=0,
        checkerboard_colors=False,
    )
    for face in surface:
        face.set_fill(PALETTE.loss_color(plot.loss_at_height(face.get_center()[2]), low, high), opacity=1.0)
    return surface


def our_surface(plot: SurfacePlot) -> MeshSurface:
    """The same faces as one MeshSurface, without the plot's walls (manim's Surface has none)."""
    low, high = plot.layout.z_low, plot.layout.z_high
    return MeshSurface(
        lambda u, v: plot.point(u, v),
        BOX,
        RESOLUTION,
        lambda z: PALETTE.loss_color(plot.loss_at_height(z), low, high),
    )


def picture(camera_class, mobject_of, phi: float, theta: float, shading: bool) -> np.ndarray:
    with tempconfig({"pixel_height": 360, "pixel_width": 640}):
        scene = ThreeDScene(camera_class=camera_class)
        camera = scene.camera
        camera.background_color = theme.BACKGROUND
        camera.should_apply_shading = shading
        scene.set_camera_orientation(phi=math.radians(phi), theta=math.radians(theta))
        plot = SurfacePlot(DEFAULTS.objective_function, PALETTE, DEFAULTS.view, RESOLUTION)
        camera.reset()
        camera.capture_mobjects([mobject_of(plot)])
        return camera.pixel_array[..., :3].astype(float)


@pytest.mark.parametrize(("phi", "theta"), [(30, -110), (62, -150), (75, 20)])
def test_unlit_mesh_draws_what_manims_surface_draws(phi, theta):
    ours = picture(SurfaceCamera, our_surface, phi, theta, shading=False)
    manims = picture(ThreeDCamera, manims_surface, phi, theta, shading=False)
    difference = np.abs(ours - manims).max(axis=2)
    drawn = (manims != manims[0, 0]).any(axis=2)
    assert drawn.mean() > 0.04  # the surface covers a good part of the frame
    # Only antialiased edges may differ: both draw the same polygons in the same order.
    assert np.mean(difference > 24) < 0.005, np.mean(difference > 24)
    assert difference.mean() < 0.5


def test_mesh_moves_like_any_mobject():
    plot = SurfacePlot(DEFAULTS.objective_function, PALETTE, DEFAULTS.view, 8)
    mesh = plot.surface
    corner = mesh.points[0].copy()  # internal (-5, -5)
    mesh.shift(2 * RIGHT + UP)
    assert mesh.points[0] == pytest.approx(corner + [2, 1, 0])
    # 8 x 8 faces on 9 x 9 vertices, and a wall under each of the 32 rim edges down to 32 floor points
    assert isinstance(mesh, MeshSurface) and len(mesh.faces) == 64 + 32 and len(mesh.points) == 81 + 32
    assert mesh.get_center()[:2] == pytest.approx([2, 1])


def test_flat_faces_keep_their_colour_and_slopes_turn_lighter_or_darker():
    rgb = np.array([[0.2, 0.4, 0.6]] * 4)
    centres = np.zeros((4, 3))
    up = np.array([0.0, 0.0, 1.0])
    # A light straight above at the angle whose cosine with the vertical is FLAT_LIGHT.
    light = 10 * np.array([math.sqrt(1 - FLAT_LIGHT**2), 0.0, FLAT_LIGHT])
    toward = light / np.linalg.norm(light)
    away = np.array([-math.sin(0.3), 0.0, math.cos(0.3)])  # a gentle slope tilted from the light
    normals = np.array([up, toward, away, -toward])
    out = lit(rgb, centres, normals, light)
    assert out[0] == pytest.approx(rgb[0])  # flat: the colour bar's colour
    assert out[1] == pytest.approx(rgb[1] * min(1 + LIGHT_GAIN * (1 - FLAT_LIGHT), LIGHT_RANGE[1]))
    cos_away = float(away @ toward)
    assert 1 + LIGHT_GAIN * (cos_away - FLAT_LIGHT) > LIGHT_RANGE[0]
    assert out[2] == pytest.approx(rgb[2] * (1 + LIGHT_GAIN * (cos_away - FLAT_LIGHT)))
    assert out[3] == pytest.approx(rgb[3] * LIGHT_RANGE[0])  # facing straight away: the darkest allowed


def test_a_path_left_in_cairos_context_is_not_filled_with_the_first_face():
    """Manim's strokes leave their path in the camera's shared Cairo context; the mesh must start afresh."""
    from manim import Rectangle

    with tempconfig({"pixel_height": 180, "pixel_width": 320}):
        scene = ThreeDScene(camera_class=SurfaceCamera)
        camera = scene.camera
        camera.background_color = theme.BACKGROUND
        scene.set_camera_orientation(phi=math.radians(30), theta=math.radians(-110))
        plot = SurfacePlot(DEFAULTS.objective_function, PALETTE, DEFAULTS.view, 8)
        curtain = Rectangle(width=16, height=9, stroke_width=0, fill_color=theme.BACKGROUND, fill_opacity=1)
        camera.add_fixed_in_frame_mobjects(curtain)
        camera.capture_mobjects([curtain])  # a frame-wide path, left in the context
        camera.reset()
        camera.capture_mobjects([plot.surface])
        corner = camera.pixel_array[2, 2, :3]
        assert corner.tolist() == [int(round(255 * c)) for c in theme.BACKGROUND.to_rgb()]
