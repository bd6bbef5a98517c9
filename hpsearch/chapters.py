"""The video's beats in order, with the title each shows on screen and names in the chapter list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    module: str  # file in scenes/
    scene: str  # Scene class
    title: str


CHAPTERS = (
    Chapter("question", "Question", "The question"),
    Chapter("landscape", "Landscape", "The landscape"),
    Chapter("grid_search", "GridSearch", "Grid search"),
    Chapter("random_search", "RandomSearch", "Random search"),
    Chapter("tpe_search", "TPESearch", "TPE"),
    Chapter("inside_tpe", "InsideTPE", "Inside TPE"),
    Chapter("race", "Race", "The race"),
    Chapter("many_seeds", "ManySeeds", "Many seeds"),
    Chapter("dimensions", "Dimensions", "More hyperparameters"),
    Chapter("verdict", "Verdict", "When TPE does not win"),
)


def numbered(scene: str) -> tuple[int, str]:
    """(1-based position in the video, title) of the beat whose Scene class is `scene`."""
    for number, chapter in enumerate(CHAPTERS, start=1):
        if chapter.scene == scene:
            return number, chapter.title
    raise KeyError(f"no beat is called {scene}")
