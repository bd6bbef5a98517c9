"""Benchmark the render and the trial data; prints one table of medians.

    ./render.sh bench [--scenes A,B] [--quality high] [--runs N] [--no-video] [--no-preview]
    ./render.sh bench --narration out/hpsearch-high.mp4

Per beat: frames, wall seconds, seconds per frame, seconds of render per second
of video, processor seconds (every thread), peak RSS of the manim process, and
the ratio to the encode-only floor: a scene of the same resolution holding one
static frame, rendered with the same manim arguments, measured in this same run
at three lengths and fitted as start-up + per-frame cost (floor_model), then
evaluated at the beat's frame count. Every render is cold (fresh media folder:
no cached partial movies, no compiled LaTeX); the trial data is in its cache, as
the driver leaves it before it renders. Then the whole video (beats in
parallel, as ./render.sh does it) at the chosen quality and at preview quality,
and the trial data cold (empty cache) and warm.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import click

from hpsearch.beats import BEATS, BEATS_BY_NAME
from hpsearch.driver.renders import Cost, manim_args
from hpsearch.files import ROOT

FLOOR_SCENE = textwrap.dedent("""
    from manim import Scene, Text
    class Floor(Scene):
        def construct(self):
            self.add(Text("encode-only floor"))
            self.wait({seconds})
""")


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Cost:
    """Run a command; return its wall seconds, peak RSS in MB and processor seconds (all threads)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stderr is not None  # piped
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{proc.stderr.read().decode()[-2000:]}")
    return Cost(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def movie_stats(path: Path) -> tuple[int, float]:
    import av

    with av.open(str(path)) as c:
        assert c.duration is not None  # an MP4 states its length
        return c.streams.video[0].frames, float(c.duration / 1e6)


def render_scene(module_path: Path, scene: str, flag: str, media: Path) -> tuple[Cost, Path]:
    cost = run_measured([sys.executable, "-m", "manim", *manim_args(flag, media, module_path, scene)])
    return cost, next(media.glob(f"videos/{module_path.stem}/*/{scene}.mp4"))


def floor_model(flag: str, runs: int, tmp: Path) -> tuple[float, float]:
    """The floor's wall time as start-up + per-frame cost, (a, b) of a + b * frames.

    Fitted by least squares over three lengths (medians of `runs` each), with start-up
    and per-frame cost both held >= 0 (scipy.optimize.nnls): a line through two noisy
    points can cross zero, and a negative start-up made the whole video's floor, and
    its ratio, negative. Where the data would pull the start-up below zero, the fit
    puts it at 0: a line through the origin.
    """
    import numpy as np
    from scipy.optimize import nnls

    points = []
    for seconds in (2, 6, 10):
        src = tmp / f"floor_{seconds}.py"
        src.write_text(FLOOR_SCENE.format(seconds=seconds))
        walls, frames = [], 0
        for i in range(runs):
            cost, movie = render_scene(src, "Floor", flag, tmp / f"floor-media-{seconds}-{i}")
            walls.append(cost.seconds)
            frames = movie_stats(movie)[0]
        points.append((frames, statistics.median(walls)))
    frames_of, walls_of = np.array(points, dtype=float).T
    (a, b), _ = nnls(np.column_stack([np.ones_like(frames_of), frames_of]), walls_of)
    return float(a), float(b)


SURFACE_PROBE = textwrap.dedent("""
    from scenes.landscape import Landscape
    class Probe(Landscape):
        surface_resolution = {resolution}
        move_seconds = 1.0
        hold = 0.1
""")


def surface_table(resolutions: tuple[int, ...] = (24, 32, 40, 48), reference: int = 96) -> None:
    """Last-frame difference (blurred 4 px) from a fine reference surface, and the cost of a moving-camera frame."""
    import numpy as np
    from PIL import Image, ImageFilter

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        frames = {}
        costs = {}
        for resolution in (reference, *resolutions):
            src = tmp / f"probe_{resolution}.py"
            src.write_text(SURFACE_PROBE.format(resolution=resolution))
            media = tmp / f"media-{resolution}"
            run_measured(
                [
                    sys.executable,
                    "-m",
                    "manim",
                    "render",
                    "-s",
                    "-qh",
                    "--disable_caching",
                    "--progress_bar",
                    "none",
                    "-v",
                    "WARNING",
                    "--media_dir",
                    str(media),
                    str(src),
                    "Probe",
                ]
            )
            # Blurred: the mesh lines move with the resolution by design; the shape and shading should not.
            image = Image.open(next(media.glob("images/**/*.png"))).convert("RGB").filter(ImageFilter.GaussianBlur(4))
            frames[resolution] = np.asarray(image, float)
            if resolution != reference:
                cost, movie = render_scene(src, "Probe", "h", tmp / f"movie-{resolution}")
                costs[resolution] = (cost.seconds, movie_stats(movie)[0])
        print(
            f"{'surface':>8} {'mean |diff| vs ' + str(reference) + ', blurred':>27} {'pixels > 16/255':>16} "
            f"{'render s':>9} {'frames':>6}"
        )
        for resolution in resolutions:
            diff = np.abs(frames[resolution] - frames[reference]).max(axis=2)
            wall, n = costs[resolution]
            print(f"{resolution:>5}^2 {diff.mean():>27.3f} {np.mean(diff > 16):>16.2%} {wall:>9.1f} {n:>6}")


def time_trial_data(runs: int) -> tuple[float, float]:
    """(cold, warm) seconds of findings.precompute in a fresh process, imports excluded."""
    probe = (
        "import time; from hpsearch import settings, findings; c = settings.load(); "
        "t = time.perf_counter(); findings.precompute(c); print(time.perf_counter() - t)"
    )
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, HPSEARCH_CACHE_DIR=cache)
            env.pop("HPSEARCH_CONFIG", None)
            for bucket in (cold, warm):
                out = subprocess.run(
                    [sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True
                ).stdout
                bucket.append(float(out.split()[-1]))
    return statistics.median(cold), statistics.median(warm)


def time_speech(srt_file: Path) -> tuple[float, float, float]:
    """(cold, cached, seconds of speech): every cue of the .srt synthesised in a fresh process with an
    empty speech cache, then again with it filled; the voice's load is counted, the imports are not."""
    probe = (
        "import sys, time, srt; from hpsearch import voice; "
        "cues = [c.content for c in srt.parse(open(sys.argv[1], encoding='utf-8').read())]; "
        "t = time.perf_counter(); clips = [voice.clip(c) for c in cues]; "
        "print(time.perf_counter() - t, sum(c.seconds for c in clips))"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, HPSEARCH_CACHE_DIR=cache)
        runs = [
            subprocess.run(
                [sys.executable, "-c", probe, str(srt_file)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            for _ in range(2)
        ]
    return float(runs[0][0]), float(runs[1][0]), float(runs[0][1])


def narration_report(movie: Path) -> None:
    """How intelligible the video's narration is (WER against its script), and what its speech costs."""
    from hpsearch.driver import listen

    if not movie.exists():
        raise click.UsageError(f"--narration {movie}: no such video; render it first (./render.sh)")
    cold, cached, speech = time_speech(movie.with_suffix(".srt"))
    print(
        f"speech synthesis: {speech:.1f} s of speech, cold {cold:.1f} s ({cold / speech:.3f} x real time), "
        f"cached {cached:.2f} s",
        flush=True,
    )
    start = time.perf_counter()
    heard = listen.heard(movie)
    words = len(heard.script.split())
    print(
        f"narration heard by Whisper tiny.en (offline, {time.perf_counter() - start:.0f} s): "
        f"word error rate {heard.wer:.1%} over {words} words of the script"
    )


@click.command(help=__doc__.split("\n\n")[0])
@click.option("--scenes", help="comma-separated beats (default: all)")
@click.option("--quality", type=click.Choice(("preview", "medium", "high")), default="high", show_default=True)
@click.option("--runs", type=int, default=1, help="renders per figure; medians are reported (default 1)")
@click.option("--data-runs", type=int, default=5, help="repetitions of the trial-data timing (default 5)")
@click.option("--no-video", is_flag=True, help="skip the whole-video renders")
@click.option("--no-preview", is_flag=True, help="skip the whole-video render at preview quality")
@click.option(
    "--surface", is_flag=True, help="only compare surface resolutions: image difference and moving-camera cost"
)
@click.option(
    "--narration",
    metavar="MP4",
    help="only the narration of a rendered video: its word error rate heard offline, and its speech's cost",
)
def bench(
    scenes: str | None,
    quality: str,
    runs: int,
    data_runs: int,
    no_video: bool,
    no_preview: bool,
    surface: bool,
    narration: str | None,
) -> int:
    from hpsearch import settings

    if surface:
        surface_table()
        return 0
    if narration:
        narration_report(Path(narration))
        return 0
    flag = settings.QUALITIES[quality][0]
    beats = [b for b in BEATS if not scenes or b.scene in scenes.split(",")]
    if not beats or runs < 1:
        raise click.UsageError(f"--scenes {scenes!r} names no beat of {', '.join(BEATS_BY_NAME)}, or --runs {runs} < 1")

    cold, warm = time_trial_data(data_runs)
    print(
        f"trial data (findings.precompute, imports excluded): cold {cold:.2f} s, warm {warm:.3f} s "
        f"(medians of {data_runs})",
        flush=True,
    )
    # The beats read the trial data from the cache; the driver fills it before it renders,
    # and so does this, so that a beat's row times its render alone.
    from hpsearch import findings

    findings.precompute(settings.load())

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        a, b = floor_model(flag, runs, tmp)
        a_of, b_of = {quality: a}, {quality: b}
        print(
            f"encode-only floor at {quality}: {a:.2f} s start-up + {b * 1000:.1f} ms per frame (medians of {runs})",
            flush=True,
        )
        header = (
            f"{'beat':<13} {'frames':>6} {'video s':>7} {'wall s':>7} {'s/frame':>8} "
            f"{'s per s':>7} {'cpu s':>7} {'peak MB':>7} {'floor s':>7} {'x floor':>7}"
        )
        print(header)
        rows = []
        for beat in beats:
            costs = []
            for i in range(runs):
                cost, movie = render_scene(
                    ROOT / "scenes" / f"{beat.module}.py", beat.scene, flag, tmp / f"media-{beat.scene}-{i}"
                )
                costs.append(cost)
            frames, seconds = movie_stats(movie)
            wall = statistics.median(c.seconds for c in costs)
            cpu = statistics.median(c.cpu_seconds for c in costs)
            floor = a + b * frames
            rows.append((frames, seconds, wall, cpu, floor))
            print(
                f"{beat.scene:<13} {frames:>6} {seconds:>7.1f} {wall:>7.1f} {wall / frames:>8.3f} "
                f"{wall / seconds:>7.2f} {cpu:>7.1f} {max(c.peak_mb for c in costs):>7.0f} {floor:>7.1f} "
                f"{wall / floor:>7.2f}",
                flush=True,
            )
        frames, seconds, wall, cpu, floor = (sum(col) for col in zip(*rows, strict=True))
        print(
            f"{'sum (serial)':<13} {frames:>6} {seconds:>7.1f} {wall:>7.1f} {wall / frames:>8.3f} "
            f"{wall / seconds:>7.2f} {cpu:>7.1f} {'':>7} {floor:>7.1f} {wall / floor:>7.2f}"
        )
        print(
            f"(wall and cpu: medians of {runs} cold renders per beat, cpu counting every thread; "
            "peak MB: the largest of them)"
        )

        if not no_video:
            qualities = [quality] + ([] if no_preview or quality == "preview" else ["preview"])
            for video_quality in qualities:
                if video_quality not in a_of:
                    a_of[video_quality], b_of[video_quality] = floor_model(
                        settings.QUALITIES[video_quality][0], runs, tmp
                    )
                walls, cpus, peaks = [], [], []
                for i in range(runs):
                    media = tmp / f"video-media-{video_quality}-{i}"
                    driver = run_measured(
                        [
                            sys.executable,
                            "-m",
                            "hpsearch.driver",
                            "render",
                            "--video_quality",
                            video_quality,
                            "--out",
                            str(tmp / f"out-{video_quality}-{i}"),
                            "--media-dir",
                            str(media),
                        ]
                    )
                    walls.append(driver.seconds)
                    # The beats run in processes forked from a server, not children of the driver:
                    # each reports its own peak and processor time, which the driver writes down.
                    report = json.loads((media / "logs" / "render-report.json").read_text())
                    cpus.append(driver.cpu_seconds + sum(beat["cpu_seconds"] for beat in report.values()))
                    peaks.append(
                        max([(driver.peak_mb, "driver")] + [(beat["peak_mb"], name) for name, beat in report.items()])
                    )
                movie = next((tmp / f"out-{video_quality}-0").glob("*.mp4"))
                frames, seconds = movie_stats(movie)
                wall, cpu = statistics.median(walls), statistics.median(cpus)
                cores = os.cpu_count() or 1
                # The floor for the whole video: encoding its frames alone, spread over every core.
                floor = a_of[video_quality] + b_of[video_quality] * frames / cores
                print(
                    f"whole video at {video_quality}, beats in parallel ({cores + 1} jobs on {cores} cores), cold: "
                    f"{seconds:.1f} s of video, {frames} frames, {wall:.1f} s wall, "
                    f"{wall / frames:.4f} s per frame, {wall / seconds:.2f} s per s of video, "
                    f"floor {floor:.1f} s, x floor {wall / floor:.2f} (median of {runs}); "
                    f"{cpu:.0f} processor s, {cpu / wall:.2f} of {cores} cores busy; peak per process "
                    f"{', '.join(f'{mb:.0f} MB ({name})' for mb, name in peaks)}",
                    flush=True,
                )
    return 0
