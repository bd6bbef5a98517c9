"""Every number and small phrase a viewer reads, written one way: plain strings, no Manim.

Text (Pango) gets a true minus sign (U+2212) and Unicode superscripts; LaTeX
(`tex=True`, or the *_latex functions) gets what TeX typesets itself, and so
do objective.py's loss and hyperparameter maps, typeset from their definitions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

import objective as objectives


def scientific(value: float, digits: int = 2) -> tuple[float, int]:
    """(mantissa rounded to `digits` significant figures, exponent): 9.96e-6 -> (1.0, -5)."""
    if value <= 0 or not math.isfinite(value):
        raise ValueError(f"scientific notation takes a positive finite number, got {value!r}")
    exponent = math.floor(math.log10(value))
    mantissa = round(value / 10.0**exponent, digits - 1)
    if mantissa >= 10:  # 9.96e-6 rounds up to 10.0
        mantissa, exponent = mantissa / 10, exponent + 1
    return mantissa, exponent


def sci_latex(value: float, digits: int = 2) -> str:
    """1.03e-05 -> '1.0 \\times 10^{-5}' (`digits` significant figures); an exact power of ten 1e-06 -> '10^{-6}'."""
    mantissa, exponent = scientific(value, digits)
    if abs(value / 10.0**exponent - 1) < 1e-12:
        return f"10^{{{exponent}}}"
    return f"{mantissa:.{digits - 1}f} \\times 10^{{{exponent}}}"


def decimal_text(value: float, places: int = 1) -> str:
    """0.6 -> '0.6', 1 -> '1.0': at least `places` decimals, more only when needed (up to 4)."""
    for p in range(places, 5):
        if abs(round(value, p) - value) < 1e-9:
            return f"{value:.{p}f}"
    return f"{value:.4f}"


SUPERSCRIPTS = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def sci_unicode(value: float) -> str:
    """An exact power of ten as plain text for subtitles: 1e-06 -> '10⁻⁶'; other values -> '1.5e-05'."""
    exponent = round(math.log10(value))
    if value > 0 and abs(value / 10.0**exponent - 1) < 1e-12:
        return "10" + str(exponent).translate(SUPERSCRIPTS)
    return f"{value:.1e}"


def signed(value: float, places: int = 2, plus: bool = False) -> str:
    """A number with a real minus sign (and, with plus, a plus sign): -2.208 -> '−2.21'; what rounds to 0 is '0.00'."""
    if not round(value, places):
        return f"{0:.{places}f}"
    return f"{value:{'+' if plus else ''}.{places}f}".replace("-", "\u2212")


def format_loss(value: float) -> str:
    """A loss as every beat shows it: signed, three decimals: -2.208 -> '−2.208', 0.6 -> '+0.600'."""
    return signed(value, 3, plus=True)


def format_loss_tex(value: float) -> str:
    """A loss for MathTex: signed, three decimals: -2.208 -> '-2.208', 0.6 -> '+0.600'."""
    return f"{value:+.3f}" if round(value, 3) else f"{0:.3f}"


def format_lr(lr: float) -> str:
    """3.2 × 10⁻⁵, spaced as LaTeX sets 3.2 \\times 10^{-5} elsewhere: plain text (Pango), so per-frame
    updates need no LaTeX run."""
    mantissa, exponent = scientific(lr, 2)
    return f"{mantissa:.1f} × 10{str(exponent).translate(SUPERSCRIPTS)}"


def format_decay(decay: float, places: int = 2) -> str:
    return f"{decay:.{places}f}"


def format_point(lr: float, decay: float) -> str:
    """Where a trial is, in real units: 'lr 3.2 × 10⁻⁵   decay 0.85'."""
    return f"lr {format_lr(lr)}   decay {format_decay(decay)}"


def tick_text(value: float, tex: bool = False) -> str:
    """A round tick value as short as it goes: -1.0 -> '−1' (LaTeX: '-1'), 0.25 -> '0.25'."""
    text = f"{value:g}"
    return text if tex else text.replace("-", "\u2212")


def tick_texts(values: Sequence[float]) -> list[str]:
    """LaTeX labels for a row of ticks, all with the decimals needed to tell them apart (at most 3)."""
    places = next((p for p in range(3) if all(abs(round(v, p) - v) < 1e-9 for v in values)), 3)
    return [f"{v:.{places}f}" for v in values]


SAMPLER_NAMES = {"grid": "Grid", "random": "Random", "tpe": "TPE", "qmc": "QMC (Sobol)"}
"""Each sampler's name as a title or a label."""


def in_text(sampler: str) -> str:
    """A sampler's name inside a sentence: 'the grid', 'random search', 'TPE'."""
    return {"grid": "the grid", "random": "random search"}.get(sampler, SAMPLER_NAMES[sampler])


def percent(share: float, places: int = 0) -> str:
    """0.87 -> '87%'; with places=1, 0.0106 -> '1.1%'."""
    return f"{share:.{places}%}"


def plural(k: int, word: str) -> str:
    """'1 trial', '3 trials'."""
    return f"{k} {word}" + ("" if k == 1 else "s")


def trial_range(first: int, last: int) -> str:
    """Trials counted from 1: 'trials 1–10', or 'trial 11' when there is one."""
    return f"trial {first}" if first == last else f"trials {first}\u2013{last}"


def and_list(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- typesetting what objective.py defines -------------------------------------------


def formula_chunks(function: objectives.Objective) -> list[str]:
    """The loss as on-screen LaTeX, one chunk per term, so a scene can break lines between terms.

    objective.py's own `latex_terms` (printed by sympy from the terms the
    samplers minimise); the first chunk starts with 'f(x, y) = '.
    """
    chunks = list(function.latex_terms)
    chunks[0] = "f(x, y) = " + chunks[0]
    return chunks


@dataclass(frozen=True)
class AffineMap:
    """internal = slope * s + offset, with s = log10(value) for a log parameter, else the value."""

    slope: float
    offset: float
    latex: str  # e.g. 'x = 5 \log_{10} \eta + 25'


def hyperparameter_map(hp: objectives.HyperParameter, variable: str) -> AffineMap:
    """The affine map of objective.py written out, read back from hp.to_internal at the range ends."""
    s_low = math.log10(hp.low) if hp.log else hp.low
    s_high = math.log10(hp.high) if hp.log else hp.high
    i_low, i_high = float(hp.to_internal(hp.low)), float(hp.to_internal(hp.high))
    slope = (i_high - i_low) / (s_high - s_low)
    offset = i_low - slope * s_low
    argument = f"\\log_{{10}} {hp.symbol}" if hp.log else hp.symbol
    a = sp.nsimplify(slope, tolerance=1e-9, rational=True)
    b = sp.nsimplify(offset, tolerance=1e-9, rational=True)
    text = f"{variable} = "
    text += argument if a == 1 else (f"-{argument}" if a == -1 else f"{sp.latex(a)}\\,{argument}")
    if b != 0:
        text += f" {'-' if b < 0 else '+'} {sp.latex(abs(b))}"
    return AffineMap(slope, offset, text)
