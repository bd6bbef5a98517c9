"""The live readout of a run beside the 3-D plot: the trial count and the best loss so far, and where."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, ManimColor, Text, ThreeDCamera, ValueTracker, VGroup

from hpsearch.formatting import format_loss, format_point
from samplers import Run, Trial
from scenes.kit import theme
from scenes.kit.text import RUNNING


class RunReadout(VGroup):
    """'trial k / N', the best-so-far loss and where it was found, following a tracker.

    The tracker holds how many trials have landed. Only the text that changes
    is rebuilt (the counter at each trial, the best only when it improves):
    building a Text is the costliest step of these beats. In a 3-D scene pass
    the camera: rebuilt text must be registered as fixed in frame again.
    """

    def __init__(
        self,
        run: Run,
        tracker: ValueTracker,
        color: ManimColor,
        camera: ThreeDCamera | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.name = RUNNING  # it counts as trials land
        self.run, self.tracker, self.color, self.camera = run, tracker, color, camera
        self.counter = Text(f"trial 0 / {len(run.trials)}", font_size=theme.BODY_SIZE, color=theme.TEXT)
        self.best_label = Text("best so far", font_size=theme.LABEL_SIZE, color=theme.MUTED)
        self.best_value = Text("–", font_size=theme.BODY_SIZE, color=self.color, weight="BOLD")
        self.best_where = Text(" ", font_size=theme.SMALL_SIZE, color=theme.MUTED)
        self.add(self.counter, self.best_label, self.best_value, self.best_where)
        self._shown = 0
        self._best: Trial | None = None
        self.anchor_at(np.zeros(3))
        self.add_updater(lambda m: m.refresh())

    def landed(self) -> int:
        return int(np.clip(math.floor(self.tracker.get_value() + 1e-6), 0, len(self.run.trials)))

    def refresh(self) -> RunReadout:
        k = self.landed()
        if k == self._shown:
            return self
        self._shown = k
        self.counter.become(Text(f"trial {k} / {len(self.run.trials)}", font_size=theme.BODY_SIZE, color=theme.TEXT))
        best = min(self.run.trials[:k], key=lambda t: (t.value, t.number)) if k else None
        if best is not self._best:
            self._best = best
            self.best_value.become(
                Text(
                    format_loss(best.value) if best else "–", font_size=theme.BODY_SIZE, color=self.color, weight="BOLD"
                )
            )
            self.best_where.become(
                Text(format_point(best.lr, best.decay) if best else " ", font_size=theme.SMALL_SIZE, color=theme.MUTED)
            )
        self._place()
        if self.camera is not None:
            self.camera.add_fixed_in_frame_mobjects(self)
        return self

    def _place(self) -> None:
        self.counter.move_to(self._anchor, aligned_edge=UP + LEFT)
        self.best_label.next_to(self.counter, DOWN, aligned_edge=LEFT, buff=0.22)
        self.best_value.next_to(self.best_label, RIGHT, buff=0.25).align_to(self.best_label, DOWN)
        self.best_where.next_to(self.best_label, DOWN, aligned_edge=LEFT, buff=0.18)

    def anchor_at(self, point: np.ndarray) -> RunReadout:
        """Pin the readout's top-left corner at a frame point."""
        self._anchor = np.asarray(point, float)
        self._place()
        return self
