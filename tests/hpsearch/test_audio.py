"""hpsearch.audio's measurements and mastering, checked against closed forms and independent meters:
pyloudnorm for loudness (BS.1770), and a 4x-oversampled peak (BS.1770-4, annex 2) for the true peak."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hpsearch import audio

RATE = 48_000


def sine(amplitude: float, seconds: float = 3.0, hz: float = 997.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * hz * t)


def oversampled_peak(samples: np.ndarray) -> float:
    from scipy.signal import resample_poly

    return 20 * math.log10(np.max(np.abs(resample_poly(samples, 4, 1))))


def speechlike(seed: int) -> np.ndarray:
    """Bursts of noise under a syllable-rate envelope with pauses: a crest factor like speech's (~19 dB)."""
    rng = np.random.default_rng(seed)
    n = 6 * RATE
    envelope = np.abs(np.sin(2 * np.pi * 4.0 * np.arange(n) / RATE)) ** 3
    envelope[2 * RATE : 3 * RATE] = 0  # a pause
    return 0.3 * rng.standard_normal(n) * envelope


@pytest.mark.parametrize("amplitude", [1.0, 0.1, 0.01])
def test_a_sine_measures_as_ebu_r128_says(amplitude):
    # EBU Tech 3341: a 997 Hz sine at 0 dBFS in one channel reads -3.01 LUFS; its true peak is its amplitude.
    got = audio.measure(sine(amplitude), RATE)
    assert got.lufs == pytest.approx(20 * math.log10(amplitude) - 3.01, abs=0.1)
    assert got.true_peak == pytest.approx(20 * math.log10(amplitude), abs=0.1)


def test_loudness_agrees_with_pyloudnorm():
    import pyloudnorm

    for seed in range(3):
        x = speechlike(seed)
        assert audio.measure(x, RATE).lufs == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(x), abs=0.2)


def test_a_true_peak_between_samples_is_found():
    # A sine at a sixth of the rate, sampled 30 degrees either side of its crests: no sample passes
    # 0.866 of the peak (-1.25 dB). A true-peak meter must not read below the peak itself; FFmpeg's errs
    # high this close to the top of the band (0.8 dB here), which only makes a ceiling safer.
    x = 0.5 * np.sin(2 * np.pi * np.arange(RATE) / 6)
    peak = 20 * math.log10(0.5)
    assert 20 * math.log10(np.max(np.abs(x))) == pytest.approx(peak - 1.25, abs=0.01)
    assert peak - 0.1 <= audio.measure(x, RATE).true_peak <= peak + 1.0


def test_silence_measures_minus_infinity_and_masters_to_itself():
    quiet = np.zeros(RATE)
    assert audio.measure(quiet, RATE).lufs == -math.inf
    assert not np.any(audio.mastered(quiet, RATE, -16.0, -2.0))


@pytest.mark.parametrize("seed", [0, 1])
def test_mastering_meets_loudness_and_peak_by_independent_meters(seed):
    import pyloudnorm

    x = speechlike(seed)
    assert oversampled_peak(x) - pyloudnorm.Meter(RATE).integrated_loudness(x) > 14.5  # would clip at -16 LUFS
    out = audio.mastered(x, RATE, -16.0, -2.0)
    assert len(out) == len(x)
    assert pyloudnorm.Meter(RATE).integrated_loudness(out) == pytest.approx(-16.0, abs=0.2)
    assert oversampled_peak(out) <= -2.0 + 0.1
    # The limiter works on peaks only: the signal keeps its shape (in time with the input, no delay).
    assert np.corrcoef(out, x)[0, 1] > 0.95


def test_a_wav_round_trip_keeps_16_bit_samples(tmp_path):
    x = sine(0.5, 0.1)
    path = tmp_path / "a.wav"
    path.write_bytes(audio.wav_bytes(x, RATE))
    back, rate = audio.read_wav(path)
    assert rate == RATE
    assert np.max(np.abs(back - x)) <= 1 / 32768
