# manim -pqh scenes/race.py Race
"""Beat 7, the race: the samplers' featured runs side by side, trial by trial, on one loss map."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Group, ValueTracker, VGroup, VMobject, config, linear

from hpsearch import findings, story
from hpsearch.formatting import SAMPLER_NAMES, format_decay, format_loss_tex, plural, sci_latex
from samplers import SamplerName
from scenes.base import FlatBeat
from scenes.kit import panels, theme
from scenes.kit.fade import Fade
from scenes.kit.marks import refit, ring, trial_marker
from scenes.kit.text import RUNNING, fit_width, label, math_label, table


class Race(FlatBeat):
    seconds_per_trial = 0.36
    max_race_seconds = 16.0
    panel_gap = 0.5
    margin = 0.3
    max_side = 2.9
    plot_width = 5.0
    min_plot_width = 3.6
    plot_height = 2.0
    max_plot_height = 3.2
    hold = 6.0
    heading_seconds = 2.5  # the heading alone, long enough to read its numbers

    def construct(self):
        data = findings.race(self.settings)
        names = list(data.runs)
        objective, palette = self.settings.objective_function, self.palette

        # Panels: the same loss map once per sampler, titled in the sampler's colour.
        # Tick labels and axis titles add a fixed width to each map: measure it, then size the maps to fit.
        probe = panels.BoxPlot.loss_map(objective, palette, side=3.0, resolution=8)
        extra = probe.width - 3.0
        room = config.frame_width - 2 * self.margin - self.panel_gap * (len(names) - 1)
        side = min(self.max_side, room / len(names) - extra)
        maps = Group(*[panels.BoxPlot.loss_map(objective, palette, side=side) for _ in names])
        maps.arrange(RIGHT, buff=self.panel_gap).to_edge(UP, buff=0.7)
        titles = VGroup(
            *[
                label(SAMPLER_NAMES[name], theme.BODY_SIZE, palette.samplers[name]).next_to(m.frame, UP, buff=0.22)
                for name, m in zip(names, maps, strict=True)  # clear of a ring on the top edge
            ]
        )
        for title in titles:  # a long name over an outer map stays inside the frame
            edge = config.frame_width / 2 - self.margin
            title.shift(min(0, edge - title.get_right()[0]) * RIGHT + max(0, -edge - title.get_left()[0]) * RIGHT)

        # Best-so-far curves on one shared axis beneath; the final table goes to its right,
        # so the plot gives up width when the table needs it (e.g. a fourth sampler's long name).
        table = self._table(data, names)

        def layout(size: tuple[float, float]):
            plot_width, plot_height = size
            axes = panels.LossAxes(data.budget, data.value_range, width=plot_width, height=plot_height)
            axes.to_corner(DOWN + LEFT, buff=0.3).shift(0.2 * RIGHT)
            threshold, threshold_label = axes.deep_well(data.threshold, data.deep_share, palette.highlight)
            right_area = (threshold_label.get_right()[0] + 0.3, config.frame_width / 2 - 0.3)
            overflow = table.width - (right_area[1] - right_area[0])
            # Smaller maps (more samplers) leave height to spare: give it to the plot.
            spare = maps.get_bottom()[1] - 0.35 - axes.get_top()[1]
            result = axes, threshold, threshold_label, right_area
            if (overflow <= 0 or plot_width <= self.min_plot_width) and spare < 0.3:
                return result, None
            if overflow > 0:
                plot_width = max(plot_width - overflow, self.min_plot_width)
            return result, (plot_width, min(plot_height + max(spare, 0), self.max_plot_height))

        axes, threshold, threshold_label, right_area = refit(layout, (self.plot_width, self.plot_height), tries=3)

        # The full race needs the whole frame: its heading comes first, alone, then gives way.
        heading = self.title(f"one seed ({data.seed}), {plural(data.budget, 'run')} for each sampler")
        self.play(Fade(heading), run_time=1.0)
        self.wait(self.heading_seconds)
        self.say("The same loss map for each sampler: darker is lower; the cross marks the minimum.")
        self.play(
            Fade(heading, out=True),
            Fade(maps),
            Fade(titles),
            Fade(axes),
            Fade(threshold),
            Fade(threshold_label),
            run_time=2.0,
        )
        # No hold on empty panels: the trials start while that sentence is still being read.

        # Trials appear in every panel at once, driven by one tracker: trials shown = t.
        # The updaters swap prebuilt parts in and out: always_redraw would rebuild and
        # re-align whole groups every frame, which cost a quarter of the beat. Each group
        # starts empty: manim draws, all through play(), every part a moving group had at its start.
        t = ValueTracker(0.0)
        live = []  # mobjects updated every frame while the trials come in
        for name, m in zip(names, maps, strict=True):
            run = data.runs[name]
            color = palette.samplers[name]
            # TPE's start-up trials hollow, as wherever TPE's trials are drawn.
            startup = data.n_startup_trials if name == "tpe" else 0
            dots = [
                trial_marker(color, hollow=trial.number < startup).move_to(m.point(trial.x, trial.y))
                for trial in run.trials
            ]
            rings = [ring(theme.TEXT).move_to(m.point(trial.x, trial.y)) for trial in run.trials]
            shown = VGroup().add_updater(
                lambda g, run=run, dots=dots, rings=rings, m=m, color=color: self._show_dots(
                    g, run, dots, rings, m, color, t.get_value()
                )
            )
            width = panels.curve_width(name, 4)
            curve = panels.step_curve(axes, run.best_so_far, color, upto=0, stroke_width=width).add_updater(
                lambda c, run=run: panels.set_steps(c, axes, run.best_so_far, upto=min(t.get_value(), len(run.trials)))
            )
            live += [shown, curve]
        # One text per count, built once: building text every frame is what would cost.
        counter_anchor = np.array([sum(right_area) / 2, axes.get_center()[1], 0])
        counts = [
            label(f"trial {k} of {data.budget}", theme.HEADING_SIZE).move_to(counter_anchor)
            for k in range(data.budget + 1)
        ]
        counter = VGroup(name=RUNNING).add_updater(
            lambda g: setattr(g, "submobjects", [counts[min(int(t.get_value()), data.budget)]])
        )
        live.append(counter)
        self.add(*live)

        run_time = min(self.seconds_per_trial * data.budget, self.max_race_seconds)  # big budgets: faster
        self.say(story.startup(data.budget, data.n_startup_trials))
        self.say(story.race_grid(data))
        self.play(t.animate.set_value(data.budget), run_time=run_time, rate_func=linear)
        self.wait_to_read()

        for mob in live:  # the race is over: freeze it, so the rest is drawn once
            mob.clear_updaters()

        # Final values: best loss and where it was, in real units.
        first, second = story.race_outcome(data, names)
        fit_width(table, right_area[1] - right_area[0], theme.LABEL_SIZE)
        self.say(first)
        self.say(second)
        self.say(story.race_one_seed(data))
        self.play(Fade(counter, out=True), Fade(table.move_to(counter_anchor)), run_time=1.0)
        self.wait_to_read(at_least=self.hold)

    @staticmethod
    def _show_dots(group: VGroup, run, dots: list, rings: list, m: panels.BoxPlot, color, t: float) -> None:
        """The first t trials' markers, the next one growing, a ring on the best so far.

        All but the growing marker are prebuilt.
        """
        n = int(min(t, len(run.trials)))
        parts = dots[:n]
        if n < len(run.trials) and t - n > 0.02:  # the next trial pops in
            grown = dots[n].copy().scale(min(1.0, (t - n) * 3))  # prebuilt, hollow or not
            parts = parts + [grown]
        if n:
            best = min(range(n), key=lambda i: (run.trials[i].value, run.trials[i].number))
            parts = parts + [rings[best]]
        group.submobjects = parts

    def _table(self, data: findings.RaceData, names: list[SamplerName]) -> VGroup:
        size = theme.LABEL_SIZE
        rows: list[list[VMobject]] = [
            [
                label(""),
                label("best loss", size, theme.MUTED),
                label("lr", size, theme.MUTED),
                label("decay", size, theme.MUTED),
            ]
        ]
        for n in names:
            s = data.summaries[n]
            rows.append(
                [
                    label(SAMPLER_NAMES[n], size, self.palette.samplers[n]),
                    math_label(
                        format_loss_tex(s.best_value),
                        theme.BODY_SIZE,
                        self.palette.highlight if s.reached else theme.TEXT,
                    ),
                    math_label(sci_latex(s.best_lr), theme.BODY_SIZE),
                    math_label(format_decay(s.best_decay), theme.BODY_SIZE),
                ]
            )
        if any(data.summaries[n].n_trials < data.budget for n in names):  # e.g. a grid on a non-square budget
            rows[0].append(label("runs", size, theme.MUTED))
            for row, n in zip(rows[1:], names, strict=True):
                row.append(math_label(str(data.summaries[n].n_trials), theme.BODY_SIZE))
        return table(rows, col_alignments="lrrr" + "r" * (len(rows[0]) - 4), h_buff=0.3, v_buff=0.2)
