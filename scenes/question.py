# manim -pqh scenes/question.py Question
"""Beat 1, the question: two real hyperparameters, their map onto the box, the loss, a budget, and what we ask."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UL, VGroup, Write, config

import objective
from hpsearch import findings, story
from hpsearch.formatting import plural, sci_unicode, signed, tick_text
from scenes import theme
from scenes.base import FlatBeat
from scenes.fade import Fade
from scenes.text import fit_width, label, math_label, table, wrap_math


class Question(FlatBeat):
    margin = 0.5  # kept clear at the frame edges
    formula_size = theme.HEADING_SIZE

    def construct(self):
        data = findings.question(self.settings)
        width = config.frame_width - 2 * self.margin

        title = self.title()

        # The two hyperparameters, their real ranges and the map onto the box.
        rows = []
        for row in data.rows:
            rows.append(
                [
                    math_label(row.symbol, theme.HEADING_SIZE),
                    label(row.label, theme.BODY_SIZE),
                    math_label(f"{row.low} \\;\\dots\\; {row.high}", theme.HEADING_SIZE),
                    label(row.scale, theme.LABEL_SIZE, theme.MUTED),
                    math_label(row.map.latex, theme.HEADING_SIZE, theme.MUTED),
                ]
            )
        hp_table = table(rows, col_alignments="llcll", h_buff=0.45, v_buff=0.35)
        fit_width(hp_table, width, theme.LABEL_SIZE)
        hp_table.next_to(title, DOWN, buff=0.4).align_to(title, LEFT)
        low, high = data.box

        # The loss on the box, printed by sympy from objective.py's own terms, broken between terms to fit.
        formula = wrap_math(list(data.formula_chunks), width, self.formula_size)
        if data.coordinates_latex:
            formula.add(math_label("\\displaystyle " + data.coordinates_latex, self.formula_size, theme.MUTED))
            formula.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        formula.next_to(hp_table, DOWN, buff=0.45).align_to(title, LEFT)

        # The budget and the target.
        ranges = " \\times ".join(f"[{r.low}, {r.high}]" for r in data.rows)
        symbols = ", ".join(r.symbol for r in data.rows)
        box_note = math_label(
            f"x, y \\in [{tick_text(low, tex=True)}, {tick_text(high, tex=True)}]", theme.HEADING_SIZE, theme.MUTED
        )
        target = VGroup(
            math_label(f"\\theta = ({symbols}) \\in \\Theta = {ranges}", theme.HEADING_SIZE),
            math_label("\\theta^* = \\arg\\min_{\\theta \\in \\Theta} f(\\theta)", theme.HEADING_SIZE),
            box_note,
        ).arrange(RIGHT, buff=0.8)
        fit_width(target, width, theme.HEADING_SIZE)
        target.next_to(formula, DOWN, buff=0.4).align_to(title, LEFT)
        budget = (
            label(f"Budget: {plural(data.budget, 'training run')}", theme.HEADING_SIZE, self.palette.highlight)
            .to_edge(RIGHT, buff=self.margin)
            .align_to(title, DOWN)
        )
        goal = VGroup(*target[:2], budget)  # the box note comes in with the map

        question = self._question(data).move_to(hp_table, aligned_edge=UL)  # in the table's place

        lr, decay = data.rows
        self.say(
            f"Two hyperparameters: the {lr.label}, {sci_unicode(objective.LEARNING_RATE.low)}"
            f" to {sci_unicode(objective.LEARNING_RATE.high)} on a log scale, and the "
            f"{decay.label}, {decay.low} to {decay.high}."
        )
        self.play(Fade(title), Fade(hp_table.rows[0][:4]), Fade(hp_table.rows[1][:4]), run_time=1.5)
        self.wait_to_read()
        self.say(f"Both map onto one square, x and y from {signed(low, 0)} to {signed(high, 0)}.")
        self.play(Fade(hp_table.rows[0][4]), Fade(hp_table.rows[1][4]), Fade(box_note), run_time=1.0)
        self.wait_to_read()
        self.say(f"On it, the loss f: {data.summary.split(';')[0]}.")
        self.play(Write(formula), run_time=2.0)
        self.wait_to_read(at_least=1.0)
        self.say(f"With {plural(data.budget, 'training run')}, find the setting with the lowest loss.")
        self.play(Fade(goal), run_time=1.0)
        self.wait_to_read()
        self.play(Fade(hp_table, out=True), run_time=0.6)  # the question takes the reader's attention alone
        self.say(self._question_text(data, plain=True))
        self.play(Fade(question), run_time=1.0)
        self.wait_to_read(at_least=1.0)

    @staticmethod
    def _question_text(data: findings.QuestionData, plain: bool = False) -> str:
        first, second = story.question_lines(data.budget, data.n_seeds, data.n_reached["tpe"], data.n_reached["grid"])
        return f"{first} {second}" if plain else f"{first}\n{second}"

    def _question(self, data: findings.QuestionData) -> VGroup:
        lines = self._question_text(data).split("\n")
        group = VGroup(*[label(line, theme.BODY_SIZE, theme.TEXT) for line in lines])
        group.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        return fit_width(group, config.frame_width - 2 * self.margin, theme.BODY_SIZE)
