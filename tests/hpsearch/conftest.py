"""Fixtures shared by the hpsearch tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory):
    """One trial-data and speech cache for the session's whole-video renders (tests/helpers/videos.py):
    the first renders cold, the next reuse its trial data (the same study), which is not what they test."""
    return tmp_path_factory.mktemp("trials-and-speech")
