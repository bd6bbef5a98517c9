"""How long a viewer needs to read: subtitle cues and their times, plain Python, no Manim.

There is no voice track, so every sentence is read. A cue holds at most two
subtitle lines (CUE_CHARS) and stays up long enough to be read at READING_CPS
characters per second, and never less than MIN_CUE_SECONDS. The rule the tests
hold the video to is 20 characters per second; reading at 17 leaves a margin.
"""

from __future__ import annotations

import re

READING_CPS = 17.0
MIN_CUE_SECONDS = 1.5
CUE_GAP = 0.1  # seconds between two cues, so a player never shows both or merges them
CUE_CHARS = 84  # two lines of 42, the usual subtitle limit

# Where a long text may break, best first: after a sentence, after ; or :, after a comma, at any space.
BREAKS = (r"(?<=[.?!])(?<! al\.)\s+", r"(?<=[;:])\s+", r"(?<=,)\s+", r"\s+")  # "et al. 2011" stays whole


def cues(text: str, limit: int = CUE_CHARS) -> list[str]:
    """`text` as subtitle cues of at most `limit` characters, broken at the best places available."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return [text]
    for pattern in BREAKS:
        parts = re.split(pattern, text)
        if len(parts) > 1:
            break
    else:
        return [text]  # one word longer than a cue: nothing to break
    chunks: list[str] = []
    for part in parts:
        if chunks and len(chunks[-1]) + 1 + len(part) <= limit:
            chunks[-1] += " " + part
        else:
            chunks.append(part)
    return [cue for chunk in chunks for cue in cues(chunk, limit)]


def reading_seconds(cue: str) -> float:
    """How long one cue stays up."""
    return max(MIN_CUE_SECONDS, len(cue) / READING_CPS)
