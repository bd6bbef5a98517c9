# manim -pqh scenes/landscape.py Landscape
"""Beat 2: the loss surface on axes in real units, its wells found by scipy and labelled."""

from manim import DOWN, LEFT, RIGHT, UP, Text, VGroup

from hpsearch import findings, story
from hpsearch.formatting import format_loss, format_point
from hpsearch.visibility import View
from scenes.base import SurfaceBeat
from scenes.kit import theme
from scenes.kit.fade import Fade
from scenes.kit.staging import PANEL_TOP_LEFT
from scenes.kit.surface_plot import face_camera

WELL_NAMES = "ABCDEFG"


class Landscape(SurfaceBeat):
    # The camera comes down from about where the question left it to the configured view, then stays.
    start_phi = 56.0
    start_theta_offset = 0.0
    move_seconds = 4.0
    hold = 6.0

    def construct(self):
        settings, plot, view = self.settings, self.plot, self.settings.view
        data = findings.landscape(settings)
        title = self.title(data.summary)
        self.add_fixed_in_frame_mobjects(title)

        # A short swing into the fixed view the search beats use
        start = View.degrees(self.start_phi, settings.camera_theta + self.start_theta_offset)
        self.set_camera_orientation(phi=start.phi, theta=start.theta)
        self.say(
            "Each point of this surface is one training run: its validation loss at one learning rate and one decay."
        )
        self.move_camera(phi=view.phi, theta=view.theta, run_time=self.move_seconds)
        self.wait_to_read()

        # The wells, found numerically
        minima = data.minima[: len(WELL_NAMES)]
        markers, letters, rows = VGroup(), VGroup(), VGroup()
        screen_up = self.camera.get_rotation_matrix()[1]
        for name, well in zip(WELL_NAMES, minima, strict=False):  # fewer wells than names leaves names unused
            # The deepest well in the highlight colour, the others muted: brightness tells them apart.
            color = self.palette.highlight if well is minima[0] else theme.MUTED
            markers.add(plot.marker(well.x, well.y, color, radius=0.09))
            letter = Text(name, font_size=theme.BODY_SIZE, color=color, weight="BOLD")
            letter.add_background_rectangle(color=theme.BACKGROUND, opacity=0.75, buff=0.06)
            letters.add(face_camera(letter, view).move_to(plot.point(well.x, well.y) + 0.3 * screen_up))
            rows.add(
                VGroup(
                    VGroup(
                        Text(name, font_size=theme.BODY_SIZE, color=color, weight="BOLD"),
                        Text(format_loss(well.value), font_size=theme.BODY_SIZE, color=color),
                    ).arrange(RIGHT, buff=0.3),
                    Text(format_point(*well.hyperparameters), font_size=theme.SMALL_SIZE, color=theme.MUTED),
                ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            )
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        heading = Text("minima (scipy)", font_size=theme.LABEL_SIZE, color=theme.MUTED)
        table = (
            VGroup(heading, rows)
            .arrange(DOWN, aligned_edge=LEFT, buff=0.3)
            .move_to(PANEL_TOP_LEFT, aligned_edge=UP + LEFT)
        )
        self.pin(table)
        deepest = minima[0]
        self.say(
            f"{story.wells(len(minima))} The deepest, A, reaches {format_loss(deepest.value)}."  # where: the table
        )
        self.play(Fade(markers), Fade(letters), Fade(table), run_time=1.0)
        self.wait_to_read(at_least=self.hold)
