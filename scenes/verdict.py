# manim -pqh scenes/verdict.py Verdict
"""Beat 9, the verdict: two measured cases where TPE does not win, the takeaways, and the references."""

from __future__ import annotations

from manim import DOWN, LEFT, ORIGIN, RIGHT, UL, UP, Group, VGroup, config

from hpsearch import findings, pacing, story
from hpsearch.formatting import format_loss, plural
from scenes import panels, theme
from scenes.base import FlatBeat
from scenes.fade import Fade
from scenes.marks import refit, trial_marker
from scenes.text import label, paragraph


class Verdict(FlatBeat):
    margin = 0.45
    map_side = 2.0
    small_plot = (3.4, 1.9)

    def construct(self):
        data = findings.verdict(self.settings)
        half = config.frame_width / 2 - self.margin

        # --- 1. two measured counter-cases, side by side
        heading = self.title()
        column_width = half - 0.4
        left = self._startup_case(data, column_width)
        right = self._grid_case(data, column_width)
        left.next_to(heading, DOWN, buff=0.4).align_to(heading, LEFT)
        right.next_to(heading, DOWN, buff=0.4).align_to([0.3, 0, 0], LEFT)

        # One case at a time: each is read alone, then leaves before the next comes in.
        grid_first, grid_second = story.verdict_grid(data)
        self.say(story.verdict_startup(data))
        self.play(Fade(heading), Fade(left), run_time=1.0)
        self.wait_to_read(at_least=2.5)
        self.play(Fade(left, out=True), run_time=0.6)
        self.say(grid_first)
        self.say(grid_second)
        self.play(Fade(right), run_time=1.0)
        self.wait_to_read(at_least=2.5)
        self.play(Fade(Group(heading, right), out=True), run_time=0.8)

        # --- 2. takeaways, one at a time: each is read on screen, so it needs no subtitle
        title = label("Takeaways", theme.HEADING_SIZE).to_corner(UL, buff=self.margin)
        self.play(Fade(title), run_time=0.6)
        for text in story.takeaways(data):
            item = self._takeaway(text, 2 * half).next_to(title, DOWN, buff=0.6).align_to(title, LEFT)
            self.play(Fade(item), run_time=0.6)
            self.wait(pacing.reading_seconds(text) + 1.0)
            self.play(Fade(item, out=True), run_time=0.4)
        self.play(Fade(title, out=True), run_time=0.4)

        # --- 3. references
        refs = self._references(2 * half)
        refs_title = label("References", theme.HEADING_SIZE).to_corner(UL, buff=self.margin)
        refs.next_to(refs_title, DOWN, buff=0.45).align_to(refs_title, LEFT)
        card = VGroup(refs_title, refs, name="references")  # the one card read at leisure, not in passing
        self.say("The papers behind TPE, random search and Optuna.")
        self.play(Fade(card), run_time=1.0)
        self.wait_to_read(at_least=4.0)

    # --- (a) budget within TPE's start-up trials

    def _startup_case(self, data: findings.VerdictData, width: float) -> VGroup:
        case = data.startup
        title = label("Budget within TPE's start-up", theme.BODY_SIZE, self.palette.samplers["tpe"])
        if case is None:
            body = paragraph(
                f"TPE is set to {data.n_startup_trials} start-up trials: it models from its first trial on.",
                width,
                theme.LABEL_SIZE,
            )
            return VGroup(title, body).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        body = paragraph(
            f"{plural(case.budget, 'run')}: same best as random search in {case.n_same_final} of "
            f"{plural(case.n_seeds, 'seed')}",
            width,
            theme.LABEL_SIZE,
            self.palette.highlight,
        )
        legend = VGroup(
            label("random", theme.SMALL_SIZE, self.palette.samplers["random"]),
            label("TPE (dashed)", theme.SMALL_SIZE, self.palette.samplers["tpe"]),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        title.move_to(ORIGIN, aligned_edge=LEFT)
        body.next_to(title, DOWN, buff=0.3).align_to(title, LEFT)
        random_color, tpe_color = self.palette.samplers["random"], self.palette.samplers["tpe"]

        def layout(plot_width: float):
            axes = panels.LossAxes(
                case.budget, data.value_range, plot_width, self.small_plot[1], y_title="median best loss so far"
            )
            # Random search thick and solid, TPE thin and dashed on top: where they coincide you see both.
            random_curve = panels.step_curve(axes, case.random.curve_quartiles[1], random_color, stroke_width=8)
            tpe_curve = panels.dashed(panels.step_curve(axes, case.tpe.curve_quartiles[1], tpe_color, stroke_width=4))
            plot = VGroup(axes, random_curve, tpe_curve)
            plot.next_to(body, DOWN, buff=0.35).align_to(title, LEFT).shift(0.55 * RIGHT)
            legend.next_to(axes.x_axis.get_end(), RIGHT, buff=0.3).align_to(axes.y_axis, UP)
            # The legend sits right of the plot: narrow the plot if it would leave the column.
            overflow = legend.get_right()[0] - (title.get_left()[0] + width)
            return plot, (plot_width - overflow if overflow > 0 else None)

        plot = refit(layout, self.small_plot[0], tries=2)
        return VGroup(title, body, plot, legend)

    # --- (b) a grid that contains the deep well

    def _grid_case(self, data: findings.VerdictData, width: float) -> Group:
        case = data.grid
        found = case.hit is not None
        title = label(
            "A grid that lands in the well" if found else "No grid lands in the well",
            theme.BODY_SIZE,
            self.palette.samplers["grid"],
        )
        maps = Group()
        for at in sorted(filter(None, (case.hit, case.miss)), key=lambda at: at.budget):
            m = panels.BoxPlot.loss_map(
                self.settings.objective_function, self.palette, side=self.map_side, axis_titles=False
            )
            dots = VGroup(
                *[
                    trial_marker(self.palette.samplers["grid"], 0.05).move_to(m.point(x, y))
                    for x, y in findings.grid_points(at.budget)
                ]
            )
            head = label(f"{at.budget} runs: {at.grid_shape[0]} × {at.grid_shape[1]}", theme.LABEL_SIZE)
            head.next_to(m.frame, UP, buff=0.15)
            result = label(
                f"best {format_loss(at.grid.median_final)}",
                theme.LABEL_SIZE,
                self.palette.highlight if at is case.hit else theme.TEXT,
            )
            result.next_to(m.labels, DOWN, buff=0.12).set_x(m.frame.get_x())
            maps.add(Group(head, m, dots, result))
        maps.arrange(RIGHT, buff=0.45, aligned_edge=UP)
        title.move_to(ORIGIN, aligned_edge=LEFT)
        maps.next_to(title, DOWN, buff=0.3).align_to(title, LEFT).shift(0.45 * RIGHT)
        return Group(title, maps)

    # --- takeaways and references

    def _takeaway(self, text: str, width: float) -> VGroup:
        bullet = label("•", theme.HEADING_SIZE, self.palette.highlight)
        body = paragraph(text, width - 0.6, theme.HEADING_SIZE)
        return VGroup(bullet, body.next_to(bullet, RIGHT, buff=0.3, aligned_edge=UP))

    @staticmethod
    def _references(width: float) -> VGroup:
        items = VGroup()
        for authors, rest in findings.REFERENCES:
            items.add(
                VGroup(
                    label(authors, theme.BODY_SIZE),
                    paragraph(rest, width - 0.4, theme.LABEL_SIZE, theme.MUTED),
                ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            )
        for item in items:
            item[1].shift(0.4 * RIGHT)  # titles indented under their authors
        return items.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
