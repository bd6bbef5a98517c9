"""With the voice off, the video reads at a human pace: cue splitting and reading time on their own,
then the subtitles of silent beats as the render driver writes them (a preview render)."""

from __future__ import annotations

import av
import pytest
import srt

from hpsearch import pacing
from tests.helpers.videos import preview_video

LONG = (
    "Then it splits the trials into good and bad, models each, and tries where good is likely and bad is not. "
    "Its best, −2.208 at trial 31, is within +0.014 of the deep well's floor."
)


def test_a_long_text_becomes_cues_a_viewer_can_read():
    cues = pacing.cues(LONG)
    assert " ".join(cues) == LONG  # nothing lost, nothing added
    assert all(len(cue) <= 84 for cue in cues)
    assert cues[-1] == "Its best, −2.208 at trial 31, is within +0.014 of the deep well's floor."  # a sentence whole
    assert not any(cue.endswith(("−2.208", "+0.014")) for cue in cues[:-1])  # numbers stay with their words


def test_breaks_prefer_sentences_then_clauses():
    assert pacing.cues("Short one.") == ["Short one."]
    two = "A" * 50 + ". " + "B" * 50 + "."
    assert pacing.cues(two) == ["A" * 50 + ".", "B" * 50 + "."]
    clause = "a" * 60 + "; " + "b" * 40
    assert pacing.cues(clause) == ["a" * 60 + ";", "b" * 40]
    assert pacing.cues("x" * 100) == ["x" * 100]  # one unbreakable word stays one cue
    cited = "Expected improvement grows with l over g (Bergstra et al. 2011): the map is log l minus log g."
    assert pacing.cues(cited) == [
        "Expected improvement grows with l over g (Bergstra et al. 2011):",
        "the map is log l minus log g.",
    ]


@pytest.mark.parametrize("text", ["Hi.", "x" * 10, "x" * 25, LONG])
def test_reading_time_is_never_rushed(text):
    for cue in pacing.cues(text):
        seconds = pacing.reading_seconds(cue)
        assert seconds >= 1.5
        assert len(cue) / seconds <= 17.0 + 1e-9


# Silent, the beats read fastest: the grid's, TPE's and the landscape's sentences come close together,
# and the dimensions beat holds the longest cue. (The narrated video is tests/hpsearch/test_narration.py's.)
SILENT_BEATS = "Landscape,GridSearch,TPESearch,Dimensions"


@pytest.fixture(scope="module")
def silent_video(tmp_path_factory, shared_cache):
    return preview_video(tmp_path_factory.mktemp("silent"), shared_cache, "--voice", "off", "--scenes", SILENT_BEATS)


# The subtitle reading rules the silent video is held to (the developers' guide), not pacing.py's own margins.
RULE_CPS = 20
RULE_MIN_SECONDS = 1.5


def test_every_subtitle_cue_of_the_silent_video_can_be_read(silent_video):
    cues = list(srt.parse(silent_video.with_suffix(".srt").read_text()))
    assert len(cues) >= len(SILENT_BEATS.split(","))
    problems = []
    for before, cue in zip([None, *cues], cues, strict=False):
        seconds = (cue.end - cue.start).total_seconds()
        if seconds < RULE_MIN_SECONDS:
            problems.append(f"{seconds:.2f} s, shorter than {RULE_MIN_SECONDS} s: {cue.content!r}")
        if len(cue.content) / seconds > RULE_CPS:
            problems.append(f"{len(cue.content) / seconds:.1f} characters per second: {cue.content!r}")
        if before is not None and cue.start < before.end:
            problems.append(f"starts before the cue before it ends: {cue.content!r}")
    assert not problems, "\n".join(problems)


def test_the_silent_video_has_no_sound(silent_video):
    with av.open(str(silent_video)) as container:
        assert not container.streams.audio
