"""What every beat shares, in one place: where the resolved settings arrive, and the 3-D staging.

A beat subclasses FlatBeat or SurfaceBeat. In setup(), before construct(),
the beat gets `self.settings` (the validated configuration: the class
`fixed_settings` class attribute if a subclass or a test set one, else hpsearch.settings.load(),
which reads $HPSEARCH_CONFIG as set by the render driver, or the defaults)
and `self.palette`. A SurfaceBeat also gets `self.plot`, the loss surface on
its axes seen from the configured camera, frozen into one picture unless the
beat moves the camera.
"""

from __future__ import annotations

from typing import ClassVar

from manim import Camera, Mobject, Scene, ThreeDScene

from hpsearch import settings as settings_module
from hpsearch.settings import Settings
from scenes import theme
from scenes.pieces import SurfacePlot, stage_surface, surface_resolution


def _arrive(scene: FlatBeat | SurfaceBeat) -> None:
    scene.settings = scene.fixed_settings or settings_module.load()
    scene.palette = theme.Palette.of(scene.settings.palette)
    assert isinstance(scene.camera, Camera)  # the beats render with Cairo
    scene.camera.background_color = theme.BACKGROUND


class FlatBeat(Scene):
    """A 2-D beat."""

    fixed_settings: ClassVar[Settings | None] = None  # a subclass may fix them; else load() in setup()
    settings: Settings
    palette: theme.Palette

    def setup(self) -> None:
        _arrive(self)


class SurfaceBeat(ThreeDScene):
    """A beat drawn on the 3-D loss surface, seen from the configured camera."""

    fixed_settings: ClassVar[Settings | None] = None
    settings: Settings
    palette: theme.Palette
    plot: SurfacePlot
    surface_resolution = 48  # faces per side; see scenes/landscape.py for how it was chosen
    frozen = True  # the camera never moves, so the surface is drawn once (pieces.freeze_surface)

    def setup(self) -> None:
        super().setup()
        _arrive(self)
        self.plot = stage_surface(
            self,
            self.settings.objective_function,
            self.palette,
            self.settings.view,
            self.staging_resolution(),
            frozen=self.frozen,
        )

    def staging_resolution(self) -> int:
        return surface_resolution(self.surface_resolution)

    def pin(self, *mobjects: Mobject) -> None:
        """Register text as fixed in the frame without showing it yet (a Fade brings it in)."""
        self.camera.add_fixed_in_frame_mobjects(*mobjects)
