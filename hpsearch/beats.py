"""The video's beats in order, and the key that says when a beat's stored MP4 is still good."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from hpsearch.chapters import CHAPTERS
from hpsearch.renders import ROOT, manim_args


@dataclass(frozen=True)
class Beat:
    module: str  # file in scenes/
    scene: str  # Scene class
    title: str  # chapter title
    cost: int  # see COSTS


# Relative render cost of each beat: its processor seconds at 1080p in `./render.sh bench`, in tens.
# The costliest start first, so that the cores finish together.
COSTS = {
    "Question": 8,
    "Landscape": 2,
    "GridSearch": 4,
    "RandomSearch": 7,
    "TPESearch": 3,
    "InsideTPE": 8,
    "Race": 5,
    "ManySeeds": 3,
    "Dimensions": 3,
    "Verdict": 5,
}
BEATS = tuple(Beat(c.module, c.scene, c.title, COSTS[c.scene]) for c in CHAPTERS)
BEATS_BY_NAME = {b.scene: b for b in BEATS}

# The render driver: no beat imports these (a test checks), so editing them must not re-render.
# beats.py is one of them: a beat's scene and file reach the key through its manim command line,
# and its cost only orders the work (titles live in chapters.py, which the beats read).
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
