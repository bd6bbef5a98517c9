# manim -pqh scenes/verdict.py Verdict
"""Beat 8, the verdict: two measured cases where TPE does not win, the takeaways, and the references."""

from __future__ import annotations

from manim import DOWN, LEFT, ORIGIN, RIGHT, UL, UP, Group, VGroup, config

from hpsearch import findings, story
from hpsearch.formatting import format_loss
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
        heading = label("When TPE does not win", theme.HEADING_SIZE).to_corner(UL, buff=self.margin)
        column_width = half - 0.4
        left = self._startup_case(data, column_width)
        right = self._grid_case(data, column_width)
        left.next_to(heading, DOWN, buff=0.4).align_to(heading, LEFT)
        right.next_to(heading, DOWN, buff=0.4).align_to([0.3, 0, 0], LEFT)

        grid_first, grid_second = story.verdict_grid(data)
        self.play(
            Fade(heading), Fade(left), run_time=1.0, subcaption=story.verdict_startup(data), subcaption_duration=4.9
        )
        self.wait(4.0)
        self.play(Fade(right), run_time=1.0, subcaption=grid_first, subcaption_duration=4.9)
        self.wait(4.0)
        self.add_subcaption(grid_second, duration=3.9)
        self.wait(4.0)

        # --- 2. takeaways
        takeaways = self._takeaways(data, 2 * half)
        title = label("Takeaways", theme.HEADING_SIZE).to_corner(UL, buff=self.margin)
        takeaways.next_to(title, DOWN, buff=0.45).align_to(title, LEFT)
        spoken = self._takeaway_subtitles(data)
        self.play(
            Fade(Group(heading, left, right), out=True),
            Fade(title),
            Fade(takeaways),
            run_time=1.0,
            subcaption=spoken[0],
            subcaption_duration=3.9,
        )
        self.wait(3.0)
        for text in spoken[1:]:
            self.add_subcaption(text, duration=3.9)
            self.wait(4.0)

        # --- 3. references
        refs = self._references(2 * half)
        refs_title = label("References", theme.HEADING_SIZE).to_corner(UL, buff=self.margin)
        refs.next_to(refs_title, DOWN, buff=0.45).align_to(refs_title, LEFT)
        self.play(
            Fade(title, out=True),
            Fade(takeaways, out=True),
            Fade(refs_title),
            Fade(refs),
            run_time=1.0,
            subcaption="The papers behind TPE, random search and Optuna.",
            subcaption_duration=5.0,
        )
        self.wait(4.0)

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
        body = VGroup(
            paragraph(
                f"{case.budget} runs, {case.n_startup_trials} of them start-up: every TPE trial is drawn at random.",
                width,
                theme.LABEL_SIZE,
            ),
            paragraph(
                f"Same final best as random search in {case.n_same_final} of {case.n_seeds} seeds.",
                width,
                theme.LABEL_SIZE,
                self.palette.highlight,
            ),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
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
        body = paragraph(story.verdict_grid(data)[1], width, theme.LABEL_SIZE)
        title.move_to(ORIGIN, aligned_edge=LEFT)
        maps.next_to(title, DOWN, buff=0.3).align_to(title, LEFT).shift(0.45 * RIGHT)
        body.next_to(maps, DOWN, buff=0.3).align_to(title, LEFT)
        return Group(title, maps, body)

    # --- takeaways and references

    @staticmethod
    def _takeaway_subtitles(data: findings.VerdictData) -> list[str]:
        tpe = data.main["tpe"]
        return [
            "A grid hits or misses a narrow well by luck of alignment; random search does not learn.",
            story.tpe_reach(data.budget, data.n_startup_trials, tpe.n_reached, tpe.n_seeds)[1],
        ]

    def _takeaways(self, data: findings.VerdictData, width: float) -> VGroup:
        items = VGroup()
        for text in story.takeaways(data):
            bullet = label("•", theme.BODY_SIZE, self.palette.highlight)
            body = paragraph(text, width - 0.5, theme.BODY_SIZE)
            body.next_to(bullet, RIGHT, buff=0.25, aligned_edge=UP)
            items.add(VGroup(bullet, body))
        return items.arrange(DOWN, aligned_edge=LEFT, buff=0.4)

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
