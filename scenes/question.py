# manim -pqh scenes/question.py Question
"""Beat 1, the question: the loss landscape in 3-D, turning slowly so its depth shows, with the two
hyperparameters, their map onto the box and the formula as a small inset, then what we ask."""

from __future__ import annotations

import math

from manim import DOWN, LEFT, RIGHT, UP, Animation, VGroup, config, linear

from hpsearch import findings, story
from hpsearch.formatting import plural, tick_text
from hpsearch.visibility import View
from scenes.base import SurfaceBeat
from scenes.kit import theme
from scenes.kit.fade import Fade
from scenes.kit.text import fit_width, label, math_label, paragraph, wrap_math


class Question(SurfaceBeat):
    loss_axis = True
    screen_shift = (-1.75, -0.1)  # the plot low and left; the inset, then the question, top right
    zoom = 1.0
    # The camera starts low and to the side, and turns at a steady rate for the whole beat.
    start_phi = 66.0
    end_phi = 56.0
    start_theta_offset = -45.0  # from the configured view
    turn_rate = 1.6  # degrees per second
    descend_seconds = 20.0
    fade_seconds = 1.0
    inset_left = 2.3  # frame x of the inset's left edge
    inset_top = 2.7
    margin = 0.5

    def construct(self):
        data = findings.question(self.settings)
        self.begin = View.degrees(self.start_phi, self.settings.camera_theta + self.start_theta_offset)
        self.set_camera_orientation(phi=self.begin.phi, theta=self.begin.theta)
        width = config.frame_width / 2 - self.margin - self.inset_left
        corner = [self.inset_left, self.inset_top, 0.0]
        self.add_fixed_in_frame_mobjects(self.title())

        # The inset: the two hyperparameters, their ranges and their map onto the box ...
        hp_table = VGroup(
            *[
                VGroup(
                    VGroup(math_label(row.symbol, theme.BODY_SIZE), label(row.label, theme.SMALL_SIZE)).arrange(
                        RIGHT, buff=0.2
                    ),
                    VGroup(
                        math_label(f"{row.low} \\dots {row.high}", theme.SMALL_SIZE),
                        label(row.scale, theme.SMALL_SIZE, theme.MUTED),
                    ).arrange(RIGHT, buff=0.25),
                ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
                for row in data.rows
            ]
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        for block in hp_table:
            block[1].shift(0.45 * RIGHT)  # under the label, past the symbol
        fit_width(hp_table, width, theme.SMALL_SIZE)
        hp_table.move_to(corner, aligned_edge=UP + LEFT)
        low, high = data.box
        box_note = VGroup(
            *[math_label(row.map.latex, theme.SMALL_SIZE, theme.MUTED) for row in data.rows],
            math_label(f"x, y \\in [{tick_text(low, tex=True)}, {tick_text(high, tex=True)}]", theme.SMALL_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        fit_width(box_note, width, theme.SMALL_SIZE)
        box_note.next_to(hp_table, DOWN, buff=0.3, aligned_edge=LEFT)
        # ... and the loss, printed by sympy from objective.py's own terms.
        formula = wrap_math(list(data.formula_chunks), width, theme.SMALL_SIZE)
        if data.coordinates_latex:
            formula.add(math_label("\\displaystyle " + data.coordinates_latex, theme.SMALL_SIZE, theme.MUTED))
            formula.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        formula.move_to(corner, aligned_edge=UP + LEFT)  # in the table's place, once it has gone
        budget = label(f"Budget: {plural(data.budget, 'run')}", theme.BODY_SIZE, self.palette.highlight)
        fit_width(budget, width, theme.BODY_SIZE).next_to(formula, DOWN, buff=0.4, aligned_edge=LEFT)
        question = self._question(data, width).move_to(corner, aligned_edge=UP + LEFT)
        self.pin(hp_table, box_note, formula, budget, question)

        lr, decay = data.rows
        self.say(f"Two hyperparameters: the {lr.label}, on a log scale, and the {decay.label}.")  # ranges: the table
        self.turn(Fade(hp_table))
        self.turn(Fade(box_note), at_least=3.5)  # the square's coordinates: shown, not said
        self.say(f"Over it, the validation loss f: {data.summary.split(';')[0]}. Height is loss; lower is better.")
        self.turn(Fade(hp_table, out=True), Fade(box_note, out=True), Fade(formula))
        self.say(f"With {plural(data.budget, 'training run')}, find the setting with the lowest loss.")
        self.turn(Fade(budget))
        self.turn(Fade(formula, out=True), Fade(budget, out=True), at_least=1.0)
        self.say(self._question_text(data))
        self.turn(Fade(question), at_least=3.0)

    def turn(self, *fades: Animation, at_least: float = 0.0) -> None:
        """Keep the camera turning until what was said is read, fading `fades` in (or out) first."""
        seconds = max(at_least, self.read_by - self.time, 2 * self.fade_seconds)
        fading = self.fade_seconds if fades else 0.0
        if fades:
            self.turn_for(fading, *fades)
        self.turn_for(seconds - fading)

    def turn_for(self, seconds: float, *animations: Animation) -> None:
        """Theta turns at a constant rate; phi comes down to end_phi over the first descend_seconds."""
        end = self.time + seconds
        theta = self.begin.theta + math.radians(self.turn_rate * end)
        phi = math.radians(self.start_phi + (self.end_phi - self.start_phi) * min(1.0, end / self.descend_seconds))
        self.move_camera(phi=phi, theta=theta, run_time=seconds, rate_func=linear, added_anims=list(animations))

    @staticmethod
    def _question_text(data: findings.QuestionData) -> str:
        return " ".join(story.question_lines(data.budget, data.n_seeds, data.n_reached["tpe"], data.n_reached["grid"]))

    def _question(self, data: findings.QuestionData, width: float) -> VGroup:
        return paragraph(self._question_text(data), width, theme.BODY_SIZE)
