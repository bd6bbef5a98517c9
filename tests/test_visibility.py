"""No trial marker drawn on the 3-D surface is hidden by it (Cairo would draw it floating on top)."""

import numpy as np
import pytest

import settings
import visibility
from visibility import BoxLayout

CONFIG = settings.defaults()
LAYOUT = BoxLayout(xy_length=4.5, z_length=1.125, z_low=0.0, z_high=1.0)


def test_a_wall_between_point_and_camera_hides_it():
    # A ridge along x = 0, the point behind it at x = +3, the camera far out on -x at a low angle.
    ridge = lambda x, y: np.where(np.abs(np.asarray(x)) < 0.5, 1.0, 0.0) + 0 * np.asarray(y)  # noqa: E731
    hidden = visibility.occluded(ridge, LAYOUT, [3.0, -3.0], [0.0, 0.0], phi=np.radians(80), theta=np.radians(180))
    assert hidden.tolist() == [True, False]


def test_a_flat_surface_hides_nothing_from_any_angle():
    flat = lambda x, y: np.zeros(np.broadcast(np.asarray(x), np.asarray(y)).shape)  # noqa: E731
    xs, ys = np.meshgrid(np.linspace(-5, 5, 7), np.linspace(-5, 5, 7))
    for phi in (10, 45, 80):
        for theta in (-150, -90, 0, 60):
            assert not visibility.occluded(flat, LAYOUT, xs.ravel(), ys.ravel(), np.radians(phi), np.radians(theta)).any()


def test_camera_position_matches_manims_rotation():
    """The eye direction is the last row of ThreeDCamera's rotation matrix (what it projects along)."""
    from manim import ThreeDCamera

    camera = ThreeDCamera()
    for phi, theta in ((35, -110), (70, 20), (5, -90)):
        camera.set_phi(np.radians(phi))
        camera.set_theta(np.radians(theta))
        camera.reset_rotation_matrix()
        toward_eye = camera.get_rotation_matrix()[2]
        np.testing.assert_allclose(visibility.camera_position(np.radians(phi), np.radians(theta), 1.0), toward_eye,
                                   atol=1e-12)


@pytest.mark.parametrize("sampler", CONFIG.samplers)
def test_featured_trials_are_visible_from_the_configured_camera(sampler):
    from manim import ThreeDCamera

    from scenes.pieces import SCREEN_SHIFT, box_layout

    # The box sits where stage_landscape shifts it, so the eye is that much off its centre.
    camera = ThreeDCamera()
    camera.set_phi(np.radians(CONFIG.camera_phi))
    camera.set_theta(np.radians(CONFIG.camera_theta))
    camera.reset_rotation_matrix()
    rotation = camera.get_rotation_matrix()
    box_centre = SCREEN_SHIFT[0] * rotation[0] + SCREEN_SHIFT[1] * rotation[1]
    run = CONFIG.featured_run(sampler)
    landscape = CONFIG.landscape
    hidden = visibility.occluded(landscape, box_layout(landscape), run.xs, run.ys,
                                 np.radians(CONFIG.camera_phi), np.radians(CONFIG.camera_theta), center=-box_centre)
    assert not hidden.any(), [(t.number, round(t.x, 2), round(t.y, 2)) for t, h in zip(run.trials, hidden) if h]
