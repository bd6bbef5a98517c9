"""The video's beats in order, and the key that says when a beat's stored MP4 is still good."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from hpsearch.renders import ROOT, manim_args


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

# The render driver: no beat imports these (a test checks), so editing them must not re-render.
# beats.py is one of them: a beat's scene and file reach the key through its manim command line,
# and its chapter title and cost only name chapters and order the work.
DRIVER_MODULES = (
    "hpsearch/beats.py",
    "hpsearch/bench.py",
    "hpsearch/output.py",
    "hpsearch/progress.py",
    "hpsearch/render.py",
    "hpsearch/renders.py",
    "hpsearch/stills.py",
)


def key_sources(beat: Beat) -> list[Path]:
    """Every file the beat's render can import: its scene file, the shared scene files, the
    top-level modules (objective.py, samplers.py) and hpsearch/ but the driver; not other beats.
    And constraints.txt: a new pin anywhere under manim (numpy, Pillow, pycairo...) can move pixels."""
    skip = {f"scenes/{b.module}.py" for b in BEATS if b is not beat} | set(DRIVER_MODULES)
    candidates = [
        *ROOT.glob("*.py"),
        *(ROOT / "scenes").glob("*.py"),
        *(ROOT / "hpsearch").rglob("*.py"),
        ROOT / "constraints.txt",
    ]
    return sorted(p for p in candidates if p.relative_to(ROOT).as_posix() not in skip)


def beat_key(beat: Beat, resolved_toml: str, quality_flag: str) -> str:
    """Everything that determines a beat's MP4: its code, the configuration, the manim command line.

    A change anywhere the beat could see re-renders it; an edit to another beat
    or to the driver does not.
    """
    import manim
    import optuna

    # The command line as render_beat builds it, bar the media folder (where, not what, it writes).
    command = manim_args(quality_flag, Path("media"), Path("scenes") / f"{beat.module}.py", beat.scene)
    digest = hashlib.sha256()
    for part in (resolved_toml, manim.__version__, optuna.__version__, *command):
        digest.update(part.encode() + b"\0")
    for path in key_sources(beat):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]
