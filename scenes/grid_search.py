# manim -pqh scenes/grid_search.py GridSearch
"""Beat 3: the grid's N points land in the order Optuna's GridSampler visits them."""

import math

import numpy as np
from manim import DOWN, LEFT, UL, Create, Text, ValueTracker, VGroup

from hpsearch import findings, story
from hpsearch.formatting import format_loss, format_point, plural
from objective import BOX
from scenes.base import SurfaceBeat
from scenes.kit import theme
from scenes.kit.fade import Fade
from scenes.kit.readout import RunReadout
from scenes.kit.staging import PANEL_TOP_LEFT, drop_trials
from scenes.kit.text import named_value


class GridSearch(SurfaceBeat):
    seconds_per_trial = 0.3
    hold = 3.0
    lottery_sizes = 5  # k x k grids shown after the configured one (more would reach the colour bar)
    lottery_step = 1.2  # seconds per grid

    def construct(self):
        data, plot = findings.grid_search(self.settings), self.plot
        run = data.run
        n_lr, n_decay = data.grid_shape
        spent = len(run.trials)
        color = self.palette.samplers["grid"]

        # Heading and the rule of the grid
        title = self.title(story.grid_title(n_lr, n_decay, spent, data.budget))
        tracker = ValueTracker(0)
        readout = RunReadout(run, tracker, color, camera=self.camera).anchor_at(PANEL_TOP_LEFT)
        self.add_fixed_in_frame_mobjects(title, readout)
        self.say(story.grid_rule(n_lr, n_decay))
        self.wait(1.0)

        # The trials land
        points = drop_trials(self, plot, run.trials, color, self.seconds_per_trial, tracker)
        self.wait_to_read()

        # The grid lines and the deep well's true minimum
        deepest = data.deepest
        ys = np.linspace(*BOX, 160)
        lines = VGroup()
        for x in data.lr_lines:
            lines.add(plot.path(np.full_like(ys, x), ys, color, stroke_width=2))
        for y in data.decay_lines:
            lines.add(plot.path(ys, np.full_like(ys, y), color, stroke_width=2))
        star = plot.minimum_marker(deepest, self.palette.highlight)
        best = run.best_trial
        ring = plot.ring(best, color)
        highlight = self.palette.highlight
        notes = VGroup(
            Text(f"{plural(n_lr, 'distinct learning rate')}", font_size=theme.LABEL_SIZE, color=color),
            Text(f"{plural(n_decay, 'distinct decay')}", font_size=theme.LABEL_SIZE, color=color),
            named_value("deep well", format_loss(deepest.value), highlight),
            Text(format_point(*deepest.hyperparameters), font_size=theme.SMALL_SIZE, color=theme.MUTED),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        notes.move_to(readout.get_corner(UL) + 1.9 * DOWN, aligned_edge=UL)
        self.pin(notes)
        self.say(
            story.grid_and_well(
                best.value,
                data.threshold,
                deepest.value,
                (deepest.x, deepest.y),
                data.lr_lines,
                data.decay_lines,
            )
        )
        self.play(Create(lines), Fade(star), Create(ring), Fade(notes), run_time=2.0)
        self.wait_to_read(at_least=self.hold)
        self.lottery(data, VGroup(points, lines, ring), notes)

    def lottery(self, data: findings.GridSearchData, shown: VGroup, notes: VGroup) -> None:
        """Grids of other sizes over the same surface, one after another, each one's best computed:
        whether a grid lands in the deep well depends on where its lines happen to fall."""
        plot, scan = self.plot, data.scan
        squares = [b for b in scan if math.isqrt(b) ** 2 == b]
        # The sizes nearest the configured budget, smallest first (budget 400 would scan 19).
        sizes = sorted(sorted(squares, key=lambda b: (abs(b - data.budget), b))[: self.lottery_sizes])
        color, highlight = self.palette.samplers["grid"], self.palette.highlight
        rows = VGroup()
        for b in sizes:
            k, (best, deep) = math.isqrt(b), scan[b]
            text = f"{k} × {k}  {format_loss(best)}" + ("  in the well" if deep else "")
            rows.add(Text(text, font_size=theme.SMALL_SIZE, color=highlight if deep else color))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to(notes, aligned_edge=UL)
        self.pin(rows)
        self.say(story.grid_lottery({b: scan[b] for b in sizes}))
        self.play(Fade(shown, out=True), Fade(notes, out=True), run_time=0.6)
        current = VGroup()
        for b, row in zip(sizes, rows, strict=True):
            grid = VGroup(*[plot.marker(x, y, color) for x, y in data.scan_points[b]])
            self.play(Fade(current, out=True), Fade(grid), Fade(row), run_time=self.lottery_step)
            current = grid
        self.wait_to_read(at_least=2.5)
