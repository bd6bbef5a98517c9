"""No trial marker drawn on the 3-D surface is hidden by it (Cairo would draw it floating on top)."""

import dataclasses
import math

import numpy as np
import pytest

from hpsearch import settings, trials, visibility
from hpsearch.visibility import BoxLayout, View

CONFIG = settings.defaults()
LAYOUT = BoxLayout(xy_length=4.5, z_length=1.125, z_low=0.0, z_high=1.0)


def _ridge(x, y):
    """A wall of height 1 along x = 0, 1 wide."""
    return np.where(np.abs(np.asarray(x)) < 0.5, 1.0, 0.0) + 0 * np.asarray(y)


def test_a_wall_between_point_and_camera_hides_it():
    # A ridge along x = 0, the point behind it at x = +3, the camera far out on -x at a low angle.
    ridge = _ridge
    hidden = visibility.occluded(ridge, LAYOUT, [3.0, -3.0], [0.0, 0.0], View(np.radians(80), np.radians(180)))
    assert hidden.tolist() == [True, False]
    # Seen from the other side, the other point is the hidden one.
    hidden = visibility.occluded(ridge, LAYOUT, [3.0, -3.0], [0.0, 0.0], View.degrees(80, 0))
    assert hidden.tolist() == [False, True]


def test_tolerance_is_how_far_the_surface_may_rise_above_the_ray(monkeypatch):
    # The ridge of the test above stands 1.125 scene units high (z_length), far more than the default tolerance.
    ridge = _ridge
    assert visibility.TOLERANCE < 0.1 and visibility.SAMPLES >= 100
    monkeypatch.setattr(visibility, "TOLERANCE", 2.0)
    assert not visibility.occluded(ridge, LAYOUT, [3.0], [0.0], View.degrees(80, 180)).any()


def test_a_flat_surface_hides_nothing_from_any_angle():

    def flat(x, y):
        return np.zeros(np.broadcast(np.asarray(x), np.asarray(y)).shape)

    xs, ys = np.meshgrid(np.linspace(-5, 5, 7), np.linspace(-5, 5, 7))
    for phi in (10, 45, 80):
        for theta in (-150, -90, 0, 60):
            view = View(np.radians(phi), np.radians(theta))
            assert not visibility.occluded(flat, LAYOUT, xs.ravel(), ys.ravel(), view).any()


def test_view_in_degrees():
    view = View.degrees(30, -110)
    assert (view.phi, view.theta) == pytest.approx((math.pi / 6, -110 * math.pi / 180), rel=1e-12)
    assert view.distance == 20.0
    # Straight down from above: the eye is on the z axis, `distance` up.
    np.testing.assert_allclose(View.degrees(0, 75).position, [0.0, 0.0, 20.0], atol=1e-12)
    # Level, theta = 90 degrees: out along +y.
    np.testing.assert_allclose(View.degrees(90, 90).position, [0.0, 20.0, 0.0], atol=1e-12)
    # Screen right, for theta = -90 (looking from -y): +x.
    np.testing.assert_allclose(View.degrees(40, -90).screen_right, [1.0, 0.0, 0.0], atol=1e-12)


def test_camera_position_matches_manims_rotation():
    """The eye direction is the last row of ThreeDCamera's rotation matrix (what it projects along)."""
    from manim import ThreeDCamera

    camera = ThreeDCamera()
    for phi, theta in ((35, -110), (70, 20), (5, -90)):
        camera.set_phi(np.radians(phi))
        camera.set_theta(np.radians(theta))
        camera.reset_rotation_matrix()
        toward_eye = camera.get_rotation_matrix()[2]
        view = dataclasses.replace(View.degrees(phi, theta), distance=1.0)
        np.testing.assert_allclose(view.position, toward_eye, atol=1e-12)


@pytest.mark.parametrize("sampler", CONFIG.samplers)
def test_featured_trials_are_visible_from_the_configured_camera(sampler):
    from scenes.kit.surface_plot import XY_LENGTH, Z_LENGTH

    # The box sits at the scene's origin; the camera shifts its picture on screen after projection.
    run = trials.featured_run(CONFIG.spec, sampler)
    function = CONFIG.objective_function
    layout = BoxLayout(XY_LENGTH, Z_LENGTH, *function.value_range)
    hidden = visibility.occluded(function, layout, run.xs, run.ys, CONFIG.view)
    hidden_trials = [(t.number, round(t.x, 2), round(t.y, 2)) for t, h in zip(run.trials, hidden, strict=True) if h]
    assert not hidden.any(), hidden_trials
