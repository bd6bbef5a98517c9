"""The README's stills (docs/stills/) are what `./render.sh stills` makes on this machine image.

Same tolerance as the frame tests (test_frames.py): renders here are byte-identical
from run to run, so a still fails when more than 8 of its pixels move by more than
8 of 255 in a channel, or its mean difference exceeds 0.25. Remake them with
`./render.sh stills` when a beat changes on purpose.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from hpsearch.driver import stills

README = stills.ROOT / "README.md"


@pytest.mark.parametrize("scene", list(stills.STILLS))
def test_committed_still_matches_what_the_command_makes(scene):
    path = stills.FOLDER / f"{scene}.png"
    assert path.exists(), f"{path} is missing: run ./render.sh stills"
    with Image.open(path) as image:
        committed = np.asarray(image.convert("RGB"), dtype=np.uint8)
    made = stills.still(scene)
    assert committed.shape == made.shape == (stills.SIZE[1], stills.SIZE[0], 3)
    diff = np.abs(committed.astype(np.int16) - made.astype(np.int16)).max(axis=2)
    changed = int((diff > 8).sum())
    assert changed <= 8 and diff.mean() <= 0.25, (
        f"{scene}: {changed} pixels differ by more than 8 (mean {diff.mean():.3f}); run ./render.sh stills"
    )


def test_stills_are_small_and_the_readme_shows_each_one():
    files = sorted(stills.FOLDER.glob("*.png"))
    assert [f.stem for f in files] == sorted(stills.STILLS)  # no stale ones
    assert sum(f.stat().st_size for f in files) < 1024 * 1024
    readme = README.read_text()
    for scene in stills.STILLS:
        assert f"docs/stills/{scene}.png" in readme, scene
