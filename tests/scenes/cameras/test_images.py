"""The upright-image camera (scenes/cameras/images.py) against manim's own image drawing."""

from __future__ import annotations

import numpy as np
import pytest
from manim import LEFT, UP, Camera, ImageMobject, tempconfig
from PIL import Image

from scenes.cameras.images import ImageCamera
from scenes.kit import theme

pytestmark = pytest.mark.usefixtures("in_scratch_media")


def picture(camera_class, image: ImageMobject) -> np.ndarray:
    with tempconfig({"pixel_height": 360, "pixel_width": 640}):
        camera = camera_class(background_color=theme.BACKGROUND)
        camera.capture_mobjects([image])
        return camera.pixel_array[..., :3].astype(int)


@pytest.mark.parametrize("resampling", [Image.Resampling.NEAREST, Image.Resampling.BILINEAR])
@pytest.mark.parametrize("where", ["inside", "across the edge"])
def test_an_upright_image_lands_where_manim_puts_it(resampling, where):
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (41, 41, 4), dtype=np.uint8)
    pixels[..., 3] = rng.choice([255, 128], size=(41, 41)).astype(np.uint8)  # some see-through cells

    def image() -> ImageMobject:
        mob = ImageMobject(pixels).set_resampling_algorithm(resampling)
        mob.stretch_to_fit_width(3.1).stretch_to_fit_height(2.3).shift(0.37 * LEFT + 0.21 * UP)
        return mob.shift(6.5 * LEFT) if where == "across the edge" else mob

    ours, manims = picture(ImageCamera, image()), picture(Camera, image())
    difference = np.abs(ours - manims).max(axis=2)
    covered = (manims != manims[0, -1]).any(axis=2)
    assert covered.mean() > 0.02
    # The same pixels but along the image's edges, where the two resamplers may round a row differently.
    assert np.mean(difference > 40) < 0.02, np.mean(difference > 40)


def test_a_turned_image_is_left_to_manim():
    pixels = np.full((8, 8, 4), 200, dtype=np.uint8)

    def image() -> ImageMobject:
        return ImageMobject(pixels).stretch_to_fit_width(2).rotate(0.4)

    assert (picture(ImageCamera, image()) == picture(Camera, image())).all()
