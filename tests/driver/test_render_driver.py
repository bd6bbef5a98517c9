"""The render driver and render.sh as a user meets them: bad input, interruption, outputs."""

import ast
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import optuna
import pytest
import srt

import samplers
from hpsearch import beats, settings, trials
from hpsearch.driver import keys, output, renders
from hpsearch.driver.render import render
from hpsearch.files import ROOT
from hpsearch.plain import to_plain

CHEAP_BEAT = "ManySeeds"  # a 2-D beat: the quickest full render
DRIVER = [sys.executable, "-m", "hpsearch.driver", "render"]


def driver(tmp_path: Path, *args: str) -> dict:
    """The driver's command line and surroundings, everything it writes under tmp_path."""
    env = dict(os.environ, HPSEARCH_CACHE_DIR=str(tmp_path / "cache"))
    env.pop(settings.ENV_VAR, None)
    command = [*DRIVER, "--out", str(tmp_path / "out"), "--media-dir", str(tmp_path / "media"), *args]
    return dict(args=command, cwd=ROOT, env=env, text=True)


def run_video(tmp_path: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        **driver(tmp_path, *args),
        capture_output=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    "args, named",
    [
        (["--set", "study.budget=0"], "study.budget = 0"),
        (["--scenes", ""], "--scenes"),
        (["--set", "study.budget=16\nstudy.featured_seed=3"], "one line"),
        (["--set", "study.budget=-4"], "study.budget = -4"),
        (["--set", "study.budget=2.5"], "study.budget = 2.5"),
        (["--set", "study.budget=100000"], "study.budget = 100000"),
        (["--set", "study.objective=rosenbrock"], 'study.objective = "rosenbrock"'),
        (["--set", 'study.samplers=["grid","random","tpe","cmaes"]'], "study.samplers"),
        (["--set", "study.bugdet=16"], "study.bugdet"),
        (["--set", "palette.tpe=purple"], 'palette.tpe = "purple"'),
        (["--set", "camera.phi=95"], "camera.phi = 95"),
        (["--set", "render.quality=true", "--quality", "preview"], "render.quality = true"),  # checked all the same
        (["--scenes", "GridSerch"], "GridSerch"),
        (["--config", "/nonexistent/variant.toml"], "/nonexistent/variant.toml"),
        (["--jobs", "0"], "--jobs 0"),
        (["--jobs", "two"], "'two'"),  # refused by the command line itself, in the same one line
        (["--quality", "ultra"], "'ultra'"),
        (["--voice", "loud"], "'loud'"),
        (["--set", "voice.enabled=2", "--voice", "on"], "voice.enabled = 2"),  # checked all the same
    ],
)
def test_bad_input_is_one_line_nonzero_and_writes_nothing(tmp_path, args, named):
    result = run_video(tmp_path, *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("render.sh: error: ") and named in lines[0]
    assert not (tmp_path / "out").exists() and not (tmp_path / "media").exists()


def test_malformed_toml_is_rejected_before_work(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[study\nbudget = 16\n")
    result = run_video(tmp_path, "--config", str(bad))
    assert result.returncode == 2 and "not valid TOML" in result.stderr
    assert not (tmp_path / "out").exists()


def test_startup_at_or_above_budget_warns_but_is_allowed():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        config = settings.load(overrides=["study.budget=9", "study.n_startup_trials=10"])
    assert config.budget == 9
    assert any("TPE is random search" in str(w.message) for w in caught)


def test_render_sh_help_lists_every_option():
    """Every option the render command takes, and the other commands. render.sh sets up before it asks the
    driver (its options come from click, which the set-up installs); here that is done already."""
    result = subprocess.run([str(ROOT / "render.sh"), "--help"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    options = [option for param in render.params for option in param.opts]
    assert "--scenes" in options and "--media-dir" in options
    for word in (*options, "test", "bench", "stills"):
        assert word in result.stdout, word


def test_beat_keys_follow_what_a_beat_can_import_and_nothing_else(tmp_path, monkeypatch):
    """An edit re-renders the beats that can see it: shared code all, a scene file its own, the driver none."""
    ignore = shutil.ignore_patterns("__pycache__")
    for tree in ("scenes", "hpsearch"):
        shutil.copytree(ROOT / tree, tmp_path / tree, ignore=ignore)
    for top in (*ROOT.glob("*.py"), ROOT / "manim.cfg", ROOT / "constraints.txt"):
        shutil.copyfile(top, tmp_path / top.name)
    monkeypatch.setattr(keys, "ROOT", tmp_path)
    toml = settings.defaults().as_toml()

    def all_keys(resolved: str = toml, flag: str = "l") -> dict[str, str]:
        return {b.scene: keys.beat_key(b, resolved, flag) for b in beats.BEATS}

    def changed_by(edit: Callable[[Path], object], relative: str) -> set[str]:
        """The beats whose key `edit` of the file changes (the file is put back after)."""
        path = tmp_path / relative
        before, original = all_keys(), path.read_bytes() if path.exists() else None
        edit(path)
        after = all_keys()
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
        return {name for name in before if before[name] != after[name]}

    def append(path: Path) -> None:
        with path.open("a") as f:
            f.write("\n# edited\n")

    def create(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("COLOUR = 1\n")

    every = set(beats.BEATS_BY_NAME)
    assert len(set(all_keys().values())) == len(every)
    driver = sorted((tmp_path / "hpsearch" / "driver").rglob("*.py"))
    assert len(driver) >= 8
    for path in driver:
        assert changed_by(append, path.relative_to(tmp_path).as_posix()) == set(), path
    assert changed_by(create, "hpsearch/driver/new_step.py") == set()
    for shared in (
        "scenes/kit/theme.py",
        "scenes/kit/surface_plot.py",
        "scenes/cameras/surface.py",
        "hpsearch/trials.py",
        "samplers.py",
        "objective.py",
        "hpsearch/beats.py",
        "hpsearch/settings.py",
        "hpsearch/tpe/moments.py",
        "manim.cfg",
        "constraints.txt",
    ):
        assert changed_by(append, shared) == every, shared
    assert changed_by(create, "scenes/new_piece.py") == every  # a new file
    assert changed_by(create, "scenes/kit/new_piece.py") == every  # in a new subfolder
    assert changed_by(append, "scenes/race.py") == {"Race"}
    (tmp_path / "scenes" / "__pycache__").mkdir(exist_ok=True)
    assert changed_by(create, "scenes/__pycache__/theme.cpython-311.pyc") == set()  # Python's, not ours
    base = set(all_keys().values())
    assert base.isdisjoint(all_keys(flag="m").values())
    assert base.isdisjoint(all_keys(settings.load(overrides=["study.budget=25"]).as_toml()).values())


def test_nothing_outside_the_driver_imports_it():
    """What makes the driver safe to leave out of the beat keys: no code a beat can run imports it."""
    sources = {p for b in beats.BEATS for p in keys.key_sources(b) if p.suffix == ".py"}
    assert ROOT / "scenes" / "base.py" in sources and ROOT / "hpsearch" / "beats.py" in sources
    for path in sources:
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        driver = {name for name in imported if name == "hpsearch.driver" or name.startswith("hpsearch.driver.")}
        assert not driver, f"{path.relative_to(ROOT)} imports {driver}"


def test_render_then_interrupt_then_render_again(tmp_path):
    """A finished render lands whole; Ctrl-C mid-render leaves no video; the next run completes."""
    # Interrupt while the beat renders: nothing may appear in out/.
    proc = start_video(tmp_path, "--quality", "preview", "--scenes", CHEAP_BEAT)
    said = said_until(proc, BEAT_STARTED)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0, said + err
    assert not list((tmp_path / "out").glob("*.mp4")) if (tmp_path / "out").exists() else True

    # The next run completes and leaves exactly one whole video with its subtitles and studies.
    result = run_video(tmp_path, "--quality", "preview", "--scenes", CHEAP_BEAT)
    assert result.returncode == 0, result.stderr
    movies = list((tmp_path / "out").glob("*.mp4"))
    assert len(movies) == 1
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temp files left
    with av.open(str(movies[0])) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == settings.QUALITIES["preview"][1:3]
        decoded = sum(1 for _ in container.decode(stream))
    assert decoded > 30
    assert movies[0].with_suffix(".srt").exists()
    list(srt.parse(movies[0].with_suffix(".srt").read_text()))  # well-formed
    # Ordinary files, readable as the umask allows (not the private mode of a temporary file).
    umask = os.umask(0)
    os.umask(umask)
    for written in (tmp_path / "out").iterdir():
        assert written.stat().st_mode & 0o777 == 0o666 & ~umask, written.name

    # The Optuna storage holds exactly the trials the video draws.
    config = settings.load()
    db = next((tmp_path / "out").glob("*-studies.db"))
    for name in config.samplers:
        study = optuna.load_study(study_name=f"{name}-seed{config.featured_seed}", storage=f"sqlite:///{db}")
        shown = samplers.run_study(config.spec, name)
        assert [t.params for t in study.trials] == [{"lr": t.lr, "decay": t.decay} for t in shown.trials]
        assert [t.value for t in study.trials] == [t.value for t in shown.trials]


def make_parts(tmp_path: Path, frames: tuple[int, ...], captions: list[list[tuple[float, float, str]]]) -> list[Path]:
    """Small MP4s at 15 fps, each with an .srt of its own, as a beat's render leaves them."""
    import numpy as np

    parts = []
    for i, (n, cues) in enumerate(zip(frames, captions, strict=True)):
        path = tmp_path / f"part{i}.mp4"
        with av.open(str(path), "w") as out:
            stream = out.add_stream("libx264", rate=15)
            stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
            for k in range(n):
                image = np.full((48, 64, 3), 10 * k + 100 * i, dtype=np.uint8)
                for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        subs = [srt.Subtitle(1, srt.timedelta(seconds=a), srt.timedelta(seconds=b), text) for a, b, text in cues]
        path.with_suffix(".srt").write_text(srt.compose(subs))
        parts.append(path)
    return parts


def video_packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def test_join_keeps_every_frame_and_carries_subtitles_and_chapters(tmp_path):
    """The parts' video packets back to back, unchanged; each beat's captions shifted to its place, in the
    MP4's own subtitle track and in the .srt; one titled chapter per beat."""
    captions = [[(0.1, 0.3, "beat 0"), (0.35, 2.0, "runs past its beat")], [(0.1, 0.3, "beat 1, ü")]]
    parts = make_parts(tmp_path, (7, 11), captions)
    cues, chapters = output.timeline(parts, ["one", "two"])
    assert [c.text for c in cues] == ["beat 0", "runs past its beat", "beat 1, ü"]
    assert [round(c.start, 3) for c in cues] == [0.1, 0.35, round(7 / 15 + 0.1, 3)]
    assert cues[1].end == pytest.approx(7 / 15)  # cut at the end of its beat
    assert [(c.title, round(c.start, 3), round(c.end, 3)) for c in chapters] == [
        ("one", 0.0, round(7 / 15, 3)),
        ("two", round(7 / 15, 3), round(18 / 15, 3)),
    ]
    joined = tmp_path / "joined.mp4"
    output.join_movies(parts, joined, cues, chapters)
    output.write_subtitles(cues, tmp_path / "joined.srt")

    assert video_packets(joined) == video_packets(parts[0]) + video_packets(parts[1])
    with av.open(str(joined)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 18
    with av.open(str(joined)) as container:
        (track,) = container.streams.subtitles
        assert track.codec_context.name == "mov_text" and track.metadata["language"] == "eng"
        shown = []
        for packet in container.demux(track):
            for sub in packet.decode():
                assert packet.pts is not None and packet.time_base is not None
                start = float(packet.pts * packet.time_base)
                shown.append(
                    (
                        round(start, 3),
                        round(start + float(packet.duration * packet.time_base), 3),
                        sub.dialogue.decode(),
                    )
                )
        marks = [(c["metadata"]["title"], c["start"] * c["time_base"]) for c in container.chapters()]
    assert shown == [(round(c.start, 3), round(c.end, 3), c.text) for c in cues]
    assert [(t, round(float(s), 3)) for t, s in marks] == [("one", 0.0), ("two", round(7 / 15, 3))]
    subs = list(srt.parse((tmp_path / "joined.srt").read_text()))
    assert [s.content for s in subs] == [c.text for c in cues]
    assert [s.start.total_seconds() for s in subs] == pytest.approx([c.start for c in cues], abs=1e-3)


def test_chapter_lines_round_to_the_nearest_second():
    assert output.ChapterMark(140.97, 150.0, "The race").line == "2:21 The race"
    assert output.ChapterMark(20.4, 30.0, "The landscape").line == "0:20 The landscape"
    assert output.ChapterMark(0.0, 1.0, "The question").line == "0:00 The question"


def test_same_configuration_gives_byte_identical_trial_data(tmp_path, monkeypatch):
    """Two cold computations of the featured runs and a sweep serialise to the same bytes."""
    dumps = []
    for attempt in ("a", "b"):
        monkeypatch.setenv("HPSEARCH_CACHE_DIR", str(tmp_path / attempt))
        featured = samplers.StudySpec("wells", 16, 3)
        runs = {s: to_plain(trials.featured_run(featured, s)) for s in ("grid", "random", "tpe")}
        sweep = trials.sweep(samplers.StudySpec("wells", 16, 0), ("grid", "random", "tpe"), 4, workers=1)
        curves = {s: st.curves.tolist() for s, st in sweep.stats.items()}
        dumps.append(json.dumps({"runs": runs, "curves": curves}, sort_keys=True).encode())
    assert dumps[0] == dumps[1]


def test_shared_tex_fills_gaps_and_never_overwrites(tmp_path):
    store, beat = tmp_path / "Tex", tmp_path / "beat" / "Tex"
    beat.mkdir(parents=True)
    (beat / "a.svg").write_text("<svg>a</svg>")
    (beat / "a.tex").write_text("source, not shared")
    renders.share_tex(beat, store)
    assert sorted(p.name for p in store.iterdir()) == ["a.svg"]

    # Another beat's file of the same name (same hash) is never replaced, and no temporary file is left.
    other = tmp_path / "other" / "Tex"
    other.mkdir(parents=True)
    (other / "a.svg").write_text("<svg>changed</svg>")
    (other / "b.svg").write_text("<svg>b</svg>")
    renders.share_tex(other, store)
    assert (store / "a.svg").read_text() == "<svg>a</svg>"
    assert sorted(p.name for p in store.iterdir()) == ["a.svg", "b.svg"]

    fresh = tmp_path / "fresh" / "Tex"
    renders.share_tex(store, fresh)  # a beat's folder that does not exist yet
    assert {p.name: p.read_text() for p in fresh.iterdir()} == {"a.svg": "<svg>a</svg>", "b.svg": "<svg>b</svg>"}
    renders.share_tex(tmp_path / "missing", fresh)  # nothing to share: nothing happens


# --- faults end cleanly ---------------------------------------------------------------------


def start_video(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """The driver in the background, its stderr piped. A shell starts background jobs with SIGINT ignored,
    and Python then keeps ignoring it: the driver gets Ctrl-C back, whatever started pytest."""
    return subprocess.Popen(
        **driver(tmp_path, *args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


# What the driver prints (off a terminal) once the beat's process runs.
BEAT_STARTED = re.compile(rf"^\s*{CHEAP_BEAT}\s+rendering$")


def said_until(proc: subprocess.Popen[str], wanted: re.Pattern[str] | str) -> str:
    """The driver's stderr up to the first line that matches `wanted`, however long it takes; fails with
    what it said if the driver ends first. Read a byte at a time, so that communicate() gets the rest."""
    assert proc.stderr is not None  # piped
    said, line = "", b""
    while byte := os.read(proc.stderr.fileno(), 1):
        line += byte
        if byte == b"\n":
            said += line.decode()
            if re.search(wanted, line.decode().rstrip("\n")):
                return said
            line = b""
    pytest.fail(f"the driver ended (exit {proc.wait()}) before saying {wanted!r}:\n{said}{line.decode()}")


def descendants(pid: int) -> set[int]:
    """Every living process below `pid` (its children, theirs, ...), from /proc."""
    parent = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if fields[0] != "Z":
            parent[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def gone_within(pids: set[int], seconds: float) -> bool:
    deadline = time.time() + seconds
    while alive(pids) and time.time() < deadline:
        time.sleep(0.2)
    return not alive(pids)


@pytest.mark.parametrize("which", ["--out", "--media-dir"])
def test_an_output_folder_that_cannot_be_written_is_refused_before_work(tmp_path, which):
    a_file = tmp_path / "taken"
    a_file.write_text("not a folder")
    result = run_video(tmp_path, which, str(a_file))  # the later option wins
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{which} {a_file}: cannot write there" in lines[0], result.stderr
    assert not (tmp_path / "cache").exists()  # no trial data computed


def test_a_second_render_on_the_same_media_folder_is_refused(tmp_path):
    (tmp_path / "media").mkdir()
    with renders.Held(tmp_path / "media", wait=False):
        result = run_video(tmp_path, "--quality", "preview", "--scenes", CHEAP_BEAT)
    assert result.returncode == 2
    assert "another render is using" in result.stderr and "--media-dir" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def rendering_a_beat(tmp_path: Path) -> tuple[subprocess.Popen[str], str, set[int]]:
    """The driver once a beat is rendering, what it said so far, and the processes below it."""
    proc = start_video(tmp_path, "--quality", "preview", "--scenes", CHEAP_BEAT)
    said = said_until(proc, BEAT_STARTED)
    below = descendants(proc.pid)
    assert len(below) >= 2  # the fork server and the beat, at least
    return proc, said, below


def test_sigterm_stops_the_driver_and_its_beats(tmp_path):
    proc, said, below = rendering_a_beat(tmp_path)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.splitlines()[-1] == "render.sh: interrupted; no video written", err
    assert "Traceback" not in said + err and "Warning" not in said + err, said + err
    assert gone_within(below, 10), f"still running: {alive(below)}"
    assert not list((tmp_path / "out").iterdir())


def test_killing_the_driver_ends_its_beats(tmp_path):
    proc, _, below = rendering_a_beat(tmp_path)
    proc.kill()
    proc.communicate(timeout=60)
    # The beat's parent is the fork server, which lives while anything it forked does: the beat
    # watches the driver itself, so all of it ends at once, not when the beat would have finished.
    assert gone_within(below, 3), f"still running: {alive(below)}"


# Said as TPE's featured run starts: well inside the trial data, which takes minutes here.
LONG_TRIAL_DATA = ("--quality", "preview", "--set", "study.budget=400", "--set", "study.n_seeds=200")
INSIDE_TRIAL_DATA = "featured run wells seed 0: tpe, 400 trials"


def test_ctrl_c_stops_a_long_sweep_within_seconds(tmp_path):
    proc = start_video(tmp_path, *LONG_TRIAL_DATA)
    said = said_until(proc, INSIDE_TRIAL_DATA)
    assert "featured run wells seed 0: grid, 400 trials" in said  # the cost is said before the work
    below = descendants(proc.pid)
    asked = time.time()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.time() - asked < 10, f"took {time.time() - asked:.1f} s to stop"
    assert proc.returncode == 130 and "no video written" in err and "Traceback" not in said + err, said + err
    assert gone_within(below, 5), f"still running: {alive(below)}"  # the sweep's workers too


def test_a_second_ctrl_c_while_stopping_prints_no_traceback(tmp_path):
    """`timeout -s INT` and an impatient hand both signal twice; the second lands in the shutdown."""
    proc = start_video(tmp_path, *LONG_TRIAL_DATA)
    said_until(proc, INSIDE_TRIAL_DATA)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.splitlines()[-1] == "render.sh: interrupted; no video written", err
    assert "Traceback" not in err and "Exception ignored" not in err, err


def test_an_interrupt_while_the_studies_are_written_is_one_line(tmp_path, monkeypatch, capfd):
    """Optuna logs a failed trial with its traceback before re-raising; the driver says one line instead."""
    import optuna

    import objective

    def interrupted(self, x, y):
        raise KeyboardInterrupt

    monkeypatch.setattr(objective.Objective, "__call__", interrupted)
    before = optuna.logging.get_verbosity()
    with pytest.raises(KeyboardInterrupt):
        output.save_studies(settings.defaults(), tmp_path / "studies.db")
    err = capfd.readouterr().err
    assert "Traceback" not in err and "failed" not in err, err
    assert optuna.logging.get_verbosity() == before


def test_outputs_land_together_or_not_at_all(tmp_path):
    finals = [tmp_path / "hpsearch-x.mp4", tmp_path / "hpsearch-x.srt", tmp_path / "hpsearch-x-studies.db"]
    # An error while writing: nothing lands and no temporary stays.
    with pytest.raises(RuntimeError), output.Outputs(tmp_path) as outputs:
        for final in finals:
            outputs.staged(final).write_text(final.name)
        raise RuntimeError("disk full")
    assert not list(tmp_path.iterdir()) and not outputs.published

    # Ctrl-C while they land is held back until all have landed.
    outputs = output.Outputs(tmp_path)
    for final in finals:
        outputs.staged(final).write_text(final.name)
    replace = os.replace

    def replace_then_interrupt(src, dst):
        replace(src, dst)
        os.kill(os.getpid(), signal.SIGINT)

    # Another thread, as a render has: the kernel may hand the signal to it rather than to this one.
    done = threading.Event()
    bystander = threading.Thread(target=done.wait, daemon=True)
    bystander.start()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), pytest.MonkeyPatch.context() as mp:
            mp.setattr(output.os, "replace", replace_then_interrupt)
            outputs.publish()
    finally:
        signal.signal(signal.SIGINT, previous)
        done.set()
    assert outputs.published
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in finals)
    assert all(f.read_text() == f.name for f in finals)


def test_temporaries_of_a_killed_run_are_cleared(tmp_path):
    stale = [tmp_path / ".hpsearch-high.k3j2.mp4", tmp_path / ".hpsearch-high-studies.x9.db-journal"]
    keep = [tmp_path / "hpsearch-high.mp4", tmp_path / ".other-tool.tmp", tmp_path / "notes.txt"]
    for path in stale + keep:
        path.write_text("x")
    output.Outputs(tmp_path).clean()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in keep)


def test_the_studies_file_differs_between_runs_only_in_its_clock_times(tmp_path):
    """Why the studies file is not byte-reproducible: Optuna stamps each trial with the wall clock."""
    config = settings.load(overrides=["study.budget=12"])
    dumps = []
    for i in range(2):
        path = tmp_path / f"studies-{i}.db"
        output.save_studies(config, path)
        with sqlite3.connect(path) as db:
            dumps.append(list(db.iterdump()))
    stamp = re.compile(r"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+'")
    assert dumps[0] != dumps[1]  # the times moved on
    assert [stamp.sub("TIME", line) for line in dumps[0]] == [stamp.sub("TIME", line) for line in dumps[1]]
    assert sum(len(stamp.findall(line)) for line in dumps[0]) == 2 * 12 * len(config.samplers)  # start and end


def test_optuna_dashboard_opens_the_studies_the_video_shows(tmp_path):
    """What the README promises: `optuna-dashboard sqlite:///...studies.db` shows every featured study."""
    import socket
    import urllib.request

    config = settings.load(overrides=["study.budget=12"])
    db = tmp_path / "studies.db"
    output.save_studies(config, db)
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "optuna-dashboard"),
            f"sqlite:///{db}",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def get(path: str) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            return json.loads(answer.read())

    try:
        while True:  # until it answers, or ends without having answered
            try:
                summaries = get("/api/studies")["study_summaries"]
                break
            except OSError:
                assert server.poll() is None, f"the dashboard ended: {server.communicate()[1].decode()[-2000:]}"
                time.sleep(0.3)
        by_name = {s["study_name"]: s["study_id"] for s in summaries}
        assert set(by_name) == {f"{name}-seed{config.featured_seed}" for name in config.samplers}
        for name in config.samplers:
            study = get(f"/api/studies/{by_name[f'{name}-seed{config.featured_seed}']}?after=0")
            shown = samplers.run_study(config.spec, name)
            assert len(study["trials"]) == len(shown.trials)
            assert study["best_trials"][0]["values"] == [min(t.value for t in shown.trials)]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_progress_lines_on_a_terminal_and_quiet_elsewhere(tmp_path):
    """On a terminal a live line per beat counts its frames; the counts are kept for the next render's
    estimate; --quiet prints nothing but where the video landed."""
    import pty

    env = dict(os.environ, HPSEARCH_CACHE_DIR=str(tmp_path / "cache"), TERM="xterm", COLUMNS="120")
    env.pop(settings.ENV_VAR, None)
    command = [*DRIVER, "--out", str(tmp_path / "out"), "--media-dir", str(tmp_path / "media")]
    command += ["--quality", "preview", "--scenes", CHEAP_BEAT]
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the driver is done
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.wait(timeout=600) == 0, seen.decode(errors="replace")[-2000:]
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode(errors="replace"))  # colours and cursor moves
    assert re.search(rf"{CHEAP_BEAT} .*\d+/\S* frames", text), text[-2000:]  # a live line counted frames
    assert "whole video (no estimate yet)" in text  # a first render has no counts to go by

    counts = json.loads((tmp_path / "media" / "logs" / "frames.json").read_text())
    (movie,) = (tmp_path / "out").glob("*.mp4")
    with av.open(str(movie)) as container:
        assert counts == {CHEAP_BEAT: sum(1 for _ in container.decode(video=0))}

    quiet = run_video(tmp_path, "--quality", "preview", "--scenes", CHEAP_BEAT, "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    assert str(movie) in quiet.stdout
