"""Graphical regression: each beat's last frame against control data made on this kind of machine.

Manim's own frames_comparison skips below libcairo 1.18 (Debian 12 ships 1.16),
so this is an equivalent of our own. The last frame comes from the shared
render (tests/helpers/rendering.py): PIXEL_WIDTH x PIXEL_HEIGHT (480 x 270),
frame rate 15, Scene(skip_animations=True). Control data is tests/scenes/control_data/<Scene>.png
(RGBA, Pillow). It only matches the cairo/Pango/LaTeX build that made it.

(Re)make it with:

    .venv/bin/python -m pytest tests/scenes/test_frames.py --set-control-data

That writes every beat that renders (atomically); a beat that fails to render,
or renders a blank frame, fails and keeps its old file. A missing control file
FAILS the comparison (it does not skip), so CI never passes silently.

Tolerance: renders here are byte-identical, in one process or across processes
and sessions (measured: 0 pixels differ; test_render_is_reproducible keeps it
so). A frame fails when more than MAX_CHANGED_FRACTION of its pixels differ by
more than CHANNEL_TOLERANCE in any channel, or its mean absolute difference
exceeds MAX_MEAN_DIFF (a faint change spread over the whole frame, e.g. a
recoloured surface). One changed digit in a size-24 label changes 152 pixels
(0.12 %) at this size (test_comparison_catches_a_small_change); a new "−1" tick
on the 3-D beats' small colour bar changed only 22 (0.017 %) and slipped under
an earlier 0.02 % limit, so the limit is 8 pixels (0.006 %): renders here
differ by none.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hpsearch.beats import BEATS, BEATS_BY_NAME
from hpsearch.driver import stills

SCENES = [b.scene for b in BEATS]
CONTROL_DIR = Path(__file__).resolve().parent / "control_data"
# Beats rendered a second time to check renders are reproducible: one 3-D, one 2-D (both quick).
REPRO_BEATS = ("GridSearch", "ManySeeds")

CHANNEL_TOLERANCE = 8  # of 255: anti-aliasing noise
MAX_CHANGED_FRACTION = 8 / 129_600  # 8 of the 480 x 270 pixels
MAX_MEAN_DIFF = 0.25  # of 255, over all pixels and channels


def control_path(scene: str) -> Path:
    return CONTROL_DIR / f"{scene}.png"


def read_png(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"), dtype=np.uint8)


def compare(frame: np.ndarray, control: np.ndarray) -> tuple[bool, str, np.ndarray]:
    """(matches, summary, per-pixel max channel difference)."""
    if frame.shape != control.shape:
        return False, f"frame is {frame.shape}, control data {control.shape}", np.zeros(0)
    diff = np.abs(frame.astype(np.int16) - control.astype(np.int16)).max(axis=2)
    changed = int((diff > CHANNEL_TOLERANCE).sum())
    fraction = changed / diff.size
    mean = float(np.abs(frame.astype(np.int16) - control.astype(np.int16)).mean())
    ok = fraction <= MAX_CHANGED_FRACTION and mean <= MAX_MEAN_DIFF
    summary = (
        f"{changed} of {diff.size} pixels ({100 * fraction:.3f} %, limit {100 * MAX_CHANGED_FRACTION:.3f} %) "
        f"differ by more than {CHANNEL_TOLERANCE}/255; mean abs diff {mean:.3f}/255 (limit {MAX_MEAN_DIFF}); "
        f"max {int(diff.max())}/255"
    )
    return ok, summary, diff


def diff_image(frame: np.ndarray, control: np.ndarray, diff: np.ndarray) -> np.ndarray:
    """The control frame dimmed to grey, with changed pixels in red (brighter = larger change)."""
    grey = control[..., :3].astype(float).mean(axis=2, keepdims=True) * 0.35
    out = np.repeat(grey, 3, axis=2)
    changed = diff > CHANNEL_TOLERANCE
    out[changed] = [255, 0, 0]
    faint = (diff > 0) & ~changed
    out[faint] = [255, 200, 0]
    return np.concatenate([np.clip(out, 0, 255).astype(np.uint8), np.full(diff.shape + (1,), 255, np.uint8)], axis=2)


pytestmark = pytest.mark.usefixtures("in_scratch_media")


@pytest.mark.parametrize("beat", SCENES)
def test_last_frame_matches_control_data(beat, renders, set_control_data, tmp_path_factory):
    frame = renders.get(beat).frame
    width, height = renders.pixel_size
    assert frame.shape == (height, width, 4) and frame.dtype == np.uint8
    # A blank frame means the render went wrong, not that the beat is empty.
    assert np.ptp(frame[..., :3].reshape(-1, 3), axis=0).max() > 32, f"{beat}: the last frame is (nearly) blank"
    path = control_path(beat)
    if set_control_data:
        stills.write_png(frame, path)
        print(f"wrote {path}")
        return
    if not path.exists():
        pytest.fail(
            f"no control data for {beat}: {path} is missing. Make it on this machine with\n"
            f"    .venv/bin/python -m pytest tests/scenes/test_frames.py --set-control-data",
            pytrace=False,
        )
    control = read_png(path)
    ok, summary, diff = compare(frame, control)
    if not ok:
        out = tmp_path_factory.mktemp(f"frames-{beat}")
        stills.write_png(frame, out / f"{beat}.new.png")
        stills.write_png(control, out / f"{beat}.control.png")
        if diff.size:
            stills.write_png(diff_image(frame, control, diff), out / f"{beat}.diff.png")
        pytest.fail(
            f"{beat}: the last frame differs from {path}:\n  {summary}\n"
            f"  new frame: {out / f'{beat}.new.png'}\n  diff (red = changed): {out / f'{beat}.diff.png'}\n"
            f"  if the change is intended, run: .venv/bin/python -m pytest tests/scenes/test_frames.py "
            f"--set-control-data",
            pytrace=False,
        )


@pytest.mark.render_twice
@pytest.mark.parametrize("beat", [name for name in REPRO_BEATS if name in BEATS_BY_NAME])
def test_render_is_reproducible(beat, renders):
    first, second = renders.get(beat), renders.again(beat)
    assert first.frame.tobytes() == second.frame.tobytes(), (
        f"{beat}: two renders differ in {int((first.frame != second.frame).any(axis=2).sum())} pixels"
    )
    assert [(t.string, t.box) for t in first.texts] == [(t.string, t.box) for t in second.texts]


def test_no_control_data_without_a_beat():
    """A renamed or removed beat must not leave its old control frame behind."""
    stale = sorted(p.name for p in CONTROL_DIR.glob("*.png") if p.stem not in BEATS_BY_NAME)
    assert not stale, f"control data for beats not in BEATS: {stale} (delete them from {CONTROL_DIR})"


def test_comparison_catches_a_small_change(render_scene):
    """The tolerance must not hide a changed label: draw one digit differently and compare."""
    from manim import DR, Scene, Text

    def frame_with(label: str) -> np.ndarray:
        class One(Scene):
            def construct(self):
                self.add(Text(label, font_size=24).to_corner(DR, buff=0.5))
                self.wait(0.1)

        return render_scene(One)[1]

    a, b = frame_with("best 0.13"), frame_with("best 0.18")
    assert compare(a, a.copy())[0]
    ok, summary, _ = compare(b, a)
    assert not ok, f"a changed digit passed the comparison: {summary}"
