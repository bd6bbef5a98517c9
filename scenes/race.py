# manim -pqh scenes/race.py Race
"""Beat 6, the race: the samplers' featured runs side by side, trial by trial, on one loss map."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN, LEFT, RIGHT, UP, Group, Scene, ValueTracker, VGroup, config, linear,
)

import findings
from scenes import panels, theme
from scenes.pieces import Fade


class Race(Scene):
    seconds_per_trial = 0.36
    max_race_seconds = 16.0
    panel_gap = 0.5
    margin = 0.3
    max_side = 2.9
    plot_width = 5.0
    min_plot_width = 3.6
    plot_height = 2.0
    max_plot_height = 3.2
    intro = 4.0
    hold = 6.0

    def construct(self):
        self.camera.background_color = theme.BACKGROUND
        data = findings.race(theme.SETTINGS)
        names = list(data.runs)
        landscape = theme.SETTINGS.landscape

        # Panels: the same loss map once per sampler, titled in the sampler's colour.
        # Tick labels and axis titles add a fixed width to each map: measure it, then size the maps to fit.
        probe = panels.LossMap(landscape, side=3.0, resolution=8)
        extra = probe.width - 3.0
        room = config.frame_width - 2 * self.margin - self.panel_gap * (len(names) - 1)
        side = min(self.max_side, room / len(names) - extra)
        maps = Group(*[panels.LossMap(landscape, side=side) for _ in names])
        maps.arrange(RIGHT, buff=self.panel_gap).to_edge(UP, buff=0.7)
        titles = VGroup(*[
            panels.label(theme.SAMPLER_NAMES[name], theme.BODY_SIZE, theme.SAMPLER_COLORS[name])
            .next_to(m.frame, UP, buff=0.22) for name, m in zip(names, maps)  # clear of a ring on the top edge
        ])
        for title in titles:  # a long name over an outer map stays inside the frame
            edge = config.frame_width / 2 - self.margin
            title.shift(min(0, edge - title.get_right()[0]) * RIGHT + max(0, -edge - title.get_left()[0]) * RIGHT)

        # Best-so-far curves on one shared axis beneath; the final table goes to its right,
        # so the plot gives up width when the table needs it (e.g. a fourth sampler's long name).
        table = self._table(data, names)
        plot_width, plot_height = self.plot_width, self.plot_height
        for _ in range(3):
            axes = panels.LossAxes(data.budget, data.value_range, width=plot_width, height=plot_height)
            axes.to_corner(DOWN + LEFT, buff=0.3).shift(0.2 * RIGHT)
            threshold = axes.threshold_line(data.threshold)
            threshold_label = panels.label("deep well", theme.SMALL_SIZE, theme.HIGHLIGHT) \
                .next_to(threshold, RIGHT, buff=0.15)
            right_area = (threshold_label.get_right()[0] + 0.3, config.frame_width / 2 - 0.3)
            overflow = table.width - (right_area[1] - right_area[0])
            # Smaller maps (more samplers) leave height to spare: give it to the plot.
            spare = maps.get_bottom()[1] - 0.35 - axes.get_top()[1]
            if (overflow <= 0 or plot_width <= self.min_plot_width) and spare < 0.3:
                break
            if overflow > 0:
                plot_width = max(plot_width - overflow, self.min_plot_width)
            plot_height = min(plot_height + max(spare, 0), self.max_plot_height)

        self.play(Fade(maps), Fade(titles), Fade(axes), Fade(threshold), Fade(threshold_label),
                  run_time=2.0, subcaption=f"Each sampler gets {data.budget} runs on the same loss map. "
                  "Darker is lower; the cross marks the minimum.", subcaption_duration=self.intro - 0.1)
        self.wait(self.intro - 2.0)

        # Trials appear in every panel at once, driven by one tracker: trials shown = t.
        # The updaters swap prebuilt parts in and out: always_redraw would rebuild and
        # re-align whole groups every frame, which cost a quarter of the beat. Each group
        # starts empty: manim draws, all through play(), every part a moving group had at its start.
        t = ValueTracker(0.0)
        live = []  # mobjects updated every frame while the trials come in
        for name, m in zip(names, maps):
            run = data.runs[name]
            color = theme.SAMPLER_COLORS[name]
            dots = [panels.trial_dot(color).move_to(m.point(trial.x, trial.y)) for trial in run.trials]
            rings = [panels.best_ring().move_to(m.point(trial.x, trial.y)) for trial in run.trials]
            shown = VGroup().add_updater(lambda g, run=run, dots=dots, rings=rings, m=m, color=color:
                                         self._show_dots(g, run, dots, rings, m, color, t.get_value()))
            curve = panels.step_curve(axes, run.best_so_far, color, upto=0).add_updater(
                lambda c, run=run: panels.set_steps(c, axes, run.best_so_far, upto=min(t.get_value(), len(run.trials))))
            live += [shown, curve]
        # One text per count, built once: building text every frame is what would cost.
        counter_anchor = np.array([sum(right_area) / 2, axes.get_center()[1], 0])
        counts = [panels.label(f"trial {k} of {data.budget}", theme.HEADING_SIZE).move_to(counter_anchor)
                  for k in range(data.budget + 1)]
        counter = VGroup().add_updater(
            lambda g: setattr(g, "submobjects", [counts[min(int(t.get_value()), data.budget)]]))
        live.append(counter)
        self.add(*live)

        run_time = min(self.seconds_per_trial * data.budget, self.max_race_seconds)  # big budgets: faster
        startup = min(data.n_startup_trials, data.budget)
        self.add_subcaption(f"TPE's first {startup} runs are random start-up trials. "
                            "Then it samples near the best trials so far.", duration=run_time / 2 - 0.1)
        self.add_subcaption(self._grid_sentence(data), duration=run_time / 2 - 0.1, offset=run_time / 2)
        self.play(t.animate.set_value(data.budget), run_time=run_time, rate_func=linear)

        for mob in live:  # the race is over: freeze it, so the rest is drawn once
            mob.clear_updaters()

        # Final values: best loss and where it was, in real units.
        first, second = self._final_sentences(data, names)
        panels.fit_width(table, right_area[1] - right_area[0], theme.LABEL_SIZE)
        self.play(Fade(counter, out=True), Fade(table.move_to(counter_anchor)), run_time=1.0,
                  subcaption=first, subcaption_duration=self.hold / 2 + 0.9)
        self.add_subcaption(second, duration=self.hold / 2, offset=self.hold / 2)  # after the first one ends
        self.wait(self.hold)

    @staticmethod
    def _show_dots(group: VGroup, run, dots: list, rings: list, m: panels.LossMap, color, t: float) -> None:
        """The first t trials' markers, the next one growing, a ring on the best so far (all but the growing one prebuilt)."""
        n = int(min(t, len(run.trials)))
        parts = dots[:n]
        if n < len(run.trials) and t - n > 0.02:  # the next trial pops in
            trial = run.trials[n]
            parts = parts + [panels.trial_dot(color, 0.06 * min(1.0, (t - n) * 3)).move_to(m.point(trial.x, trial.y))]
        if n:
            best = min(range(n), key=lambda i: (run.trials[i].value, run.trials[i].number))
            parts = parts + [rings[best]]
        group.submobjects = parts

    @staticmethod
    def _grid_sentence(data: findings.RaceData) -> str:
        grid = data.summaries["grid"]
        n_lr, n_decay = data.grid_shape
        text = f"The grid tries only {n_lr} learning rates and {n_decay} decays"
        text += ("; one of its points is in the deep well." if grid.reached
                 else "; none of its points is in the deep well.")
        if grid.n_trials < grid.budget:
            text += f" It uses {grid.n_trials} of the {grid.budget} runs."
        return text

    @staticmethod
    def _final_sentences(data: findings.RaceData, names: list[str]) -> tuple[str, str]:
        s = data.summaries
        best = ", ".join(f"{panels.in_text(n)} {findings.format_loss(s[n].best_value)}" for n in names)
        first = f"Best loss after {data.budget} runs: {best}."
        reached = [panels.in_text(n) for n in names if s[n].reached]
        missed = [panels.in_text(n) for n in names if not s[n].reached]
        below = f"(below {findings.format_loss(data.threshold)})"
        if reached and missed:
            second = (f"{panels.capitalised(panels.and_list(reached))} reached the deep well {below}; "
                      f"{panels.and_list(missed)} did not.")
        elif reached:
            second = f"All reached the deep well {below}."
        else:
            second = f"None reached the deep well {below}."
        return first, second + f" But this is one seed ({data.seed})."

    @staticmethod
    def _table(data: findings.RaceData, names: list[str]) -> VGroup:
        size = theme.LABEL_SIZE
        rows = [[panels.label(""), panels.label("best loss", size, theme.MUTED), panels.label("lr", size, theme.MUTED),
                 panels.label("decay", size, theme.MUTED)]]
        for n in names:
            s = data.summaries[n]
            rows.append([
                panels.label(theme.SAMPLER_NAMES[n], size, theme.SAMPLER_COLORS[n]),
                panels.math_label(f"{s.best_value:+.3f}", theme.BODY_SIZE, theme.HIGHLIGHT if s.reached else theme.TEXT),
                panels.math_label(findings.sci_latex(s.best_lr), theme.BODY_SIZE),
                panels.math_label(f"{s.best_decay:.2f}", theme.BODY_SIZE),
            ])
        if any(data.summaries[n].n_trials < data.budget for n in names):  # e.g. a grid on a non-square budget
            rows[0].append(panels.label("runs", size, theme.MUTED))
            for row, n in zip(rows[1:], names):
                row.append(panels.math_label(str(data.summaries[n].n_trials), theme.BODY_SIZE))
        return panels.table(rows, col_alignments="lrrr" + "r" * (len(rows[0]) - 4), h_buff=0.3, v_buff=0.2)


