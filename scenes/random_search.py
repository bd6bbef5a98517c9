# manim -pqh scenes/random_search.py RandomSearch
"""Beat 4: random search with the same budget, and why it beats a grid when one
hyperparameter matters most (Bergstra & Bengio 2012)."""

import numpy as np
from manim import DEGREES, DOWN, LEFT, UP, Axes, Create, Line, MathTex, Polygon, Rectangle, Text, ValueTracker, VGroup

from hpsearch import findings, story
from hpsearch.formatting import format_loss, plural, tick_text
from objective import LEARNING_RATE, OBJECTIVES
from scenes import theme
from scenes.base import SurfaceBeat
from scenes.fade import Fade
from scenes.marks import axis_title, beside, lr_labels, trial_marker
from scenes.pieces import PANEL_MIDDLE_LEFT, PANEL_TOP_LEFT, RunReadout, drop_trials


class RandomSearch(SurfaceBeat):
    seconds_per_trial = 0.25
    hold = 3.0

    def construct(self):
        settings, plot = self.settings, self.plot
        run = settings.featured_run("random")
        grid_run = settings.featured_run("grid")
        color, grid_color = self.palette.samplers["random"], self.palette.samplers["grid"]

        title = self.title(f"the same {plural(settings.budget, 'run')}, each drawn at random")
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
            rug.add(Line(c(t.x, -5.25, low), c(t.x, -5.75, low), stroke_color=color, stroke_width=3).shift(plot.origin))
        for lr in sorted(set(t.lr for t in grid_run.trials)):
            x = float(LEARNING_RATE.to_internal(lr))
            rug.add(
                Line(c(x, -5.85, low), c(x, -6.45, low), stroke_color=grid_color, stroke_width=5).shift(plot.origin)
            )
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
        star = plot.minimum_marker(settings.objective_function.global_minimum, self.palette.highlight)
        best_ring = plot.ring(run.best_trial, color)
        self.play(Create(rug), Fade(counts), Fade(star), Create(best_ring), run_time=1.5)
        self.wait_to_read(at_least=self.hold)

        # Cut to a flat view: what those extra learning rates buy when lr is all that matters.
        curtain = Rectangle(width=16, height=9, fill_color=theme.BACKGROUND, fill_opacity=1, stroke_width=0)
        self.pin(curtain)
        self.play(Fade(curtain), run_time=0.6)
        self.clear()
        self.set_camera_orientation(phi=0, theta=-90 * DEGREES)
        self.one_axis_argument()

    def one_axis_argument(self):
        settings = self.settings
        case = findings.one_axis_case(settings)
        valley = OBJECTIVES[case.objective]
        grid_run, run = case.grid, case.random
        color, grid_color = self.palette.samplers["random"], self.palette.samplers["grid"]

        title = self.title("only the learning rate matters (Bergstra & Bengio 2012)")
        low, high = valley.value_range
        axes = Axes(x_range=[-5, 5, 10], y_range=[low, high, high - low], x_length=7.6, y_length=3.5, tips=False)
        axes.move_to(np.array([-2.3, -0.1, 0], float))
        # Frame lines on the plot's edges (Axes would cross at loss 0 and lr 10^-5).
        frame = VGroup(Line(axes.c2p(-5, low), axes.c2p(5, low)), Line(axes.c2p(-5, low), axes.c2p(-5, high)))
        frame.set_stroke(theme.MUTED, 2)
        ticks = lr_labels(lambda x: axes.c2p(x, low), beside(0.2))
        x_title = axis_title("learning rate", theme.LABEL_SIZE).next_to(ticks, DOWN, buff=0.15)
        y_title = axis_title("loss", theme.LABEL_SIZE).next_to(frame[1], UP, buff=0.15)
        y_ticks = VGroup(
            *[
                MathTex(tick_text(v, tex=True), font_size=theme.LABEL_SIZE, color=theme.TEXT).next_to(
                    axes.c2p(-5, v), LEFT, buff=0.15
                )
                for v in (round(low), round(high))
            ]
        )
        # The loss over all decays at each lr: a thin band, because decay barely matters.
        xs = np.linspace(-5, 5, 201)
        decays = np.linspace(-5, 5, 41)
        losses = valley(xs[:, None], decays[None, :])
        upper = [axes.c2p(x, v) for x, v in zip(xs, losses.max(axis=1), strict=True)]
        lower = [axes.c2p(x, v) for x, v in zip(xs[::-1], losses.min(axis=1)[::-1], strict=True)]
        band = Polygon(
            *upper, *lower, stroke_width=1, stroke_color=theme.MUTED, fill_color=theme.MUTED, fill_opacity=0.35
        )

        def dots(r, c):
            return VGroup(*[trial_marker(c, 0.07).move_to(axes.c2p(t.x, t.value)) for t in r.trials])

        grid_dots, random_dots = dots(grid_run, grid_color), dots(run, color)
        legend = VGroup(
            Text(
                f"grid: {plural(grid_run.distinct_lr, 'learning rate')}", font_size=theme.LABEL_SIZE, color=grid_color
            ),
            Text(
                f"best {format_loss(grid_run.best_trial.value)}",
                font_size=theme.BODY_SIZE,
                color=grid_color,
                weight="BOLD",
            ),
            Text(f"random: {plural(run.distinct_lr, 'learning rate')}", font_size=theme.LABEL_SIZE, color=color),
            Text(f"best {format_loss(run.best_trial.value)}", font_size=theme.BODY_SIZE, color=color, weight="BOLD"),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        legend[2].shift(0.25 * DOWN)
        legend[3].shift(0.25 * DOWN)
        share = case.random_beats_grid
        said = story.seeds_won(settings.n_seeds, share, "random search", "the grid")
        verdict = Text(said, font_size=theme.LABEL_SIZE, color=theme.TEXT)
        legend.move_to(np.array([1.95, 1.4, 0], float), aligned_edge=UP + LEFT)
        verdict.to_edge(DOWN, buff=0.3)
        self.add(title)
        self.say("Here the loss depends almost only on the learning rate: the band spans every decay.")
        self.play(Fade(frame), Fade(ticks), Fade(x_title), Fade(y_title), Fade(y_ticks), Fade(band), run_time=1.0)
        self.wait_to_read()
        self.say(
            story.grid_spend(
                grid_run.distinct_lr,
                len(grid_run.trials) // grid_run.distinct_lr,
                grid_run.best_trial.value < valley.deep_threshold,
            )
        )
        self.play(Fade(grid_dots, lag_ratio=0.05), Fade(legend[:2]), run_time=2.0)
        self.wait_to_read(at_least=1.0)
        self.say(f"Random search tries {plural(run.distinct_lr, 'learning rate')} with the same budget.")
        self.play(Fade(random_dots, lag_ratio=0.05), Fade(legend[2:]), run_time=2.0)
        self.wait_to_read()
        self.say(said)
        self.play(Fade(verdict), run_time=0.5)
        self.wait_to_read(at_least=self.hold)
