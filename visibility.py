"""Which points on a height field a perspective camera can see: plain numpy.

Manim's Cairo renderer draws flat markers on top of the surface, so a marker
behind a hill would look as if it floated over it. The scenes therefore pick
camera angles for which no trial marker is occluded, and the tests check it
with this ray march.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objective import BOX


@dataclass(frozen=True)
class BoxLayout:
    """Where the internal box and the loss range sit in scene coordinates."""

    xy_length: float
    z_length: float
    z_low: float  # loss at the floor of the box
    z_high: float  # loss at its top

    def to_scene(self, x, y, loss):
        """Internal (x, y) and loss -> scene coordinates, box centred on the origin."""
        span = BOX[1] - BOX[0]
        sx = np.asarray(x, float) / span * self.xy_length
        sy = np.asarray(y, float) / span * self.xy_length
        sz = ((np.asarray(loss, float) - self.z_low) / (self.z_high - self.z_low) - 0.5) * self.z_length
        return np.stack(np.broadcast_arrays(sx, sy, sz), axis=-1)

    def from_scene_xy(self, sx, sy):
        span = BOX[1] - BOX[0]
        return np.asarray(sx) * span / self.xy_length, np.asarray(sy) * span / self.xy_length


def camera_position(phi: float, theta: float, distance: float, center=(0.0, 0.0, 0.0)) -> np.ndarray:
    """Manim's ThreeDCamera position for angles in radians (phi from +z, theta about z)."""
    direction = np.array([np.sin(phi) * np.cos(theta), np.sin(phi) * np.sin(theta), np.cos(phi)])
    return np.asarray(center, float) + distance * direction


def occluded(height, layout: BoxLayout, xs, ys, phi: float, theta: float,
             distance: float = 20.0, center=(0.0, 0.0, 0.0), samples: int = 400, tolerance: float = 0.02):
    """Per point on the surface: does the surface hide it from the camera?

    `height(x, y)` is the loss (vectorised). The segment from each surface
    point to the camera is sampled; the point counts as hidden when the surface
    rises more than `tolerance` (scene units) above the segment anywhere inside
    the box, away from the point itself.
    """
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    starts = layout.to_scene(xs, ys, height(xs, ys))
    eye = camera_position(phi, theta, distance, center)
    t = np.linspace(0.0, 1.0, samples)[1:, None, None]  # skip the point itself
    rays = starts[None] + t * (eye - starts)[None]  # (samples-1, n, 3)
    ix, iy = layout.from_scene_xy(rays[..., 0], rays[..., 1])
    inside = (ix >= BOX[0]) & (ix <= BOX[1]) & (iy >= BOX[0]) & (iy <= BOX[1])
    surface_z = layout.to_scene(np.clip(ix, *BOX), np.clip(iy, *BOX), height(np.clip(ix, *BOX), np.clip(iy, *BOX)))[..., 2]
    near_point = np.linalg.norm(rays - starts[None], axis=-1) < 3 * tolerance
    blocked = inside & ~near_point & (surface_z > rays[..., 2] + tolerance)
    return blocked.any(axis=0)
