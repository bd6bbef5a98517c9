"""Tests for objective.py: landscapes, their minima, LaTeX and the hyperparameter map.

Every expected value comes from an independent source: a numpy transcription of
each published / specified formula written here, scipy.optimize run here,
closed forms, or the published Branin minima. Nothing is copied from objective.py.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from scipy import optimize

import objective
from objective import get_objective, to_hyperparameters, to_internal
from tests.references import REFERENCES, branin_ref, wells_ref

BOUNDS = [(-5.0, 5.0), (-5.0, 5.0)]


# Published Branin minima (Dixon & Szego 1978), in (u, v), value 0.397887.
BRANIN_MIN_VALUE = 0.397887
BRANIN_MINIMA_UV = [(-math.pi, 12.275), (math.pi, 2.275), (9.42478, 2.475)]


def uv_to_xy(u, v):
    return (u - 2.5) / 1.5, (v - 7.5) / 1.5


def random_points(seed, n=2000):
    rng = np.random.default_rng(seed)
    return rng.uniform(-5, 5, n), rng.uniform(-5, 5, n)


def local_minima_scipy(f, seed, n_starts=60):
    """Strict local minima of f in the box, found here with multi-start L-BFGS-B.

    A converged point is kept only if every point on a small ring around it is
    strictly higher (so optimiser stalls on flat plateaus are dropped).
    """
    rng = np.random.default_rng(seed)

    def fun(p):
        return float(f(*p))

    found = []
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    for start in rng.uniform(-5, 5, (n_starts, 2)):
        res = optimize.minimize(
            fun, start, method="L-BFGS-B", bounds=BOUNDS, options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000}
        )
        x, y = res.x
        ring = f(x + 1e-3 * np.cos(angles), y + 1e-3 * np.sin(angles))
        if np.min(ring) - f(x, y) <= 0:
            continue
        if all(math.hypot(x - a, y - b) > 1e-2 for a, b, _ in found):
            found.append((float(x), float(y), float(f(x, y))))
    return sorted(found, key=lambda m: m[2])


@pytest.fixture(scope="module")
def scipy_minima():
    return {name: local_minima_scipy(f, seed=20240601 + i) for i, (name, f) in enumerate(REFERENCES.items())}


# --- the functions themselves --------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_objective_matches_independent_transcription(name):
    obj = get_objective(name)
    xs, ys = random_points(seed={"wells": 1, "branin": 2, "lr_valley": 3}[name])
    np.testing.assert_allclose(obj(xs, ys), REFERENCES[name](xs, ys), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_objective_scalar_and_broadcast(name):
    obj = get_objective(name)
    ref = REFERENCES[name]
    # scalar in, 0-d out, same value
    assert float(obj(0.3, -1.7)) == pytest.approx(float(ref(0.3, -1.7)), rel=1e-12, abs=1e-12)
    # broadcasting a column against a row gives the full grid
    xs = np.linspace(-5, 5, 7)[:, None]
    ys = np.linspace(-5, 5, 5)[None, :]
    out = obj(xs, ys)
    assert out.shape == (7, 5)
    np.testing.assert_allclose(out, ref(xs, ys), rtol=1e-12, atol=1e-12)


def test_objective_at_box_corners_and_edges():
    # The transcription agreement must also hold exactly on the boundary.
    edge = np.linspace(-5, 5, 41)
    for name, ref in REFERENCES.items():
        obj = get_objective(name)
        for xs, ys in [
            (edge, np.full_like(edge, -5)),
            (edge, np.full_like(edge, 5)),
            (np.full_like(edge, -5), edge),
            (np.full_like(edge, 5), edge),
        ]:
            np.testing.assert_allclose(obj(xs, ys), ref(xs, ys), rtol=1e-12, atol=1e-12)


def test_at_hyperparameters_uses_the_map():
    rng = np.random.default_rng(11)
    lr = 10 ** rng.uniform(-6, -4, 200)
    decay = rng.uniform(0.6, 1.0, 200)
    x = 5 * np.log10(lr) + 25  # independent: affine in log10(lr), -6 -> -5, -4 -> 5
    y = 25 * decay - 20  # 0.6 -> -5, 1.0 -> 5
    for name, ref in REFERENCES.items():
        np.testing.assert_allclose(get_objective(name).at_hyperparameters(lr, decay), ref(x, y), rtol=1e-9, atol=1e-9)


# --- minima ------------------------------------------------------------------------


def test_branin_minima_match_published():
    obj = get_objective("branin")
    assert len(obj.minima) == 3
    expected = [uv_to_xy(u, v) for u, v in BRANIN_MINIMA_UV]
    for ex, ey in expected:
        # the published point really is a minimum of our transcription
        assert branin_ref(ex, ey) == pytest.approx(BRANIN_MIN_VALUE, abs=1e-5)
        close = [m for m in obj.minima if math.hypot(m.x - ex, m.y - ey) < 1e-4]
        assert len(close) == 1, f"published minimum at (x, y) = ({ex:.5f}, {ey:.5f}) not found in {obj.minima}"
        assert close[0].value == pytest.approx(BRANIN_MIN_VALUE, abs=1e-4)
    assert obj.global_minimum.value == pytest.approx(BRANIN_MIN_VALUE, abs=1e-4)


def test_wells_minima_near_closed_form_centres():
    obj = get_objective("wells")
    centres = [((0.0, 3.0), 1 - 14.5 / 4.5), ((-2.0, -2.0), 1 - 10 / 4.5), ((3.0, -1.0), 1 - 5 / 4.5)]
    assert len(obj.minima) == 3
    for m, ((cx, cy), closed_value) in zip(obj.minima, centres, strict=True):  # best first
        assert math.hypot(m.x - cx, m.y - cy) < 0.05
        # the value at the located minimum, from our own transcription
        assert m.value == pytest.approx(float(wells_ref(m.x, m.y)), abs=1e-10)
        # and the overlap of the wells shifts it only slightly from the closed form
        assert m.value == pytest.approx(closed_value, abs=1e-3)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_global_minimum_matches_differential_evolution(name):
    ref = REFERENCES[name]
    de = optimize.differential_evolution(lambda p: float(ref(*p)), BOUNDS, seed=12345, tol=1e-12, polish=True)
    obj = get_objective(name)
    assert obj.global_minimum.value == pytest.approx(de.fun, abs=1e-7)
    # The DE minimiser is one of the computed minima of (numerically) lowest value;
    # for Branin all three are equally deep, so any of them may be the one DE finds.
    lowest = [m for m in obj.minima if m.value - obj.global_minimum.value < 1e-9]
    assert any(math.hypot(m.x - de.x[0], m.y - de.x[1]) < 1e-4 for m in lowest), (de.x, obj.minima)
    # value is what our transcription gives at the computed point
    g = obj.global_minimum
    assert g.value == pytest.approx(float(ref(g.x, g.y)), abs=1e-12)


@pytest.mark.parametrize("name", ["wells", "branin", "lr_valley"])
def test_all_local_minima_match_multistart_scipy(name, scipy_minima):
    mine = scipy_minima[name]
    obj = get_objective(name)
    assert len(obj.minima) == len(mine), (obj.minima, mine)
    for x, y, value in mine:
        close = [m for m in obj.minima if math.hypot(m.x - x, m.y - y) < 1e-4]
        assert len(close) == 1, f"scipy minimum ({x}, {y}) not among {obj.minima}"
        assert close[0].value == pytest.approx(value, abs=1e-8)
    values = [m.value for m in obj.minima]
    assert values == sorted(values), "minima must be listed best first"


def test_minimum_hyperparameters_are_the_inverse_map():
    for name in REFERENCES:
        for m in get_objective(name).minima:
            lr, decay = m.hyperparameters
            assert math.log10(lr) == pytest.approx((m.x - 25) / 5, abs=1e-12)
            assert decay == pytest.approx((m.y + 20) / 25, abs=1e-12)


def test_deep_threshold_between_global_and_second_minimum_for_wells(scipy_minima):
    obj = get_objective("wells")
    (_, _, best), (_, _, second) = scipy_minima["wells"][:2]
    assert best < obj.deep_threshold < second
    # documented: halfway from the global minimum to the next-best one
    assert obj.deep_threshold == pytest.approx((best + second) / 2, abs=1e-7)


def test_deep_threshold_with_equal_minima_is_the_best_two_percent():
    # Branin: three equally deep minima, no next basin, so the documented rule is the loss
    # that the best 2 % of the search space beats (a quantile of the published function).
    obj = get_objective("branin")
    xs = (np.arange(2000) + 0.5) / 2000 * 10 - 5
    grid = branin_ref(*np.meshgrid(xs, xs))
    assert obj.deep_threshold == pytest.approx(np.quantile(grid, 0.02), abs=2e-3)
    assert BRANIN_MIN_VALUE < obj.deep_threshold
    high = branin_ref(*np.meshgrid(np.linspace(-5, 5, 401), np.linspace(-5, 5, 401))).max()
    assert obj.value_range[1] == pytest.approx(high, rel=1e-4)
    assert obj.value_range[1] >= high - 1e-9


# --- low effective dimension ------------------------------------------------------


def test_lr_valley_has_low_effective_dimension():
    xs = np.linspace(-5, 5, 401)
    X, Y = np.meshgrid(xs, xs, indexing="ij")  # axis 0: x, axis 1: y
    f = get_objective("lr_valley")(X, Y)
    explained_by_x = np.var(f.mean(axis=1)) / np.var(f)
    explained_by_y = np.var(f.mean(axis=0)) / np.var(f)
    assert explained_by_x > 0.95
    assert explained_by_y < 0.05


# --- the LaTeX cannot drift from the function --------------------------------------


def independent_sympy(name):
    x, y = sp.symbols("x y", real=True)
    if name == "wells":

        def e(a, b, w):
            return sp.exp(-((x - a) ** 2 + (y - b) ** 2) / w)

        return (
            x,
            y,
            1
            - (10 * e(-2, -2, 1) + sp.Rational(29, 2) * e(0, 3, 2) + 5 * e(3, -1, sp.Rational(3, 2)))
            / sp.Rational(9, 2),
        )
    if name == "lr_valley":
        return x, y, 1 - 2 * sp.exp(-2 * (x - sp.Rational(19, 10)) ** 2) + (y - 1) ** 2 / 250
    u, v = sp.Rational(3, 2) * x + sp.Rational(5, 2), sp.Rational(3, 2) * y + sp.Rational(15, 2)
    b, c, t = sp.Rational(51, 10) / (4 * sp.pi**2), 5 / sp.pi, 1 / (8 * sp.pi)
    return x, y, (v - b * u**2 + c * u - 6) ** 2 + 10 * (1 - t) * sp.cos(u) + 10


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_printed_terms_are_the_function(name):
    """The terms the LaTeX prints, with the printed coordinate map, equal the
    independently written formula, symbolically and numerically."""
    obj = get_objective(name)
    x, y, mine = independent_sympy(name)
    printed = sp.Add(*obj.terms).subs(obj.coordinates)
    # the code's x, y symbols are real=True too, so they are the same symbols
    assert printed.free_symbols <= {x, y}
    assert sp.simplify(sp.expand(printed - mine)) == 0
    # numerically too, against the numpy transcription
    f = sp.lambdify((x, y), printed, "numpy")
    xs, ys = random_points(seed=99, n=300)
    np.testing.assert_allclose(f(xs, ys), REFERENCES[name](xs, ys), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_latex_is_the_terms_in_order(name):
    """obj.latex is 'f(x, y) = ' and the signed terms, nothing else (a hand-edited formula
    would fail); tests/hpsearch/test_findings.py evaluates that LaTeX against the numpy references."""
    obj = get_objective(name)
    assert len(obj.latex_terms) == len(obj.terms)
    assert obj.latex == "f(x, y) = " + " ".join(obj.latex_terms)
    assert all(t.startswith(("+ ", "-")) for t in obj.latex_terms[1:])
    assert "e^{" not in obj.latex  # exp(...) inline: no fractions two levels up


def test_coordinates_latex():
    branin = get_objective("branin")
    # the coordinate map printed on screen is the published one: u = 1.5 x + 2.5, v = 1.5 y + 7.5
    x, y = sp.symbols("x y", real=True)
    maps = {str(k): v for k, v in branin.coordinates.items()}
    assert sp.simplify(maps["u"] - (sp.Rational(3, 2) * x + sp.Rational(5, 2))) == 0
    assert sp.simplify(maps["v"] - (sp.Rational(3, 2) * y + sp.Rational(15, 2))) == 0
    for var, expr in branin.coordinates.items():
        assert f"{sp.latex(var)} = {sp.latex(expr)}" in branin.coordinates_latex
    assert get_objective("wells").coordinates_latex == ""
    assert get_objective("lr_valley").coordinates_latex == ""


# --- the coordinate map ----------------------------------------------------------------


def test_endpoints_map_exactly():
    assert float(objective.LEARNING_RATE.to_internal(1e-6)) == -5.0
    assert float(objective.LEARNING_RATE.to_internal(1e-4)) == 5.0
    assert float(objective.LAYER_DECAY.to_internal(0.6)) == -5.0
    assert float(objective.LAYER_DECAY.to_internal(1.0)) == 5.0
    x, y = to_internal(1e-6, 1.0)
    assert (float(x), float(y)) == (-5.0, 5.0)
    x, y = to_internal(1e-4, 0.6)
    assert (float(x), float(y)) == (5.0, -5.0)


def test_inverse_endpoints():
    lr, decay = to_hyperparameters(-5.0, 5.0)
    assert float(lr) == pytest.approx(1e-6, rel=1e-14)
    assert float(decay) == pytest.approx(1.0, rel=1e-14)
    lr, decay = to_hyperparameters(5.0, -5.0)
    assert float(lr) == pytest.approx(1e-4, rel=1e-14)
    assert float(decay) == pytest.approx(0.6, rel=1e-14)


def test_lr_map_is_affine_in_log10():
    assert float(objective.LEARNING_RATE.to_internal(1e-5)) == pytest.approx(0.0, abs=1e-12)
    assert float(objective.LAYER_DECAY.to_internal(0.8)) == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(3)
    t = rng.uniform(-6, -4, 500)
    x = objective.LEARNING_RATE.to_internal(10.0**t)
    np.testing.assert_allclose(x, 5 * t + 25, rtol=0, atol=1e-9)
    # affine: equal steps in log10(lr) give equal steps in x
    steps = np.diff(objective.LEARNING_RATE.to_internal(np.logspace(-6, -4, 9)))
    np.testing.assert_allclose(steps, 10 / 8, rtol=1e-9)
    d = rng.uniform(0.6, 1.0, 500)
    np.testing.assert_allclose(objective.LAYER_DECAY.to_internal(d), 25 * d - 20, rtol=0, atol=1e-9)


def test_map_is_vectorised():
    rng = np.random.default_rng(5)
    lr = 10 ** rng.uniform(-6, -4, (3, 4))
    decay = rng.uniform(0.6, 1.0, (3, 4))
    x, y = to_internal(lr, decay)
    assert x.shape == y.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            xi, yi = to_internal(float(lr[i, j]), float(decay[i, j]))
            assert float(xi) == x[i, j] and float(yi) == y[i, j]
    lr2, decay2 = to_hyperparameters(x, y)
    assert lr2.shape == decay2.shape == (3, 4)
    np.testing.assert_allclose(lr2, lr, rtol=1e-12)
    np.testing.assert_allclose(decay2, decay, rtol=1e-12)


@hsettings(max_examples=200, deadline=None, database=None)
@given(st.floats(min_value=1e-6, max_value=1e-4), st.floats(min_value=0.6, max_value=1.0))
def test_round_trip_from_hyperparameters(lr, decay):
    x, y = to_internal(lr, decay)
    assert -5.0 - 1e-12 <= float(x) <= 5.0 + 1e-12
    assert -5.0 - 1e-12 <= float(y) <= 5.0 + 1e-12
    lr2, decay2 = to_hyperparameters(x, y)
    assert float(lr2) == pytest.approx(lr, rel=1e-12)
    assert float(decay2) == pytest.approx(decay, rel=1e-12, abs=1e-15)


@hsettings(max_examples=200, deadline=None, database=None)
@given(st.floats(min_value=-5.0, max_value=5.0), st.floats(min_value=-5.0, max_value=5.0))
def test_round_trip_from_internal(x, y):
    lr, decay = to_hyperparameters(x, y)
    assert 1e-6 * (1 - 1e-12) <= float(lr) <= 1e-4 * (1 + 1e-12)
    assert 0.6 - 1e-12 <= float(decay) <= 1.0 + 1e-12
    x2, y2 = to_internal(lr, decay)
    assert float(x2) == pytest.approx(x, abs=1e-9)
    assert float(y2) == pytest.approx(y, abs=1e-9)


# --- lookup --------------------------------------------------------------------------


def test_get_objective_known_names():
    for name in ("wells", "branin", "lr_valley"):
        assert get_objective(name).name == name


@pytest.mark.parametrize("bad", ["nope", "Wells", "", None, 3])
def test_get_objective_unknown_name(bad):
    with pytest.raises(ValueError) as err:
        get_objective(bad)
    message = str(err.value)
    assert repr(bad) in message
    for known in ("wells", "branin", "lr_valley"):
        assert known in message


def test_objectives_registry_is_what_get_objective_returns():
    # samplers.StudySpec and hpsearch.settings look objectives up in OBJECTIVES directly.
    assert sorted(objective.OBJECTIVES) == ["branin", "lr_valley", "wells"]
    for name, obj in objective.OBJECTIVES.items():
        assert obj.name == name and get_objective(name) is obj
