# manim -pqh scenes/inside_tpe.py InsideTPE
"""Beat 6: inside Optuna's TPESampler, trial by trial, on one large map of log l(x) - log g(x).

Every model-guided trial of the featured run (hpsearch.tpe.moments.inside_tpe):
the trials so far split at gamma(n) into the better group and the rest, the map
of log l - log g from the estimators Optuna built, the n_ei_candidates drawn
from l, the highest one ringed and run, and its loss. A few steps, chosen by
the data (the first model-guided trial, the one whose trial first reaches the
deep well, one between), go slowly; the rest run fast. l and g stay beside
the map as insets. Every number is read from the recorded data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, Group, ImageMobject, Line, MathTex, VGroup, VMobject, config
from PIL import Image

from hpsearch import findings, story
from hpsearch.formatting import format_loss, tick_text
from hpsearch.tpe import moments as tpe_moments
from hpsearch.tpe.records import InsideTPE as InsideData
from hpsearch.tpe.records import Step, StepMap
from scenes.base import FlatBeat
from scenes.kit import theme
from scenes.kit.fade import Fade
from scenes.kit.marks import cross, minimum_marker, ring, trial_marker
from scenes.kit.panels import BoxPlot, Strip
from scenes.kit.text import RUNNING, label, paragraph

RIGHT_EDGE = config.frame_width / 2 - 0.35


def heat_rgba(values: np.ndarray, low: float, high: float, color) -> np.ndarray:
    """Grid values linearly onto dark..color (clipped to [low, high]); row 0 is the top (largest y)."""
    t = np.clip((np.asarray(values, float) - low) / (high - low), 0.0, 1.0)
    top = np.asarray(color.to_rgb(), float)
    rgb = np.round((theme.DENSITY_LOW_RGB + t[..., None] * (top - theme.DENSITY_LOW_RGB)) * 255).astype(np.uint8)
    rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    return rgba[::-1]  # grid rows run from y = BOX[0] upwards; image rows from the top down


@dataclass
class Shown:
    """What is on screen from one step to the next."""

    dots: dict[int, VMobject] = field(default_factory=dict)  # trial number -> marker
    images: Group = field(default_factory=Group)
    readout: VGroup = field(default_factory=VGroup)
    split: VGroup = field(default_factory=VGroup)


class InsideTPE(FlatBeat):
    map_side = 5.3
    map_left = -6.0  # left edge of the large map
    map_top = 2.45
    inset_side = 1.75
    column_left = 1.55  # the right-hand column
    fast_seconds = 10.0  # all the fast steps together, at most
    fast_step_max = 0.6  # one fast step, at most
    slow_hold = 2.5  # a slow step's result stays at least this long

    def construct(self):
        data = findings.inside_tpe(self.settings)
        if not data.steps:
            self.show_no_model(data)
            return
        self.tpe_color, self.highlight = self.palette.samplers["tpe"], self.palette.highlight
        acquisition = np.concatenate([m.acquisition.ravel() for m in data.maps])
        self.acq_range = (float(np.percentile(acquisition, 2)), float(acquisition.max()))
        densities = np.concatenate([np.r_[m.log_l.ravel(), m.log_g.ravel()] for m in data.maps])
        self.density_range = (float(np.percentile(densities, 2)), float(np.max(densities)))
        self.build_layout(data)

        shown = Shown()
        startup = data.run.trials[: data.steps[0].trial]
        for t in startup:  # hollow: drawn at random, before the model, as wherever TPE's trials are drawn
            shown.dots[t.number] = trial_marker(theme.MUTED, hollow=True).move_to(self.map.point(t.x, t.y))
        self.n_startup = len(startup)
        self.say(story.inside_intro())
        self.play(Fade(self.static), *[FadeIn(d, scale=0.5) for d in shown.dots.values()], run_time=1.5)
        self.wait_to_read()

        slow = {s.trial: s.roles for s in data.slow}
        fast = [s for s in data.steps if s.trial not in slow]
        fast_time = min(self.fast_step_max, self.fast_seconds / max(len(fast), 1))
        run_of_fast: list[Step] = []
        stretches = 0  # of fast steps said so far: the first is explained, the rest only named
        for step, step_map, pick in zip(data.steps, data.maps, data.picks, strict=True):
            if step.trial in slow:
                self.show_slow(data, step, step_map, pick, slow[step.trial], shown)
                run_of_fast = []
            else:
                if not run_of_fast:
                    later = [s for s in data.steps if s.trial >= step.trial]
                    stretch = next((i for i, s in enumerate(later) if s.trial in slow), len(later))
                    self.say(story.inside_fast(step.trial + 1, later[stretch - 1].trial + 1, again=stretches > 0))
                    stretches += 1
                run_of_fast.append(step)
                self.show_fast(data, step, step_map, pick, fast_time, shown)
        self.say(story.inside_outcome(data.first_deep, data.n_startup_trials, len(data.run.trials)))
        self.wait_to_read(at_least=self.slow_hold)

    # --- what stays put --------------------------------------------------------------------

    def build_layout(self, data: InsideData) -> None:
        tpe_color = self.tpe_color
        title = self.title(f"Optuna's TPESampler, seed {data.seed}")
        self.map = BoxPlot(self.map_side, axis_titles=True)
        self.map.frame.set_z_index(1)  # over the heat maps, which come and go under the markers
        self.map.back.set_z_index(-2)
        self.map.shift(
            np.array([self.map_left - self.map.back.get_left()[0], self.map_top - self.map.back.get_top()[1], 0])
        )
        well = tpe_moments.OBJECTIVES[data.objective].global_minimum
        well_mark = minimum_marker(0.14, self.highlight).move_to(self.map.point(well.x, well.y)).set_z_index(3)

        # The map's colour scale, beside it
        low, high = self.acq_range
        bar = ImageMobject(heat_rgba(np.linspace(low, high, 64)[:, None], low, high, tpe_color))
        bar.set_resampling_algorithm(Image.Resampling.BILINEAR)
        bar.stretch_to_fit_width(0.22).stretch_to_fit_height(self.map_side * 0.6)
        bar.next_to(self.map.back, RIGHT, buff=0.25).align_to(self.map.back, DOWN)
        ticks = VGroup(
            *[
                label(tick_text(round(v)), theme.SMALL_SIZE, theme.MUTED).next_to(
                    bar.get_corner(DOWN + RIGHT) + (v - low) / (high - low) * bar.height * UP, RIGHT, buff=0.1
                )
                for v in (np.ceil(low), np.floor(high))
            ]
        )
        bar_title = MathTex(r"\log\ell - \log g", font_size=theme.LABEL_SIZE, color=theme.TEXT)
        bar_title.next_to(bar, UP, buff=0.2).align_to(bar, LEFT)

        # Right-hand column: l and g as insets, the sorted losses with y*, the step's readout, the rule
        left = self.column_left
        self.l_inset = BoxPlot(self.inset_side, lr_labels=False, decay_labels=False)
        self.g_inset = BoxPlot(self.inset_side, lr_labels=False, decay_labels=False)
        for inset, x in ((self.l_inset, left), (self.g_inset, left + self.inset_side + 0.45)):
            inset.frame.set_z_index(1)
            inset.back.set_z_index(-2)
            inset.shift(np.array([x - inset.back.get_left()[0], self.map_top - 0.45 - inset.back.get_top()[1], 0]))
        inset_titles = VGroup(
            VGroup(
                MathTex(r"\ell(x)", font_size=theme.LABEL_SIZE, color=tpe_color),
                label("better", theme.SMALL_SIZE, tpe_color),
            ).arrange(RIGHT, buff=0.12),
            VGroup(
                MathTex(r"g(x)", font_size=theme.LABEL_SIZE, color=theme.MUTED),
                label("rest", theme.SMALL_SIZE, theme.MUTED),
            ).arrange(RIGHT, buff=0.12),
        )
        for t, inset in zip(inset_titles, (self.l_inset, self.g_inset), strict=True):
            t.next_to(inset.back, UP, buff=0.1).align_to(inset.back, LEFT)
        values = np.array([t.value for t in data.run.trials])
        strip_title = label("loss", theme.SMALL_SIZE, theme.MUTED)
        strip_left = left + strip_title.width + 0.25  # the title left of the strip, clear of y* above it
        self.strip = Strip(float(values.min()), float(values.max()), RIGHT_EDGE - strip_left, n_ticks=4)
        self.strip.place(strip_left, self.l_inset.back.get_bottom()[1] - 0.85)
        strip_title.next_to(self.strip.line, LEFT, buff=0.25)
        rule = MathTex(
            rf"\text{{next}} = \arg\max_{{{data.n_ei_candidates}\ \text{{draws}} \sim \ell}} \log\ell - \log g",
            font_size=theme.LABEL_SIZE,
            color=theme.TEXT,
        )
        rule.move_to(np.array([left, self.map.back.get_bottom()[1], 0]), aligned_edge=DOWN + LEFT)
        self.readout_anchor = np.array([left, (self.strip.get_bottom()[1] + rule.get_top()[1]) / 2, 0])
        self.static = Group(
            title, self.map, well_mark, bar, ticks, bar_title, self.l_inset, self.g_inset, inset_titles, self.strip
        )
        self.static.add(strip_title, rule)

    # --- pieces of one step ----------------------------------------------------------------

    def maps_of(self, step_map: StepMap) -> Group:
        xs = tpe_moments.map_centres(step_map.log_l.shape[0])  # the pixels tile the box exactly
        low, high = self.acq_range
        main = self.map.heat_map(heat_rgba(step_map.acquisition, low, high, self.tpe_color), xs)
        d_low, d_high = self.density_range
        insets = (
            self.l_inset.heat_map(heat_rgba(step_map.log_l, d_low, d_high, self.tpe_color), xs),
            self.g_inset.heat_map(heat_rgba(step_map.log_g, d_low, d_high, theme.MUTED), xs),
        )
        for image in (main, *insets):
            image.set_resampling_algorithm(Image.Resampling.BILINEAR)  # the coarse grid, drawn smooth
            image.set_z_index(-1)
        return Group(main, *insets)

    def recoloured(self, step: Step, shown: Shown) -> list:
        """Markers of the trials so far in the split's colours: the better group filled, the rest muted."""
        better = set(step.below)
        changes = []
        for number, dot in shown.dots.items():
            color = self.tpe_color if number in better else theme.MUTED
            hollow = number < self.n_startup
            if (dot.get_stroke_color() if hollow else dot.get_fill_color()) != color:
                changes.append(dot.animate.set_stroke(color) if hollow else dot.animate.set_fill(color))
        return changes

    def split_strip(self, data: InsideData, step: Step) -> VGroup:
        """The losses so far on the strip, the better group in colour, y* marked, and gamma(n)."""
        better = set(step.below)
        marks = VGroup(
            *[
                trial_marker(self.tpe_color if t.number in better else theme.MUTED, 0.05).move_to(
                    self.strip.point(t.value)
                )
                for t in data.run.trials[: step.n]
            ]
        )
        y_star = self.strip.point(step.y_star)
        star = Line(y_star + 0.22 * DOWN, y_star + 0.22 * UP, stroke_color=self.highlight, stroke_width=3)
        star_label = MathTex("y^*", font_size=theme.LABEL_SIZE, color=self.highlight).next_to(star, UP, buff=0.05)
        count = label(f"{step.gamma} better of {step.n}", theme.SMALL_SIZE, self.tpe_color)
        count.next_to(self.strip.line, UP, buff=0.35).align_to(self.strip.line, RIGHT)
        return VGroup(marks, star, star_label, count)

    def readout(self, step: Step, data: InsideData, kind: str) -> VGroup:
        trial = data.run.trials[step.trial]
        deep = trial.value < data.threshold
        head = VGroup(
            label(f"trial {step.trial + 1}", theme.BODY_SIZE, self.highlight),
            label(format_loss(trial.value), theme.BODY_SIZE, self.highlight if deep else theme.TEXT, weight="BOLD"),
        ).arrange(RIGHT, buff=0.35)
        why = label(story.pick_label(kind), theme.SMALL_SIZE, theme.TEXT)
        return VGroup(head, why).arrange(DOWN, aligned_edge=LEFT, buff=0.12).move_to(self.readout_anchor, LEFT)

    def candidates(self, step: Step) -> tuple[VGroup, VMobject]:
        c = step.candidates
        crosses = VGroup(*[cross(theme.TEXT).move_to(self.map.point(x, y)) for x, y in zip(c.x, c.y, strict=True)])
        chosen = ring(self.highlight, width=3.5).set_z_index(3).move_to(self.map.point(step.x, step.y))
        return crosses, chosen

    # --- one step, fast or slow ------------------------------------------------------------

    def show_fast(self, data, step, step_map, pick, seconds, shown: Shown) -> None:
        images = self.maps_of(step_map)
        split = self.split_strip(data, step)
        crosses, chosen = self.candidates(step)
        readout = self.readout(step, data, pick.kind)
        readout.name = split.name = RUNNING  # about a second each: read as they run
        self.remove(shown.images, shown.split, shown.readout)
        better = set(step.below)
        for number, dot in shown.dots.items():
            color = self.tpe_color if number in better else theme.MUTED
            if number < self.n_startup:
                dot.set_stroke(color)
            else:
                dot.set_fill(color)
        self.add(images, split, *shown.dots.values())
        new = trial_marker(self.highlight).move_to(chosen)
        self.play(
            FadeIn(crosses, run_time=seconds / 3),
            FadeIn(new, scale=0.5),
            Create(chosen),
            Fade(readout),
            run_time=seconds,
        )
        self.remove(crosses, chosen)
        shown.dots[step.trial] = new
        shown.images, shown.split, shown.readout = images, split, readout

    def show_slow(self, data, step, step_map, pick, roles, shown: Shown) -> None:
        trial = data.run.trials[step.trial]
        # 1. The split at gamma(n): markers recoloured, the losses sorted on the strip with y*
        self.say(story.inside_split(step.trial + 1, step.n, step.gamma))
        split = self.split_strip(data, step)
        self.play(
            *self.recoloured(step, shown),
            Fade(shown.split, out=True),
            Fade(shown.readout, out=True),
            Fade(split),
            run_time=1.2,
        )
        self.wait_to_read()
        # 2. The model: l, g and the map of log l - log g
        images = self.maps_of(step_map)
        explain = "first" in roles  # what the candidates are, said once
        self.play(Fade(shown.images, out=True), Fade(images), run_time=1.0)
        self.wait_to_read()
        # 3. The candidates drawn from l, the highest ringed, the trial run
        crosses, chosen = self.candidates(step)
        if explain:
            self.say(story.inside_candidates(data.n_ei_candidates))
        self.play(FadeIn(crosses, scale=0.5, lag_ratio=0.05), run_time=1.2)
        self.wait_to_read()
        new = trial_marker(self.highlight).move_to(chosen)
        readout = self.readout(step, data, pick.kind)
        deep = trial.value < data.threshold and "deep" in roles
        self.say(story.inside_pick(pick.kind, pick.prior_share, trial.value, deep))
        self.play(Create(chosen), FadeIn(new, scale=0.5), Fade(readout), run_time=1.0)
        self.wait_to_read(at_least=self.slow_hold)
        self.play(Fade(crosses, out=True), Fade(chosen, out=True), run_time=0.5)
        shown.dots[step.trial] = new
        shown.images, shown.split, shown.readout = images, split, readout

    def show_no_model(self, data):
        sentence = story.never_guided(len(data.run.trials), data.n_startup_trials)
        self.add(self.title(f"Optuna's TPESampler, seed {data.seed}"))
        text = paragraph(sentence, config.frame_width - 1.0, theme.BODY_SIZE)
        self.say(sentence)
        self.play(Fade(text), run_time=1.0)
        self.wait_to_read(at_least=2.0)
