"""Render the whole video: validate, precompute, render beats in parallel, join, subtitle.

    python video.py [--config FILE] [--set SECTION.KEY=VALUE ...] [--quality preview|medium|high]
                    [--scenes NAME,...] [--jobs N] [--out DIR]

`./render.sh` sets up the environment and calls this. Nothing is written to
the output folder until every beat has rendered; the final MP4, its .srt and
the Optuna study file appear by atomic rename, so an interrupted run never
leaves a half-written video that looks finished.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Beat:
    module: str  # file in scenes/
    scene: str  # Scene class
    title: str  # chapter title
    cost: int  # relative render cost (measured with bench.py): the costliest start first


BEATS = (
    Beat("question", "Question", "The question", 4),
    Beat("landscape", "Landscape", "The landscape", 7),
    Beat("grid_search", "GridSearch", "Grid search", 4),
    Beat("random_search", "RandomSearch", "Random search", 5),
    Beat("tpe_search", "TPESearch", "TPE", 4),
    Beat("inside_tpe", "InsideTPE", "Inside TPE", 9),
    Beat("race", "Race", "The race", 7),
    Beat("many_seeds", "ManySeeds", "Many seeds", 3),
    Beat("verdict", "Verdict", "When TPE does not win", 6),
)
BEATS_BY_NAME = {b.scene: b for b in BEATS}


class RenderError(RuntimeError):
    pass


def _atomic_path(final: Path) -> Path:
    """A temporary sibling of `final` (same folder, so os.replace is atomic)."""
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.stem}.", suffix=final.suffix)
    os.close(fd)
    return Path(tmp)


def config_name(resolved_toml: str, defaults_toml: str) -> str:
    """'hpsearch' for the defaults, else 'hpsearch-<hash>' so variants never overwrite each other."""
    if resolved_toml == defaults_toml:
        return "hpsearch"
    return "hpsearch-" + hashlib.sha256(resolved_toml.encode()).hexdigest()[:8]


def beat_key(beat: Beat, resolved_toml: str, quality_flag: str) -> str:
    """Everything that determines a beat's MP4: its scene file, the shared code, the configuration.

    The beat's own file and every shared module (all top-level modules and the
    non-beat files in scenes/) are hashed, so a change anywhere the beat could
    see re-renders it, and an edit to another beat does not.
    """
    import manim
    import optuna

    other_beats = {f"{b.module}.py" for b in BEATS if b is not beat}
    sources = sorted(p for p in [*ROOT.glob("*.py"), *(ROOT / "scenes").glob("*.py")] if p.name not in other_beats)
    digest = hashlib.sha256()
    for part in (resolved_toml, quality_flag, manim.__version__, optuna.__version__, beat.scene):
        digest.update(part.encode() + b"\0")
    for path in sources:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


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
    target.mkdir(parents=True, exist_ok=True)
    for svg in source.glob("*.svg"):
        if not (target / svg.name).exists():
            tmp = _atomic_path(target / svg.name)
            shutil.copyfile(svg, tmp)
            os.replace(tmp, target / svg.name)


# What every beat imports before it draws anything (1.4-1.9 s of a fresh process):
# imported once in a fork server, so each beat starts as a fork of it.
PRELOAD = ["manim", "manim.__main__", "findings", "objective", "samplers", "settings", "tpe_internals", "visibility"]


class Renders:
    """Beats rendered by `manim render`, each in a process forked from one that has manim imported.

    The command is manim's own CLI with the same arguments as on the command
    line; only the import is shared. Every beat process leads its own process
    group, so stop() ends it together with any LaTeX it started.
    """

    def __init__(self):
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._running: set = set()
        self._lock = threading.Lock()
        self._stopped = False

    def run(self, args: list[str], log: Path, env: dict) -> tuple[int, float]:
        """Exit status and peak resident memory (MB) of one `manim <args>` process."""
        peak_kb = self._context.Value("d", 0.0)
        with self._lock:
            if self._stopped:
                raise KeyboardInterrupt
            proc = self._context.Process(target=_manim_in_child, args=(args, str(log), env, peak_kb))
            proc.start()
            self._running.add(proc)
        try:
            proc.join()
        finally:
            with self._lock:
                self._running.discard(proc)
        return proc.exitcode, peak_kb.value / 1024

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for proc in self._running:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:  # forked but not yet leading its group
                    proc.terminate()


def _manim_in_child(args: list[str], log: str, env: dict, peak_kb) -> None:
    """A beat process: its own process group, output to its log, then `manim <args>`; reports its peak RSS."""
    os.setsid()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    from manim.__main__ import main as manim_main

    try:
        manim_main(args=args, prog_name="manim")
    finally:
        peak_kb.value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def manim_args(quality_flag: str, media_dir: Path, scene_file: Path, scene: str) -> list[str]:
    """The `manim` command line a beat renders with (the benchmark times exactly this).

    Manim's own per-animation cache is off: hashing every mobject at every
    play() cost more than it saved, and the driver skips whole beats instead.
    Two queued frames (not eight) keep a 1080p process about 40 MB smaller at
    no measured cost in speed.
    """
    return ["render", f"-q{quality_flag}", "--media_dir", str(media_dir),
            "--disable_caching", "--encoder-queue-size", "2", "--progress_bar", "none", "-v", "WARNING",
            str(scene_file), scene]


def render_beat(beat: Beat, quality_flag: str, media_dir: Path, env: dict, key: str,
                renders: Renders) -> tuple[Path, float | None, float | None]:
    """The beat's MP4 (and .srt beside it): reused when its key matches, else rendered by `manim render`.

    Returns the MP4, the wall seconds the render took and its peak memory in
    MB (both None when reused).
    """
    store = media_dir / "beats" / f"{beat.scene}-{key}.mp4"
    if store.exists():
        return store, None, None
    work = media_dir / beat.module  # a folder per beat: manim's LaTeX cache is not safe for two processes
    share_tex(media_dir / "Tex", work / "Tex")
    args = manim_args(quality_flag, work, ROOT / "scenes" / f"{beat.module}.py", beat.scene)
    start = time.perf_counter()
    log = media_dir / "logs" / f"{beat.scene}.log"
    code, peak_mb = renders.run(args, log, env)
    if code != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-15:])
        raise RenderError(f"{beat.scene} failed (exit {code}); log {log}:\n{tail}")
    found = sorted((work / "videos" / beat.module).glob(f"*/{beat.scene}.mp4"), key=lambda p: p.stat().st_mtime)
    if not found or found[-1].stat().st_mtime < start - 1:
        raise RenderError(f"{beat.scene}: manim exited 0 but wrote no new MP4 under {work}")
    share_tex(work / "Tex", media_dir / "Tex")
    # Into the store: the .srt first, the MP4 last and by rename, so a stored MP4 is always whole.
    store.parent.mkdir(parents=True, exist_ok=True)
    srt_file = found[-1].with_suffix(".srt")
    if srt_file.exists():
        shutil.copyfile(srt_file, store.with_suffix(".srt"))
    tmp = _atomic_path(store)
    shutil.copyfile(found[-1], tmp)
    os.replace(tmp, store)
    return store, time.perf_counter() - start, peak_mb


def join_movies(parts: list[Path], output: Path) -> list[float]:
    """Concatenate same-format MP4s without re-encoding; returns each part's duration (s)."""
    import av

    durations = []
    tmp = _atomic_path(output)
    try:
        with av.open(str(tmp), mode="w", format="mp4") as out:
            stream_out = None
            offset = 0  # in the output stream's time base
            for part in parts:
                with av.open(str(part)) as src:
                    stream_in = src.streams.video[0]
                    if stream_out is None:
                        stream_out = out.add_stream_from_template(stream_in)
                    last_end = offset
                    for packet in src.demux(stream_in):
                        if packet.dts is None:
                            continue
                        end = packet.pts + (packet.duration or 0)
                        packet.pts += offset
                        packet.dts += offset
                        last_end = max(last_end, end + offset)
                        packet.stream = stream_out
                        out.mux(packet)
                    durations.append(float((last_end - offset) * stream_in.time_base))
                    offset = last_end
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return durations


def join_subtitles(parts: list[Path], durations: list[float], titles: list[str], output: Path) -> str:
    """One .srt from the beats' subcaptions, shifted to their place; returns chapter lines."""
    import srt

    subtitles, chapters, offset = [], [], 0.0
    for part, duration, title in zip(parts, durations, titles):
        shift = datetime.timedelta(seconds=offset)
        chapters.append(f"{int(offset // 60)}:{int(offset % 60):02d} {title}")
        srt_file = part.with_suffix(".srt")
        if srt_file.exists():
            for sub in srt.parse(srt_file.read_text(encoding="utf-8")):
                end = min(sub.end, datetime.timedelta(seconds=duration))
                subtitles.append(srt.Subtitle(0, sub.start + shift, end + shift, sub.content))
        offset += duration
    # One line at a time: a caption ends where the next begins.
    for sub, following in zip(subtitles, subtitles[1:]):
        sub.end = min(sub.end, following.start)
    tmp = _atomic_path(output)
    try:
        tmp.write_text(srt.compose(subtitles), encoding="utf-8")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return "\n".join(chapters) + "\n"


def save_studies(config, output: Path) -> None:
    """The featured studies in an Optuna SQLite file: optuna.load_study opens exactly what the video shows."""
    import optuna

    import samplers

    tmp = _atomic_path(output)
    tmp.unlink()
    try:
        storage = f"sqlite:///{tmp}"
        for name in config.samplers:
            samplers.run_optuna_study(config.objective, name, config.budget, config.featured_seed,
                                      config.n_startup_trials, storage=storage, study_name=f"{name}-seed{config.featured_seed}")
            study = optuna.load_study(study_name=f"{name}-seed{config.featured_seed}", storage=storage)
            shown = config.featured_run(name)
            if [t.params for t in study.trials] != [{"lr": t.lr, "decay": t.decay} for t in shown.trials]:
                raise RenderError(f"the stored {name} study differs from the trials the video shows")
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="render.sh",
        description="Render the hyperparameter-search video (all beats, joined into one MP4 with subtitles).",
    )
    parser.add_argument("--config", metavar="FILE", help="TOML file overriding video.toml (only the keys you change)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="override one value, e.g. --set study.budget=16 (repeatable)")
    parser.add_argument("--quality", choices=("preview", "medium", "high"),
                        help="preview = 480p15 (fast), medium = 720p30, high = 1080p60 (default: render.quality)")
    parser.add_argument("--scenes", metavar="NAME,...",
                        help=f"render only these beats, e.g. GridSearch,Race (from: {', '.join(BEATS_BY_NAME)})")
    # One more than the cores: a beat waiting on LaTeX or the encoder leaves a core idle (preview: 79 s -> 71 s).
    parser.add_argument("--jobs", type=int, default=(os.cpu_count() or 1) + 1,
                        help="beats rendered at once (default: cores + 1)")
    parser.add_argument("--out", default=str(ROOT / "out"), metavar="DIR", help="where the video lands (default: out/)")
    parser.add_argument("--media-dir", default=str(ROOT / "media"), metavar="DIR",
                        help="manim's working folder; cached partial movies are reused from here (default: media/)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import settings

    # 1. Validate everything before any work.
    overrides = list(args.overrides) + ([f"render.quality={args.quality}"] if args.quality else [])
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            config = settings.load(args.config, overrides)
        for w in caught:
            print(f"render.sh: warning: {w.message}", file=sys.stderr)
        beats = list(BEATS)
        if args.scenes:
            names = [n.strip() for n in args.scenes.split(",") if n.strip()]
            unknown = [n for n in names if n not in BEATS_BY_NAME]
            if unknown or not names:
                raise settings.SettingsError(
                    f"--scenes {args.scenes!r}: unknown beat {', '.join(unknown) or '(none given)'}; "
                    f"allowed: {', '.join(BEATS_BY_NAME)}")
            beats = [b for b in BEATS if b.scene in names]
        if args.jobs < 1:
            raise settings.SettingsError(f"--jobs {args.jobs} is not allowed: an integer >= 1")
    except settings.SettingsError as err:
        print(f"render.sh: error: {err}", file=sys.stderr)
        return 2

    out_dir = Path(args.out).resolve()
    media_dir = Path(args.media_dir).resolve()
    resolved = config.as_toml()
    defaults = settings.defaults()
    # Quality is in the file name already; only the content decides the hash.
    name = config_name(dataclasses.replace(config, quality=defaults.quality).as_toml(), defaults.as_toml())
    name = f"{name}-{config.quality}" + ("" if not args.scenes else "-" + "-".join(b.scene for b in beats))
    config_file = media_dir / "configs" / f"{hashlib.sha256(resolved.encode()).hexdigest()[:16]}.toml"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(resolved)
    env = dict(os.environ, **{settings.ENV_VAR: str(config_file)})
    (media_dir / "logs").mkdir(parents=True, exist_ok=True)

    try:
        # 2. Trial data once, before the parallel renders read it.
        import findings

        start = time.perf_counter()
        findings.precompute(config, progress=True)
        print(f"trial data ready in {time.perf_counter() - start:.1f} s", file=sys.stderr)

        # 3. Beats in parallel, the costliest first so the cores finish together.
        order = sorted(beats, key=lambda b: -b.cost)
        print(f"rendering {len(beats)} beat(s) at {config.quality} with {args.jobs} job(s)...", file=sys.stderr)
        renders = Renders()
        pool = ThreadPoolExecutor(args.jobs)
        try:
            futures = {b: pool.submit(render_beat, b, config.quality_flag, media_dir, env,
                                      beat_key(b, resolved, config.quality_flag), renders) for b in order}
            results = {}
            for b in order:
                results[b] = futures[b].result()
                _, seconds, peak_mb = results[b]
                print(f"  {b.scene:<13} " + ("reused (nothing it depends on changed)" if seconds is None
                                             else f"{seconds:6.1f} s  {peak_mb:5.0f} MB peak"), file=sys.stderr)
        except BaseException:  # a failed beat or Ctrl-C: stop the others now rather than let them finish
            renders.stop()
            raise
        finally:
            pool.shutdown(cancel_futures=True)
        parts = [results[b][0] for b in beats]
        # What each beat cost, for ./render.sh bench (a rendered beat's process is not the driver's child).
        report = {b.scene: {"seconds": results[b][1], "peak_mb": results[b][2]} for b in beats}
        (media_dir / "logs" / "render-report.json").write_text(json.dumps(report, indent=1))

        # 4. Join, subtitle, store the studies; each lands by atomic rename.
        out_dir.mkdir(parents=True, exist_ok=True)
        movie = out_dir / f"{name}.mp4"
        durations = join_movies(parts, movie)
        chapters = join_subtitles(parts, durations, [b.title for b in beats], movie.with_suffix(".srt"))
        (out_dir / f"{name}.chapters.txt").write_text(chapters)
        save_studies(config, out_dir / f"{name}-studies.db")
    except RenderError as err:
        print(f"render.sh: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("render.sh: interrupted; no video written", file=sys.stderr)
        return 130

    total = sum(durations)
    print(f"video: {movie}  ({total:.1f} s, {len(beats)} beats)")
    print(f"subtitles: {movie.with_suffix('.srt')}")
    print(f"studies: {out_dir / f'{name}-studies.db'}  (optuna.load_study(study_name='tpe-seed{config.featured_seed}', "
          f"storage='sqlite:///...'))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
