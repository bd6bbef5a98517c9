"""Drawing pieces used by several beats: small functions and Mobjects, no inheritance chains.

They only draw: every number they show comes from objective.py, samplers.py or
settings.py, passed in by the scene.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DEGREES, DOWN, LEFT, ORIGIN, OUT, RESAMPLING_ALGORITHMS, RIGHT, UP, Animation, Circle, Dot, ImageMobject, Line, MathTex,
    Mobject, Rectangle, Surface, Text, VGroup, VMobject, config,
)
from manim.mobject.types.image_mobject import AbstractImageMobject

from findings import SUPERSCRIPTS, format_loss, sci_latex, scientific
from objective import BOX, LAYER_DECAY, LEARNING_RATE, Objective
from scenes import theme
from visibility import BoxLayout

XY_LENGTH = 4.5
Z_LENGTH = 1.125
# The side panel of the 3-D beats: text starts here (frame units), right of the plot.
PANEL_TOP_LEFT = np.array([1.7, 2.6, 0.0])
PREVIEW_HEIGHT, PREVIEW_RESOLUTION = 480, 32
# Where the 3-D plot sits on screen: left of centre, leaving the right third to the panel.
SCREEN_SHIFT = (-2.3, 0.6)
PANEL_MIDDLE_LEFT = np.array([1.7, 0.6, 0.0])


class Fade(Animation):
    """FadeIn (or, with out=True, FadeOut) that scales the mobject's own opacities.

    Manim's FadeIn deep-copies the whole family twice (a faded start and a
    target): for a screen of text that was a third of the beat's render time.
    This keeps each part's opacity once and multiplies it by the fade's alpha:
    every drawn part gets the opacity FadeIn would give it (tests/test_fade.py),
    without a copy. With lag_ratio, the top-level parts fade one after another,
    as in FadeIn(group, lag_ratio=...).
    """

    def __init__(self, mobject: Mobject, out: bool = False, **kwargs):
        super().__init__(mobject, introducer=not out, remover=out, **kwargs)
        self.out = out

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # nothing to interpolate from: opacities are scaled in place

    def begin(self) -> None:
        parts = self.mobject.submobjects if self.lag_ratio else [self.mobject]
        self._opacities = [[_opacities(member) for member in part.get_family()] for part in parts]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        n = len(self._opacities)
        for index, part in enumerate(self._opacities):
            sub_alpha = self.get_sub_alpha(alpha, index, n)  # the rate function, and the lag if any
            scale = 1.0 - sub_alpha if self.out else sub_alpha
            for member, kept in part:
                _set_opacities(member, kept, scale)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if self.out:  # gone from the scene, and whole again should it come back
            for part in self._opacities:
                for member, kept in part:
                    _set_opacities(member, kept, 1.0)


def _opacities(member: Mobject) -> tuple[Mobject, list[tuple[str, np.ndarray]]]:
    """The alpha channels a fade scales, by attribute; each array is the member's own from here on."""
    if isinstance(member, AbstractImageMobject):
        member.pixel_array = member.pixel_array.copy()  # images made from one array share it
        return member, [("pixel_array", member.pixel_array[..., 3].copy())]
    kept = []
    for name in ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
        if getattr(member, name, None) is not None:
            setattr(member, name, rgbas := np.array(getattr(member, name), float))
            kept.append((name, rgbas[:, 3].copy()))
    return member, kept


def _set_opacities(member: Mobject, kept: list[tuple[str, np.ndarray]], scale: float) -> None:
    for name, alpha in kept:
        getattr(member, name)[..., 3] = alpha * scale


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


def number_label(value: float) -> str:
    return f"{value:g}"


def box_layout(objective: Objective) -> BoxLayout:
    low, high = objective.value_range
    return BoxLayout(XY_LENGTH, Z_LENGTH, low, high)


class Landscape(VGroup):
    """An objective's surface sitting exactly on box axes ticked in hyperparameter units.

    `labels` (tick and axis labels) are kept apart so a 3-D scene can add them
    as fixed-orientation mobjects that always face the camera.
    """

    def __init__(self, objective: Objective, resolution: int = 48, **kwargs):
        super().__init__(**kwargs)
        self.objective = objective
        self.layout = box_layout(objective)
        self.origin = np.zeros(3)  # where the box centre sits in the scene
        self.surface = self._surface(resolution)
        self.frame, self.labels = self._axes()
        self.add(self.frame, self.surface)

    def _surface(self, resolution: int) -> Surface:
        low, high = self.layout.z_low, self.layout.z_high
        surface = Surface(
            lambda u, v: self.point(u, v),
            u_range=BOX, v_range=BOX, resolution=(resolution, resolution),
            fill_opacity=1.0, stroke_width=0.3, stroke_color=theme.BACKGROUND, stroke_opacity=0.35,
            checkerboard_colors=False,
        )
        # Colour each face by the loss at its centre, on the theme's scale.
        for face in surface:
            centre_loss = self.loss_at_height(face.get_center()[2] - self.origin[2])
            face.set_fill(theme.loss_color(centre_loss, low, high), opacity=1.0)
        return surface

    def set_resolution(self, resolution: int):
        """Swap in a surface of another resolution, in place."""
        new = self._surface(resolution)
        self.remove(self.surface)
        self.surface = new
        self.add(new)
        return self

    def point(self, x, y, lift: float = 0.0) -> np.ndarray:
        """Scene point of the surface above internal (x, y), optionally lifted."""
        return self.layout.to_scene(x, y, self.objective(x, y)) + np.array([0, 0, lift]) + self.origin

    def loss_at_height(self, z: float) -> float:
        low, high = self.layout.z_low, self.layout.z_high
        return low + (z / self.layout.z_length + 0.5) * (high - low)

    def _axes(self) -> tuple[VGroup, VGroup]:
        # The axes run along the two edges nearest the default camera (y = -5 for lr,
        # x = -5 for decay), so the opaque surface never covers them: Cairo draws
        # lines on top and would show hidden ones. Loss is read off a colour bar.
        low = self.layout.z_low
        c = self.layout.to_scene
        tick = 0.12
        lines, labels = VGroup(), VGroup()
        style = dict(stroke_color=theme.MUTED, stroke_width=2)
        lines.add(Line(c(-5, -5, low), c(5, -5, low), **style), Line(c(-5, -5, low), c(-5, 5, low), **style))
        majors, minors = lr_ticks()
        for value in majors + minors:
            x = float(LEARNING_RATE.to_internal(value))
            size = tick if value in majors else tick / 2
            lines.add(Line(c(x, -5, low), c(x, -5, low) + size * DOWN, **style))
        for value in majors:
            x = float(LEARNING_RATE.to_internal(value))
            labels.add(MathTex(sci_latex(value), font_size=theme.LABEL_SIZE, color=theme.TEXT)
                       .move_to(c(x, -6.1, low)))
        for value in decay_ticks():
            y = float(LAYER_DECAY.to_internal(value))
            lines.add(Line(c(-5, y, low), c(-5, y, low) + tick * LEFT, **style))
            labels.add(MathTex(f"{value:.1f}", font_size=theme.LABEL_SIZE, color=theme.TEXT)
                       .move_to(c(-6.2, y, low)))
        labels.add(Text("learning rate", font_size=theme.LABEL_SIZE, color=theme.MUTED)
                   .move_to(c(3.0, -8.0, low)))
        labels.add(Text("LR decay", font_size=theme.LABEL_SIZE, color=theme.MUTED)
                   .move_to(c(-7.4, 1.5, low)))
        return lines, labels

    def shift_on_screen(self, dx: float, dy: float, rotation: np.ndarray):
        """Move the landscape (and its labels) by (dx, dy) on screen, for a camera `rotation`."""
        world = dx * rotation[0] + dy * rotation[1]
        self.shift(world)
        self.labels.shift(world)
        self.origin = self.origin + world
        return self


class LossColorBar(VGroup):
    """A vertical colour bar for the surface's loss scale, ticked in loss units."""

    def __init__(self, objective: Objective, height: float = 2.2, width: float = 0.22, steps: int = 48, **kwargs):
        super().__init__(**kwargs)
        low, high = objective.value_range
        cells = VGroup(*[
            Rectangle(width=width, height=height / steps, stroke_width=0,
                      fill_color=theme.loss_color(low + (i + 0.5) / steps * (high - low), low, high), fill_opacity=1)
            for i in range(steps)
        ]).arrange(UP, buff=0)
        ticks = VGroup()
        for value in nice_ticks(low, high, 3):
            y = cells.get_bottom()[1] + (value - low) / (high - low) * height
            ticks.add(MathTex(number_label(value), font_size=theme.SMALL_SIZE, color=theme.TEXT)
                      .move_to([cells.get_right()[0] + 0.12, y, 0], aligned_edge=LEFT))
        title = Text("loss", font_size=theme.LABEL_SIZE, color=theme.MUTED).next_to(cells, UP, buff=0.2)
        self.add(cells, ticks, title)


def trial_marker(color, radius: float = 0.075) -> Dot:
    """A flat marker with a dark rim so it reads on light and dark faces alike."""
    return Dot(radius=radius, color=color, stroke_color=theme.BACKGROUND, stroke_width=2, fill_opacity=1.0)


def face_camera(mobject, phi: float, theta: float):
    """Turn a flat mobject (drawn in the xy-plane) to face a camera at (phi, theta)."""
    mobject.rotate(phi, axis=RIGHT, about_point=mobject.get_center())
    mobject.rotate(theta + 90 * DEGREES, axis=OUT, about_point=mobject.get_center())
    return mobject


def format_lr(lr: float) -> str:
    """3.2×10⁻⁵: plain text (Pango), so per-frame updates need no LaTeX run."""
    mantissa, exponent = scientific(lr, 2)
    return f"{mantissa:.1f}×10{str(exponent).translate(SUPERSCRIPTS)}"


def surface_resolution(requested: int) -> int:
    """The requested surface resolution, capped at previews: at 480p a 32x32 surface
    looks the same as 48x48 and builds in half the time."""
    return min(requested, PREVIEW_RESOLUTION) if config.pixel_height <= PREVIEW_HEIGHT else requested


def stage_landscape(scene, objective: Objective, resolution: int = 48, screen_shift=SCREEN_SHIFT,
                    frozen: bool = True) -> Landscape:
    """Put the landscape in a ThreeDScene at the configured camera, shifted on screen.

    The camera never moves afterwards, so by default the surface is frozen into
    one picture (see freeze_landscape); pass frozen=False to move the camera.
    """
    settings = theme.SETTINGS
    scene.camera.background_color = theme.BACKGROUND
    scene.set_camera_orientation(phi=settings.camera_phi * DEGREES, theta=settings.camera_theta * DEGREES)
    landscape = Landscape(objective, surface_resolution(resolution))
    # Shift along the camera's own screen axes so the plot leaves room for a side panel
    # (moving the camera instead would move fixed-in-frame text too).
    landscape.shift_on_screen(*screen_shift, scene.camera.get_rotation_matrix())
    scene.add(landscape)
    if frozen:
        freeze_landscape(scene, landscape)
    scene.add_fixed_orientation_mobjects(*landscape.labels)
    scene.add_fixed_in_frame_mobjects(LossColorBar(objective, height=1.5).to_corner(DOWN + RIGHT, buff=0.45))
    return landscape


def freeze_landscape(scene, landscape: Landscape) -> ImageMobject:
    """Swap the surface and its axis lines for one picture of them from the scene's camera.

    The 3-D beats never move the camera after staging, so the picture is exact;
    every later play() then hashes and redraws one image instead of a few
    thousand surface faces. Labels stay live mobjects on top.
    """
    camera = scene.camera
    camera.reset()
    camera.capture_mobjects([landscape])
    picture = ImageMobject(camera.pixel_array.copy())
    camera.reset()
    picture.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])  # pixel for pixel
    picture.stretch_to_fit_width(config.frame_width).stretch_to_fit_height(config.frame_height).move_to(ORIGIN)
    scene.remove(landscape)
    scene.add_fixed_in_frame_mobjects(picture)
    scene.bring_to_back(picture)
    return picture


def surface_marker(scene, landscape: Landscape, x: float, y: float, color, radius: float = 0.075) -> Dot:
    """A marker on the surface at internal (x, y), turned to face the scene's camera.

    Cairo draws it on top of the surface, so a marker the surface hides would
    seem to float: warn, naming the point, when the camera angles do that.
    """
    from manim import logger

    from visibility import occluded

    settings = theme.SETTINGS
    if occluded(landscape.objective, landscape.layout, [x], [y], settings.camera_phi * DEGREES,
                settings.camera_theta * DEGREES, center=-landscape.origin)[0]:
        logger.warning(f"the surface hides the marker at x={x:.2f}, y={y:.2f} from camera "
                       f"phi={settings.camera_phi}, theta={settings.camera_theta}: try a higher camera (smaller phi)")
    dot = trial_marker(color, radius).move_to(landscape.point(x, y))
    return face_camera(dot, settings.camera_phi * DEGREES, settings.camera_theta * DEGREES)


def best_ring(landscape: Landscape, trial, color) -> Circle:
    """A ring around a run's best trial on the surface, facing the camera."""
    settings = theme.SETTINGS
    ring = Circle(radius=0.17, color=color, stroke_width=4).move_to(landscape.point(trial.x, trial.y))
    return face_camera(ring, settings.camera_phi * DEGREES, settings.camera_theta * DEGREES)


def visible_path(landscape: Landscape, xs, ys, color, stroke_width: float = 3.0) -> VGroup:
    """A path along the surface, keeping only the stretches the camera can see."""
    from visibility import occluded

    settings = theme.SETTINGS
    hidden = occluded(landscape.objective, landscape.layout, xs, ys,
                      settings.camera_phi * DEGREES, settings.camera_theta * DEGREES, center=-landscape.origin)
    points = landscape.point(np.asarray(xs), np.asarray(ys), lift=0.01)
    pieces = VGroup()
    start = None
    for i, h in enumerate(list(hidden) + [True]):
        if not h and start is None:
            start = i
        elif h and start is not None:
            if i - start >= 2:
                pieces.add(VMobject(stroke_color=color, stroke_width=stroke_width).set_points_as_corners(points[start:i]))
            start = None
    return pieces


def beat_title(number: int | str, title: str, subtitle: str = "") -> VGroup:
    """The beat's heading, top left of the frame."""
    heading = Text(f"{number}  {title}", font_size=theme.HEADING_SIZE, color=theme.TEXT, weight="BOLD")
    group = VGroup(heading)
    if subtitle:
        group.add(Text(subtitle, font_size=theme.SMALL_SIZE, color=theme.MUTED).next_to(heading, DOWN, aligned_edge=LEFT, buff=0.15))
    return group.to_corner(UP + LEFT, buff=0.4)


class RunReadout(VGroup):
    """'trial k / N', the best-so-far loss and where it was found, following a tracker.

    The tracker holds how many trials have landed. Only the text that changes
    is rebuilt (the counter at each trial, the best only when it improves):
    building a Text is the costliest step of these beats. In a 3-D scene pass
    the camera: rebuilt text must be registered as fixed in frame again.
    """

    def __init__(self, run, tracker, color, camera=None, **kwargs):
        super().__init__(**kwargs)
        self.run, self.tracker, self.color, self.camera = run, tracker, color, camera
        self.counter = Text(f"trial 0 / {len(run.trials)}", font_size=theme.BODY_SIZE, color=theme.TEXT)
        self.best_label = Text("best so far", font_size=theme.LABEL_SIZE, color=theme.MUTED)
        self.best_value = Text("–", font_size=theme.BODY_SIZE, color=self.color, weight="BOLD")
        self.best_where = Text(" ", font_size=theme.SMALL_SIZE, color=theme.MUTED)
        self.add(self.counter, self.best_label, self.best_value, self.best_where)
        self._shown, self._best = 0, None
        self.anchor_at(np.zeros(3))
        self.add_updater(lambda m: m.refresh())

    def landed(self) -> int:
        return int(np.clip(math.floor(self.tracker.get_value() + 1e-6), 0, len(self.run.trials)))

    def refresh(self):
        k = self.landed()
        if k == self._shown:
            return self
        self._shown = k
        self.counter.become(Text(f"trial {k} / {len(self.run.trials)}", font_size=theme.BODY_SIZE,
                                 color=theme.TEXT))
        best = min(self.run.trials[:k], key=lambda t: (t.value, t.number)) if k else None
        if best is not self._best:
            self._best = best
            self.best_value.become(Text(format_loss(best.value) if best else "–", font_size=theme.BODY_SIZE,
                                        color=self.color, weight="BOLD"))
            self.best_where.become(Text(f"lr {format_lr(best.lr)}   decay {best.decay:.2f}" if best else " ",
                                        font_size=theme.SMALL_SIZE, color=theme.MUTED))
        self._place()
        if self.camera is not None:
            self.camera.add_fixed_in_frame_mobjects(self)
        return self

    def _place(self):
        self.counter.move_to(self._anchor, aligned_edge=UP + LEFT)
        self.best_label.next_to(self.counter, DOWN, aligned_edge=LEFT, buff=0.22)
        self.best_value.next_to(self.best_label, RIGHT, buff=0.25).align_to(self.best_label, DOWN)
        self.best_where.next_to(self.best_label, DOWN, aligned_edge=LEFT, buff=0.18)

    def anchor_at(self, point):
        """Pin the readout's top-left corner at a frame point."""
        self._anchor = np.asarray(point, float)
        self._place()
        return self


def drop_trials(scene, landscape: Landscape, trials, color, seconds_per_trial: float, tracker,
                caption: str | None = None) -> VGroup:
    """Drop trials onto the surface one after another in ONE play().

    Each trial lands as the tracker passes the next whole number, so a readout
    following the tracker counts in step with the markers.
    """
    from manim import FadeIn, LaggedStart, linear

    markers = [surface_marker(scene, landscape, t.x, t.y, color) for t in trials]
    drops = [FadeIn(m, shift=-0.5 * OUT, rate_func=linear) for m in markers]
    total = seconds_per_trial * len(markers)
    scene.play(
        LaggedStart(*drops, lag_ratio=1.0),
        tracker.animate(rate_func=linear).set_value(tracker.get_value() + len(markers)),
        run_time=total,
        **({"subcaption": caption, "subcaption_duration": total} if caption else {}),
    )
    group = VGroup(*markers)
    scene.add(group)
    return group
