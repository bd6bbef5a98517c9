# manim -pqh scenes/dimensions.py Dimensions
"""Beat 9, more hyperparameters: the same wells searched in 2 to 8 hyperparameters, of which the loss
reads two. Where a full grid's points land as it must split its runs over every axis, and how often
each sampler still reaches the deep well."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Group, Line, VGroup, VMobject

from hpsearch import cases, findings, story
from hpsearch.formatting import SAMPLER_NAMES
from scenes.base import FlatBeat
from scenes.kit import panels, theme
from scenes.kit.fade import Fade
from scenes.kit.marks import trial_marker
from scenes.kit.text import label, math_label


class Dimensions(FlatBeat):
    margin = 0.45
    map_side = 1.6
    map_gap = 0.85
    chart_size = (5.6, 1.9)
    hold = 3.0

    def construct(self):
        case = findings.dimensions(self.settings)
        heading = self.title(f"{case.budget} runs; the loss reads two of the hyperparameters")
        maps = self._grids(case).next_to(heading, DOWN, buff=0.45).align_to(heading, LEFT).shift(0.1 * RIGHT)
        chart = self._chart(case)
        chart.to_edge(DOWN, buff=0.3).align_to(maps, LEFT).shift(1.0 * RIGHT)

        self.say(story.dimensions_setup(case.budget, case.dims))
        self.play(Fade(heading), *[Fade(m[:3]) for m in maps], run_time=1.2)
        self.wait_to_read()
        self.say(story.dimensions_grid(case.budget, case.dims, case.per_axis, case.shares.get("grid", [])))
        self.play(*[Fade(m[3], lag_ratio=0.02) for m in maps], run_time=2.0)
        self.wait_to_read(at_least=self.hold)
        if {"random", "tpe"} <= case.shares.keys():
            self.say(story.dimensions_outcome(case.dims, case.shares["random"], case.shares["tpe"]))
        self.play(Fade(chart.axes), Fade(chart.legend), run_time=1.0)
        self.play(Create(chart.lines), Fade(chart.whiskers), Fade(chart.dots), run_time=2.5)
        self.wait_to_read(at_least=self.hold)

    def _grids(self, case: cases.DimensionCase) -> Group:
        """One small loss map per d, with the full grid's points seen on lr x decay."""
        color = self.palette.samplers["grid"]
        maps = Group()
        for d, k, points in zip(case.dims, case.per_axis, case.grid_points, strict=True):
            m = panels.BoxPlot.loss_map(
                self.settings.objective_function,
                self.palette,
                side=self.map_side,
                lr_labels=False,
                decay_labels=False,
                axis_titles=False,
            )
            head = math_label(f"d = {d}", theme.LABEL_SIZE).next_to(m.frame, UP, buff=0.15)
            size = math_label(f"{k}^{{{d}}} = {k**d}", theme.LABEL_SIZE, theme.MUTED).next_to(m.frame, DOWN, buff=0.15)
            dots = VGroup(*[trial_marker(color, 0.06).move_to(m.point(x, y)) for x, y in points])
            maps.add(Group(m, head, size, dots))
        return maps.arrange(RIGHT, buff=self.map_gap, aligned_edge=UP)

    def _chart(self, case: cases.DimensionCase) -> DimensionChart:
        """Seeds in the deep well against d, per sampler, with 95 % Wilson intervals."""
        n = len(case.dims)
        # One column per d, each at its middle
        axes = panels.ShareAxes(
            n, self.chart_size, "hyperparameters searched", [(i + 0.5, str(d)) for i, d in enumerate(case.dims)]
        )

        def point(i: float, share: float) -> np.ndarray:
            return axes.point(i + 0.5, share)

        lines, whiskers, dots = VGroup(), VGroup(), VGroup()
        # A small sideways offset per sampler keeps their whiskers apart.
        names = list(case.shares)
        for j, name in enumerate(names):
            color = self.palette.samplers[name]
            shift = (j - (len(names) - 1) / 2) * 0.12
            at = [point(i, v) + shift * RIGHT for i, v in enumerate(case.shares[name])]
            lines.add(VMobject(stroke_color=color, stroke_width=3).set_points_as_corners(at))
            dots.add(*[trial_marker(color, 0.07).move_to(p) for p in at])
            low, high = case.intervals[name]
            for i in range(n):
                if high[i] - low[i] > 0 and name != "grid":  # the grid's points do not change with the seed
                    whiskers.add(Line(point(i, low[i]) + shift * RIGHT, point(i, high[i]) + shift * RIGHT))
        whiskers.set_stroke(theme.TEXT, 2)
        legend = VGroup(
            *[label(SAMPLER_NAMES[name], theme.LABEL_SIZE, self.palette.samplers[name]) for name in names],
            label("lines: 95% interval", theme.SMALL_SIZE, theme.MUTED),
            label("(Wilson)", theme.SMALL_SIZE, theme.MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        legend.next_to(axes.x_axis, RIGHT, buff=0.6).align_to(axes.y_axis, UP)
        return DimensionChart(axes, lines, whiskers, dots, legend)


class DimensionChart(VGroup):
    def __init__(self, axes, lines, whiskers, dots, legend) -> None:
        super().__init__(axes, lines, whiskers, dots, legend)
        self.axes, self.lines, self.whiskers, self.dots, self.legend = axes, lines, whiskers, dots, legend
