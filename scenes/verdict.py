# manim -pqh scenes/verdict.py Verdict
"""The last beat: where TPE does not win, as a chart over budgets (its start-up; the grids that land in
the well and those that miss), every seed's final best per sampler against the deep well, and the references."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, UP, Create, DashedLine, Dot, Group, Polygon, VGroup, VMobject, config

from hpsearch import cases, findings, story
from hpsearch.formatting import SAMPLER_NAMES, plural
from scenes.base import FlatBeat
from scenes.kit import panels, theme
from scenes.kit.fade import Fade
from scenes.kit.marks import axis_title, trial_marker
from scenes.kit.text import fit_width, label, math_label, paragraph


class BudgetChart(VGroup):
    """The verdict's chart: axes, TPE's start-up zone, interval bands, share lines, grid markers, legend."""

    def __init__(self, axes, startup, bands, lines, grid, legend) -> None:
        super().__init__(axes, startup, bands, lines, grid, legend)
        self.axes, self.startup, self.bands, self.lines, self.grid, self.legend = (
            axes,
            startup,
            bands,
            lines,
            grid,
            legend,
        )


class Finals(VGroup):
    """The closing picture: a loss axis, the deep-well threshold, and rows of (name, dots, line)."""

    def __init__(self, axis, threshold, rows) -> None:
        super().__init__(axis, threshold, rows)
        self.axis, self.threshold, self.rows = axis, threshold, rows


class Verdict(FlatBeat):
    margin = 0.45
    chart_size = (8.2, 4.4)
    strip_width = 8.0
    row_step = 1.45
    hold = 3.0

    def construct(self):
        data = findings.verdict(self.settings)
        half = config.frame_width / 2 - self.margin

        # --- 1. over budgets: where TPE is random search, where the grid lands and misses
        curves = data.budget_curves
        heading = self.title(f"{plural(curves.n_seeds, 'seed')} at every budget")
        chart = self._budget_chart(curves, data.sweep_budget)
        chart.next_to(heading, DOWN, buff=0.5).align_to(heading, LEFT).shift(0.6 * RIGHT)
        self.say(story.budget_chart(curves.n_seeds, data.sweep_budget))
        self.play(Fade(heading), Fade(chart.axes), Fade(chart.legend), run_time=1.0)
        self.wait_to_read()
        self.say(story.verdict_startup(data))
        self.play(Fade(chart.startup), run_time=0.8)
        self.play(*[Fade(band) for band in chart.bands], *[Create(line) for line in chart.lines], run_time=4.0)
        self.wait_to_read(at_least=2.5)
        grid_first, grid_second = story.verdict_grid(data)
        self.say(grid_first)
        self.say(grid_second)
        self.play(Fade(chart.grid, lag_ratio=0.2), run_time=2.0)
        self.wait_to_read(at_least=3.0)
        self.play(Fade(Group(heading, chart), out=True), run_time=0.8)

        # --- 2. takeaways as a picture: every seed's final best, per sampler, against the deep well
        picture = self._finals(data)
        self.say(story.finals_picture(data.n_seeds, data.budget))
        self.play(Fade(picture.axis), Fade(picture.threshold), *[Fade(row[0]) for row in picture.rows], run_time=1.0)
        for row in picture.rows:
            self.play(Fade(row[1], lag_ratio=0.01), Fade(row[2]), run_time=1.2)
        self.wait_to_read(at_least=2.5)
        self.say(story.TAKEAWAY)
        self.wait_to_read(at_least=self.hold)
        self.play(Fade(picture, out=True), run_time=0.6)

        # --- 3. references
        refs = self._references(data.references, 2 * half)
        if data.voice_credit:
            credit = fit_width(label(data.voice_credit, theme.LABEL_SIZE, theme.MUTED), 2 * half, theme.LABEL_SIZE)
            refs.add(credit.next_to(refs, DOWN, buff=0.3, aligned_edge=LEFT))
        refs_title = label("References", theme.HEADING_SIZE).to_corner(UL, buff=self.margin)
        refs.next_to(refs_title, DOWN, buff=0.45).align_to(refs_title, LEFT)
        card = VGroup(refs_title, refs, name="references")  # the one card read at leisure, not in passing
        voice = ", and the voice you hear" if self.settings.voice else ""
        self.say(f"The papers behind TPE, random search and Optuna{voice}.")
        self.play(Fade(card), run_time=1.0)
        self.wait_to_read(at_least=4.0)

    # --- the chart over budgets

    def _budget_chart(self, curves: cases.BudgetCurves, top: int) -> BudgetChart:
        axes = panels.ShareAxes(top, self.chart_size)
        startup = VGroup()
        if 0 < curves.n_startup_trials < top:
            zone = Polygon(
                axes.point(0, 0),
                axes.point(curves.n_startup_trials, 0),
                axes.point(curves.n_startup_trials, 1),
                axes.point(0, 1),
                stroke_width=0,
                fill_color=theme.MUTED,
                fill_opacity=0.15,
            )
            # Its name runs up inside the zone, clear of the curves and the grid's markers.
            note = label("TPE's start-up", theme.SMALL_SIZE, theme.TEXT).rotate(np.pi / 2).move_to(zone)
            startup.add(zone, note)
        budgets = np.arange(1, top + 1, dtype=float)
        bands, lines = VGroup(), VGroup()
        # Random search (and QMC) solid and thick, TPE dashed and thinner on top: where they coincide both show.
        for name in sorted(curves.shares, key=lambda n: n == "tpe"):
            color = self.palette.samplers[name]
            low, high = curves.intervals[name]
            upper = [axes.point(b, v) for b, v in zip(budgets, high, strict=True)]
            lower = [axes.point(b, v) for b, v in zip(budgets[::-1], low[::-1], strict=True)]
            bands.add(Polygon(*upper, *lower, stroke_width=0, fill_color=color, fill_opacity=0.15))
            line = VMobject(stroke_color=color, stroke_width=3 if name == "tpe" else 7)
            line.set_points_as_corners([axes.point(b, v) for b, v in zip(budgets, curves.shares[name], strict=True)])
            lines.add(panels.dashed(line) if name == "tpe" else line)
        grid = VGroup()
        for budget, hit in curves.grid.items():
            marker = trial_marker(self.palette.samplers["grid"], 0.08).move_to(axes.point(budget, float(hit)))
            grid.add(marker)
            if hit:  # the budgets whose grid lands in the well, named
                grid.add(
                    math_label(str(budget), theme.SMALL_SIZE, self.palette.samplers["grid"]).next_to(marker, UP, 0.08)
                )
        names = [*sorted(curves.shares, key=lambda n: n == "tpe"), *(["grid"] if curves.grid else [])]
        legend = VGroup(
            *[
                label(
                    SAMPLER_NAMES[n] + (" (dashed)" if n == "tpe" else ""), theme.LABEL_SIZE, self.palette.samplers[n]
                )
                for n in names
            ]
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        legend.next_to(axes, RIGHT, buff=0.5).align_to(axes, UP)
        return BudgetChart(axes, startup, bands, lines, grid, legend)

    # --- references

    def _finals(self, data: findings.VerdictData) -> Finals:
        """Rows of dots, one per seed at its final best loss, a row per sampler, the threshold across them."""
        low, high = data.value_range
        axis = panels.Strip(low, high, self.strip_width, n_ticks=4)
        lines = story.takeaway_lines(data)
        rows = VGroup()
        top = 1.9
        names = {name: label(SAMPLER_NAMES[name], theme.BODY_SIZE, self.palette.samplers[name]) for name in data.main}
        left = -config.frame_width / 2 + self.margin + max(n.width for n in names.values()) + 0.4
        for i, (name, summary) in enumerate(data.main.items()):
            y = top - i * self.row_step
            color = self.palette.samplers[name]
            name_label = names[name].move_to(np.array([-config.frame_width / 2 + self.margin, y, 0]), aligned_edge=LEFT)
            dots = VGroup()
            for seed, value in enumerate(summary.finals):
                # Spread over the row's height by the golden ratio: even, and the same every render.
                lift = ((seed * 0.6180339887) % 1.0 - 0.5) * 0.45
                at = np.array([left + (value - low) / (high - low) * self.strip_width, y + lift, 0])
                dots.add(Dot(at, radius=0.035, color=color, fill_opacity=0.7))
            line = label(lines[name], theme.LABEL_SIZE, theme.TEXT).next_to(
                np.array([left, y - 0.42, 0]), DOWN, buff=0.0, aligned_edge=LEFT
            )
            line.add_background_rectangle(color=theme.BACKGROUND, opacity=1.0, buff=0.06)  # over the threshold
            rows.add(VGroup(name_label, dots, line))
        axis.place(left, top - len(rows) * self.row_step + 0.2)
        x = left + (data.threshold - low) / (high - low) * self.strip_width
        threshold = VGroup(
            DashedLine(np.array([x, axis.line.get_y(), 0]), np.array([x, top + 0.45, 0]), dash_length=0.1).set_stroke(
                self.palette.highlight, 2
            ),
            label("deep well", theme.SMALL_SIZE, self.palette.highlight).next_to(np.array([x, top + 0.45, 0]), UP, 0.1),
        )
        axis.add(
            axis_title("final best loss", theme.SMALL_SIZE)
            .next_to(axis.line, DOWN, buff=0.45)
            .align_to(axis.line, RIGHT)
        )
        return Finals(axis, threshold, rows)

    @staticmethod
    def _references(references: tuple[tuple[str, str], ...], width: float) -> VGroup:
        items = VGroup()
        for authors, rest in references:
            items.add(
                VGroup(
                    label(authors, theme.BODY_SIZE),
                    paragraph(rest, width - 0.4, theme.LABEL_SIZE, theme.MUTED),
                ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            )
        for item in items:
            item[1].shift(0.4 * RIGHT)  # titles indented under their authors
        return items.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
