"""What lands in the output folder: the joined MP4, its subtitles and chapters, and the Optuna
studies the video shows. They are written under temporary names and land together (`Outputs`):
an interrupted run leaves all of the previous ones or all of the new ones, never a mix."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from hpsearch.renders import RenderError, atomic_path

if TYPE_CHECKING:
    from hpsearch.settings import Settings


NAME = "hpsearch"  # every output's name starts with it


def config_name(resolved_toml: str, defaults_toml: str) -> str:
    """'hpsearch' for the defaults, else 'hpsearch-<hash>' so variants never overwrite each other."""
    if resolved_toml == defaults_toml:
        return NAME
    return f"{NAME}-" + hashlib.sha256(resolved_toml.encode()).hexdigest()[:8]


def join_movies(parts: list[Path], output: Path) -> list[float]:
    """Concatenate same-format MP4s without re-encoding; returns each part's duration (s)."""
    import av

    durations = []
    with av.open(str(output), mode="w", format="mp4") as out:
        stream_out = None
        offset = 0  # in the output stream's time base
        for part in parts:
            with av.open(str(part)) as src:
                stream_in = src.streams.video[0]
                assert stream_in.time_base is not None  # an MP4 stream has one
                if stream_out is None:
                    stream_out = out.add_stream_from_template(stream_in)
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
                durations.append(float((last_end - offset) * stream_in.time_base))
                offset = last_end
    return durations


def join_subtitles(parts: list[Path], durations: list[float], titles: list[str], output: Path) -> str:
    """One .srt from the beats' subcaptions, shifted to their place; returns chapter lines."""
    import srt

    subtitles, chapters, offset = [], [], 0.0
    for part, duration, title in zip(parts, durations, titles, strict=True):
        shift = datetime.timedelta(seconds=offset)
        chapters.append(f"{int(offset // 60)}:{int(offset % 60):02d} {title}")
        srt_file = part.with_suffix(".srt")
        if srt_file.exists():
            for sub in srt.parse(srt_file.read_text(encoding="utf-8")):
                end = min(sub.end, datetime.timedelta(seconds=duration))
                subtitles.append(srt.Subtitle(0, sub.start + shift, end + shift, sub.content))
        offset += duration
    # One line at a time: a caption ends where the next begins.
    for sub, following in itertools.pairwise(subtitles):
        sub.end = min(sub.end, following.start)
    output.write_text(srt.compose(subtitles), encoding="utf-8")
    return "\n".join(chapters) + "\n"


def save_studies(config: Settings, output: Path) -> None:
    """The featured studies in an Optuna SQLite file: optuna.load_study opens exactly what the video shows.

    Not byte-reproducible: Optuna stamps each trial with its wall-clock start and end (everything
    else is the same from run to run, tests/test_render_driver.py).
    """
    import optuna

    import samplers

    storage = f"sqlite:///{output}"
    for name in config.samplers:
        study_name = f"{name}-seed{config.featured_seed}"
        samplers.run_optuna_study(config.spec, name, storage=storage, study_name=study_name)
        study = optuna.load_study(study_name=study_name, storage=storage)
        shown = config.featured_run(name)
        if [t.params for t in study.trials] != [{"lr": t.lr, "decay": t.decay} for t in shown.trials]:
            raise RenderError(f"the stored {name} study differs from the trials the video shows")


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
        held = {signal.SIGINT, signal.SIGTERM}
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for final, tmp in self._staged.items():
                os.replace(tmp, final)
            self._staged.clear()
            self.published = True  # before the mask lifts: a Ctrl-C held back arrives after this
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a held Ctrl-C is delivered here

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp in self._staged.values():
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}-journal").unlink(missing_ok=True)  # SQLite's, beside a studies file
