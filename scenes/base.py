"""What every beat shares, in one place: where the resolved settings arrive, and the 3-D staging.

A beat subclasses FlatBeat or SurfaceBeat. In setup(), before construct(),
the beat gets `self.settings` (the validated configuration: the class
`fixed_settings` class attribute if a subclass or a test set one, else hpsearch.settings.load(),
which reads $HPSEARCH_CONFIG as set by the render driver, or the defaults)
and `self.palette`. A SurfaceBeat also gets `self.plot`, the loss surface on
its axes seen from the configured camera, drawn by scenes.cameras.surface.SurfaceCamera.
"""

from __future__ import annotations

from typing import ClassVar

from manim import Animation, Camera, Mobject, Scene, ThreeDScene, VGroup

from hpsearch import beats, pacing, voice
from hpsearch import settings as settings_module
from hpsearch.settings import Settings
from scenes.cameras.images import ImageCamera
from scenes.cameras.surface import SurfaceCamera
from scenes.kit import theme
from scenes.kit.staging import SCREEN_SHIFT, stage_surface
from scenes.kit.surface_plot import SurfacePlot
from scenes.kit.text import beat_title

CHAPTER_SCENES = {b.scene for b in beats.BEATS}


def _arrive(scene: FlatBeat | SurfaceBeat) -> None:
    scene.settings = scene.fixed_settings or settings_module.load()
    scene.palette = theme.Palette.of(scene.settings.palette)
    assert isinstance(scene.camera, Camera)  # the beats render with Cairo
    scene.camera.background_color = theme.BACKGROUND
    scene.read_by = 0.0


class Paced(Scene):
    """The words of a beat, timed: spoken (a clip per subtitle cue) or, with the voice off, held for reading.

    A beat says a sentence, shows what it names while it is spoken, then holds until it is heard or read.
    """

    settings: Settings
    read_by: float  # scene time when every cue said so far has been spoken (or read), its pause included

    def say(self, text: str) -> float:
        """Queue `text` as subtitle cues (and their speech), starting now or when the cues before it end;
        returns when it is heard or read."""
        start = max(self.time, self.read_by)
        for cue in pacing.cues(text):
            if self.settings.voice:
                clip = voice.clip(cue)
                self.add_sound(str(clip.path), time_offset=start - self.time)
                seconds, gap = clip.seconds, pacing.pause_after(cue)
            else:
                seconds, gap = pacing.reading_seconds(cue), pacing.CUE_GAP
            self.add_subcaption(cue, duration=seconds, offset=start - self.time)
            start += seconds + gap
        self.read_by = start
        return start

    def title(self, subtitle: str = "") -> VGroup:
        """This beat's numbered heading, from the chapter list (a test's subclass finds its beat's)."""
        scene = next(c.__name__ for c in type(self).__mro__ if c.__name__ in CHAPTER_SCENES)
        return beat_title(*beats.numbered(scene), subtitle)

    def wait_to_read(self, at_least: float = 0.0) -> None:
        """Wait until what was said has been heard or read, and at least `at_least` seconds."""
        seconds = max(at_least, self.read_by - self.time)
        if seconds > 1e-6:
            self.wait(seconds)

    def tear_down(self) -> None:
        """A beat never ends inside a sentence: its last words are heard (or read) before the cut."""
        self.wait_to_read()
        super().tear_down()


class FlatBeat(Paced):
    """A 2-D beat."""

    fixed_settings: ClassVar[Settings | None] = None  # a subclass may fix them; else load() in setup()
    settings: Settings
    palette: theme.Palette

    def __init__(self, **kwargs):
        super().__init__(camera_class=ImageCamera, **kwargs)

    def setup(self) -> None:
        _arrive(self)


class SurfaceBeat(ThreeDScene, Paced):
    """A beat drawn on the 3-D loss surface, seen from the configured camera."""

    fixed_settings: ClassVar[Settings | None] = None
    settings: Settings
    palette: theme.Palette
    plot: SurfacePlot
    surface_resolution = 48  # faces per side (`./render.sh bench --surface` compares resolutions)
    screen_shift = SCREEN_SHIFT  # where the plot sits on screen (frame units from the centre)
    zoom = 0.9  # the plot's size on screen (manim's camera zoom)
    loss_axis = False  # a vertical loss axis: legible from a low camera, squashed flat from the search view

    def __init__(self, **kwargs):
        super().__init__(camera_class=SurfaceCamera, **kwargs)

    def setup(self) -> None:
        super().setup()
        _arrive(self)
        self.plot = stage_surface(
            self,
            self.settings.objective_function,
            self.palette,
            self.settings.view,
            self.surface_resolution,
            self.loss_axis,
            self.screen_shift,
            self.zoom,
        )

    def pin(self, *mobjects: Mobject) -> None:
        """Register text as fixed in the frame without showing it yet (a Fade brings it in)."""
        self.camera.add_fixed_in_frame_mobjects(*mobjects)

    def get_moving_mobjects(self, *animations: Animation) -> list[Mobject]:
        """While the camera moves, manim redraws every mobject at every frame. What is fixed in the
        frame and not itself animated (the title, an inset, the colour bar) does not move: it is
        drawn once, into the play's still background, under what moves. Where the plot reached
        into such text it would now cover it; the beats keep their panels clear of the plot."""
        moving = super().get_moving_mobjects(*animations)
        if moving is not self.mobjects:  # the camera is still: manim's own choice
            return moving
        animated = {part for animation in animations for part in animation.mobject.get_family()}

        def still(mobject: Mobject) -> bool:
            return mobject in self.camera.fixed_in_frame_mobjects and not any(
                part in animated or part.updaters for part in mobject.get_family()
            )

        return [m for m in moving if not still(m)]
