"""The video's beats in order: the scene each renders, the title it shows and names in the chapter list,
and what it costs to render. The one table of beats: the scenes read their titles here, the driver the rest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Beat:
    module: str  # file in scenes/
    scene: str  # Scene class
    title: str  # on screen and in the chapter list
    # Its processor seconds at 1080p in `./render.sh bench`, in tens: the driver starts the costliest
    # first, so that the cores finish together.
    cost: int


BEATS = (
    Beat("question", "Question", "The question", 8),
    Beat("landscape", "Landscape", "The landscape", 2),
    Beat("grid_search", "GridSearch", "Grid search", 4),
    Beat("random_search", "RandomSearch", "Random search", 7),
    Beat("tpe_search", "TPESearch", "TPE", 3),
    Beat("inside_tpe", "InsideTPE", "Inside TPE", 8),
    Beat("race", "Race", "The race", 5),
    Beat("many_seeds", "ManySeeds", "Many seeds", 3),
    Beat("dimensions", "Dimensions", "More hyperparameters", 3),
    Beat("verdict", "Verdict", "When TPE does not win", 5),
)
BEATS_BY_NAME = {b.scene: b for b in BEATS}


def numbered(scene: str) -> tuple[int, str]:
    """(1-based position in the video, title) of the beat whose Scene class is `scene`."""
    for number, beat in enumerate(BEATS, start=1):
        if beat.scene == scene:
            return number, beat.title
    raise KeyError(f"no beat is called {scene}")
