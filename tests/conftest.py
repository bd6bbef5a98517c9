"""The scene tests' pytest hooks and fixtures; the machinery they hand out is in tests/helpers/.

`renders` is the session's pool of beat renders (tests/helpers/rendering.py); it
renders only the beats that the selected tests ask for (noted after collection,
so -k and -m narrow it). Media (LaTeX and Pango caches, empty movie folders) go to
pytest's tmp folder, never ./media (a test module that builds text itself uses the
`in_scratch_media` fixture). The scenes are built with the checked-in defaults, handed to each
beat as its `fixed_settings` (scenes/base.py), whatever $HPSEARCH_CONFIG says.

Options:
    --set-control-data   (re)write tests/scenes/control_data/<Scene>.png from this machine's renders
                         (test_frames.py; a beat that fails to render fails, the rest are written)
"""

from __future__ import annotations

import os

import pytest

from tests.helpers.rendering import RenderPool, render_last_frame


def pytest_addoption(parser):
    parser.addoption(
        "--set-control-data",
        action="store_true",
        default=False,
        help="write tests/scenes/control_data/<Scene>.png from this machine's renders instead of comparing",
    )


def pytest_collection_finish(session):
    """Note which beats the selected tests need (after -k/-m deselection), so only those are rendered."""
    needed, again = [], []
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        beat = params.get("beat")
        if beat is None or "renders" not in getattr(item, "fixturenames", ()):
            continue
        if beat not in needed:
            needed.append(beat)
        if item.get_closest_marker("render_twice") and beat not in again:
            again.append(beat)
    session.config._scene_tests_needed = (needed, again)


def pytest_configure(config):
    config.addinivalue_line("markers", "render_twice: the test renders its beat a second time (reproducibility)")


@pytest.fixture(scope="session")
def renders(request, tmp_path_factory):
    """The session's beat renders (see RenderPool); each beat is rendered once for both test files."""
    needed, again = getattr(request.config, "_scene_tests_needed", ([], []))
    workers = int(os.environ.get("SCENE_TEST_WORKERS", min(2, os.cpu_count() or 1)))
    pool = RenderPool(
        tmp_path_factory.mktemp("manim-media"), needed, again, getattr(request.config, "cache", None), workers
    )
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def scratch_media(tmp_path_factory):
    """A media_dir for small scenes rendered in the test process itself."""
    return tmp_path_factory.mktemp("manim-media-local")


@pytest.fixture
def in_scratch_media(scratch_media):
    """Text and LaTeX built in this process cache their SVGs in a scratch folder, never ./media."""
    from manim import tempconfig

    with tempconfig({"media_dir": str(scratch_media)}):
        yield


@pytest.fixture(scope="session")
def set_control_data(request) -> bool:
    return bool(request.config.getoption("--set-control-data"))


@pytest.fixture(scope="session")
def render_scene(scratch_media):
    """render_scene(SceneClass) -> (scene, frame, texts): a small scene rendered here, like the beats."""

    def render(scene_class):
        return render_last_frame(scene_class, scratch_media)

    return render
