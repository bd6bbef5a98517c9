"""Reused Cairo paths (scenes/cameras/paths.py) against manim's own VMobject drawing, frame by frame."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, LEFT, OUT, RIGHT, UP, Camera, Circle, Square, Text, ThreeDCamera, VMobject, tempconfig

from scenes.cameras.paths import ReusedPaths
from scenes.kit import theme

pytestmark = pytest.mark.usefixtures("in_scratch_media")


class Reused2D(ReusedPaths, Camera):
    pass


class Reused3D(ReusedPaths, ThreeDCamera):
    pass


def frames(camera_class, steps: int = 6) -> list[np.ndarray]:
    """A short play: a word that stays, a circle that moves, a square that fades in late and
    changes colour, a VMobject that loses its points and a ring; one frame per step."""
    with tempconfig({"pixel_height": 270, "pixel_width": 480}):
        camera = camera_class(background_color=theme.BACKGROUND)
        if isinstance(camera, ThreeDCamera):
            camera.set_phi(35 * np.pi / 180)
            camera.set_theta(-100 * np.pi / 180)
        word = Text("best so far", font_size=30).shift(UP)
        moving = Circle(radius=0.4, fill_color="#e07b39", fill_opacity=1, stroke_color="#101010", stroke_width=3)
        late = Square(0.8, fill_color="#3fa7d6", fill_opacity=0, stroke_opacity=0).shift(2 * RIGHT)
        emptied = Square(0.5, fill_color="#ffffff", fill_opacity=1).shift(2 * LEFT)
        ring = Circle(radius=0.6, stroke_color="#f0d04a", stroke_width=4).shift(DOWN)  # stroke alone
        shot = []
        for step in range(steps):
            moving.move_to(step * 0.3 * RIGHT + step * 0.2 * OUT)
            if step >= 3:
                late.set_fill(opacity=1).set_stroke(opacity=1, width=2)
            if step == 4:
                late.set_fill("#d64f3f")
                emptied.clear_points()
            camera.reset()
            camera.capture_mobjects([word, moving, late, emptied, ring])
            shot.append(camera.pixel_array.copy())
        return shot


@pytest.mark.parametrize(("ours", "manims"), [(Reused2D, Camera), (Reused3D, ThreeDCamera)], ids=["flat", "3-D"])
def test_every_frame_is_manims_to_the_pixel(ours, manims):
    mine, theirs = frames(ours), frames(manims)
    for step, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        assert (a != a[0, 0]).any(axis=2).mean() > 0.005, f"frame {step} is empty"
        assert np.array_equal(a, b), f"frame {step}: {np.mean((a != b).any(axis=2)):.2%} of pixels differ"


def test_a_moving_vmobject_is_redrawn_and_a_still_one_reused():
    with tempconfig({"pixel_height": 90, "pixel_width": 160}):
        camera = Reused2D()
        still, moving = Square(1).shift(LEFT), Circle(0.3)
        camera.capture_mobjects([still, moving])
        first = {i: kept[1] for i, kept in camera._paths.items()}
        moving.shift(0.5 * RIGHT)
        camera.capture_mobjects([still, moving])
        assert camera._paths[id(still)][1] is first[id(still)]
        assert camera._paths[id(moving)][1] is not first[id(moving)]
        camera.capture_mobjects([moving])  # the square has left the scene: its path is let go
        assert set(camera._paths) == {id(moving)}


def test_a_vmobject_without_points_does_not_fill_the_path_before_it():
    with tempconfig({"pixel_height": 90, "pixel_width": 160}):
        before = Square(1, fill_color="#3fa7d6", fill_opacity=1, stroke_width=0)
        empty = VMobject(fill_color="#ffffff", fill_opacity=1, stroke_width=0)
        camera = Reused2D(background_color=theme.BACKGROUND)
        camera.capture_mobjects([before, empty])
        assert not (camera.pixel_array[..., :3] == 255).all(axis=2).any()
