"""The narrated video as ./render.sh makes it by default (a preview render, its speech cold): its sound track, read
back from the MP4 and measured with meters of its own (pyloudnorm, a 4x-oversampled peak), against
the rules for narration: loudness, true peak, cues that start when their words start, no overlaps,
no sentence cut by the end of its beat, a speaking rate a listener follows; and its chapters and length."""

from __future__ import annotations

import math
import re

import av
import numpy as np
import pytest
import srt

from hpsearch import speech
from hpsearch.beats import BEATS
from tests.helpers.videos import preview_video

RATE = 48_000


@pytest.fixture(scope="module")
def narrated(tmp_path_factory, shared_cache):
    movie = preview_video(tmp_path_factory.mktemp("narrated"), shared_cache)
    with av.open(str(movie)) as container:
        (stream,) = container.streams.audio
        info = {"codec": stream.codec_context.name, "rate": stream.rate, "bit_rate": stream.bit_rate}
        chapters = [
            (float(c["start"] * c["time_base"]), float(c["end"] * c["time_base"])) for c in container.chapters()
        ]
        titles = [c["metadata"].get("title") for c in container.chapters()]
        seconds = float(container.duration / av.time_base)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        parts = [f.to_ndarray().reshape(-1) for frame in container.decode(stream) for f in resampler.resample(frame)]
        parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    cues = [
        (c.start.total_seconds(), c.end.total_seconds(), c.content)
        for c in srt.parse(movie.with_suffix(".srt").read_text(encoding="utf-8"))
    ]
    return {
        "info": info,
        "chapters": chapters,
        "titles": titles,
        "seconds": seconds,
        "sound": np.concatenate(parts).astype(np.float64),
        "cues": cues,
    }


def level(sound: np.ndarray, start: float, end: float) -> float:
    """RMS level in dBFS of the sound between two times."""
    part = sound[max(0, round(start * RATE)) : max(0, round(end * RATE))]
    rms = math.sqrt(float(np.mean(part**2))) if len(part) else 0.0
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def test_one_aac_track_at_48_khz_and_at_least_128_kbps(narrated):
    info = narrated["info"]
    assert info["codec"] == "aac" and info["rate"] == RATE
    assert info["bit_rate"] >= 128_000


def test_loudness_is_minus_16_lufs_and_the_true_peak_under_minus_1_5_dbtp(narrated):
    import pyloudnorm
    from scipy.signal import resample_poly

    sound = narrated["sound"]
    assert pyloudnorm.Meter(RATE).integrated_loudness(sound) == pytest.approx(-16.0, abs=1.0)
    assert 20 * math.log10(np.max(np.abs(resample_poly(sound, 4, 1)))) <= -1.5


def test_every_cue_starts_when_its_words_start_and_ends_when_they_end(narrated):
    sound, problems = narrated["sound"], []
    for start, end, text in narrated["cues"]:
        before, opening = level(sound, start - 0.25, start - 0.03), level(sound, start, start + 0.15)
        closing, after = level(sound, end - 0.25, end), level(sound, end + 0.05, end + 0.25)
        if not (before < -50 and opening > -35):
            problems.append(f"{start:.2f} s, {before:.0f} dB before, {opening:.0f} dB after the start: {text!r}")
        if not (closing > -40 and after < -50):
            problems.append(f"{end:.2f} s, {closing:.0f} dB before, {after:.0f} dB after the end: {text!r}")
    assert not problems, "\n".join(problems)


def test_cues_never_overlap_and_pause_between_sentences(narrated):
    cues = narrated["cues"]
    gaps = [(b[0] - a[1], b[2]) for a, b in zip(cues, cues[1:], strict=False)]
    assert all(gap >= 0.3 - 0.01 for gap, _ in gaps), [g for g in gaps if g[0] < 0.29]
    # Inside a passage (cues less than a second apart) a pause is 0.3 to 1.0 s by construction.
    assert sum(1 for gap, _ in gaps if gap <= 1.0) >= 0.75 * len(gaps)


def test_no_sentence_is_cut_by_the_end_of_its_beat(narrated):
    sound = narrated["sound"]
    for start, end in narrated["chapters"]:
        inside = [c for c in narrated["cues"] if start - 0.01 <= c[0] < end - 0.01]  # the .srt keeps milliseconds
        assert inside, f"the beat at {start:.1f} s says nothing"
        assert inside[-1][1] <= end - 0.05
        assert level(sound, end - 0.05, end) < -50


def spoken_words(text: str) -> int:
    """Words as a listener counts them: a spelled-out acronym ("T P E") is one."""
    return len(re.sub(r"\b[A-Z](?: [A-Z]\b)+", "X", speech.spoken(text)).split())


def test_the_speaking_rate_is_one_a_listener_follows(narrated):
    # Speech rate over the passages (runs of cues less than a second apart): spoken words over the
    # time from a passage's first word to its last, its pauses included.
    cues, words, seconds = narrated["cues"], 0, 0.0
    passage_start = cues[0][0]
    for cue, following in zip(cues, [*cues[1:], None], strict=True):
        words += spoken_words(cue[2])
        if following is None or following[0] - cue[1] > 1.0:
            seconds += cue[1] - passage_start
            passage_start = following[0] if following else 0.0
    assert 140 <= 60 * words / seconds <= 175


def test_a_chapter_per_beat_and_between_five_and_seven_minutes(narrated):
    assert narrated["titles"] == [f"{i}. {b.title}" for i, b in enumerate(BEATS, 1)]
    starts = [start for start, _ in narrated["chapters"]]
    assert starts == sorted(starts) and starts[0] == 0
    assert 300 <= narrated["seconds"] <= 420
