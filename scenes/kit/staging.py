"""A 3-D beat's stage: the surface plot in a ThreeDScene, where it and the side panel sit on
screen, its labels kept facing the camera, its colour bar, and trials dropped onto it."""

from __future__ import annotations

import numpy as np
from manim import DOWN, OUT, RIGHT, FadeIn, LaggedStart, ManimColor, ThreeDScene, ValueTracker, VGroup, linear

from hpsearch.visibility import View
from objective import Objective
from samplers import Trial
from scenes.cameras.surface import SurfaceCamera
from scenes.kit import theme
from scenes.kit.surface_plot import LossColorBar, SurfacePlot

# The side panel of the 3-D beats: text starts here (frame units), right of the plot.
PANEL_TOP_LEFT = np.array([1.7, 2.6, 0.0])
PANEL_MIDDLE_LEFT = np.array([1.7, 0.6, 0.0])
# Where the 3-D plot sits on screen: left of centre, leaving the right third to the panel.
SCREEN_SHIFT = (-2.5, -0.2)


def stage_surface(
    scene: ThreeDScene,
    objective: Objective,
    palette: theme.Palette,
    view: View,
    resolution: int = 48,
    loss_axis: bool = False,
    screen_shift: tuple[float, float] = SCREEN_SHIFT,
    zoom: float = 1.0,
) -> SurfacePlot:
    """Put the surface plot in a ThreeDScene seen from `view`, shifted on screen, with its colour bar."""
    scene.set_camera_orientation(phi=view.phi, theta=view.theta, zoom=zoom)
    plot = SurfacePlot(objective, palette, view, resolution, loss_axis)
    # Off the frame's centre on screen, leaving room for a side panel, but still turning about its own centre.
    assert isinstance(scene.camera, SurfaceCamera)  # SurfaceBeat renders with it
    scene.camera.screen_offset = np.array([*screen_shift, 0.0])
    scene.add(plot)
    keep_labels_upright(scene, plot)
    scene.add_fixed_in_frame_mobjects(LossColorBar(objective, palette, height=1.5).to_corner(DOWN + RIGHT, buff=0.45))
    return plot


def keep_labels_upright(scene: ThreeDScene, plot: SurfacePlot) -> None:
    """The plot's tick and axis labels face the camera however it turns. They never move in the
    scene, so each label's centre is taken once: by default manim recomputes it for every glyph
    at every frame while the camera turns."""
    scene.add_fixed_orientation_mobjects(*plot.labels, use_static_center_func=True)


def drop_trials(
    scene: ThreeDScene,
    plot: SurfacePlot,
    trials: tuple[Trial, ...],
    color: ManimColor,
    seconds_per_trial: float,
    tracker: ValueTracker,
    hollow: bool = False,
) -> VGroup:
    """Drop trials onto the surface one after another in ONE play() (hollow: drawn at random by TPE).

    Each trial lands as the tracker passes the next whole number, so a readout
    following the tracker counts in step with the markers.
    """
    markers = [plot.marker(t.x, t.y, color, hollow=hollow) for t in trials]
    drops = [FadeIn(m, shift=-0.5 * OUT, rate_func=linear) for m in markers]
    total = seconds_per_trial * len(markers)
    scene.play(
        LaggedStart(*drops, lag_ratio=1.0),
        # manim's hints type .animate as the mobject itself; at runtime it is a builder taking animation kwargs
        tracker.animate(rate_func=linear).set_value(tracker.get_value() + len(markers)),  # type: ignore[operator]
        run_time=total,
    )
    group = VGroup(*markers)
    scene.add(group)
    return group
