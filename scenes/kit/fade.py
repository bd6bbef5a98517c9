"""Fade: FadeIn and FadeOut without copies, for every beat."""

from __future__ import annotations

from typing import cast

import numpy as np
from manim import Animation, ImageMobject, Mobject
from manim.mobject.types.image_mobject import AbstractImageMobject


class Fade(Animation):
    """FadeIn (or, with out=True, FadeOut) that scales the mobject's own opacities.

    Manim's FadeIn deep-copies the whole family twice (a faded start and a
    target): for a screen of text that was a third of the beat's render time.
    This keeps each part's opacity once and multiplies it by the fade's alpha:
    every drawn part gets the opacity FadeIn would give it (tests/scenes/kit/test_fade.py),
    without a copy. With lag_ratio, the top-level parts fade one after another,
    as in FadeIn(group, lag_ratio=...).
    """

    def __init__(self, mobject: Mobject, out: bool = False, **kwargs):
        super().__init__(mobject, introducer=not out, remover=out, **kwargs)
        self.out = out

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # nothing to interpolate from: opacities are scaled in place

    def begin(self) -> None:
        assert isinstance(self.mobject, Mobject)  # the beats render with Cairo, not OpenGL
        parts = self.mobject.submobjects if self.lag_ratio else [self.mobject]
        self._opacities: list[list[tuple[Mobject, list[tuple[str, np.ndarray]]]]] = [
            [_opacities(member) for member in part.get_family()] for part in parts
        ]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        n = len(self._opacities)
        for index, part in enumerate(self._opacities):
            sub_alpha = self.get_sub_alpha(alpha, index, n)  # the rate function, and the lag if any
            scale = 1.0 - sub_alpha if self.out else sub_alpha
            for member, kept in part:
                _set_opacities(member, kept, scale)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        if self.out:  # gone from the scene, and whole again should it come back
            for part in self._opacities:
                for member, kept in part:
                    _set_opacities(member, kept, 1.0)


def _opacities(member: Mobject) -> tuple[Mobject, list[tuple[str, np.ndarray]]]:
    """The alpha channels a fade scales, by attribute; each array is the member's own from here on."""
    if isinstance(member, AbstractImageMobject):
        # manim's hints leave pixel_array off the abstract class; every image mobject it draws sets one
        image = cast(ImageMobject, member)
        image.pixel_array = image.pixel_array.copy()  # images made from one array share it
        return image, [("pixel_array", image.pixel_array[..., 3].copy())]
    kept = []
    for name in ("fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
        if getattr(member, name, None) is not None:
            setattr(member, name, rgbas := np.array(getattr(member, name), float))
            kept.append((name, rgbas[:, 3].copy()))
    return member, kept


def _set_opacities(member: Mobject, kept: list[tuple[str, np.ndarray]], scale: float) -> None:
    for name, alpha in kept:
        getattr(member, name)[..., 3] = alpha * scale
