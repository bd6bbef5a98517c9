"""scenes.kit.fade.Fade draws what manim's FadeIn/FadeOut draw, without copying, and leaves mobjects whole."""

import numpy as np
import pytest
from manim import Circle, FadeIn, FadeOut, ImageMobject, Scene, Square, Text, VGroup, linear, smooth

from scenes.kit.fade import Fade


def shapes() -> VGroup:
    """Parts with different fill and stroke opacities, one nested inside another group."""
    return VGroup(
        Square().set_fill("#D55E00", opacity=0.8).set_stroke("#FFFFFF", width=3, opacity=0.5),
        VGroup(Circle().set_fill("#56B4E9", opacity=0.3), Text("fade")),
    )


def alphas(mobject) -> list[np.ndarray]:
    """Every fill and stroke alpha of the parts that are drawn (have points), in family order."""
    return [
        np.concatenate([m.get_fill_rgbas()[:, 3], m.get_stroke_rgbas()[:, 3]])
        for m in mobject.family_members_with_points()
    ]


def at(animation, alpha: float):
    animation.begin()
    animation.interpolate(alpha)
    return animation.mobject


@pytest.mark.parametrize("alpha", [0.0, 0.2, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("rate_func", [smooth, linear])
def test_fade_in_and_out_match_manims_own(alpha, rate_func):
    for ours, theirs in (
        (Fade(shapes(), rate_func=rate_func), FadeIn(shapes(), rate_func=rate_func)),
        (Fade(shapes(), out=True, rate_func=rate_func), FadeOut(shapes(), rate_func=rate_func)),
    ):
        for a, b in zip(alphas(at(ours, alpha)), alphas(at(theirs, alpha)), strict=True):
            np.testing.assert_allclose(a, b, atol=1e-9)


def test_lagged_fade_matches_manims_lagged_fade_in():
    group = VGroup(*[Square().set_fill("#F0E442", opacity=1.0) for _ in range(5)])
    ours = at(Fade(group.copy(), lag_ratio=0.3), 0.45)
    theirs = at(FadeIn(group.copy(), lag_ratio=0.3), 0.45)
    got, want = alphas(ours), alphas(theirs)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-9)
    assert len({round(float(a[0]), 6) for a in got}) > 2  # the parts really are at different stages


def test_fade_copies_nothing_and_a_faded_out_mobject_comes_back_whole():
    scene = Scene()
    mobject = shapes()
    before = alphas(mobject)
    fade = Fade(mobject, out=True)
    assert fade.create_starting_mobject() is not mobject and not fade.create_starting_mobject().submobjects
    scene.add(mobject)
    fade.begin()
    fade.interpolate(0.5)
    fade.finish()
    assert all(np.all(a == 0) for a in alphas(mobject))  # fully faded at the end
    fade.clean_up_from_scene(scene)
    assert mobject not in scene.mobjects
    for a, b in zip(alphas(mobject), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_images_fade_through_their_alpha_channel_only():
    pixels = np.zeros((4, 4, 4), np.uint8)
    pixels[..., 0], pixels[..., 3] = 200, 255
    first, second = ImageMobject(pixels), ImageMobject(pixels)
    at(Fade(first), 0.5)  # smooth(0.5) = 0.5
    assert np.all(first.pixel_array[..., 3] == 127) and np.all(first.pixel_array[..., 0] == 200)
    assert np.all(second.pixel_array[..., 3] == 255)  # an image made from the same array is untouched
