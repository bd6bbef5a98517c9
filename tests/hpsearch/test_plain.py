"""Tests for hpsearch/plain.py: dataclasses to JSON-ready plain data and back, read off their annotations.

The expected plain data is written out by hand for small dataclasses defined here.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np
import pytest

from hpsearch.plain import from_plain, to_plain


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Sample:
    name: str
    values: np.ndarray
    grid: np.ndarray
    numbers: tuple[int, ...]
    pair: tuple[str, float]
    where: Point
    points: tuple[Point, ...]
    maybe: Point | None
    weights: dict[str, float]
    by_name: dict[str, Point]
    count: int
    flag: bool
    note: str | None = None
    live: object = field(default=None, compare=False, metadata={"transient": True})
    kept: int = 7


class Live:
    """Stands for an object JSON cannot hold (an optuna estimator)."""


def sample(**changes) -> Sample:
    base = Sample(
        name="s",
        values=np.array([0.5, 1.5]),
        grid=np.array([[1.0, 2.0], [3.0, 4.0]]),
        numbers=(1, 2, 3),
        pair=("a", 0.25),
        where=Point(1.0, -2.0),
        points=(Point(0.0, 1.0), Point(2.0, 3.0)),
        maybe=Point(5.0, 6.0),
        weights={"a": 0.25, "b": 0.75},
        by_name={"p": Point(7.0, 8.0)},
        count=4,
        flag=True,
        note="hello",
        live=Live(),
        kept=9,
    )
    return dataclasses.replace(base, **changes)


SAMPLE_PLAIN = {
    "name": "s",
    "values": [0.5, 1.5],
    "grid": [[1.0, 2.0], [3.0, 4.0]],
    "numbers": [1, 2, 3],
    "pair": ["a", 0.25],
    "where": {"x": 1.0, "y": -2.0},
    "points": [{"x": 0.0, "y": 1.0}, {"x": 2.0, "y": 3.0}],
    "maybe": {"x": 5.0, "y": 6.0},
    "weights": {"a": 0.25, "b": 0.75},
    "by_name": {"p": {"x": 7.0, "y": 8.0}},
    "count": 4,
    "flag": True,
    "note": "hello",
    "kept": 9,
}


def assert_same_sample(a: Sample, b: Sample) -> None:
    """Field by field (a dataclass holding arrays cannot be compared with ==)."""
    for f in dataclasses.fields(Sample):
        if f.name in ("values", "grid"):
            np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name))
        elif f.name != "live":
            assert getattr(a, f.name) == getattr(b, f.name), f.name


def test_to_plain_is_lists_dicts_and_numbers():
    data = to_plain(sample())
    assert data == SAMPLE_PLAIN
    assert type(data["values"]) is list and type(data["numbers"]) is list and type(data["pair"]) is list
    assert "live" not in data  # the transient field is left out


def test_round_trip_rebuilds_every_field_as_annotated():
    original = sample()
    back = from_plain(Sample, to_plain(original))
    assert_same_sample(back, original)
    assert isinstance(back.values, np.ndarray) and back.values.dtype == float
    assert isinstance(back.grid, np.ndarray) and back.grid.shape == (2, 2)
    assert back.numbers == (1, 2, 3) and all(type(n) is int for n in back.numbers)
    assert back.pair == ("a", 0.25)
    assert type(back.where) is Point and back.where == Point(1.0, -2.0)
    assert back.points == (Point(0.0, 1.0), Point(2.0, 3.0))
    assert type(back.maybe) is Point
    assert back.by_name == {"p": Point(7.0, 8.0)} and type(back.by_name["p"]) is Point
    assert back.live is None  # a transient field comes back as its default


def test_optional_fields_round_trip_when_none():
    original = sample(maybe=None, note=None)
    data = to_plain(original)
    assert data["maybe"] is None and data["note"] is None
    back = from_plain(Sample, data)
    assert back.maybe is None and back.note is None
    assert_same_sample(back, original)


def test_json_of_plain_data_loads_back_equal():
    data = to_plain(sample())
    loaded = json.loads(json.dumps(data))
    assert loaded == data
    assert_same_sample(from_plain(Sample, loaded), sample())
    assert to_plain(from_plain(Sample, loaded)) == data


def test_numpy_values_become_python_ones():
    data = to_plain(
        sample(
            count=np.int64(4),
            flag=np.bool_(True),
            pair=("a", np.float64(0.25)),
            numbers=(np.int64(1), np.int32(2), 3),
            weights={"a": np.float32(0.25)},
        )
    )
    assert type(data["count"]) is int and type(data["flag"]) is bool and type(data["pair"][1]) is float
    assert [type(n) for n in data["numbers"]] == [int, int, int]
    assert type(data["weights"]["a"]) is float
    json.dumps(data)
    assert to_plain(np.arange(3)) == [0, 1, 2] and to_plain((1, (2, 3))) == [1, [2, 3]]


def test_values_are_converted_to_their_annotation():
    data = dict(
        SAMPLE_PLAIN, values=[1, 2], numbers=[1.0, 2.0], pair=["a", 1], weights={"a": 1}, where={"x": 1, "y": 2}
    )
    back = from_plain(Sample, data)
    assert back.values.dtype == float and back.values.tolist() == [1.0, 2.0]
    assert back.numbers == (1, 2) and all(type(n) is int for n in back.numbers)
    assert type(back.pair[1]) is float and type(back.weights["a"]) is float
    assert type(back.where.x) is float


def test_missing_fields_take_their_defaults_and_unknown_keys_are_ignored():
    data = {k: v for k, v in SAMPLE_PLAIN.items() if k not in ("note", "kept")}
    back = from_plain(Sample, dict(data, unknown="ignored"))
    assert back.note is None and back.kept == 7
    with pytest.raises(TypeError):
        from_plain(Sample, {k: v for k, v in SAMPLE_PLAIN.items() if k != "count"})  # no default


@dataclass(frozen=True)
class WithExtras:
    a: int
    points: tuple[Point, ...] = ()

    def plain_extras(self) -> dict:
        return {"double": np.int64(2 * self.a), "n_points": len(self.points)}


def test_plain_extras_are_written_and_ignored_on_the_way_back():
    original = WithExtras(3, (Point(1.0, 2.0),))
    data = to_plain(original)
    assert data == {"a": 3, "points": [{"x": 1.0, "y": 2.0}], "double": 6, "n_points": 1}
    assert type(data["double"]) is int
    assert from_plain(WithExtras, json.loads(json.dumps(data))) == original


def test_a_class_is_not_serialised_as_an_instance():
    assert to_plain(Point) is Point


@dataclass(frozen=True)
class Keyed:
    by_budget: dict[int, tuple[float, bool]]
    names: list[Point]
    count: int


def test_int_keys_lists_and_whole_numbers_come_back_as_annotated():
    original = Keyed({16: (-0.5, True), 36: (0.25, False)}, [Point(1.0, 2.0)], 3)
    back = from_plain(Keyed, json.loads(json.dumps(to_plain(original))))
    assert back == original
    assert list(back.by_budget) == [16, 36] and isinstance(back.names[0], Point)
    with pytest.raises(ValueError, match="2.5 is not a whole number"):
        from_plain(Keyed, {"by_budget": {}, "names": [], "count": 2.5})
