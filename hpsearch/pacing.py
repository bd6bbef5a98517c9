"""Subtitle cues and their times, plain Python, no Manim.

A cue holds at most two subtitle lines (CUE_CHARS). With the voice on, a cue
lasts as long as its speech, and a pause follows it (pause_after). With the voice off,
every sentence is read: a cue stays up long enough to be read at READING_CPS
characters per second, and never less than MIN_CUE_SECONDS. The rule the tests
hold the silent video to is 20 characters per second; reading at 17 leaves a margin.
"""

from __future__ import annotations

import re

READING_CPS = 17.0
MIN_CUE_SECONDS = 1.5
CUE_GAP = 0.1  # seconds between two cues, so a player never shows both or merges them
# Seconds of silence after a spoken cue (the next may start later, never sooner): a breath where a
# sentence ends, a shorter one where a long sentence is split between two cues.
SENTENCE_PAUSE = 0.4
CLAUSE_PAUSE = 0.3
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


def pause_after(cue: str) -> float:
    """The silence after a spoken cue: a sentence's end pauses longer than a clause's."""
    return SENTENCE_PAUSE if cue.rstrip().endswith((".", "?", "!")) else CLAUSE_PAUSE
