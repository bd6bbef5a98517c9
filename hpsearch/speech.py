"""What the narrating voice (Piper TTS, English) says for a sentence written for the screen: plain Python, no Manim.

The subtitles are written to be read: a true minus sign, Unicode superscripts, "6 × 6 = 36", "TPE",
"lr", "(Bergstra et al. 2011)". `spoken` rewrites one as a person would say it, every number through
num2words; `leftovers` lists what a spoken string still holds that a voice would read literally, so a
test can hold every sentence of the video to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from num2words import num2words

SIGNS = {"\u2212": "minus", "-": "minus", "+": "plus", "": ""}
SUPERSCRIPTS = str.maketrans("⁻⁺⁰¹²³⁴⁵⁶⁷⁸⁹", "-+0123456789")

# A number as the sentences write it: a sign (U+2212, or "+" or "-" not joined to a word: "log-uniform"
# has none), digits (thousands commas allowed), decimals.
NUMBER = r"(?:(?<![\w.])[\u2212+-])?(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?"
SUPERSCRIPT = r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+"

# Whole words said otherwise. Piper already says "l" and "g" as letter names, but spelled out they stay
# letters for any voice and cannot be taken for the end of a word; "et al." would be read as a
# sentence that stops after "al", and "and colleagues" is what a narrator says.
WORDS = {
    "lr": "learning rate",
    "LR": "learning rate",
    "l": "ell",
    "g": "gee",
    "et al.": "and colleagues",
}
SYMBOLS = {
    "γ": "gamma",
    "=": "equals",
    "÷": "divided by",
    "≈": "about",
    "±": "plus or minus",
    "×": "times",  # between integers it is "by": see the rules
    "·": "times",
    "/": "over",  # l(x)/g(x)
    "\u2212": "minus",  # "log l − log g": a minus sign that is not a number's
    "&": "and",
}
PAUSES = "()[]{}—–"  # a voice reads an aside between commas
SILENT = '"“”«»*_`'


def integer(n: int) -> str:
    # num2words puts commas in large numbers ("one thousand, two hundred"): a voice would pause there.
    return str(num2words(n)).replace(",", "")


def number(written: str) -> str:
    """'−2.222' -> 'minus two point two two two': the digits after the point one by one, as said."""
    sign = written[0] if written[0] in SIGNS else ""
    whole, _, decimals = written[len(sign) :].replace(",", "").partition(".")
    words = integer(int(whole))
    if decimals:
        words += " point " + " ".join(integer(int(d)) for d in decimals)
    return f"{SIGNS[sign]} {words}".strip()


def power(mantissa: str | None, exponent: str) -> str:
    """'3.2', '-5' -> 'three point two times ten to the minus five'; no mantissa -> 'ten to the ...'."""
    head = ""
    if mantissa is not None:
        # A mantissa's trailing zeros are typography (1.0 × 10⁻⁵ is "one times ten ..."), not a reading.
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        head = number(mantissa) + " times "
    return f"{head}ten to the {integer(int(exponent.translate(SUPERSCRIPTS)))}"


def year(digits: str) -> str:
    """'2011' -> 'twenty eleven'."""
    return str(num2words(int(digits), to="year"))


Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


def rule(pattern: str, replacement: str | Callable[[re.Match[str]], str]) -> Rule:
    return re.compile(pattern), replacement


def word(text: str) -> str:
    """A pattern for `text` as a whole word (not inside "we'll", "e.g." or "log-l")."""
    return rf"(?<![\w'’.-]){re.escape(text)}(?![\w-])"


# In order: each rule sees what the ones before it left. Replacements are padded with spaces and tidied
# at the end, so "10x" cannot become "tenx".
RULES: tuple[Rule, ...] = (
    rule(r" {2,}", ", "),  # a gap between columns ("lr 3.2 × 10⁻⁵   decay 0.85")
    rule(r"\s+", " "),
    # Years, only where they follow a name: "et al. 2011", "Watanabe (2023)", "(Dixon & Szego 1978)".
    # A bare "(2011)" may be a seed ("One seed (2011) is one draw"), said as a number.
    rule(r"\bet al\.?,? \(?(\d{4})\b", lambda m: f"and colleagues, {year(m[1])}"),
    rule(r"(\b[A-Z][^\W\d_]+,? \(?)(\d{4})(?=\))", lambda m: f"{m[1]} {year(m[2])}"),
    rule(r"(?<![\d.])(\d+)(?:st|nd|rd|th)\b", lambda m: f" {num2words(int(m[1]), to='ordinal')} "),
    # Powers of ten: "1.5e-05", "3.2 × 10⁻⁵", "10⁻⁶".
    rule(rf"({NUMBER})[eE]([+-]?\d+)\b", lambda m: f" {power(m[1], m[2])} "),
    rule(rf"({NUMBER}) ?[×·] ?10({SUPERSCRIPT})", lambda m: f" {power(m[1], m[2])} "),
    rule(rf"(?<![\d.])10({SUPERSCRIPT})", lambda m: f" {power(None, m[1])} "),
    # A grid's shape: "6 × 6" is "six by six"; between other numbers × is "times" (SYMBOLS).
    rule(r"(?<![\d.])(\d+) ?(?:×| x ) ?(\d+)(?!\.?\d)", r"\1 by \2"),
    # A range: "12–30" is "twelve to thirty".
    rule(r"(?<=\d) ?[–-] ?(?=[\u2212+]?\d)", " to "),
    rule(r"\b([a-zA-Z])\(([a-z](?:, ?[a-z])*)\)", r"\1 of \2"),  # l(x), f(x, y)
    rule(rf"({NUMBER}) ?(%?)", lambda m: f" {number(m[1])}{' percent' if m[2] else ''} "),
    *(rule(word(written), f" {said} ") for written, said in WORDS.items()),
    # Acronyms letter by letter: "TPE's" -> "T P E's" ("TPESampler" -> "T P E Sampler" too).
    rule(r"[A-Z]{2,}", lambda m: " ".join(m[0])),
    *(rule(re.escape(symbol), f" {said} ") for symbol, said in SYMBOLS.items()),
    rule(f"[{re.escape(PAUSES)}]", ", "),
    rule(f"[{re.escape(SILENT)}]", ""),
    # Tidy: one space, none before punctuation, no comma next to other punctuation or at either end.
    rule(r" +", " "),
    rule(r" (?=[.,;:?!])", ""),
    rule(r",+(?=[.,;:?!])", ""),
    rule(r"(?<=[.;:?!]),", ""),
    rule(r"^[ ,]+|[ ,]+$", ""),
)


def spoken(text: str) -> str:
    """`text` as the voice should read it: 'Same 36 runs: ...' -> 'Same thirty-six runs: ...'."""
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text


LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # with accents ("Kégl"), without × and ÷
LEFTOVER = re.compile(rf"\d+|[A-Z]{{2,}}|(?<![{LATIN}])-|-(?![{LATIN}])|[^{LATIN} '’.,;:?!-]")


def leftovers(spoken_text: str) -> list[str]:
    """What a voice must not be given in `spoken_text`, in order: digits, acronyms of 2+ capitals not spelled
    out, hyphens not between letters, and any character but letters, spaces, apostrophes and . , ; : ? !"""
    return LEFTOVER.findall(spoken_text)
