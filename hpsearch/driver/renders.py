"""Beats rendered by manim's own CLI, each in a process forked from one that has manim imported."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import resource
import signal
import threading
import time
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from hpsearch.files import ROOT, write_atomic
from hpsearch.processes import end_group_with

if TYPE_CHECKING:
    from ctypes import Array, c_double, c_int

    from hpsearch.beats import Beat


class RenderError(RuntimeError):
    pass


class Cost(NamedTuple):
    """What rendering one beat took: wall seconds, its process's peak resident memory, and the
    processor seconds of that process (all its threads: drawing, encoding) and of the LaTeX it ran,
    whose sum over the beats against wall x cores says how busy a parallel render kept the cores."""

    seconds: float
    peak_mb: float
    cpu_seconds: float
    clips: int = 0  # speech clips it synthesised (the rest came from the speech cache)


class FolderBusy(RuntimeError):
    """Another render holds the folder."""


class Held:
    """An exclusive lock on a folder (flock on the folder itself: no lock file left in it), released on close."""

    def __init__(self, folder: Path, wait: bool):
        self.fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(self.fd)
            raise FolderBusy(f"another render is using {folder}") from None

    def close(self) -> None:
        os.close(self.fd)  # closing the descriptor releases the lock

    def __enter__(self) -> Held:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def share_tex(source: Path, target: Path) -> None:
    """Put into `target` every compiled formula (.svg) of `source` that it lacks, each whole or not at all.

    Manim names a formula's SVG after a hash of its full LaTeX source, so one
    file serves every beat that typesets the same thing (the axis tick labels
    are in seven beats). Beats compile in their own folders, since manim's
    LaTeX cache is not safe for two processes at once; finished beats publish
    here and later beats start from it, instead of compiling the same TeX again.
    """
    if not source.is_dir():
        return
    for svg in source.glob("*.svg"):
        if not (target / svg.name).exists():
            write_atomic(target / svg.name, svg.read_bytes())


# What every beat imports before it draws anything (1.4-1.9 s of a fresh process):
# imported once in a fork server, so each beat starts as a fork of it.
PRELOAD = [
    "manim",
    "manim.__main__",
    "hpsearch.findings",
    "objective",
    "samplers",
    "hpsearch.settings",
    "hpsearch.tpe.moments",
    "hpsearch.visibility",
]


class Renders:
    """Beats rendered by `manim render`, each in a process forked from one that has manim imported.

    The command is manim's own CLI with the same arguments as on the command
    line; only the import is shared. Every beat process leads its own process
    group, so stop() ends it together with any LaTeX it started.
    """

    def __init__(self) -> None:
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._running: set[BaseProcess] = set()
        self._lock = threading.Lock()  # beats start in the pool's threads, stop() comes from the main one
        self._stopped = False
        # Frames written and speech clips synthesised so far, by log name (the scene); a beat is here
        # once its process runs.
        self.frames: dict[str, c_int] = {}
        self.clips: dict[str, c_int] = {}

    def run(self, args: list[str], log: Path, env: dict[str, str]) -> tuple[int, float, float, int]:
        """Exit status, peak resident memory (MB), processor seconds and speech clips synthesised of one
        `manim <args>` process."""
        # Written by the child alone, read here: no lock, so no semaphore for a stopped run to leak.
        usage = self._context.Array("d", 2, lock=False)  # peak KB, processor seconds
        frames = self._context.Value("i", 0, lock=False)
        clips = self._context.Value("i", 0, lock=False)
        with self._lock:
            if self._stopped:
                raise KeyboardInterrupt
            proc = self._context.Process(
                target=_manim_in_child, args=(args, str(log), env, usage, frames, clips, os.getpid())
            )
            proc.start()
            self._running.add(proc)
            self.frames[log.stem] = frames
            self.clips[log.stem] = clips
        try:
            proc.join()
        finally:
            with self._lock:
                self._running.discard(proc)
        assert proc.exitcode is not None  # joined
        return proc.exitcode, usage[0] / 1024, usage[1], clips.value

    def stop(self) -> None:
        """End every running beat with its LaTeX, and start no more."""
        with self._lock:
            self._stopped = True
            for proc in self._running:
                assert proc.pid is not None  # started
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:  # forked but not yet leading its group: nothing below it yet
                    proc.kill()


def _manim_in_child(
    args: list[str],
    log: str,
    env: dict[str, str],
    usage: Array[c_double],
    frames: c_int,
    clips: c_int,
    driver: int,
) -> None:
    """A beat process: its own process group, output to its log, then `manim <args>`; reports its peak RSS
    and processor seconds, and counts the frames it writes and the speech clips it synthesises as it goes
    (for the driver's progress display).

    It ends, LaTeX and all, when the driver dies, even by SIGKILL. Its parent is the fork server,
    which outlives the driver while any process it forked runs, so the beat watches the driver itself.
    """
    os.setsid()
    end_group_with(driver)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    from manim.__main__ import main as manim_main
    from manim.scene.scene_file_writer import SceneFileWriter

    write_frame = SceneFileWriter.write_frame

    def counted(self: SceneFileWriter, pixels: Any, *, repeat: int = 1) -> None:
        write_frame(self, pixels, repeat=repeat)
        frames.value += repeat

    SceneFileWriter.write_frame = counted  # type: ignore[method-assign]  # this process only
    from hpsearch import audio, voice

    synthesise = voice.synthesise

    def spoken(spoken_text: str) -> audio.Samples:
        samples = synthesise(spoken_text)
        clips.value += 1
        return samples

    voice.synthesise = spoken  # this process only

    try:
        manim_main(args=args, prog_name="manim")
    finally:
        own, latex = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        usage[0] = own.ru_maxrss
        usage[1] = own.ru_utime + own.ru_stime + latex.ru_utime + latex.ru_stime  # as wait4 counts it


def manim_args(quality_flag: str, media_dir: Path, scene_file: Path, scene: str) -> list[str]:
    """The `manim` command line a beat renders with (the benchmark times exactly this).

    Manim's own per-animation cache is off: hashing every mobject at every
    play() cost more than it saved, and the driver skips whole beats instead.
    The encoder settings are manim.cfg's, repeated here so that no folder's config
    can change what the driver and the benchmark measure:
    - x264's veryfast preset (manim's default is medium): medium holds about 40
      frames of look-ahead, 470 MB at 1080p. InsideTPE took 94.9 s and 815 MB
      with medium, 65.1 s and 512 MB with veryfast; at crf 23 flat-colour
      drawings look the same, and the files are smaller than medium's.
    - One x264 thread: the driver runs more beats than cores, so x264's own
      threads only add their overhead. GridSearch took the same 28.5 s alone
      with either, and 37.9 processor seconds with one thread against 44.2.
    - One queued frame (manim's default is eight): TPESearch peaked at 950 MB
      with 8, 804 MB with 2 and 698 MB with 1, each in 27-28 s.
    """
    return [
        "render",
        f"-q{quality_flag}",
        "--media_dir",
        str(media_dir),
        "--disable_caching",
        "--encoder-queue-size",
        "1",
        "--encoder-option",
        "preset=veryfast",
        "--encoder-option",
        "threads=1",
        "--progress_bar",
        "none",
        "-v",
        "WARNING",
        str(scene_file),
        scene,
    ]


def render_beat(
    beat: Beat, quality_flag: str, media_dir: Path, env: dict[str, str], key: str, renders: Renders
) -> tuple[Path, Cost | None]:
    """The beat's MP4 (its .srt and speech .wav beside it): reused when its key matches, else rendered
    by `manim render`.

    Returns the MP4 and what rendering it cost (None when reused).
    """
    store = media_dir / "beats" / f"{beat.scene}-{key}.mp4"
    if store.exists():
        return store, None
    work = media_dir / beat.module  # a folder per beat: manim's LaTeX cache is not safe for two processes
    share_tex(media_dir / "Tex", work / "Tex")
    args = manim_args(quality_flag, work, ROOT / "scenes" / f"{beat.module}.py", beat.scene)
    start = time.perf_counter()
    log = media_dir / "logs" / f"{beat.scene}.log"
    code, peak_mb, cpu_seconds, clips = renders.run(args, log, env)
    if code != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
        raise RenderError(f"{beat.scene} failed (exit {code}); log {log}:\n{tail}")
    found = sorted((work / "videos" / beat.module).glob(f"*/{beat.scene}.mp4"), key=lambda p: p.stat().st_mtime)
    if not found or found[-1].stat().st_mtime < start - 1:
        raise RenderError(f"{beat.scene}: manim exited 0 but wrote no new MP4 under {work}")
    share_tex(work / "Tex", media_dir / "Tex")
    # Into the store: the .srt and the speech (.wav) first, the MP4 last, so a stored MP4 has them beside it.
    for suffix in (".srt", ".wav"):
        beside = found[-1].with_suffix(suffix)
        if beside.exists():
            write_atomic(store.with_suffix(suffix), beside.read_bytes())
    write_atomic(store, found[-1].read_bytes())
    return store, Cost(time.perf_counter() - start, peak_mb, cpu_seconds, clips)
