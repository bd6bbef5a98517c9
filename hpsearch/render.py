"""Render the whole video: validate, precompute, render beats in parallel, join, subtitle.

    python -m hpsearch.render [--config FILE] [--set SECTION.KEY=VALUE ...] [--quality preview|medium|high]
                              [--scenes NAME,...] [--jobs N] [--out DIR]

`./render.sh` sets up the environment and calls this. Nothing is written to
the output folder until every beat has rendered; the final MP4, its .srt and
the Optuna study file appear by atomic rename, so an interrupted run never
leaves a half-written video that looks finished. --help imports nothing
beyond the standard library, so it works before the set-up has run.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from hpsearch.beats import BEATS, BEATS_BY_NAME, beat_key
from hpsearch.chapters import numbered
from hpsearch.formatting import plural
from hpsearch.output import Outputs, config_name, join_movies, save_studies, timeline, write_subtitles
from hpsearch.renders import ROOT, FolderBusy, Held, RenderError, Renders, render_beat


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="render.sh",
        description="Render the hyperparameter-search video (all beats, joined into one MP4 with subtitles).",
    )
    parser.add_argument("--config", metavar="FILE", help="TOML file overriding video.toml (only the keys you change)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override one value, e.g. --set study.budget=16 (repeatable)",
    )
    parser.add_argument(
        "--quality",
        choices=("preview", "medium", "high"),
        help="preview = 480p15 (fast), medium = 720p30, high = 1080p60 (default: render.quality)",
    )
    parser.add_argument(
        "--scenes",
        metavar="NAME,...",
        help=f"render only these beats, e.g. GridSearch,Race (from: {', '.join(BEATS_BY_NAME)})",
    )
    # One more than the cores: a beat waiting on LaTeX or the encoder leaves a core idle (preview: 79 s -> 71 s).
    parser.add_argument(
        "--jobs", type=int, default=(os.cpu_count() or 1) + 1, help="beats rendered at once (default: cores + 1)"
    )
    parser.add_argument("--out", default=str(ROOT / "out"), metavar="DIR", help="where the video lands (default: out/)")
    parser.add_argument(
        "--media-dir",
        default=str(ROOT / "media"),
        metavar="DIR",
        help="manim's working folder; cached partial movies are reused from here (default: media/)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress: only errors, warnings and where the video landed"
    )
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM: stop, once. A second signal while stopping (a double Ctrl-C, or `timeout`
    signalling the whole group) would land in the shutdown of a pool and print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _interruptible(work: Callable[[], object]) -> None:
    """work() in a thread, so that Ctrl-C stops the driver at once.

    Optuna turns a KeyboardInterrupt raised inside a trial into an UnboundLocalError
    (optuna/study/_optimize.py), so the interrupt must not land in its code: it lands
    here, in the waiting thread. What was finished is cached already (atomic writes);
    the thread and its pool's workers end with the process.
    """
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as err:  # handed to the waiting thread
            failure.append(err)

    thread = threading.Thread(target=run, name="trial-data", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(0.2)
    if failure:
        raise failure[0]


def _writable(option: str, folder: Path) -> None:
    """The folder exists (made if need be) and takes a file; else one line naming it and why."""
    from hpsearch.settings import SettingsError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise SettingsError(f"{option} {folder}: cannot write there ({err.strerror or err})") from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A worker or beat stopped mid-way cannot hand its semaphores back; multiprocessing's resource
    # tracker (a process of its own, started later with this environment) frees them, and would warn.
    os.environ["PYTHONWARNINGS"] = "ignore:resource_tracker:UserWarning"
    from hpsearch import settings

    # 1. Validate everything before any work.
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            config = settings.load(args.config, args.overrides)  # every value checked, --quality or not
        if args.quality:
            config = dataclasses.replace(config, quality=args.quality)
        for w in caught:
            print(f"render.sh: warning: {w.message}", file=sys.stderr)
        beats = list(BEATS)
        if args.scenes is not None:  # --scenes '' names no beat: refuse it rather than render them all
            names = [n.strip() for n in args.scenes.split(",") if n.strip()]
            unknown = [n for n in names if n not in BEATS_BY_NAME]
            if unknown or not names:
                raise settings.SettingsError(
                    f"--scenes {args.scenes!r}: unknown beat {', '.join(unknown) or '(none given)'}; "
                    f"allowed: {', '.join(BEATS_BY_NAME)}"
                )
            beats = [b for b in BEATS if b.scene in names]
        if args.jobs < 1:
            raise settings.SettingsError(f"--jobs {args.jobs} is not allowed: an integer >= 1")
    except settings.SettingsError as err:
        print(f"render.sh: error: {err}", file=sys.stderr)
        return 2

    def say(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr)

    out_dir = Path(args.out).resolve()
    media_dir = Path(args.media_dir).resolve()
    try:  # where the results go must take them, before any work is done (or any folder is made)
        folders = (("--out", out_dir), ("--media-dir", media_dir))
        for option, folder in folders:
            if folder.exists() and not folder.is_dir():
                raise settings.SettingsError(f"{option} {folder}: cannot write there (not a folder)")
        for option, folder in folders:
            _writable(option, folder)
        media_lock = Held(media_dir, wait=False)  # until this render ends
    except settings.SettingsError as err:
        print(f"render.sh: error: {err}", file=sys.stderr)
        return 2
    except FolderBusy as err:
        print(f"render.sh: error: {err}: wait for it, or give this render its own --media-dir", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)  # `timeout` and `kill`: stop like Ctrl-C, beats and all
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _interrupt)

    resolved = config.as_toml()
    defaults = settings.defaults()
    # Quality is in the file name already; only the content decides the hash.
    name = config_name(dataclasses.replace(config, quality=defaults.quality).as_toml(), defaults.as_toml())
    name = f"{name}-{config.quality}" + ("" if args.scenes is None else "-" + "-".join(b.scene for b in beats))
    config_file = media_dir / "configs" / f"{hashlib.sha256(resolved.encode()).hexdigest()[:16]}.toml"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(resolved)
    env = dict(os.environ, **{settings.ENV_VAR: str(config_file)})
    (media_dir / "logs").mkdir(parents=True, exist_ok=True)
    movie = out_dir / f"{name}.mp4"
    outputs = Outputs(out_dir)

    try:
        # 2. Trial data once, before the parallel renders read it.
        from hpsearch import findings

        start = time.perf_counter()
        _interruptible(lambda: findings.precompute(config, progress=not args.quiet))
        say(f"trial data ready in {time.perf_counter() - start:.1f} s")

        # 3. Beats in parallel, the costliest first so the cores finish together.
        order = sorted(beats, key=lambda b: -b.cost)
        say(f"rendering {len(beats)} beat(s) at {config.quality} with {args.jobs} job(s)...")
        renders = Renders()
        pool = ThreadPoolExecutor(args.jobs)
        try:
            futures = {
                b: pool.submit(
                    render_beat,
                    b,
                    config.quality_flag,
                    media_dir,
                    env,
                    beat_key(b, resolved, config.quality_flag),
                    renders,
                )
                for b in order
            }
            from hpsearch.progress import BeatProgress  # rich: not needed for --help

            results = {}
            with BeatProgress(beats, renders, media_dir / "logs" / "frames.json", args.quiet) as shown:
                pending = {futures[b]: b for b in order}
                while pending:
                    done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                    shown.refresh()
                    for future in done:
                        b = pending.pop(future)
                        results[b] = future.result()
                        shown.finished(b, results[b][1])
            shown.save()
        except BaseException:  # a failed beat or Ctrl-C: stop the others now rather than let them finish
            renders.stop()
            raise
        finally:
            pool.shutdown(cancel_futures=True)
        parts = [results[b][0] for b in beats]
        # What each beat cost, for ./render.sh bench (a rendered beat's process is not the driver's child).
        report = {b.scene: (cost._asdict() if (cost := results[b][1]) else None) for b in beats}
        (media_dir / "logs" / "render-report.json").write_text(json.dumps(report, indent=1))

        # 4. Join, subtitle, store the studies, then let them all land at once. One run at a time
        # writes into the output folder, so the temporaries of a killed run can be cleared first.
        with Held(out_dir, wait=True), outputs:
            outputs.clean()
            titles = ["{}. {}".format(*numbered(b.scene)) for b in beats]  # numbered as on screen
            cues, chapters = timeline(parts, titles)
            join_movies(parts, outputs.staged(movie), cues, chapters)
            write_subtitles(cues, outputs.staged(movie.with_suffix(".srt")))
            outputs.staged(out_dir / f"{name}.chapters.txt").write_text("".join(c.line + "\n" for c in chapters))
            save_studies(config, outputs.staged(out_dir / f"{name}-studies.db"))
            outputs.publish()
    except RenderError as err:
        print(f"render.sh: error: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a disk that fills up, a folder that went away: one line, not a traceback
        print(f"render.sh: error: {err.filename or ''}: {err.strerror or err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        written = f"the video was already written: {movie}" if outputs.published else "no video written"
        print(f"render.sh: interrupted; {written}", file=sys.stderr)
        return 130
    finally:
        media_lock.close()

    total = chapters[-1].end
    print(f"video: {movie}  ({total:.1f} s, {plural(len(beats), 'beat')})")
    print(f"subtitles: {movie.with_suffix('.srt')}")
    print(f"chapters: {out_dir / f'{name}.chapters.txt'}")
    print(
        f"studies: {out_dir / f'{name}-studies.db'}  (optuna.load_study(study_name='tpe-seed{config.featured_seed}', "
        f"storage='sqlite:///...'))"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
