"""One content-keyed cache for computed data (trial data, TPE's internals): JSON files on disk.

A result is stored under a key built from everything that determines it: the
inputs the caller names, the numpy and optuna versions, and the source of the
modules that compute it. A stored file that is not whole, not for this key or
not of the shape the reader expects is computed again; files are written
atomically (hpsearch.files), so a killed run never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import numpy as np
import optuna

from hpsearch.files import ROOT, write_atomic

T = TypeVar("T")

BAD_SHAPE = (KeyError, TypeError, ValueError, AttributeError, IndexError)
"""What a reader raises on data with the right key but not the shape it expects."""


def cache_dir() -> Path:
    """Where results are stored: $HPSEARCH_CACHE_DIR, else .cache/trials in the repository."""
    return Path(os.environ.get("HPSEARCH_CACHE_DIR") or ROOT / ".cache" / "trials")


def source_digest(modules: Sequence[ModuleType]) -> list[str]:
    """The SHA-256 of each module's source file, in order."""
    return [hashlib.sha256(Path(m.__file__ or "").read_bytes()).hexdigest() for m in modules]


def content_key(kind: str, payload: Mapping[str, object], code: Sequence[ModuleType]) -> str:
    """The key of a result: what it is, its inputs, the library versions and the code that computes it."""
    whole = dict(payload, kind=kind, optuna=optuna.__version__, numpy=np.__version__, code=source_digest(code))
    return hashlib.sha256(json.dumps(whole, sort_keys=True).encode()).hexdigest()


def _read(path: Path, key: str) -> Any:
    """The stored data if the file is ours, whole and for this key; else None."""
    try:
        data = json.loads(path.read_text())
        if data.get("key") == key and "data" in data:
            return data["data"]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def cached(
    kind: str,
    payload: Mapping[str, object],
    code: Sequence[ModuleType],
    compute: Callable[[], Any],
    load: Callable[[Any], T],
) -> T:
    """load(compute()), with compute() run once per key; compute() returns JSON-ready data."""
    key = content_key(kind, payload, code)
    path = cache_dir() / f"{kind}-{key[:24]}.json"
    data = _read(path, key)
    if data is not None:
        try:
            return load(data)
        except BAD_SHAPE:
            pass
    data = compute()
    write_atomic(path, json.dumps({"key": key, "data": data}, sort_keys=True))
    return load(data)
