"""The samplers' colours stay apart for viewers with deuteranopia, and against the surface."""

import itertools

import numpy as np
import pytest

from hpsearch import settings

# Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation of
# Color Vision Deficiency", deuteranopia at severity 1.0, applied to linear RGB.
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
# sRGB (D65) to XYZ, IEC 61966-2-1.
SRGB_TO_XYZ = np.array(
    [
        [0.4124, 0.3576, 0.1805],
        [0.2126, 0.7152, 0.0722],
        [0.0193, 0.1192, 0.9505],
    ]
)
WHITE = SRGB_TO_XYZ @ np.ones(3)
MIN_DELTA_E = 20.0  # CIE76; about 2.3 is a just-noticeable difference, 20+ reads as different colours


def hex_to_linear(code: str) -> np.ndarray:
    code = code.lstrip("#")
    if len(code) == 3:
        code = "".join(c * 2 for c in code)
    srgb = np.array([int(code[i : i + 2], 16) for i in (0, 2, 4)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    t = (SRGB_TO_XYZ @ np.clip(linear_rgb, 0, 1)) / WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, simulate) -> float:
    return float(np.linalg.norm(lab(simulate(hex_to_linear(a))) - lab(simulate(hex_to_linear(b)))))


VISIONS = {"normal": lambda rgb: rgb, "deuteranopia": lambda rgb: DEUTERANOPIA @ rgb}
PALETTE = settings.defaults().palette
SAMPLERS = ("grid", "random", "tpe", "qmc")
MARKS = (*SAMPLERS, "highlight")  # everything drawn as a marker on the surface


@pytest.mark.parametrize("vision", VISIONS)
def test_marker_colours_are_distinct(vision):
    for a, b in itertools.combinations(MARKS, 2):
        assert delta_e(PALETTE[a], PALETTE[b], VISIONS[vision]) > MIN_DELTA_E, (vision, a, b)


@pytest.mark.parametrize("vision", VISIONS)
def test_marker_colours_stand_out_from_the_surface(vision):
    for sampler in MARKS:
        for end in ("surface_low", "surface_high"):
            assert delta_e(PALETTE[sampler], PALETTE[end], VISIONS[vision]) > MIN_DELTA_E, (vision, sampler, end)


def test_the_check_fails_for_a_red_green_pair():
    """Red and green, distinct to most viewers, collapse under the simulation: the test can fail."""
    assert delta_e("#D62728", "#2CA02C", VISIONS["normal"]) > MIN_DELTA_E
    assert delta_e("#E41A1C", "#4DAF4A", VISIONS["deuteranopia"]) < delta_e("#E41A1C", "#4DAF4A", VISIONS["normal"]) / 2
