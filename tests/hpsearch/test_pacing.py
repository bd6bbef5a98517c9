"""The video reads at a human pace: cue splitting and reading time on their own, then the
subtitles and chapters of the whole video as the render driver writes them (a cold preview render)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import av
import pytest
import srt

from hpsearch import pacing
from hpsearch.beats import BEATS
from hpsearch.files import ROOT

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


@pytest.fixture(scope="module")
def whole_video(tmp_path_factory):
    """The whole video at preview quality, rendered cold by the driver as ./render.sh does."""
    tmp = tmp_path_factory.mktemp("video")
    env = {**os.environ, "HPSEARCH_CACHE_DIR": str(tmp / "cache")}
    command = [sys.executable, "-m", "hpsearch.driver", "render", "--quality", "preview", "--quiet"]
    command += ["--out", str(tmp / "out"), "--media-dir", str(tmp / "media")]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    (movie,) = (tmp / "out").glob("*.mp4")
    return movie


# The subtitle reading rules the video is held to (the developers' guide), not pacing.py's own margins.
RULE_CPS = 20
RULE_MIN_SECONDS = 1.5


def test_every_subtitle_cue_can_be_read(whole_video):
    cues = list(srt.parse(whole_video.with_suffix(".srt").read_text()))
    assert len(cues) >= len(BEATS)
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


def test_the_video_has_a_chapter_per_beat_and_a_length_the_story_needs(whole_video):
    with av.open(str(whole_video)) as container:
        chapters = container.chapters()
        seconds = float(container.duration / av.time_base)
    assert [c["metadata"].get("title") for c in chapters] == [f"{i}. {b.title}" for i, b in enumerate(BEATS, 1)]
    starts = [float(c["start"] * c["time_base"]) for c in chapters]
    assert starts == sorted(starts) and starts[0] == 0
    assert 180 <= seconds <= 360
    assert timedelta(seconds=seconds) > timedelta(seconds=starts[-1])
