"""Stills of the video for the README, made the way the tests see each beat: its last frame.

    ./render.sh stills        (python -m hpsearch.driver stills)

Each beat in STILLS is rendered straight to its last frame (every play() jumps
to its end state, no movie written) at SIZE with the checked-in configuration,
and saved to docs/stills/<Scene>.png. tests/driver/test_stills.py renders them again
and fails when a committed still no longer matches what this command makes.
"""

from __future__ import annotations

import importlib
import io
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import numpy as np

from hpsearch.beats import BEATS_BY_NAME
from hpsearch.files import ROOT, write_atomic

STILLS = ("Landscape", "GridSearch", "InsideTPE", "Race", "ManySeeds")
"""The beats shown in the README's gallery (which says what each shows)."""
SIZE = (640, 360)
FOLDER = ROOT / "docs" / "stills"


def render_config(media_dir: Path, width: int, height: int) -> dict[str, Any]:
    """tempconfig() settings for a fast last-frame render: no movie, no cache, quiet."""
    return {
        "renderer": "cairo",
        "pixel_width": width,
        "pixel_height": height,
        "frame_rate": 15,
        "frame_height": 8.0,
        "frame_width": 8.0 * width / height,
        "media_dir": str(media_dir),
        "write_to_movie": False,
        "save_last_frame": False,
        "disable_caching": True,
        "preview": False,
        "verbosity": "WARNING",
        "progress_bar": "none",
    }


def with_defaults(scene_class: type) -> type:
    """The beat with the checked-in configuration, whatever $HPSEARCH_CONFIG names, silent: a still
    is the beat's last frame, the same with the voice or without, and needs no speech made for it."""
    import dataclasses

    from hpsearch import settings

    silent = dataclasses.replace(settings.defaults(), voice=False)
    return type(scene_class.__name__, (scene_class,), {"fixed_settings": silent})


def beat_class(scene: str) -> type:
    module = importlib.import_module(f"scenes.{BEATS_BY_NAME[scene].module}")
    return with_defaults(getattr(module, scene))


@contextmanager
def rendered(scene_class: type, media_dir: Path, width: int, height: int) -> Iterator[tuple[Any, np.ndarray]]:
    """(scene, RGBA uint8 frame): the scene rendered in this process straight to its last frame,
    with manim's configuration of that render still in force inside the block."""
    from manim import tempconfig

    with tempconfig(render_config(media_dir, width, height)):
        scene = scene_class(skip_animations=True)
        scene.render()
        yield scene, np.ascontiguousarray(scene.renderer.get_frame(), dtype=np.uint8)


def still(scene: str) -> np.ndarray:
    """The beat's still as RGB (the frame is opaque)."""
    with tempfile.TemporaryDirectory() as media, rendered(beat_class(scene), Path(media), *SIZE) as (_, frame):
        return frame[..., :3]


def write_png(frame: np.ndarray, path: Path) -> None:
    """Write atomically (an interrupted run never leaves a broken image)."""
    from PIL import Image

    png = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(frame, dtype=np.uint8)).save(png, format="PNG", optimize=True)
    write_atomic(path, png.getvalue())


def _make(scene: str) -> tuple[str, int]:
    path = FOLDER / f"{scene}.png"
    write_png(still(scene), path)
    return scene, path.stat().st_size


@click.command(help=__doc__.split("\n\n")[0])
def stills() -> int:
    # Each beat in a process of its own (manim's config is per process), two at a time.
    with multiprocessing.get_context("fork").Pool(min(2, os.cpu_count() or 1)) as pool:
        sizes = dict(pool.imap_unordered(_make, STILLS))
    for scene in STILLS:
        print(f"{FOLDER.relative_to(ROOT) / f'{scene}.png'}  {sizes[scene] / 1024:.0f} KB", file=sys.stderr)
    print(f"{len(STILLS)} stills, {sum(sizes.values()) / 1024:.0f} KB in all", file=sys.stderr)
    return 0
