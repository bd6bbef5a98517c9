"""Whole videos rendered by the driver for the tests, as ./render.sh renders them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hpsearch.files import ROOT


def preview_video(tmp: Path, cache: Path, *args: str) -> Path:
    """The MP4 of a preview render into a fresh media folder under `tmp`, with the trial data and speech
    in `cache` (the hpsearch tests share one: tests/hpsearch/conftest.py)."""
    env = {**os.environ, "HPSEARCH_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "hpsearch.driver", "render", "--quality", "preview", "--quiet", *args]
    command += ["--out", str(tmp / "out"), "--media-dir", str(tmp / "media")]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    (movie,) = (tmp / "out").glob("*.mp4")
    return movie
