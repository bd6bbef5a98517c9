# manim -pqh scenes/many_seeds.py ManySeeds
"""Beat 8, many seeds: each sampler's median best-so-far with its interquartile band,
and how often it reaches the deep well."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, GrowFromEdge, Line, Mobject, Rectangle, Text, VGroup, config

from hpsearch import findings, story
from hpsearch.formatting import SAMPLER_NAMES, format_loss, plural
from scenes.base import FlatBeat
from scenes.kit import panels, theme
from scenes.kit.fade import Fade
from scenes.kit.marks import refit
from scenes.kit.text import fit_width, label


class Bars(VGroup):
    """The bar chart of ManySeeds: its title, `rows` of (name, bar, count, track, median, interval),
    and the note saying what the interval is."""

    def __init__(self, title: Text, rows: VGroup, note: Text) -> None:
        super().__init__(title, rows, note)
        self.title, self.rows, self.note = title, rows, note


class ManySeeds(FlatBeat):
    margin = 0.45
    plot_width = 5.6
    min_plot_width = 4.0
    plot_height = 4.8
    bar_length = 1.4
    draw_seconds = 6.0  # the median curves drawn slowly enough to follow
    row_step = 1.05  # between the bars' rows, room for the median under each
    band_opacity = 0.12  # faint fills with outlines: overlapping bands stay apart

    def construct(self):
        data = findings.many_seeds(self.settings)
        names = list(data.summaries)
        highlight = self.palette.highlight

        heading = self.title(f"{plural(data.n_seeds, 'seed')} per sampler, {plural(data.budget, 'run')} each")
        # The plot gives up width when the bars beside it need it (e.g. a fourth sampler's long name).
        bars = self._bars(data)

        def layout(plot_width: float):
            axes = panels.LossAxes(
                data.budget,
                data.value_range,
                plot_width,
                self.plot_height,
                y_title="best loss so far",
            )
            axes.next_to(heading, DOWN, buff=0.35).align_to(heading, LEFT).shift(0.15 * RIGHT)
            threshold, threshold_label = axes.deep_well(data.threshold, data.deep_share, highlight)
            left = max(threshold_label.get_right()[0], axes.get_right()[0]) + 0.4
            room = config.frame_width / 2 - self.margin - left
            result = axes, threshold, threshold_label, left, room
            if bars.width <= room or plot_width <= self.min_plot_width:
                return result, None
            return result, max(plot_width - (bars.width - room), self.min_plot_width)

        axes, threshold, threshold_label, left, room = refit(layout, self.plot_width, tries=2)
        fit_width(bars, room, theme.LABEL_SIZE)
        bars.move_to(np.array([left + bars.width / 2, axes.y_axis.get_center()[1], 0], float))

        # Median staircases with their interquartile bands, one per sampler.
        curves, bands = VGroup(), VGroup()
        for name in names:
            q1, median, q3 = data.summaries[name].curve_quartiles
            color = self.palette.samplers[name]
            bands.add(panels.step_band(axes, q1, q3, color, self.band_opacity, outline=1.5))
            curves.add(panels.step_curve(axes, median, color, stroke_width=panels.curve_width(name, 5)))

        self.say(f"Now {plural(data.n_seeds, 'seed')} per sampler, {plural(data.budget, 'run')} each.")
        self.play(Fade(heading), Fade(axes), Fade(threshold), Fade(threshold_label), run_time=1.5)
        self.wait_to_read()
        self.say(story.curves_legend(data.n_seeds))
        self.play(Fade(bands), Create(curves), *[Fade(row[0]) for row in bars.rows], run_time=self.draw_seconds)
        self.wait_to_read(at_least=1.0)
        self.say(story.many_seeds_grid(data))
        self.wait_to_read()
        self.say(story.many_seeds_reached(data))
        self.play(
            *[GrowFromEdge(row[1], LEFT) for row in bars.rows],
            Fade(heading[1], out=True),  # the subtitle has been read; the bars need the words
            Fade(bars.title),
            *[Fade(row[2]) for row in bars.rows],
            *[Fade(row[3]) for row in bars.rows],
            run_time=2.0,
        )
        self.wait_to_read(at_least=2.5)
        if any(len(row[5]) for row in bars.rows):
            self.say(story.many_seeds_intervals(data))
            self.play(*[Create(row[5]) for row in bars.rows if len(row[5])], Fade(bars.note), run_time=1.5)
            self.wait_to_read(at_least=2.5)
        self.say(story.many_seeds_medians(data, names))
        self.play(*[Fade(row[4]) for row in bars.rows], run_time=1.0)
        self.wait_to_read(at_least=2.5)

    def _bars(self, data: findings.ManySeedsData) -> Bars:
        """Seeds that reached the deep well, one bar per sampler, most first, each with its 95 % interval
        (Wilson; none for a sampler whose runs do not change with the seed) and its median final best."""
        rows = VGroup()
        for s in data.ranked():
            color = self.palette.samplers[s.sampler]
            name = label(SAMPLER_NAMES[s.sampler], theme.BODY_SIZE, color)
            length = max(self.bar_length * s.n_reached / data.n_seeds, 1e-3)
            bar = Rectangle(width=length, height=0.36, fill_color=color, fill_opacity=1.0, stroke_width=0)
            count = label(f"{s.n_reached} of {data.n_seeds}", theme.LABEL_SIZE)
            track = Rectangle(width=self.bar_length, height=0.36, stroke_color=theme.MUTED, stroke_width=1.5)
            what = "best" if data.n_seeds == 1 else "median"
            median = label(f"{what} {format_loss(s.median_final)}", theme.SMALL_SIZE, theme.MUTED)
            rows.add(VGroup(name, bar, count, track, median, VGroup()))
        name_width = max(row[0].width for row in rows)
        for i, (row, s) in enumerate(zip(rows, data.ranked(), strict=True)):
            row[0].move_to(np.array([0, -self.row_step * i, 0], float), aligned_edge=LEFT)
            row[1].move_to(np.array([name_width + 0.3, row[0].get_y(), 0], float), aligned_edge=LEFT)
            row[3].move_to(row[1], aligned_edge=LEFT)  # the full-length outline: 100 % of seeds
            row[2].next_to(row[3], RIGHT, buff=0.2)
            row[4].next_to(row[3], DOWN, buff=0.12, aligned_edge=LEFT)
            if not s.same_final_every_seed and data.n_seeds > 1:
                row[5].add(self._whisker(row[3], *s.reached_interval))
        title = label("seeds in the deep well", theme.LABEL_SIZE, self.palette.highlight)
        title.next_to(rows, UP, buff=0.4).align_to(rows, LEFT)
        note = label("line: 95% interval", theme.SMALL_SIZE, theme.MUTED)  # Wilson's, as the subtitle says
        note.next_to(rows, DOWN, buff=0.3).align_to(rows, LEFT)
        return Bars(title, rows, note)

    def _whisker(self, track: Mobject, low: float, high: float) -> VGroup:
        """An interval over the bar's track: a line from `low` to `high` (shares) with end caps."""
        y = track.get_y()
        x0 = track.get_left()[0] + low * track.width
        x1 = track.get_left()[0] + high * track.width
        return VGroup(
            Line(np.array([x0, y, 0]), np.array([x1, y, 0])),
            *[Line(np.array([x, y - 0.12, 0]), np.array([x, y + 0.12, 0])) for x in (x0, x1)],
        ).set_stroke(theme.TEXT, 3)
