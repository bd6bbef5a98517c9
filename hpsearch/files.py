"""The repository's folder, and the one way this project writes a file: whole or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository: scenes/, the top-level modules, video.toml."""


def atomic_path(final: Path) -> Path:
    """A temporary sibling of `final` (same folder, so os.replace is atomic), with an ordinary
    file's permissions (mkstemp makes it private, and the rename would keep that)."""
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.stem}.", suffix=final.suffix)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    return Path(tmp)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never part of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():  # something else took the file's name: it is ours to replace
        shutil.rmtree(path)
    tmp = atomic_path(path)
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
