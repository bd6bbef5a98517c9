"""A Cairo camera that pastes an upright image into the frame where it lands, and nowhere else.

Manim draws every ImageMobject through a perspective transform pasted onto a transparent
copy of the whole frame, then composites that copy over the frame: three full-frame
temporaries per image per frame. For an image that is not turned (every map
and inset here) the same picture is the image resized to its pixel box and composited
over that box alone. tests/scenes/cameras/test_images.py compares the two.
"""

from __future__ import annotations

import numpy as np
from manim import Camera
from manim.mobject.types.image_mobject import AbstractImageMobject
from PIL import Image

from scenes.cameras.paths import ReusedPaths


class ImageCamera(ReusedPaths, Camera):
    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        # Corners in manim's order: upper left, upper right, lower left, lower right (pixels, y down)
        ul, ur, dl, dr = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        upright = np.allclose([ul[1], dl[0], dr[1], dr[0]], [ur[1], ul[0], dl[1], ur[0]], atol=1e-6)
        if not upright:
            super().display_image_mobject(image_mobject, pixel_array)
            return
        left, top = int(ul[0]), int(ul[1])  # manim truncates the same way
        width, height = int(dr[0]) - left, int(dr[1]) - top
        if width <= 0 or height <= 0:
            return
        picture = Image.fromarray(image_mobject.get_pixel_array())
        picture = picture.resize((width, height), resample=image_mobject.resampling_algorithm)
        # The part inside the frame
        x0, y0 = max(left, 0), max(top, 0)
        x1, y1 = min(left + width, self.pixel_width), min(top + height, self.pixel_height)
        if x1 <= x0 or y1 <= y0:
            return
        picture = picture.crop((x0 - left, y0 - top, x1 - left, y1 - top))
        region = pixel_array[y0:y1, x0:x1]
        region[:] = np.asarray(Image.alpha_composite(Image.fromarray(region), picture))
