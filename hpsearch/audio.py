"""Sound as numbers: mono float samples measured and levelled with FFmpeg's own filters (through PyAV).

Loudness is EBU R128 as FFmpeg's `ebur128` filter measures it (integrated
loudness in LUFS, true peak in dBTP); peaks are held under a ceiling by its
`alimiter`. The tests check both against pyloudnorm and a 4x-oversampled peak.
"""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float64]
BLOCK = 4096  # samples per frame pushed through a filter graph


@dataclass(frozen=True)
class Loudness:
    lufs: float  # integrated loudness (EBU R128)
    true_peak: float  # dBTP


def _frames(samples: Samples, rate: int) -> Iterator[Any]:
    import av

    data = samples.astype(np.float32)
    for start in range(0, len(data), BLOCK):
        frame = av.AudioFrame.from_ndarray(data[None, start : start + BLOCK].copy(), format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
        yield frame


def _through(samples: Samples, rate: int, filters: Sequence[tuple[str, str]]) -> tuple[Samples, dict[str, str]]:
    """The samples through a chain of FFmpeg audio filters: what comes out, and the filters' metadata
    as of the last frame that carried any (ebur128's measurements are running totals)."""
    import av

    graph = av.filter.Graph()
    chain = [graph.add("abuffer", sample_rate=str(rate), sample_fmt="flt", channel_layout="mono")]
    for name, args in [*filters, ("aformat", f"sample_fmts=flt:channel_layouts=mono:sample_rates={rate}")]:
        chain.append(graph.add(name, args))
        chain[-2].link_to(chain[-1])
    chain.append(graph.add("abuffersink"))
    chain[-2].link_to(chain[-1])
    graph.configure()
    out: list[Samples] = []
    metadata: dict[str, str] = {}

    def drain() -> None:
        while True:
            try:
                frame = graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            out.append(frame.to_ndarray().reshape(-1).astype(np.float64))
            metadata.update(frame.metadata)

    for frame in _frames(samples, rate):
        graph.push(frame)
        drain()
    graph.push(None)
    drain()
    return (np.concatenate(out) if out else np.zeros(0)), metadata


def measure(samples: Samples, rate: int) -> Loudness:
    """Integrated loudness and true peak (FFmpeg's ebur128); silence measures -inf."""
    if not np.any(samples):
        return Loudness(-math.inf, -math.inf)
    # A sound under one 400 ms gating block is measured with silence after it, which gating leaves out.
    padded = np.concatenate([samples, np.zeros(max(0, int(0.4 * rate) + 1 - len(samples)))])
    _, meta = _through(padded, rate, [("ebur128", "metadata=1:peak=true")])
    peak = float(meta["lavfi.r128.true_peak"])  # linear
    return Loudness(float(meta["lavfi.r128.I"]), 20 * math.log10(peak) if peak > 0 else -math.inf)


def mastered(samples: Samples, rate: int, lufs: float, ceiling: float) -> Samples:
    """The samples at `lufs` integrated loudness with the true peak at most `ceiling` dBTP: a gain, then
    FFmpeg's look-ahead limiter. The limiter holds sample peaks, so its limit is lowered by what the true
    peak still exceeds, and the gain raised by what the limiter took, until both are met (0.05 LU)."""
    if not np.any(samples):
        return samples
    limit = ceiling
    gain = lufs - measure(samples, rate).lufs
    for _ in range(8):
        out, _ = _through(
            samples,
            rate,
            [
                ("volume", f"{gain:.4f}dB"),
                ("alimiter", f"limit={10 ** (limit / 20):.6f}:attack=5:release=50:level=0:latency=1"),
            ],
        )
        got = measure(out, rate)
        if abs(lufs - got.lufs) < 0.05 and got.true_peak <= ceiling:
            break
        gain += lufs - got.lufs
        limit -= max(0.0, got.true_peak - ceiling)
    return out


def to_int16(samples: Samples) -> npt.NDArray[np.int16]:
    return np.round(np.clip(samples, -1.0, 32767 / 32768) * 32768).astype(np.int16)


def wav_bytes(samples: Samples, rate: int) -> bytes:
    """A 16-bit mono WAV file's bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(to_int16(samples).tobytes())
    return buffer.getvalue()


def read_wav(path: Path) -> tuple[Samples, int]:
    """A 16-bit WAV's samples as floats in [-1, 1) (channels averaged), and its rate."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: {8 * w.getsampwidth()}-bit samples, expected 16-bit")
        raw: Any = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return raw.reshape(-1, w.getnchannels()).mean(axis=1) / 32768.0, w.getframerate()
