"""`./render.sh [OPTIONS]`: the whole video, in four steps: plan (every value and folder checked, before
any work), prepare (the configuration the beats read, the trial data), render (beats in parallel) and
publish (join, subtitle, store the studies).

Nothing is written to the output folder until every beat has rendered; the final MP4, its .srt and
the Optuna study file land together (output.Outputs), so an interrupted run never leaves a
half-written video that looks finished.
"""

from __future__ import annotations

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hpsearch.beats import BEATS, BEATS_BY_NAME, Beat, numbered
from hpsearch.driver.keys import beat_key
from hpsearch.driver.output import (
    Outputs,
    config_name,
    join_movies,
    narration,
    save_studies,
    timeline,
    write_subtitles,
)
from hpsearch.driver.progress import BeatProgress
from hpsearch.driver.renders import Cost, FolderBusy, Held, RenderError, Renders, render_beat
from hpsearch.files import ROOT, write_atomic
from hpsearch.formatting import plural

if TYPE_CHECKING:
    from hpsearch.settings import Settings


def error(message: object) -> None:
    print(f"render.sh: error: {message}", file=sys.stderr)


@dataclass(frozen=True)
class Plan:
    """A render whose every value has been checked: what to render, with what, and where."""

    config: Settings
    beats: list[Beat]
    jobs: int
    out_dir: Path
    media_dir: Path
    name: str  # of every output: hpsearch[-<config hash>]-<quality>[-<beats>]
    quiet: bool

    @property
    def movie(self) -> Path:
        return self.out_dir / f"{self.name}.mp4"

    def say(self, line: str) -> None:
        if not self.quiet:
            print(line, file=sys.stderr)


@click.command(help="Render the hyperparameter-search video (all beats, joined into one MP4 with subtitles).")
@click.option(
    "--config", "config_file", metavar="FILE", help="TOML file overriding video.toml (only the keys you change)"
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="override one value, e.g. --set study.budget=16 (repeatable)",
)
@click.option(
    "--quality",
    type=click.Choice(("preview", "medium", "high")),
    help="preview = 480p15 (fast), medium = 720p30, high = 1080p60 (default: render.quality)",
)
@click.option(
    "--voice",
    type=click.Choice(("on", "off")),
    help="on = narrated by the neural voice, off = silent, subtitles paced for reading (default: voice.enabled)",
)
@click.option(
    "--scenes",
    metavar="NAME,...",
    help=f"render only these beats, e.g. GridSearch,Race (from: {', '.join(BEATS_BY_NAME)})",
)
# One more than the cores: a beat waiting on LaTeX or the encoder leaves a core idle.
@click.option(
    "--jobs",
    type=int,
    default=(os.cpu_count() or 1) + 1,
    metavar="N",
    help="beats rendered at once (default: cores + 1)",
)
@click.option("--out", default=str(ROOT / "out"), metavar="DIR", help="where the video lands (default: out/)")
@click.option(
    "--media-dir",
    default=str(ROOT / "media"),
    metavar="DIR",
    help="manim's working folder; cached partial movies are reused from here (default: media/)",
)
@click.option("--quiet", is_flag=True, help="no progress: only errors, warnings and where the video landed")
def render(
    config_file: str | None,
    overrides: tuple[str, ...],
    quality: str | None,
    voice: str | None,
    scenes: str | None,
    jobs: int,
    out: str,
    media_dir: str,
    quiet: bool,
) -> int:
    # A worker or beat stopped mid-way cannot hand its semaphores back; multiprocessing's resource
    # tracker (a process of its own, started later with this environment) frees them, and would warn.
    os.environ["PYTHONWARNINGS"] = "ignore:resource_tracker:UserWarning"
    from hpsearch.settings import SettingsError

    try:
        plan = make_plan(config_file, overrides, quality, voice, scenes, jobs, Path(out), Path(media_dir), quiet)
        media_lock = Held(plan.media_dir, wait=False)  # until this render ends
    except SettingsError as err:
        error(err)
        return 2
    except FolderBusy as err:
        error(f"{err}: wait for it, or give this render its own --media-dir")
        return 2
    with media_lock:
        return execute(plan)


def make_plan(
    config_file: str | None,
    overrides: tuple[str, ...],
    quality: str | None,
    voice: str | None,
    scenes: str | None,
    jobs: int,
    out_dir: Path,
    media_dir: Path,
    quiet: bool,
) -> Plan:
    """Every value checked, and the folders able to take the results, before any work (or any folder is
    made); a SettingsError says what is wrong in one line. Warnings are printed, and allowed."""
    from hpsearch import settings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = settings.load(config_file, list(overrides))  # every value checked, --quality or not
    if quality:
        config = dataclasses.replace(config, quality=quality)
    if voice:
        config = dataclasses.replace(config, voice=voice == "on")
    if config.voice:
        from hpsearch import voice as narrator

        try:
            narrator.check_installed()
        except narrator.VoiceMissing as err:
            raise settings.SettingsError(str(err)) from None
    for w in caught:
        print(f"render.sh: warning: {w.message}", file=sys.stderr)
    beats = list(BEATS)
    if scenes is not None:  # --scenes '' names no beat: refuse it rather than render them all
        names = [n.strip() for n in scenes.split(",") if n.strip()]
        unknown = [n for n in names if n not in BEATS_BY_NAME]
        if unknown or not names:
            raise settings.SettingsError(
                f"--scenes {scenes!r}: unknown beat {', '.join(unknown) or '(none given)'}; "
                f"allowed: {', '.join(BEATS_BY_NAME)}"
            )
        beats = [b for b in BEATS if b.scene in names]
    if jobs < 1:
        raise settings.SettingsError(f"--jobs {jobs} is not allowed: an integer >= 1")

    out_dir, media_dir = out_dir.resolve(), media_dir.resolve()
    folders = (("--out", out_dir), ("--media-dir", media_dir))
    for option, folder in folders:
        if folder.exists() and not folder.is_dir():
            raise settings.SettingsError(f"{option} {folder}: cannot write there (not a folder)")
    for option, folder in folders:
        _writable(option, folder)

    defaults = settings.defaults()
    # Quality is in the file name already; only the content decides the hash.
    name = config_name(dataclasses.replace(config, quality=defaults.quality).as_toml(), defaults.as_toml())
    name = f"{name}-{config.quality}" + ("" if scenes is None else "-" + "-".join(b.scene for b in beats))
    return Plan(config, beats, jobs, out_dir, media_dir, name, quiet)


def _writable(option: str, folder: Path) -> None:
    """The folder exists (made if need be) and takes a file; else one line naming it and why."""
    from hpsearch.settings import SettingsError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        raise SettingsError(f"{option} {folder}: cannot write there ({err.strerror or err})") from None


def execute(plan: Plan) -> int:
    """Prepare, render and publish, stopping at Ctrl-C or SIGTERM; the exit status, and one line on failure."""
    signal.signal(signal.SIGTERM, _interrupt)  # `timeout` and `kill`: stop like Ctrl-C, beats and all
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _interrupt)
    outputs = Outputs(plan.out_dir)
    try:
        env = prepare(plan)
        parts = render_beats(plan, env)
        length = publish(plan, parts, outputs)
    except RenderError as err:
        error(err)
        return 1
    except OSError as err:  # a disk that fills up, a folder that went away: one line, not a traceback
        error(f"{err.filename or ''}: {err.strerror or err}")
        return 1
    except KeyboardInterrupt:
        written = f"the video was already written: {plan.movie}" if outputs.published else "no video written"
        print(f"render.sh: interrupted; {written}", file=sys.stderr)
        return 130

    studies = plan.out_dir / f"{plan.name}-studies.db"
    print(f"video: {plan.movie}  ({length:.1f} s, {plural(len(plan.beats), 'beat')})")
    print(f"subtitles: {plan.movie.with_suffix('.srt')}")
    print(f"chapters: {plan.out_dir / f'{plan.name}.chapters.txt'}")
    print(
        f"studies: {studies}  (optuna.load_study(study_name='tpe-seed{plan.config.featured_seed}', "
        f"storage='sqlite:///...'))"
    )
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM: stop, once. A second signal while stopping (a double Ctrl-C, or `timeout`
    signalling the whole group) would land in the shutdown of a pool and print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def prepare(plan: Plan) -> dict[str, str]:
    """The beats' environment, naming the resolved configuration's file; the trial data computed once,
    before the parallel renders read it."""
    from hpsearch import findings, settings

    resolved = plan.config.as_toml()
    config_file = plan.media_dir / "configs" / f"{hashlib.sha256(resolved.encode()).hexdigest()[:16]}.toml"
    write_atomic(config_file, resolved)
    (plan.media_dir / "logs").mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    _interruptible(lambda: findings.precompute(plan.config, progress=not plan.quiet))
    plan.say(f"trial data ready in {time.perf_counter() - start:.1f} s")
    return dict(os.environ, **{settings.ENV_VAR: str(config_file)})


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


def render_beats(plan: Plan, env: dict[str, str]) -> list[Path]:
    """Each beat's MP4 in video order: rendered in parallel, the costliest first so the cores finish
    together, or reused when nothing it depends on changed. What each cost goes to the media folder."""
    resolved, flag = plan.config.as_toml(), plan.config.quality_flag
    order = sorted(plan.beats, key=lambda b: -b.cost)
    plan.say(f"rendering {len(plan.beats)} beat(s) at {plan.config.quality} with {plan.jobs} job(s)...")
    logs = plan.media_dir / "logs"
    renders = Renders()
    pool = ThreadPoolExecutor(plan.jobs)
    results: dict[Beat, tuple[Path, Cost | None]] = {}
    try:
        pending = {
            pool.submit(render_beat, b, flag, plan.media_dir, env, beat_key(b, resolved, flag), renders): b
            for b in order
        }
        with BeatProgress(plan.beats, renders, logs / "frames.json", plan.quiet) as shown:
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
    # What each beat cost, for ./render.sh bench (a rendered beat's process is not the driver's child).
    report = {b.scene: (cost._asdict() if (cost := results[b][1]) else None) for b in plan.beats}
    write_atomic(logs / "render-report.json", json.dumps(report, indent=1))
    return [results[b][0] for b in plan.beats]


def publish(plan: Plan, parts: list[Path], outputs: Outputs) -> float:
    """Join, subtitle, store the studies, then let them all land at once; the video's length in seconds.

    One run at a time writes into the output folder, so the temporaries of a killed run can be cleared first.
    """
    out_dir = plan.out_dir
    with Held(out_dir, wait=True), outputs:
        outputs.clean()
        titles = ["{}. {}".format(*numbered(b.scene)) for b in plan.beats]  # numbered as on screen
        cues, marks = timeline(parts, titles)
        join_movies(parts, outputs.staged(plan.movie), cues, marks, narration(parts))
        write_subtitles(cues, outputs.staged(plan.movie.with_suffix(".srt")))
        outputs.staged(out_dir / f"{plan.name}.chapters.txt").write_text("".join(m.line + "\n" for m in marks))
        save_studies(plan.config, outputs.staged(out_dir / f"{plan.name}-studies.db"))
        outputs.publish()
    return marks[-1].end
