"""What lands in the output folder: the joined MP4, its subtitles and chapters, and the Optuna
studies the video shows. They are written under temporary names and land together (`Outputs`):
an interrupted run leaves all of the previous ones or all of the new ones, never a mix."""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import signal
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hpsearch.driver.renders import RenderError
from hpsearch.files import atomic_path

if TYPE_CHECKING:
    from hpsearch.audio import Samples
    from hpsearch.settings import Settings


NAME = "hpsearch"  # every output's name starts with it


def config_name(resolved_toml: str, defaults_toml: str) -> str:
    """'hpsearch' for the defaults, else 'hpsearch-<hash>' so variants never overwrite each other."""
    if resolved_toml == defaults_toml:
        return NAME
    return f"{NAME}-" + hashlib.sha256(resolved_toml.encode()).hexdigest()[:8]


def part_duration(part: Path) -> float:
    """Seconds of video in an MP4: from its first frame's start to its last frame's end (packets only, no decoding)."""
    import av

    with av.open(str(part)) as src:
        stream = src.streams.video[0]
        assert stream.time_base is not None  # an MP4 stream has one
        end = 0
        for packet in src.demux(stream):
            if packet.dts is not None and packet.pts is not None:
                end = max(end, packet.pts + (packet.duration or 0))
        return float(end * stream.time_base)


@dataclass(frozen=True)
class Cue:
    """One subtitle of the whole video: seconds from its start."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class ChapterMark:
    """One beat's place in the whole video, as a player's chapter list shows it."""

    start: float
    end: float
    title: str

    @property
    def line(self) -> str:
        """'2:21 The race': the start rounded to the nearest second."""
        minutes, seconds = divmod(round(self.start), 60)
        return f"{minutes}:{seconds:02d} {self.title}"


def timeline(parts: list[Path], titles: list[str]) -> tuple[list[Cue], list[ChapterMark]]:
    """The beats' subcaptions shifted to their place in the whole video, and one chapter per beat.

    A caption never outlasts its beat, and ends where the next begins (one line at a time).
    """
    import srt

    cues, marks, offset = [], [], 0.0
    for part, title in zip(parts, titles, strict=True):
        duration = part_duration(part)
        marks.append(ChapterMark(offset, offset + duration, title))
        srt_file = part.with_suffix(".srt")
        if srt_file.exists():
            for sub in srt.parse(srt_file.read_text(encoding="utf-8")):
                end = min(sub.end.total_seconds(), duration)
                cues.append(Cue(offset + sub.start.total_seconds(), offset + end, sub.content))
        offset += duration
    cues = [
        Cue(cue.start, min(cue.end, following.start), cue.text)
        for cue, following in itertools.pairwise([*cues, Cue(math.inf, math.inf, "")])
    ]
    return cues, marks


ASS_HEADER = """[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Default,Sans,18,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""
"""What FFmpeg's mov_text encoder reads its cues against (it keeps the text, not the style)."""

MS = Fraction(1, 1000)
HELD = (signal.SIGINT, signal.SIGTERM)  # asked to stop while the outputs land: stop after


def narration(parts: list[Path]) -> Samples | None:
    """The beats' speech end to end at voice.RATE, each beat's (the WAV manim leaves beside its MP4)
    padded with silence to its video's length; None when no beat speaks."""
    import numpy as np

    from hpsearch import audio, voice

    wavs = [part.with_suffix(".wav") for part in parts]
    if not any(w.exists() for w in wavs):
        return None
    track = []
    for part, wav in zip(parts, wavs, strict=True):
        length = round(part_duration(part) * voice.RATE)
        samples = np.zeros(0)
        if wav.exists():
            samples, rate = audio.read_wav(wav)
            if rate != voice.RATE:
                raise RenderError(f"{wav}: {rate} Hz, expected the voice's {voice.RATE}")
            if len(samples) > length:
                # A beat waits for its last words (scenes/base.py), so this is past the speech: silence.
                samples = samples[:length]
        track.append(np.concatenate([samples, np.zeros(length - len(samples))]))
    return np.concatenate(track)


AUDIO_BIT_RATE = 192_000  # AAC, mono; online video asks for at least 128 kb/s


def join_movies(
    parts: list[Path], output: Path, cues: list[Cue], marks: list[ChapterMark], speech: Samples | None = None
) -> None:
    """One MP4: the parts' video packets back to back without re-encoding, the narration (when there is
    one) encoded once as AAC, the cues as a subtitle track (mov_text, English), and a chapter mark per beat."""
    import av
    from av.subtitles.subtitle import SubtitleSet

    from hpsearch import voice

    with av.open(str(output), mode="w", format="mp4") as out:
        stream_out = None
        offset = 0  # in the output stream's time base
        sound = None if speech is None else _AudioTrack(out, speech, voice.RATE)
        for part in parts:
            with av.open(str(part)) as src:
                stream_in = src.streams.video[0]
                if stream_out is None:
                    stream_out = out.add_stream_from_template(stream_in)
                    subtitles = out.add_stream("mov_text")
                    subtitles.codec_context.subtitle_header = ASS_HEADER.encode()
                    subtitles.metadata["language"] = "eng"
                last_end = offset
                for packet in src.demux(stream_in):
                    if packet.dts is None:
                        continue
                    assert packet.pts is not None  # an MP4 packet with a decode time has a display time
                    end = packet.pts + (packet.duration or 0)
                    packet.pts += offset
                    packet.dts += offset
                    last_end = max(last_end, end + offset)
                    packet.stream = stream_out
                    out.mux(packet)
                offset = last_end
            if sound is not None:  # the audio up to here, so the file interleaves beat by beat
                assert stream_out is not None and stream_out.time_base is not None
                sound.write_until(float(offset * stream_out.time_base))
        if sound is not None:
            sound.finish()
        for i, cue in enumerate(cues):
            start, length = round(cue.start * 1000), round((cue.end - cue.start) * 1000)
            # ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text; a line break is \N.
            dialogue = f"{i},0,Default,,0,0,0,,{cue.text.replace(chr(10), chr(92) + 'N')}"
            encoded = subtitles.codec_context.encode_subtitle(SubtitleSet.create(dialogue.encode(), 0, length))
            encoded.stream, encoded.time_base = subtitles, MS
            encoded.pts = encoded.dts = start
            encoded.duration = length
            out.mux(encoded)
        out.set_chapters(
            [
                {
                    "id": i + 1,
                    "start": round(c.start * 1000),
                    "end": round(c.end * 1000),
                    "time_base": MS,
                    "metadata": {"title": c.title},
                }
                for i, c in enumerate(marks)
            ]
        )


class _AudioTrack:
    """Mono samples encoded as AAC into a container, a stretch at a time."""

    FRAME = 1024  # samples per AAC frame

    def __init__(self, container: Any, samples: Samples, rate: int):
        self.container, self.samples, self.rate, self.done = container, samples.astype("float32"), rate, 0
        self.stream = container.add_stream("aac", rate=rate, layout="mono")
        self.stream.bit_rate = AUDIO_BIT_RATE
        self.stream.metadata["language"] = "eng"

    def write_until(self, seconds: float) -> None:
        import av

        end = min(len(self.samples), round(seconds * self.rate))
        while self.done < end:
            chunk = self.samples[None, self.done : min(end, self.done + self.FRAME)]
            frame = av.AudioFrame.from_ndarray(chunk.copy(), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = self.rate, self.done
            for packet in self.stream.encode(frame):
                self.container.mux(packet)
            self.done += chunk.shape[1]

    def finish(self) -> None:
        self.write_until(len(self.samples) / self.rate)
        for packet in self.stream.encode(None):
            self.container.mux(packet)


def write_subtitles(cues: list[Cue], output: Path) -> None:
    """The cues as an .srt file beside the video."""
    import srt

    subtitles = [
        srt.Subtitle(i + 1, timedelta(seconds=c.start), timedelta(seconds=c.end), c.text) for i, c in enumerate(cues)
    ]
    output.write_text(srt.compose(subtitles), encoding="utf-8")


def save_studies(config: Settings, output: Path) -> None:
    """The featured studies in an Optuna SQLite file: optuna.load_study opens exactly what the video shows.

    Not byte-reproducible: Optuna stamps each trial with its wall-clock start and end (everything
    else is the same from run to run, tests/driver/test_render_driver.py).
    """
    import optuna

    import samplers
    from hpsearch import trials

    storage = f"sqlite:///{output}"
    # A Ctrl-C while a study is written would make Optuna log a "trial failed" traceback before the
    # interrupt reaches the driver, which then says in one line what was written.
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        for name in config.samplers:
            study_name = f"{name}-seed{config.featured_seed}"
            samplers.run_optuna_study(config.spec, name, storage=storage, study_name=study_name)
            study = optuna.load_study(study_name=study_name, storage=storage)
            shown = trials.featured_run(config.spec, name)
            if [t.params for t in study.trials] != [{"lr": t.lr, "decay": t.decay} for t in shown.trials]:
                raise RenderError(f"the stored {name} study differs from the trials the video shows")
    finally:
        optuna.logging.set_verbosity(verbosity)


class Outputs:
    """The files of one render, staged under temporary names beside their final ones.

    `staged(final)` is where to write `final`; `publish()` renames them all into
    place with Ctrl-C and SIGTERM held back, so they land together; leaving the
    `with` block removes whatever was staged and not published. `clean()` removes
    what a killed earlier run left behind (only call it while holding the folder).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.published = False  # all staged files are in place
        self._staged: dict[Path, Path] = {}

    def staged(self, final: Path) -> Path:
        if final not in self._staged:
            self._staged[final] = atomic_path(final)
        return self._staged[final]

    def clean(self) -> None:
        """Temporaries of a run that was killed (atomic_path names them '.<stem>.<random><suffix>')."""
        for leftover in self.folder.glob(f".{NAME}*"):
            if leftover.is_file():
                leftover.unlink(missing_ok=True)

    def publish(self) -> None:
        """Rename every staged file into place; a Ctrl-C or SIGTERM meanwhile is held until all have landed.

        Held by handlers, not a signal mask: Python runs handlers in the main thread whichever
        thread the kernel hands the signal to, so a mask on this thread alone would not hold it.
        """
        held: list[int] = []
        previous = {sig: signal.signal(sig, lambda signum, _: held.append(signum)) for sig in HELD}
        try:
            for final, tmp in self._staged.items():
                os.replace(tmp, final)
            self._staged.clear()
            self.published = True
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if held:
            raise KeyboardInterrupt  # what was asked while the files landed

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}-journal").unlink(missing_ok=True)  # SQLite's, beside a studies file
