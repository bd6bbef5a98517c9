# manim -pqh scenes/inside_tpe.py InsideTPE
"""Beat 5b: inside Optuna's TPESampler at a few recorded moments of the featured run.

At each chosen moment (hpsearch.tpe.moments.inside_tpe): the trials so far split at
gamma(n) into the better group and the rest, the two Parzen densities l(x) and
g(x) as heat maps of the recorded grids, the n_ei_candidates candidates drawn
from l(x) with their log l - log g, and the argmax landing as the next trial.
Every number on screen is read from the recorded data.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
from manim import (
    DL,
    DOWN,
    DR,
    LEFT,
    RIGHT,
    UL,
    UP,
    UR,
    DashedLine,
    FadeIn,
    Group,
    Line,
    MathTex,
    TransformFromCopy,
    VGroup,
    config,
)
from manim.utils.rate_functions import smooth, squish_rate_func

from hpsearch import story
from hpsearch.formatting import and_list, format_decay, format_loss, format_lr, percent, plural, signed, tick_text
from hpsearch.tpe import moments as tpe_moments
from hpsearch.tpe.recorder import GammaRule
from scenes import theme
from scenes.base import FlatBeat
from scenes.fade import Fade
from scenes.marks import cross, ring, segments, trial_marker
from scenes.panels import BoxPlot, Strip
from scenes.text import label, paragraph

RIGHT_EDGE = config.frame_width / 2 - 0.3


# --- small drawing helpers (local to this beat) ------------------------------------------------


def density_rgba(log_density: np.ndarray, low: float, high: float, color) -> np.ndarray:
    """Recorded log densities, linearly onto dark..color; row 0 is the top (largest y).

    One pixel per recorded grid point, nothing smoothed: the image is drawn
    with nearest-neighbour resampling.
    """
    t = np.clip((np.asarray(log_density, float) - low) / (high - low), 0.0, 1.0)
    top = np.asarray(color.to_rgb(), float)
    rgb = np.round((theme.DENSITY_LOW_RGB + t[..., None] * (top - theme.DENSITY_LOW_RGB)) * 255).astype(np.uint8)
    rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    return rgba[::-1]  # grid rows run from y = BOX[0] upwards; image rows from the top down


def gamma_rule_tex(rule: GammaRule) -> str:
    """Optuna's gamma(n) as LaTeX."""
    return rf"\gamma(n) = \min(\lceil {tick_text(rule.fraction, tex=True)}\,n \rceil,\ {rule.cap})"


def place_clear(tag, anchor, box, avoid, buff: float = 0.06):
    """Put `tag` beside `anchor` on the side that covers the fewest `avoid` points and stays in `box`."""
    best = None
    for i, side in enumerate((RIGHT, LEFT, UP, DOWN, UR, UL, DR, DL)):
        tag.next_to(anchor, side, buff=buff)
        (x0, y0), (x1, y1) = tag.get_corner(DL)[:2] - 0.07, tag.get_corner(UR)[:2] + 0.07
        hits = sum(x0 <= p[0] <= x1 and y0 <= p[1] <= y1 for p in avoid)
        outside = max(
            0.0, box.get_left()[0] - x0, x1 - box.get_right()[0], box.get_bottom()[1] - y0, y1 - box.get_top()[1]
        )
        score = (outside > 0.1, hits, i)
        if best is None or score < best[0]:
            best = (score, tag.get_center())
    assert best is not None  # the loop above tries every side
    return tag.move_to(best[1])


def note_head(note: str) -> str:
    """'trial 10: the first model-guided trial, just after ...; l/g readable [...]' -> 'Trial 10: the first ...'."""
    head = re.split(r";| \[| \(|, ", note, maxsplit=1)[0]
    return head[:1].upper() + head[1:]


# --- the beat ------------------------------------------------------------------------------------


class InsideTPE(FlatBeat):
    roles = ("first", "middle", "last")  # which recorded moments to show (of those that exist)
    panel_side = 2.4
    panel_gap = 0.7  # room for the lr tick labels of neighbouring panels
    panels_left = -6.0  # left edge of the first panel's box
    panels_top = 2.1
    column_left = 2.85  # the right-hand column of numbers
    flat_share = 0.9  # l(x) spread over at least this share of the box is called "nearly flat"
    intro_time = 1.5
    intro_hold = 1.5
    split_time = 1.5  # trials split and recoloured, heat maps in
    split_hold = 2.0
    candidates_time = 1.2
    candidates_hold = 1.0
    landing_time = 1.3
    landing_hold = 2.0

    def construct(self):
        data = tpe_moments.inside_tpe(self.settings.spec)
        moments = [m for m in data.moments if m.role in self.roles]
        trials = data.run.trials
        picked = and_list([str(m.step.trial + 1) for m in moments]) if moments else ""  # counted from 1
        subtitle = (
            f"Optuna's TPESampler choosing trial{'s' if len(moments) > 1 else ''} {picked} "
            f"of {len(trials)} (seed {data.seed})"
            if moments
            else ""
        )
        self.add(self.title(subtitle))
        if not moments:
            self.show_no_model(data)
            return

        ui = self.layout(data, moments)
        self.say(
            "Inside TPE: Optuna splits the trials so far into a better group and the rest, fits a density "
            "to each, and runs the candidate where the better density beats the other most."
        )
        self.play(Fade(ui.static), run_time=self.intro_time)
        self.wait_to_read(at_least=self.intro_hold)

        state = SimpleNamespace(dots={}, old=Group(), ring=VGroup())
        for m in moments:
            self.show_moment(data, m, ui, state)
        self.wait(0.5)

    # --- layout ------------------------------------------------------------------------------

    def layout(self, data, moments) -> SimpleNamespace:
        """Everything that stays put: the three panels, the two strips and the rule."""
        s, tpe_color = self.panel_side, self.palette.samplers["tpe"]
        trial_panel = BoxPlot(s, axis_titles=True)
        l_panel, g_panel = BoxPlot(s, decay_labels=False), BoxPlot(s, decay_labels=False)
        for p in (trial_panel, l_panel, g_panel):
            p.frame.set_z_index(1)  # over the heat maps, which come and go
        x = self.panels_left
        for p in (trial_panel, l_panel, g_panel):
            p.shift(np.array([x - p.back.get_left()[0], self.panels_top - p.back.get_top()[1], 0], float))
            x = p.back.get_right()[0] + self.panel_gap
        titles = VGroup(
            label("trials so far", theme.LABEL_SIZE, theme.TEXT),
            VGroup(
                MathTex(r"\ell(x)", font_size=theme.BODY_SIZE, color=tpe_color),
                label("better group", theme.SMALL_SIZE, tpe_color),
            ).arrange(RIGHT, buff=0.12),
            VGroup(
                MathTex(r"g(x)", font_size=theme.BODY_SIZE, color=theme.MUTED),
                label("the rest", theme.SMALL_SIZE, theme.MUTED),
            ).arrange(RIGHT, buff=0.12),
        )
        for t, p in zip(titles, (trial_panel, l_panel, g_panel), strict=True):
            t.next_to(p.back, UP, buff=0.12).align_to(p.back, LEFT)
        lr_title = trial_panel.x_title
        assert lr_title is not None  # the trial panel is built with axis titles
        legend = label("brighter = denser (same log scale)", theme.SMALL_SIZE, theme.MUTED)
        legend.move_to(np.array([(l_panel.back.get_x() + g_panel.back.get_x()) / 2, lr_title.get_y(), 0], float))

        # Right-hand column: the losses split at y*, then log l - log g at the candidates
        left, width = self.column_left, RIGHT_EDGE - self.column_left
        values = np.array([t.value for t in data.run.trials])
        loss_strip = Strip(values.min(), values.max(), width, n_ticks=4).place(left, 1.05)
        loss_title = label("loss of each trial", theme.SMALL_SIZE, theme.MUTED).move_to(
            np.array([left, 1.95, 0], float), aligned_edge=LEFT
        )
        acq = np.concatenate([m.step.candidates.acquisition for m in moments])
        acq_strip = Strip(acq.min(), acq.max(), width, n_ticks=4).place(left, -1.2)
        acq_title = (
            VGroup(
                MathTex(r"\log\ell - \log g", font_size=theme.BODY_SIZE, color=theme.TEXT),
                label(f"at {data.n_ei_candidates} draws", theme.SMALL_SIZE, theme.MUTED),
            )
            .arrange(RIGHT, buff=0.15)
            .move_to(np.array([left, -0.2, 0], float), aligned_edge=LEFT)
        )

        # Bottom band: the acquisition rule, typeset once
        ei = MathTex(r"\mathrm{EI}(x)\ \propto\ \frac{\ell(x)}{g(x)}", font_size=theme.HEADING_SIZE, color=theme.TEXT)
        cite = label("Bergstra et al. 2011", theme.SMALL_SIZE, theme.MUTED)
        lines = [r"y^* = \text{the } \gamma(n)\text{-th best loss}"]
        lines.append(gamma_rule_tex(tpe_moments.GAMMA))
        lines.append(
            rf"\text{{next}} = \arg\max\, \ell / g \text{{ over {data.n_ei_candidates} draws }} "
            r"x \sim \ell"
        )
        rules = VGroup(*[MathTex(t, font_size=theme.BODY_SIZE, color=theme.TEXT) for t in lines]).arrange(
            DOWN, aligned_edge=LEFT, buff=0.16
        )
        formula = VGroup(VGroup(ei, cite).arrange(DOWN, aligned_edge=LEFT, buff=0.15), rules).arrange(
            RIGHT, buff=0.35, aligned_edge=UP
        )
        formula.move_to(np.array([self.panels_left - 0.6, lr_title.get_bottom()[1] - 0.25, 0], float), aligned_edge=UL)

        static = Group(
            trial_panel, l_panel, g_panel, titles, legend, loss_strip, loss_title, acq_strip, acq_title, formula
        )
        return SimpleNamespace(
            trial=trial_panel,
            l=l_panel,
            g=g_panel,
            loss=loss_strip,
            acq=acq_strip,
            static=static,
            note_top=formula.get_bottom()[1] - 0.3,
            note_left=self.panels_left - 0.6,
            note_width=RIGHT_EDGE - (self.panels_left - 0.6),
        )

    # --- one moment --------------------------------------------------------------------------

    def show_moment(self, data, m, ui, state):
        step, grid, c = m.step, m.grid, m.step.candidates
        tpe_color, highlight = self.palette.samplers["tpe"], self.palette.highlight
        below = set(step.below)
        n_better, n_rest = len(step.below), len(step.above)
        trials = data.run.trials
        flat = m.metrics["l_area"] >= self.flat_share

        # 1. The split at gamma(n) and the two densities
        low = float(min(grid.log_l.min(), grid.log_g.min()))
        high = float(max(grid.log_l.max(), grid.log_g.max()))
        images = Group(
            ui.l.heat_map(density_rgba(grid.log_l, low, high, tpe_color), grid.xs),
            ui.g.heat_map(density_rgba(grid.log_g, low, high, theme.MUTED), grid.xs),
        )
        # The old moment's words leave in the first half, the new ones come in the second: no overprinting.
        first_half, second_half = squish_rate_func(smooth, 0, 0.5), squish_rate_func(smooth, 0.5, 1)
        anims = [
            Fade(state.old, rate_func=first_half, out=True),
            Fade(state.ring, rate_func=first_half, out=True),
            Fade(images),
        ]
        for t in trials[: step.n]:
            color = tpe_color if t.number in below else theme.MUTED
            if t.number in state.dots:
                if state.dots[t.number].get_fill_color() != color:  # animate only what changes
                    anims.append(state.dots[t.number].animate.set_fill(color))
            else:
                state.dots[t.number] = trial_marker(color).move_to(ui.trial.point(t.x, t.y))
                anims.append(FadeIn(state.dots[t.number], scale=0.5))
        split = VGroup(
            *[
                trial_marker(tpe_color if t.number in below else theme.MUTED, 0.05).move_to(ui.loss.point(t.value))
                for t in trials[: step.n]
            ]
        )
        star = DashedLine(
            ui.loss.point(step.y_star) + 0.06 * DOWN,
            ui.loss.point(step.y_star) + 0.3 * UP,
            stroke_color=highlight,
            stroke_width=3,
            dash_length=0.06,
        )
        star_label = label(f"y* = {format_loss(step.y_star)}", theme.SMALL_SIZE, highlight).next_to(star, UP, buff=0.04)
        star_label.shift(RIGHT * max(0.0, ui.loss.line.get_left()[0] - star_label.get_left()[0]))
        counts = VGroup(
            label(f"n = {step.n},  γ(n) = {step.gamma}", theme.LABEL_SIZE, theme.TEXT),
            VGroup(
                trial_marker(tpe_color),
                label(f"{n_better} better", theme.SMALL_SIZE, tpe_color),
                trial_marker(theme.MUTED).shift(0.25 * RIGHT),
                label(f"{n_rest} rest", theme.SMALL_SIZE, theme.MUTED),
            ).arrange(RIGHT, buff=0.12),
        )
        counts[0].move_to(np.array([self.column_left, 2.35, 0], float), aligned_edge=LEFT)
        counts[1].next_to(ui.loss, DOWN, buff=0.2).align_to(ui.loss.line, LEFT)
        counts[1][2:].shift(0.25 * RIGHT)
        if flat:
            shape = (
                f"ℓ(x) is nearly flat, spread over {percent(m.metrics['l_area'])} of the box: "
                f"{plural(n_better, 'better trial')} + the prior."
            )
        else:
            shape = (
                f"ℓ(x) has narrowed to {percent(m.metrics['l_area'])} of the box, "
                f"around the {plural(n_better, 'better trial')}."
            )
        note = (
            VGroup(
                label(note_head(m.note), theme.SMALL_SIZE, theme.TEXT),
                paragraph(shape, ui.note_width, theme.SMALL_SIZE, theme.MUTED, line_buff=0.12),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            .move_to(np.array([ui.note_left, ui.note_top, 0], float), aligned_edge=UL)
        )
        info = VGroup(split, star, star_label, counts, note)
        anims.append(Fade(info, rate_func=second_half))
        if flat:
            why = (
                f"With {plural(n_better, 'better trial')}, l is nearly flat, so l over g is largest "
                f"where the other {n_rest} are sparse."
            )
        else:
            why = f"l has narrowed around the {plural(n_better, 'better trial')}; g spreads over the other {n_rest}."
        self.say(
            f"Trial {step.trial + 1}. After {plural(step.n, 'trial')}, gamma is {step.gamma}: "
            + (
                f"the best trial, loss {format_loss(step.y_star)}, is the better group. "
                if n_better == 1
                else f"the {n_better} best trials, loss at most {format_loss(step.y_star)}, form the better group. "
            )
            + why
        )
        self.play(*anims, run_time=self.split_time)
        self.wait(self.split_hold)

        # 2. The candidates drawn from l(x), and log l - log g at each
        best = c.chosen
        l_marks = VGroup(*[cross(theme.TEXT).move_to(ui.l.point(x, y)) for x, y in zip(c.x, c.y, strict=True)])
        g_marks = VGroup(*[cross(theme.TEXT).move_to(ui.g.point(x, y)) for x, y in zip(c.x, c.y, strict=True)])
        ticks = segments([(ui.acq.point(a), ui.acq.point(a) + 0.22 * UP) for a in c.acquisition], theme.TEXT, 2)
        self.play(FadeIn(l_marks, scale=0.5), FadeIn(g_marks, scale=0.5), Fade(ticks), run_time=self.candidates_time)
        self.wait_to_read(at_least=self.candidates_hold)

        # 3. The largest log l - log g becomes the next trial
        rings = VGroup(
            *[ring(highlight, width=3.5).set_z_index(2).move_to(p.point(c.x[best], c.y[best])) for p in (ui.l, ui.g)]
        )
        a_best = float(c.acquisition[best])
        top = Line(ui.acq.point(a_best), ui.acq.point(a_best) + 0.36 * UP, stroke_color=highlight, stroke_width=5)
        top_label = label(f"max {signed(a_best, 2, plus=True)}", theme.SMALL_SIZE, highlight).next_to(
            top, UP, buff=0.05
        )
        top_label.shift(LEFT * max(0.0, top_label.get_right()[0] - RIGHT_EDGE))
        new = trials[step.trial]
        landed = trial_marker(highlight).move_to(ui.trial.point(new.x, new.y))
        landed_ring = ring(highlight, width=3.5).set_z_index(2).move_to(landed)
        tag = place_clear(
            label(f"trial {new.number + 1}", theme.SMALL_SIZE, highlight),
            landed_ring,
            ui.trial.back,
            [d.get_center() for d in state.dots.values()],
        )
        result = VGroup(
            label(f"→ trial {new.number + 1}: loss {format_loss(new.value)}", theme.SMALL_SIZE, highlight),
            label(f"lr {format_lr(new.lr)}", theme.SMALL_SIZE, theme.TEXT),
            label(f"decay {format_decay(new.decay, 3)}", theme.SMALL_SIZE, theme.TEXT),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        result.next_to(ui.acq, DOWN, buff=0.15).align_to(ui.acq.line, LEFT)
        self.say(
            f"Of the {data.n_ei_candidates} candidates, the one with the largest log l minus "
            f"log g, {signed(a_best, 2, plus=True)}, becomes trial {new.number + 1}: learning rate "
            f"{format_lr(new.lr)}, decay {format_decay(new.decay, 3)}. Its loss: {format_loss(new.value)}."
        )
        self.play(
            Fade(rings),
            Fade(top),
            Fade(top_label),
            TransformFromCopy(l_marks[best], landed),
            Fade(landed_ring),
            Fade(tag),
            Fade(result),
            run_time=self.landing_time,
        )
        self.wait_to_read(at_least=self.landing_hold)

        state.dots[new.number] = landed
        state.old = Group(images, info, l_marks, g_marks, ticks, rings, top, top_label, tag, result)
        state.ring = landed_ring

    def show_no_model(self, data):
        sentence = story.never_guided(len(data.run.trials), data.n_startup_trials)
        text = paragraph(sentence, config.frame_width - 1.0, theme.BODY_SIZE, line_buff=0.12)
        self.say(sentence)
        self.play(Fade(text), run_time=1.0)
        self.wait_to_read(at_least=2.0)
