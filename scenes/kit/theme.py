"""The one palette and type scale: every colour and font size of the video.

Fixed colours and sizes are constants here. The configurable ones ([palette]
in video.toml: the samplers, the surface scale, the highlight) arrive with the
resolved settings as a `Palette`, which every beat builds once in its setup()
(scenes/base.py), so a variant recolours the whole video without touching a
scene. A sampler has the same colour in every beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import ManimColor

from hpsearch.formatting import SAMPLER_NAMES

BACKGROUND = ManimColor("#111318")
TEXT = ManimColor("#ECEFF4")
MUTED = ManimColor("#9AA5B1")
WALL = ManimColor("#3A4250")  # the sides of the 3-D surface's block: neutral, off the loss scale
PANEL_FILL = ManimColor("#1A1E26")  # behind flat plots: a shade lighter than the background
DENSITY_LOW_RGB = np.array([0x16, 0x19, 0x20]) / 255  # density heat maps' low end (Inside TPE)


# Type scale (Manim font_size). 24 is the floor: about 24 px tall at 1080p.
TITLE_SIZE = 48
HEADING_SIZE = 36
BODY_SIZE = 30
LABEL_SIZE = 26
SMALL_SIZE = 24

MIN_TEXT_PIXELS = 24
"""Legibility floor for glyph height at 1080p, checked by tests/scenes/test_legibility.py."""


@dataclass(frozen=True)
class Palette:
    """The configured colours: one per sampler, the loss scale's two ends and the highlight."""

    samplers: dict[str, ManimColor]
    surface_low: ManimColor
    surface_high: ManimColor
    highlight: ManimColor

    @classmethod
    def of(cls, palette: dict[str, str]) -> Palette:
        """From the validated [palette] table of the settings."""
        return cls(
            {name: ManimColor(palette[name]) for name in SAMPLER_NAMES},
            ManimColor(palette["surface_low"]),
            ManimColor(palette["surface_high"]),
            ManimColor(palette["highlight"]),
        )

    def loss_rgb(self, values: np.ndarray | float, low: float, high: float) -> np.ndarray:
        """The loss colour scale as uint8 RGB (vectorised, for heat-map images).

        Deep (low loss) is dark, high loss is light; the 0.8 power spends more of
        the scale on the wells, where the story happens.
        """
        t = np.clip((np.asarray(values, float) - low) / (high - low), 0.0, 1.0) ** 0.8
        lo, hi = self.surface_low.to_rgb(), self.surface_high.to_rgb()
        return np.round((lo + t[..., None] * (hi - lo)) * 255).astype(np.uint8)

    def loss_color(self, value: float, low: float, high: float) -> ManimColor:
        """One colour of the loss scale, for surface faces and colour-bar cells."""
        return ManimColor.from_rgb(self.loss_rgb(value, low, high) / 255)
