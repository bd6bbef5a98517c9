"""The one palette and type scale: every colour and font size of the video.

Colours come from the validated configuration ([palette] in video.toml), so a
variant recolours the whole video without touching a scene. A sampler has the
same colour in every beat.
"""

from __future__ import annotations

import numpy as np
from manim import ManimColor

import settings

SETTINGS = settings.load()
PALETTE = SETTINGS.palette

BACKGROUND = ManimColor("#111318")
TEXT = ManimColor("#ECEFF4")
MUTED = ManimColor("#9AA5B1")
PANEL_FILL = ManimColor("#1A1E26")  # behind flat plots: a shade lighter than the background
DENSITY_LOW_RGB = np.array([0x16, 0x19, 0x20]) / 255  # density heat maps' low end (Inside TPE)
HIGHLIGHT = ManimColor(PALETTE["highlight"])
SURFACE_LOW = ManimColor(PALETTE["surface_low"])
SURFACE_HIGH = ManimColor(PALETTE["surface_high"])

SAMPLER_COLORS = {name: ManimColor(PALETTE[name]) for name in ("grid", "random", "tpe", "qmc")}
SAMPLER_NAMES = {"grid": "Grid", "random": "Random", "tpe": "TPE", "qmc": "QMC (Sobol)"}

# Type scale (Manim font_size). 24 is the floor: about 24 px tall at 1080p.
TITLE_SIZE = 48
HEADING_SIZE = 36
BODY_SIZE = 30
LABEL_SIZE = 26
SMALL_SIZE = 24

MIN_TEXT_PIXELS = 24
"""Legibility floor for glyph height at 1080p, checked by tests/test_legibility.py."""


def loss_rgb(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """The loss colour scale as uint8 RGB (vectorised, for heat-map images).

    Deep (low loss) is dark, high loss is light; the 0.8 power spends more of
    the scale on the wells, where the story happens.
    """
    t = np.clip((np.asarray(values, float) - low) / (high - low), 0.0, 1.0) ** 0.8
    lo, hi = SURFACE_LOW.to_rgb(), SURFACE_HIGH.to_rgb()
    return np.round((lo + t[..., None] * (hi - lo)) * 255).astype(np.uint8)


def loss_color(value: float, low: float, high: float) -> ManimColor:
    """One colour of the loss scale, for surface faces and colour-bar cells."""
    return ManimColor.from_rgb(loss_rgb(value, low, high) / 255)
