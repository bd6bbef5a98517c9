# manim -pqh scenes/random_search.py RandomSearch
"""Beat 4: random search with the same budget, and why it beats a grid when one
hyperparameter matters most (Bergstra & Bengio 2012)."""

import numpy as np
from manim import DEGREES, DOWN, LEFT, UP, Create, Line, Rectangle, Text, ValueTracker, VGroup, config

from hpsearch import findings, story
from hpsearch.formatting import format_loss, plural
from objective import LEARNING_RATE, OBJECTIVES
from scenes.base import SurfaceBeat
from scenes.kit import theme
from scenes.kit.fade import Fade
from scenes.kit.marks import beside, lr_labels, trial_marker
from scenes.kit.readout import RunReadout
from scenes.kit.staging import PANEL_MIDDLE_LEFT, PANEL_TOP_LEFT, drop_trials, keep_labels_upright
from scenes.kit.surface_plot import MARKER_RADIUS, SurfacePlot
from scenes.kit.text import paragraph


class RandomSearch(SurfaceBeat):
    seconds_per_trial = 0.25
    hold = 3.0
    # The one-axis case: the camera turns to look along the decay axis (lr left to right).
    side_phi = 90.0
    side_theta = -90.0
    morph_seconds = 4.0
    side_zoom = 1.2
    stack_top = 0.45  # frame units from the lr axis down to the first row of dots
    stack_row = 0.9  # from the grid's row to random search's
    stack_gap = 0.1  # between dots stacked at one lr
    legend_drop = 0.6

    def construct(self):
        data, plot = findings.random_search(self.settings), self.plot
        run, grid_run = data.run, data.grid_run
        color, grid_color = self.palette.samplers["random"], self.palette.samplers["grid"]

        title = self.title(f"the same {plural(data.budget, 'run')}, each drawn at random")
        tracker = ValueTracker(0)
        readout = RunReadout(run, tracker, color, camera=self.camera).anchor_at(PANEL_TOP_LEFT)
        self.add_fixed_in_frame_mobjects(title, readout)
        self.say("Random search draws each run independently: lr log-uniform, decay uniform.")
        self.wait(0.5)
        drop_trials(self, plot, run.trials, color, self.seconds_per_trial, tracker)
        self.wait_to_read()

        # Every random run tries a new learning rate; the grid repeats a few.
        c = plot.layout.to_scene
        low = plot.layout.z_low
        rug = VGroup()
        for t in run.trials:
            rug.add(Line(c(t.x, -5.25, low), c(t.x, -5.75, low), stroke_color=color, stroke_width=3))
        for lr in sorted(set(t.lr for t in grid_run.trials)):
            x = float(LEARNING_RATE.to_internal(lr))
            rug.add(Line(c(x, -5.85, low), c(x, -6.45, low), stroke_color=grid_color, stroke_width=5))
        counts = (
            VGroup(
                Text(f"{plural(run.distinct_lr, 'learning rate')} tried", font_size=theme.LABEL_SIZE, color=color),
                Text(
                    f"grid: {plural(grid_run.distinct_lr, 'learning rate')}",
                    font_size=theme.LABEL_SIZE,
                    color=grid_color,
                ),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.18)
            .move_to(PANEL_MIDDLE_LEFT, aligned_edge=UP + LEFT)
        )
        self.pin(counts)
        self.say(
            f"Projected onto the lr axis: {plural(run.distinct_lr, 'different learning rate')}, "
            f"against the grid's {grid_run.distinct_lr}."
        )
        # The same picture language as every search beat: the deep well's floor, a ring on the best trial.
        star = plot.minimum_marker(data.deepest, self.palette.highlight)
        best_ring = plot.ring(run.best_trial, color)
        self.play(Create(rug), Fade(counts), Fade(star), Create(best_ring), run_time=1.5)
        self.wait_to_read(at_least=self.hold)

        # The one-axis case on its own surface: a curtain falls, the new landscape is staged behind it.
        curtain = Rectangle(width=16, height=9, fill_color=theme.BACKGROUND, fill_opacity=1, stroke_width=0)
        self.pin(curtain)
        self.play(Fade(curtain), run_time=0.6)
        self.clear()
        self.one_axis_argument(data, curtain)

    def one_axis_argument(self, data: findings.RandomSearchData, curtain: Rectangle):
        settings, case = self.settings, data.one_axis
        valley = OBJECTIVES[case.objective]
        grid_run, run = case.grid, case.random
        color, grid_color = self.palette.samplers["random"], self.palette.samplers["grid"]

        # No walls: seen from the side, the whole surface then projects onto the band of losses at each lr.
        plot = SurfacePlot(
            valley, self.palette, settings.view, self.surface_resolution, loss_axis=True, walls=False, z_length=2.0
        )
        self.add(plot)
        keep_labels_upright(self, plot)
        title = self.title("when one hyperparameter matters (Bergstra & Bengio 2012)")
        self.add_fixed_in_frame_mobjects(title, curtain)
        self.play(Fade(curtain, out=True), run_time=0.6)
        self.remove(curtain)

        def dots(r, c):
            # Flat dots that keep facing the camera while it turns
            group = VGroup(*[trial_marker(c, MARKER_RADIUS).move_to(plot.point(t.x, t.y)) for t in r.trials])
            self.camera.add_fixed_orientation_mobjects(*group)
            return group

        grid_dots, random_dots = dots(grid_run, grid_color), dots(run, color)
        self.say(story.one_axis(case.decay_share))
        self.wait_to_read(at_least=self.hold)
        n_decay = len(grid_run.trials) // grid_run.distinct_lr
        self.say(story.grid_spend(grid_run.distinct_lr, n_decay, grid_run.best_trial.value < valley.deep_threshold))
        self.play(Fade(grid_dots, lag_ratio=0.05), run_time=1.5)
        self.wait_to_read()
        self.play(Fade(random_dots, lag_ratio=0.05), run_time=1.5)

        # Turn the camera until it looks along the decay axis: the surface becomes its lr profile.
        self.say("Seen along the decay axis, each run lands on its learning rate.")
        self.move_camera(
            phi=self.side_phi * DEGREES,
            theta=self.side_theta * DEGREES,
            zoom=self.side_zoom,
            run_time=self.morph_seconds,
            added_anims=[Fade(plot.decay_axis, out=True), Fade(plot.lr_labels, out=True)],
        )
        self.wait_to_read(at_least=self.hold)

        # Under the axis, every run as a dot in its lr's column: the grid's stacks, random search's singles.
        def screen(x: float) -> np.ndarray:
            return self.camera.project_point(plot.layout.to_scene(x, -5, plot.floor_loss))

        rows = VGroup()
        for k, (r, c) in enumerate(((grid_run, grid_color), (run, color))):
            base = screen(0)[1] - self.stack_top - k * self.stack_row
            per_lr: dict[float, int] = {}
            row = VGroup()
            for t in r.trials:
                height = per_lr.get(t.x, 0)
                per_lr[t.x] = height + 1
                row.add(trial_marker(c, 0.045).move_to(np.array([screen(t.x)[0], base + height * self.stack_gap, 0.0])))
            rows.add(row)
        ticks = lr_labels(lambda x: screen(x) + (rows.get_bottom()[1] - screen(x)[1]) * UP, beside(0.15))
        names = VGroup(
            Text(
                f"grid: {plural(grid_run.distinct_lr, 'learning rate')}", font_size=theme.LABEL_SIZE, color=grid_color
            ),
            Text(f"best {format_loss(grid_run.best_trial.value)}", font_size=theme.BODY_SIZE, color=grid_color),
            Text(f"random: {plural(run.distinct_lr, 'learning rate')}", font_size=theme.LABEL_SIZE, color=color),
            Text(f"best {format_loss(run.best_trial.value)}", font_size=theme.BODY_SIZE, color=color),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        names[2:].shift(0.25 * DOWN)
        names.move_to(PANEL_TOP_LEFT + self.legend_drop * DOWN, aligned_edge=UP + LEFT)
        self.pin(rows, ticks, names)
        self.say(
            f"Counted per learning rate: the grid stacks {plural(n_decay, 'run')} on each of "
            f"{grid_run.distinct_lr}; random search spreads one run each over {run.distinct_lr}."
        )
        self.play(Fade(rows[0], lag_ratio=0.02), Fade(ticks), Fade(names[:2]), run_time=1.5)
        self.play(Fade(rows[1], lag_ratio=0.02), Fade(names[2:]), run_time=1.5)
        self.wait_to_read(at_least=self.hold)
        said = story.seeds_won(data.n_seeds, case.random_beats_grid, "random search", "the grid")
        verdict = paragraph(said, config.frame_width / 2 - PANEL_TOP_LEFT[0] - 0.4, theme.LABEL_SIZE)
        verdict.next_to(names, DOWN, buff=0.5, aligned_edge=LEFT)
        self.pin(verdict)
        self.say(said)
        self.play(Fade(verdict), run_time=0.5)
        self.wait_to_read(at_least=self.hold)
