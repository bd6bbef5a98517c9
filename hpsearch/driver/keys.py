"""The key that says when a beat's stored MP4 is still good: a hash of everything its render can read."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hpsearch.beats import BEATS, Beat
from hpsearch.driver.renders import manim_args
from hpsearch.files import ROOT


def key_sources(beat: Beat) -> list[Path]:
    """Every file the beat's render can read: the top-level modules (objective.py, samplers.py),
    manim.cfg (manim reads it from the folder it runs in), everything under scenes/ and hpsearch/
    but the driver and the other beats' scene files. And constraints.txt: a new pin anywhere under
    manim (numpy, Pillow, pycairo...) can move pixels.

    Nothing outside the driver imports it (a test checks), so editing the driver re-renders nothing.
    """
    others = {ROOT / "scenes" / f"{b.module}.py" for b in BEATS if b is not beat}
    driver = ROOT / "hpsearch" / "driver"
    trees = [p for tree in ("scenes", "hpsearch") for p in (ROOT / tree).rglob("*") if p.is_file()]
    candidates = [*ROOT.glob("*.py"), ROOT / "manim.cfg", ROOT / "constraints.txt", *trees]
    return sorted(
        p
        for p in candidates
        if p.exists()
        and p not in others
        and driver not in p.parents
        and "__pycache__" not in p.relative_to(ROOT).parts  # written by Python as it imports
    )


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
