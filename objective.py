"""The objective landscapes and the hyperparameter map: plain Python, no Manim.

Two real hyperparameters (learning rate on a log scale, layer-wise LR decay)
are mapped affinely onto an internal square (x, y) in [-5, 5]^2, where every
landscape lives. Each objective is one sympy definition: the vectorised
function, its gradient and the on-screen LaTeX are all built from it, so the
formula a viewer reads cannot drift from the function the samplers minimise.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy as sp
from scipy import optimize
from sympy.printing.latex import LatexPrinter

BOX = (-5.0, 5.0)
"""Internal coordinates span this interval on both axes."""

DEEP_SHARE = 0.02
"""The deep well covers at most this share of the search space (see Objective.deep_threshold)."""


@dataclass(frozen=True)
class HyperParameter:
    """One searched hyperparameter and its affine map onto the internal box."""

    name: str  # the name Optuna's suggest_float uses
    label: str  # plain-text label for axes
    symbol: str  # LaTeX symbol
    low: float
    high: float
    log: bool

    def _scale(self, value: npt.ArrayLike) -> np.ndarray:
        value = np.asarray(value, dtype=float)
        return np.log10(value) if self.log else value

    def to_internal(self, value: npt.ArrayLike) -> np.ndarray:
        """Real units -> internal coordinate in BOX (vectorised)."""
        lo, hi = self._scale(self.low), self._scale(self.high)
        return BOX[0] + (BOX[1] - BOX[0]) * (self._scale(value) - lo) / (hi - lo)

    def from_internal(self, coord: npt.ArrayLike) -> np.ndarray:
        """Internal coordinate -> real units (vectorised)."""
        lo, hi = self._scale(self.low), self._scale(self.high)
        scaled = lo + (hi - lo) * (np.asarray(coord, dtype=float) - BOX[0]) / (BOX[1] - BOX[0])
        return 10.0**scaled if self.log else scaled


LEARNING_RATE = HyperParameter("lr", "learning rate", r"\eta", 1e-6, 1e-4, log=True)
LAYER_DECAY = HyperParameter("decay", "layer-wise LR decay", r"\rho", 0.6, 1.0, log=False)
SEARCH_SPACE = (LEARNING_RATE, LAYER_DECAY)


def to_internal(lr: npt.ArrayLike, decay: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """(lr, decay) in real units -> (x, y) in the internal box."""
    return LEARNING_RATE.to_internal(lr), LAYER_DECAY.to_internal(decay)


def to_hyperparameters(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) in the internal box -> (lr, decay) in real units."""
    return LEARNING_RATE.from_internal(x), LAYER_DECAY.from_internal(y)


X, Y = sp.symbols("x y", real=True)


@dataclass(frozen=True)
class Minimum:
    x: float
    y: float
    value: float

    @property
    def hyperparameters(self) -> tuple[float, float]:
        lr, decay = to_hyperparameters(self.x, self.y)
        return float(lr), float(decay)


@dataclass(frozen=True)
class Objective:
    """A loss landscape on the internal box, defined once as sympy terms.

    The function is the sum of `terms`; the LaTeX prints them in the order
    given. `coordinates` optionally maps the terms' own variables (a standard
    test function's u, v) onto x, y.
    """

    name: str
    summary: str
    terms: tuple[sp.Expr, ...]
    coordinates: dict = field(default_factory=dict)

    @cached_property
    def expression(self) -> sp.Expr:
        return sp.Add(*self.terms).subs(self.coordinates)

    @cached_property
    def _function(self) -> Callable[..., Any]:
        return sp.lambdify((X, Y), self.expression, "numpy")

    @cached_property
    def _gradient(self) -> Callable[..., Any]:
        grad = [sp.diff(self.expression, v) for v in (X, Y)]
        return sp.lambdify((X, Y), grad, "numpy")

    def __call__(self, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
        """Loss at internal coordinates (vectorised; broadcasts x and y)."""
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(self._function(x, y), dtype=float) + np.zeros_like(x)

    def at_hyperparameters(self, lr: npt.ArrayLike, decay: npt.ArrayLike) -> np.ndarray:
        """Loss at real hyperparameter values."""
        return self(*to_internal(lr, decay))

    @cached_property
    def latex_terms(self) -> tuple[str, ...]:
        """Each term as LaTeX, signed ('+ ...' or '- ...' after the first), so lines can break between terms."""
        printer = _InlineExpPrinter(dict(long_frac_ratio=3))
        parts = []
        for i, term in enumerate(self.terms):
            text = printer.doprint(term)
            if i and not text.startswith("-"):
                text = "+ " + text
            parts.append(text)
        return tuple(parts)

    @cached_property
    def latex(self) -> str:
        """The formula as one LaTeX string: f(x, y) = term + term ..."""
        return "f(x, y) = " + " ".join(self.latex_terms)

    @cached_property
    def coordinates_latex(self) -> str:
        """How the terms' own variables relate to x, y ('' when they are x, y)."""
        return ",\\quad ".join(f"{sp.latex(var)} = {sp.latex(expr)}" for var, expr in self.coordinates.items())

    @cached_property
    def minima(self) -> tuple[Minimum, ...]:
        """Local minima in the box, best first, found by multi-start L-BFGS-B."""
        return _find_minima(self)

    @property
    def global_minimum(self) -> Minimum:
        return self.minima[0]

    @cached_property
    def value_range(self) -> tuple[float, float]:
        """(min, max) of the loss over the box (max from a dense grid and polish)."""
        xs = np.linspace(*BOX, 201)
        grid = self(*np.meshgrid(xs, xs))
        i, j = np.unravel_index(np.argmax(grid), grid.shape)
        best = optimize.minimize(
            lambda p: -self(*p),
            x0=[xs[j], xs[i]],
            jac=lambda p: -np.asarray(self._gradient(*p), float),
            bounds=[BOX, BOX],
            method="L-BFGS-B",
        )
        return self.global_minimum.value, float(max(grid.max(), -best.fun))

    @cached_property
    def _loss_sample(self) -> np.ndarray:
        """The loss at the centres of a 1000 x 1000 grid of equal cells over the box, sorted.

        Equal cells of the box are equal shares of the search space as random search samples
        it (log learning rate x decay, both uniform), so a quantile of this is a share of it.
        """
        side = 1000
        centres = BOX[0] + (np.arange(side) + 0.5) * (BOX[1] - BOX[0]) / side
        return np.sort(self(*np.meshgrid(centres, centres)).ravel())

    def space_share(self, level: float) -> float:
        """The share of the search space whose loss is below `level`."""
        return float(np.searchsorted(self._loss_sample, level) / self._loss_sample.size)

    @cached_property
    def deep_threshold(self) -> float:
        """A trial 'reaches the deep well' when its loss is below this.

        Halfway from the global minimum to the next-best distinct local minimum, so that no
        other basin gets that low; but never above the loss of the best DEEP_SHARE of the
        search space: a target that much of the space reaches says nothing (Branin's three
        minima are equal, so it has no next basin, and 5 % of its range covered 24 % of it).
        """
        lowest = self.minima[0].value
        low, high = self.value_range
        others = [m.value for m in self.minima[1:] if m.value - lowest > 1e-6 * (high - low)]
        quantile = float(np.quantile(self._loss_sample, DEEP_SHARE))
        if others:
            return min(lowest + 0.5 * (min(others) - lowest), quantile)
        return quantile

    @cached_property
    def deep_share(self) -> float:
        """The share of the search space inside the deep well (below deep_threshold)."""
        return self.space_share(self.deep_threshold)


class _InlineExpPrinter(LatexPrinter):
    """sympy's LaTeX with exp(...) inline: fractions in an exponent would print at half size."""

    def _print_ExpBase(self, expr: sp.Expr, exp: str | None = None) -> str:
        tex = rf"\exp\left({self._print(expr.args[0])}\right)"
        return self._do_exponent(tex, exp)


def _find_minima(objective: Objective, starts_per_axis: int = 15) -> tuple[Minimum, ...]:
    """Polish a grid of starts with L-BFGS-B, keep strict local minima, dedupe."""

    def fun(p: np.ndarray) -> float:
        return float(objective(*p))

    def jac(p: np.ndarray) -> np.ndarray:
        return np.asarray(objective._gradient(*p), float)

    starts = np.linspace(*BOX, starts_per_axis)
    found: list[Minimum] = []
    for sx in starts:
        for sy in starts:
            res = optimize.minimize(
                fun,
                [sx, sy],
                jac=jac,
                bounds=[BOX, BOX],
                method="L-BFGS-B",
                options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 2000},
            )
            x, y = res.x
            if not _is_strict_local_minimum(objective, x, y):
                continue  # a flat plateau where the optimiser stalled
            if all(np.hypot(m.x - x, m.y - y) > 1e-3 for m in found):
                found.append(Minimum(float(x), float(y), float(res.fun)))
    return tuple(sorted(found, key=lambda m: m.value))


def _is_strict_local_minimum(objective: Objective, x: float, y: float, radius: float = 0.05) -> bool:
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring_x = np.clip(x + radius * np.cos(angles), *BOX)
    ring_y = np.clip(y + radius * np.sin(angles), *BOX)
    return bool(np.min(objective(ring_x, ring_y)) - objective(x, y) > 1e-6)


def _gaussian_well(depth: float, cx: float, cy: float, width: float) -> sp.Expr:
    """depth * exp(-((x-cx)^2 + (y-cy)^2) / width): a well (negative depth) or a bump."""
    r = sp.nsimplify
    return r(depth) * sp.exp(-((X - r(cx)) ** 2 + (Y - r(cy)) ** 2) / r(width))


# The seed video's landscape as it really renders (widths inside the exponent),
# divided by 4.5 = 2.0 + 1.5 + 1.0 as it does.
WELLS = Objective(
    name="wells",
    summary="three Gaussian wells of different depths",
    terms=(
        sp.Integer(1),
        _gaussian_well(-10 / 4.5, -2, -2, 1.0),
        _gaussian_well(-14.5 / 4.5, 0, 3, 2.0),
        _gaussian_well(-5 / 4.5, 3, -1, 1.5),
    ),
)

# Low effective dimension (Bergstra & Bengio 2012): a narrow valley in the
# learning rate, while the decay barely matters.
LR_VALLEY = Objective(
    name="lr_valley",
    summary="a narrow valley in learning rate; decay barely matters",
    terms=(
        sp.Integer(1),
        -2 * sp.exp(-((X - sp.Rational(19, 10)) ** 2) / sp.Rational(1, 2)),
        (Y - 1) ** 2 / 250,
    ),
)

# Branin-Hoo (Dixon & Szego 1978) on its usual domain u in [-5, 10], v in [0, 15].
_U, _V = sp.symbols("u v", real=True)
BRANIN = Objective(
    name="branin",
    summary="the Branin test function: three global minima of equal depth",
    terms=(
        (_V - sp.Rational(51, 10) / (4 * sp.pi**2) * _U**2 + 5 / sp.pi * _U - 6) ** 2,
        10 * (1 - 1 / (8 * sp.pi)) * sp.cos(_U),
        sp.Integer(10),
    ),
    coordinates={_U: sp.Rational(3, 2) * X + sp.Rational(5, 2), _V: sp.Rational(3, 2) * Y + sp.Rational(15, 2)},
)

OBJECTIVES = {o.name: o for o in (WELLS, LR_VALLEY, BRANIN)}


def get_objective(name: str) -> Objective:
    """The objective called `name`; a ValueError names the known ones otherwise."""
    try:
        return OBJECTIVES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown objective {name!r}; choose one of: {', '.join(OBJECTIVES)}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print each objective's formula and computed minima.")
    parser.add_argument("names", nargs="*", default=list(OBJECTIVES), metavar="OBJECTIVE")
    args = parser.parse_args(argv)
    for name in args.names:
        try:
            obj = get_objective(name)
        except ValueError as err:
            parser.error(str(err))
        print(f"{obj.name}: {obj.summary}\n  {obj.latex}")
        if obj.coordinates:
            print(f"  {obj.coordinates_latex}")
        low, high = obj.value_range
        deep = f"deep-well threshold {obj.deep_threshold:.4f} ({obj.deep_share:.1%} of the space)"
        print(f"  range [{low:.4f}, {high:.4f}], {deep}")
        for m in obj.minima:
            lr, decay = m.hyperparameters
            print(f"  min {m.value:+.4f} at x={m.x:+.4f} y={m.y:+.4f} (lr={lr:.3g}, decay={decay:.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
