"""Which points on a height field a perspective camera can see: plain numpy.

Manim's Cairo renderer draws flat markers on top of the surface, so a marker
behind a hill would look as if it floated over it. The scenes therefore pick
camera angles for which no trial marker is occluded, and the tests check it
with this ray march.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from objective import BOX

SAMPLES = 400  # points along each ray
TOLERANCE = 0.02  # scene units the surface may rise above a ray before it counts as hiding the point


@dataclass(frozen=True)
class BoxLayout:
    """Where the internal box and the loss range sit in scene coordinates."""

    xy_length: float
    z_length: float
    z_low: float  # loss at the floor of the box
    z_high: float  # loss at its top

    def to_scene(self, x: npt.ArrayLike, y: npt.ArrayLike, loss: npt.ArrayLike) -> np.ndarray:
        """Internal (x, y) and loss -> scene coordinates, box centred on the origin."""
        span = BOX[1] - BOX[0]
        sx = np.asarray(x, float) / span * self.xy_length
        sy = np.asarray(y, float) / span * self.xy_length
        sz = ((np.asarray(loss, float) - self.z_low) / (self.z_high - self.z_low) - 0.5) * self.z_length
        return np.stack(np.broadcast_arrays(sx, sy, sz), axis=-1)

    def from_scene_xy(self, sx: npt.ArrayLike, sy: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        span = BOX[1] - BOX[0]
        return np.asarray(sx) * span / self.xy_length, np.asarray(sy) * span / self.xy_length


@dataclass(frozen=True)
class View:
    """Where a Manim ThreeDCamera looks from: angles in radians (phi from +z, theta about z)
    and its distance from the scene's origin, where the box is centred."""

    phi: float
    theta: float
    distance: float = 20.0

    @classmethod
    def degrees(cls, phi: float, theta: float) -> View:
        return cls(math.radians(phi), math.radians(theta))

    @property
    def screen_right(self) -> np.ndarray:
        """The scene direction that points right on screen (Manim's ThreeDCamera, no gamma)."""
        return np.array([-math.sin(self.theta), math.cos(self.theta), 0.0])

    @property
    def position(self) -> np.ndarray:
        """Manim's ThreeDCamera position."""
        phi, theta = self.phi, self.theta
        direction = np.array([np.sin(phi) * np.cos(theta), np.sin(phi) * np.sin(theta), np.cos(phi)])
        return self.distance * direction


def occluded(
    height: Callable[[np.ndarray, np.ndarray], np.ndarray],
    layout: BoxLayout,
    xs: npt.ArrayLike,
    ys: npt.ArrayLike,
    view: View,
) -> np.ndarray:
    """Per point on the surface: does the surface hide it from the camera?

    `height(x, y)` is the loss (vectorised). The segment from each surface
    point to the camera is sampled; the point counts as hidden when the surface
    rises more than TOLERANCE (scene units) above the segment anywhere inside
    the box, away from the point itself.
    """
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    starts = layout.to_scene(xs, ys, height(xs, ys))
    eye = view.position
    tolerance = TOLERANCE
    t = np.linspace(0.0, 1.0, SAMPLES)[1:, None, None]  # skip the point itself
    rays = starts[None] + t * (eye - starts)[None]  # (samples-1, n, 3)
    ix, iy = layout.from_scene_xy(rays[..., 0], rays[..., 1])
    inside = (ix >= BOX[0]) & (ix <= BOX[1]) & (iy >= BOX[0]) & (iy <= BOX[1])
    surface_z = layout.to_scene(np.clip(ix, *BOX), np.clip(iy, *BOX), height(np.clip(ix, *BOX), np.clip(iy, *BOX)))[
        ..., 2
    ]
    near_point = np.linalg.norm(rays - starts[None], axis=-1) < 3 * tolerance
    blocked = inside & ~near_point & (surface_z > rays[..., 2] + tolerance)
    return blocked.any(axis=0)
