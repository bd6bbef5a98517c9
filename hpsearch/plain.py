"""Dataclasses to JSON-ready plain data and back, read off their type annotations.

One serialiser for every cached result (a run, TPE's recorded steps, the
chosen moments): arrays become lists, tuples lists, nested dataclasses dicts;
on the way back each field is rebuilt as its annotation says (`np.ndarray` as
a float array, `tuple[int, ...]` as a tuple of ints, `dict[int, X]` with int
keys again, a nested dataclass from its dict). A field with `metadata={"transient": True}` (live objects that
cannot be stored) is left out. A class may add derived values for readers of
the JSON with `plain_extras()`; they are ignored on the way back.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def to_plain(obj: Any) -> Any:
    """JSON-ready lists, dicts, numbers and strings."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = {
            f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj) if not f.metadata.get("transient")
        }
        extras = getattr(obj, "plain_extras", None)
        return data | to_plain(extras()) if extras else data
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    return obj


def from_plain(cls: type[T], data: dict) -> T:
    """An instance of the dataclass `cls` from what to_plain made of one."""
    hints = typing.get_type_hints(cls)
    values = {
        f.name: _convert(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]  # T is any dataclass: no bound says so
        if f.name in data
    }
    return cls(**values)


def _convert(hint: Any, value: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):  # X | None
        return _convert(next(a for a in args if a is not type(None)), value)
    if hint is np.ndarray:
        return np.asarray(value, dtype=float)
    if dataclasses.is_dataclass(hint):
        return from_plain(hint, value)  # type: ignore[arg-type]  # is_dataclass narrows to class-or-instance
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value, strict=True)) if args else tuple(value)
    if origin is list and args:
        return [_convert(args[0], v) for v in value]
    if origin is dict and args:  # JSON keys are strings: give them their annotated type back
        return {_convert(args[0], k): _convert(args[1], v) for k, v in value.items()}
    if hint is int:
        if float(value) != int(value):
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    if hint in (float, str, bool):
        return hint(value)
    return value
